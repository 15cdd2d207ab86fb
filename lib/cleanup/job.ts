import type { Job } from '../job/types';
import { ScheduledJobRequestSchema } from '../job/request';
import type { Mode } from '../job/mode';
import type { Policy } from '../policy';
import { renderCleanup } from './render';
import { runCleanup } from './run';
import { cleanupResponse } from './response';
import { cleanupSummaryEvent } from './summary-event';
import type { CleanupReport } from './types';

/** The mode of a scheduled cleanup: the policy's `cleanup.mode` (`delete` is the deprecated spelling of `apply`). */
export function cleanupPolicyMode(policy: Pick<Policy, 'cleanup'>): Mode {
  return policy.cleanup.mode === 'dry-run' ? 'dry-run' : 'apply';
}

/**
 * Cleanup: untagged images nothing needs any more, planned image by image with a reason, deleted in `apply`
 * mode within the policy's `maxDeletesPerRun`. Its event: one `ECR Keeper Cleanup Summary` per run (per work
 * item when fanned out, and then only when the item planned or failed something).
 *
 * @example
 * const report = await executeJob(cleanupJob, { ecr, events }, policy, { mode: 'dry-run' }, { publish: false });
 */
export const cleanupJob: Job<CleanupReport> = {
  name: 'cleanup',
  description: 'plan (and with --apply delete or archive) untagged images nothing needs and expired tagged ones, never an image in use',
  requestSchema: ScheduledJobRequestSchema,
  applies: true,
  cliPublishes: false,
  policyMode: cleanupPolicyMode,
  run: (deps, policy, request) => runCleanup(deps, policy, request),
  events: (report, context = {}) =>
    context.fanOut && report.summary.planned.count === 0 && report.summary.archivePlanned.count === 0 && report.summary.failed === 0
      ? []
      : [cleanupSummaryEvent(report, context)],
  response: cleanupResponse,
  render: renderCleanup,
  failed: (report) => report.summary.failed > 0,
  planned: (report) => ({ count: report.summary.planned.count, what: report.summary.planned.count === 1 ? 'image deletion' : 'image deletions' }),
  outcome: (report) => ({
    // Repositories that could not be read or planned, and those where a deletion failed.
    repositoriesFailed:
      report.failures.length +
      report.repositories.filter(
        (r) => r.mode === 'apply' && (r.applied.error !== undefined || r.applied.failures.length > 0 || (r.archived?.failures.length ?? 0) > 0 || r.archived?.error !== undefined),
      ).length,
    imagesDeleted: report.summary.deleted.count,
    bytesReclaimed: report.summary.deleted.bytes,
  }),
  // A continuation gets what is left of the run's cap, as a work item gets its share.
  handOn: {
    policyFor: (policy, handOn) =>
      handOn.maxDeletes === undefined ? policy : { ...policy, cleanup: { ...policy.cleanup, maxDeletesPerRun: handOn.maxDeletes } },
    // Spent: what was planned (deletions and archives share the cap), less what the deadline left unattempted
    // (planned again by the continuation).
    maxDeletesLeft: (policy, report) => {
      const unattempted = report.repositories.reduce((n, r) => n + (r.mode === 'apply' ? r.applied.notAttempted + (r.archived?.notAttempted ?? 0) : 0), 0);
      return Math.max(0, policy.cleanup.maxDeletesPerRun - (report.summary.planned.count + report.summary.archivePlanned.count - unattempted));
    },
  },
  fanOut: {
    kind: 'cleanup',
    registryFirst: false,
    // The item's share of the run's cap is this run's cap.
    policyFor: (policy, item) => (item.kind === 'cleanup' ? { ...policy, cleanup: { ...policy.cleanup, maxDeletesPerRun: item.maxDeletes } } : policy),
    // What the repositories before the cursor planned is spent: the rest of the item gets the rest of its share.
    rest: (item, report, cursor) =>
      item.kind === 'cleanup'
        ? { ...item, cursor, maxDeletes: Math.max(0, item.maxDeletes - report.summary.planned.count - report.summary.archivePlanned.count) }
        : { ...item, cursor },
  },
};
