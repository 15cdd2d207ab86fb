import type { Mode } from '../job/mode';
import { ScheduledJobRequestSchema } from '../job/request';
import type { Job } from '../job/types';
import type { Policy } from '../policy';
import { renderRescan } from './render';
import { rescanResponse } from './response';
import { runRescan, type RescanReport } from './run';
import { rescanSummaryEvents } from './summary-event';

/** The mode of a scheduled rescan: the policy's `scan.rescanMode` (`apply` by default: starting a scan changes nothing). */
export function rescanPolicyMode(policy: Pick<Policy, 'scan'>): Mode {
  return policy.scan.rescanMode;
}

/**
 * Rescan (basic scanning): starts a scan for every image in scope whose last scan is older than
 * `scan.rescanAfterDays` (or that never was scanned), so that new CVEs reach images that keep running. Its
 * event: one `ECR Keeper Rescan Summary` when it started or failed something; the verdicts follow from the
 * scan-complete events.
 *
 * @example
 * const report = await executeJob(rescanJob, { ecr, events }, policy, { mode: 'dry-run' }, { publish: false });
 */
export const rescanJob: Job<RescanReport> = {
  name: 'rescan',
  description: 'list (and with --apply start) scans of images whose last scan is old (basic scanning)',
  requestSchema: ScheduledJobRequestSchema,
  applies: true,
  cliPublishes: false,
  policyMode: rescanPolicyMode,
  run: (deps, policy, request) => runRescan(deps, policy, request),
  events: (report, context) => rescanSummaryEvents(report, context),
  response: rescanResponse,
  render: renderRescan,
  failed: (report) => report.outcomes.some((o) => o.kind === 'failed'),
};
