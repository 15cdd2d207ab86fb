import {
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutReplicationConfigurationCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { toErrorInfo } from '../errors';
import { applyPostureChange } from '../posture/apply';
import type { BlockedReplicationChange, ChangeOutcome, EnforceMode, SettingChange } from './types';

/** The error code recorded for a replication change that ECR's limits block (no call is made for it). */
export const REPLICATION_LIMIT_EXCEEDED = 'ReplicationLimitExceeded';

/** Options of {@link applyChanges}. */
export interface ApplyOptions {
  mode: EnforceMode;
  /**
   * The target's opt-out, asked once just before its first write (and in a dry-run, so the plan tells
   * which changes the tag would stop). Not asked when there is nothing to change.
   */
  isSkipped?: () => Promise<boolean>;
}

/** The write call of a change ECR can be asked to make. */
async function write(ecr: ECRClient, change: Exclude<SettingChange, BlockedReplicationChange>): Promise<void> {
  switch (change.kind) {
    case 'set-tag-mutability':
      await ecr.send(
        new PutImageTagMutabilityCommand({
          repositoryName: change.repositoryName,
          imageTagMutability: change.to.mode,
          ...(change.to.exclusions.length > 0
            ? { imageTagMutabilityExclusionFilters: change.to.exclusions.map((filter) => ({ filter, filterType: 'WILDCARD' })) }
            : {}),
        }),
      );
      return;
    case 'set-scan-on-push':
      await ecr.send(
        new PutImageScanningConfigurationCommand({
          repositoryName: change.repositoryName,
          imageScanningConfiguration: { scanOnPush: change.to },
        }),
      );
      return;
    case 'put-replication-configuration':
      await ecr.send(new PutReplicationConfigurationCommand({ replicationConfiguration: { rules: change.to } }));
      return;
    case 'set-repository-policy':
    case 'delete-repository-policy':
    case 'put-lifecycle-policy':
      // Each re-reads what it was planned from first (see applyPostureChange).
      await applyPostureChange({ ecr }, change);
      return;
  }
}

/**
 * Makes the changes of one target (a repository, or the registry), one write call per change, in order.
 * A failed call is recorded with its error code and the next change still runs: nothing throws for a
 * change. In `dry-run` mode nothing is written and each change is `skipped` with reason `dry-run`. A
 * replication change blocked by ECR's limits is `failed` in either mode, without a call.
 *
 * @example
 * const outcomes = await applyChanges({ ecr }, changes, { mode: 'apply', isSkipped: () => repo.isSkipped() });
 */
export async function applyChanges(
  deps: { ecr: ECRClient },
  changes: readonly SettingChange[],
  options: ApplyOptions,
): Promise<ChangeOutcome[]> {
  if (changes.length === 0) return [];
  if (options.isSkipped) {
    let skipped: boolean;
    try {
      skipped = await options.isSkipped();
    } catch (err) {
      // Without the tag's answer no write is safe: every change of the target fails with the lookup's error.
      const error = toErrorInfo(err);
      return changes.map((change) => ({ status: 'failed', change, error }));
    }
    if (skipped) return changes.map((change) => ({ status: 'skipped', change, skipReason: 'skip-tag' }));
  }
  const outcomes: ChangeOutcome[] = [];
  for (const change of changes) {
    if (change.kind === 'replication-over-limit') {
      outcomes.push({ status: 'failed', change, error: { code: REPLICATION_LIMIT_EXCEEDED, message: change.problems.join('; ') } });
    } else if (options.mode === 'dry-run') {
      outcomes.push({ status: 'skipped', change, skipReason: 'dry-run' });
    } else {
      try {
        await write(deps.ecr, change);
        outcomes.push({ status: 'applied', change });
      } catch (err) {
        outcomes.push({ status: 'failed', change, error: toErrorInfo(err) });
      }
    }
  }
  return outcomes;
}
