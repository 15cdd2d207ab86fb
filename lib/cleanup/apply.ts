import { BatchDeleteImageCommand, type BatchDeleteImageCommandOutput, type ECRClient, type ImageDetail } from '@aws-sdk/client-ecr';
import { isPast, type Deadline } from '../deadline';
import { toErrorInfo } from '../errors';
import { MAX_BATCH_DELETE_IMAGE } from '../limits';
import { describeImagesByDigest } from '../walker';
import { expiredKeepReason, ownKeepReason } from './plan';
import type { ApplyResult, CleanupRules, DeleteDecision, RepositoryCleanupPlan } from './types';

/** What {@link applyCleanupPlan} needs. */
export interface ApplyDeps {
  ecr: ECRClient;
  now?: () => Date;
}

/** Options of {@link applyCleanupPlan}. */
export interface ApplyOptions {
  /** The rules the plan was made with; the re-check applies them again to fresh facts. */
  rules: CleanupRules;
  /** No new batch starts once it passes; what is left is counted as not attempted. */
  deadline?: Deadline;
}

/** ECR's failure code for a child still listed by an index: the image stays, and is reported. */
const REFERENCED_BY_INDEX = 'ImageReferencedByManifestList';
const NOT_FOUND = 'ImageNotFound';

function emptyResult(): ApplyResult {
  return { deleted: { count: 0, bytes: 0 }, alreadyGone: 0, dropped: [], referenced: [], failures: [], notAttempted: 0, complete: true };
}

/**
 * Re-reads the candidates (DescribeImages by id) and keeps back any image that is now tagged, archived or
 * pulled recently (an image a retention rule expired: whose tags changed, or pulled since the plan), with everything that image refers to (an index that gained a tag keeps its children).
 * Returns the decisions still to delete, in the plan's order.
 */
function recheck(plan: RepositoryCleanupPlan, fresh: ReadonlyMap<string, ImageDetail>, missing: ReadonlySet<string>, rules: CleanupRules, now: Date, result: ApplyResult): DeleteDecision[] {
  const kept = new Set<string>();
  const go: DeleteDecision[] = [];
  for (const decision of plan.delete) {
    const digest = decision.image.digest;
    const current = fresh.get(digest);
    if (missing.has(digest) || !current) {
      result.alreadyGone++;
      continue;
    }
    const own = decision.reason === 'expired' ? expiredKeepReason(current, decision.image) : ownKeepReason(current, rules, now);
    const reason = own ?? (decision.after.some((p) => kept.has(p)) ? 'parent-kept' : undefined);
    if (reason) {
      kept.add(digest);
      result.dropped.push({ digest, reason });
      continue;
    }
    go.push(decision);
  }
  return go;
}

/** Sorts one BatchDeleteImage answer into the result; returns the digests that were not deleted. */
function readDeleteAnswer(batch: readonly DeleteDecision[], out: BatchDeleteImageCommandOutput, result: ApplyResult): string[] {
  const failures = new Map((out.failures ?? []).filter((f) => f.imageId?.imageDigest).map((f) => [f.imageId!.imageDigest!, f]));
  const unnamed = (out.failures ?? []).filter((f) => !f.imageId?.imageDigest);
  const listed = new Set((out.imageIds ?? []).map((id) => id.imageDigest));
  const notDeleted: string[] = [];
  for (const decision of batch) {
    const digest = decision.image.digest;
    const failure = failures.get(digest);
    if (!failure && (listed.has(digest) || unnamed.length === 0)) {
      // Not every endpoint lists deleted untagged images in imageIds (moto does not); no failure means deleted.
      result.deleted.count++;
      result.deleted.bytes += decision.image.sizeBytes;
    } else if (failure?.failureCode === NOT_FOUND) {
      result.alreadyGone++;
    } else if (failure?.failureCode === REFERENCED_BY_INDEX) {
      result.referenced.push(digest);
      notDeleted.push(digest);
    } else {
      const code = failure?.failureCode ?? unnamed[0]?.failureCode ?? 'Unknown';
      const message = failure?.failureReason ?? unnamed[0]?.failureReason ?? 'BatchDeleteImage reported a failure without naming the image';
      result.failures.push({ digest, code, message });
      notDeleted.push(digest);
    }
  }
  return notDeleted;
}

/**
 * Applies one repository's plan: re-checks every candidate just before deleting (DescribeImages by id,
 * 100 a call), drops those that gained a tag (and what they refer to), then deletes with BatchDeleteImage,
 * 100 ids a call, parents before children. Each answer's `failures` is read: ImageNotFound counts as already
 * gone, ImageReferencedByManifestList as kept and reported, anything else as a failure; an image whose
 * index or subject was not deleted is not deleted either. A call that fails as a whole stops this
 * repository and is returned in `error`, never thrown.
 *
 * Calls: ⌈candidates/100⌉ DescribeImages + ⌈deletes/100⌉ BatchDeleteImage.
 *
 * @example
 * const applied = await applyCleanupPlan({ ecr }, plan, { rules: policy.cleanup, deadline });
 * console.log(`${applied.deleted.count} images deleted, ${applied.failures.length} failed`);
 */
export async function applyCleanupPlan(deps: ApplyDeps, plan: RepositoryCleanupPlan, options: ApplyOptions): Promise<ApplyResult> {
  const result = emptyResult();
  if (plan.delete.length === 0) return result;
  const registry = plan.registryId ? { registryId: plan.registryId } : {};
  const now = (deps.now ?? (() => new Date()))();

  let queue: DeleteDecision[];
  try {
    const { found, missing } = await describeImagesByDigest(deps.ecr, plan.repositoryName, plan.delete.map((d) => d.image.digest), registry);
    const fresh = new Map(found.map((image) => [image.imageDigest ?? '', image]));
    queue = recheck(plan, fresh, new Set(missing), options.rules, now, result);
  } catch (err) {
    return { ...result, notAttempted: plan.delete.length, complete: false, error: toErrorInfo(err) };
  }

  const notDeleted = new Set<string>();
  let next = 0;
  while (next < queue.length) {
    if (isPast(options.deadline)) {
      result.notAttempted = queue.length - next;
      result.complete = false;
      break;
    }
    const batch: DeleteDecision[] = [];
    while (next < queue.length && batch.length < MAX_BATCH_DELETE_IMAGE) {
      const decision = queue[next++]!;
      if (decision.after.some((parent) => notDeleted.has(parent))) {
        notDeleted.add(decision.image.digest);
        result.dropped.push({ digest: decision.image.digest, reason: 'parent-not-deleted' });
      } else {
        batch.push(decision);
      }
    }
    if (batch.length === 0) continue;
    let out: BatchDeleteImageCommandOutput;
    try {
      out = await deps.ecr.send(
        new BatchDeleteImageCommand({ repositoryName: plan.repositoryName, ...registry, imageIds: batch.map((d) => ({ imageDigest: d.image.digest })) }),
      );
    } catch (err) {
      result.notAttempted = batch.length + (queue.length - next);
      result.complete = false;
      result.error = toErrorInfo(err);
      break;
    }
    for (const digest of readDeleteAnswer(batch, out, result)) notDeleted.add(digest);
  }
  return result;
}
