import { UpdateImageStorageClassCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { ImageTally } from '../registry';
import type { DeleteFailure, DroppedImage, RepositoryCleanupPlan } from '../cleanup/types';
import { expiredKeepReason } from '../cleanup/plan';
import { isPast, type Deadline } from '../deadline';
import { isAwsError, toErrorInfo, type ErrorInfo } from '../errors';
import { describeImagesByDigest } from '../walker';

/** What archiving one repository's plan did. */
export interface ArchiveResult {
  archived: ImageTally;
  /** Images gone before the re-check or at archive time. */
  alreadyGone: number;
  /** Images the re-check took out (tags changed, no longer active, pulled since the plan). */
  dropped: DroppedImage[];
  /** UpdateImageStorageClass failures (after the SDK's retries). */
  failures: DeleteFailure[];
  /** Images not attempted because the deadline passed or the re-check failed. */
  notAttempted: number;
  complete: boolean;
  /** The re-check failed as a whole: nothing was archived. */
  error?: ErrorInfo;
}

/**
 * Archives what a plan's retention rules expire with `action: archive`: re-checks every candidate just before
 * (DescribeImages by id, 100 a call; an image whose tags changed, that is no longer active or that was pulled
 * since the plan stays), then moves each to the ARCHIVE storage class with UpdateImageStorageClass, one call
 * an image (ECR has no batch form). An archived image can be restored (`STANDARD`) within ECR's rules; it is
 * billed at least 90 days. A failure is recorded per image and the rest go on; nothing is thrown.
 *
 * Calls: ⌈candidates/100⌉ DescribeImages + one UpdateImageStorageClass per image archived.
 *
 * @example
 * const archived = await applyArchivePlan({ ecr }, plan, { deadline });
 */
export async function applyArchivePlan(deps: { ecr: ECRClient }, plan: RepositoryCleanupPlan, options: { deadline?: Deadline } = {}): Promise<ArchiveResult> {
  const result: ArchiveResult = { archived: { count: 0, bytes: 0 }, alreadyGone: 0, dropped: [], failures: [], notAttempted: 0, complete: true };
  if (plan.archive.length === 0) return result;
  const registry = plan.registryId ? { registryId: plan.registryId } : {};
  let fresh: Map<string, NonNullable<Awaited<ReturnType<typeof describeImagesByDigest>>['found'][number]>>;
  try {
    const { found } = await describeImagesByDigest(deps.ecr, plan.repositoryName, plan.archive.map((a) => a.image.digest), registry);
    fresh = new Map(found.map((image) => [image.imageDigest ?? '', image]));
  } catch (err) {
    return { ...result, notAttempted: plan.archive.length, complete: false, error: toErrorInfo(err) };
  }
  for (const [i, decision] of plan.archive.entries()) {
    if (isPast(options.deadline)) {
      result.notAttempted = plan.archive.length - i;
      result.complete = false;
      break;
    }
    const digest = decision.image.digest;
    const current = fresh.get(digest);
    if (!current) {
      result.alreadyGone++;
      continue;
    }
    const reason = expiredKeepReason(current, decision.image);
    if (reason) {
      result.dropped.push({ digest, reason });
      continue;
    }
    try {
      await deps.ecr.send(new UpdateImageStorageClassCommand({ repositoryName: plan.repositoryName, ...registry, imageId: { imageDigest: digest }, targetStorageClass: 'ARCHIVE' }));
      result.archived.count++;
      result.archived.bytes += decision.image.sizeBytes;
    } catch (err) {
      if (isAwsError(err, 'ImageNotFoundException')) result.alreadyGone++;
      else result.failures.push({ digest, ...toErrorInfo(err) });
    }
  }
  return result;
}
