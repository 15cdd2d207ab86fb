import { StartImageScanCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { failFastOn } from '../aws/fail-fast';
import { isAwsError, toErrorInfo } from '../errors';
import { mapBoundedArray } from '../walker';
import type { RescanItem, RescanOutcome, RescanPlan } from './types';

/** StartImageScan calls in flight at once: ECR's management API has no published rate, so stay modest. */
export const RESCAN_CONCURRENCY = 4;

/** Starts one planned scan; every answer ECR can give is an outcome, never a throw. */
async function startScan(ecr: ECRClient, item: RescanItem): Promise<RescanOutcome> {
  try {
    // LimitExceededException is the daily scan quota, an answer: not retried as throttling.
    const start = new StartImageScanCommand({ repositoryName: item.repositoryName, imageId: { imageDigest: item.imageDigest } });
    await ecr.send(failFastOn(start, ['LimitExceededException']));
    return { kind: 'started', item };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (isAwsError(err, 'LimitExceededException')) {
      return { kind: 'scanned-today', item, reason: `already scanned today (one scan per image per day): ${message}` };
    }
    if (isAwsError(err, 'UnsupportedImageTypeException')) return { kind: 'skipped', item, reason: `ECR does not scan this artifact: ${message}` };
    if (isAwsError(err, 'ImageNotFoundException', 'RepositoryNotFoundException')) return { kind: 'skipped', item, reason: `gone since it was planned: ${message}` };
    return { kind: 'failed', item, error: toErrorInfo(err) };
  }
}

/**
 * Starts the plan's scans, at most {@link RESCAN_CONCURRENCY} at a time, in the plan's order. The daily quota
 * (`LimitExceededException`) means the image was scanned today: `scanned-today`, done, not an error. A failed
 * start is recorded in its outcome and the others go on. The verdicts follow from the scan-complete events.
 *
 * @example
 * const outcomes = await applyRescan({ ecr }, plan);
 * const failed = outcomes.filter((o) => o.kind === 'failed');
 */
export async function applyRescan(deps: { ecr: ECRClient }, plan: Pick<RescanPlan, 'items'>, concurrency = RESCAN_CONCURRENCY): Promise<RescanOutcome[]> {
  // startScan never throws: every item has a result, in the plan's order.
  const run = await mapBoundedArray(plan.items, concurrency, (item) => startScan(deps.ecr, item));
  return [...run.results.map((r) => r.value), ...run.failures.map((f) => ({ kind: 'failed' as const, item: f.item, error: f.error }))];
}
