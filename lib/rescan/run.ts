import type { ECRClient } from '@aws-sdk/client-ecr';
import { readRegistryScanning } from '../aws/registry';
import type { Deadline } from '../deadline';
import type { ErrorInfo } from '../errors';
import type { Policy } from '../policy';
import { walkOptionsFor } from '../walk-options';
import { mapRepositories } from '../walker';
import { applyRescan } from './apply';
import { planRescan } from './plan';
import { readRescanImages } from './read';
import type { RescanItem, RescanOutcome, RescanPlan, RescanSkips } from './types';

/** The version of the rescan report: bumped on any change a reader must know of. */
export const RESCAN_REPORT_VERSION = 1;

/** What a rescan run is asked to do. */
export interface RescanRequest {
  /** `dry-run` plans and lists, starting nothing; `apply` starts the planned scans. */
  mode: 'dry-run' | 'apply';
  /** Overrides the policy's `scan.rescanAfterDays` (`--older-than-days`). */
  olderThanDays?: number;
  names?: readonly string[];
  cursor?: string;
  deadline?: Deadline;
  concurrency?: number;
}

/** What a rescan run found and did. */
export interface RescanReport {
  version: typeof RESCAN_REPORT_VERSION;
  mode: RescanRequest['mode'];
  scanType: RescanPlan['scanType'];
  /** Set when the run did nothing on purpose (enhanced scanning). */
  note?: string;
  rescanAfterDays: number;
  rescanPushedWithinDays: number;
  /** The images due for a scan, by digest. */
  planned: RescanItem[];
  /** How each planned scan went (`apply` only). */
  outcomes: RescanOutcome[];
  skipped: RescanSkips & { optedOutRepositories: number };
  repositories: { walked: number; failed: { repositoryName: string; error: ErrorInfo }[] };
  /** False when the run stopped at its deadline; `cursor` resumes it. */
  complete: boolean;
  cursor?: string;
}

/**
 * Rescans (basic scanning): reads every in-scope repository's images (DescribeImages pages only), plans the
 * due ones ({@link planRescan}), and with `apply` starts their scans ({@link applyRescan}). Under enhanced
 * scanning it reads the registry's scanning configuration and stops there, saying why. A repository opted
 * out with the skip tag is looked up only when it has due images. A failure in one repository is an entry
 * in the report, never a crash.
 *
 * @example
 * const report = await runRescan({ ecr }, policy, { mode: 'dry-run' });
 * for (const item of report.planned) console.log(item.repositoryName, item.imageDigest, item.reason);
 */
export async function runRescan(deps: { ecr: ECRClient; now?: () => number }, policy: Policy, request: RescanRequest): Promise<RescanReport> {
  const rescanAfterDays = request.olderThanDays ?? policy.scan.rescanAfterDays;
  const base = {
    version: RESCAN_REPORT_VERSION,
    mode: request.mode,
    rescanAfterDays,
    rescanPushedWithinDays: policy.scan.rescanPushedWithinDays,
  } as const;
  const empty: RescanSkips = { notDue: 0, outOfScope: 0, scanning: 0, unsupported: 0 };
  const scanning = await readRegistryScanning(deps.ecr);
  const now = (deps.now ?? Date.now)();
  const decide = { scanType: scanning.scanType === 'ENHANCED' ? 'ENHANCED' : 'BASIC', rescanAfterDays, rescanPushedWithinDays: policy.scan.rescanPushedWithinDays, now } as const;
  if (decide.scanType === 'ENHANCED') {
    const plan = planRescan([], decide);
    return { ...base, scanType: 'ENHANCED', ...(plan.note ? { note: plan.note } : {}), planned: [], outcomes: [], skipped: { ...empty, optedOutRepositories: 0 }, repositories: { walked: 0, failed: [] }, complete: true };
  }

  let optedOut = 0;
  const run = await mapRepositories(deps.ecr, walkOptionsFor(policy, request), async (repo) => {
    const plan = planRescan(await readRescanImages(deps.ecr, { name: repo.name, arn: repo.arn }), decide);
    // The skip tag is read only where it changes something: a repository with due images.
    if (plan.items.length > 0 && (await repo.isSkipped())) {
      optedOut++;
      return { ...plan, items: [] };
    }
    return plan;
  });

  const plans = run.results.map((r) => r.value);
  const planned = plans.flatMap((p) => p.items);
  const skipped = plans.reduce(
    (sum, p) => ({
      notDue: sum.notDue + p.skipped.notDue,
      outOfScope: sum.outOfScope + p.skipped.outOfScope,
      scanning: sum.scanning + p.skipped.scanning,
      unsupported: sum.unsupported + p.skipped.unsupported,
    }),
    empty,
  );
  const outcomes = request.mode === 'apply' ? await applyRescan(deps, { items: planned }) : [];
  return {
    ...base,
    scanType: 'BASIC',
    planned,
    outcomes,
    skipped: { ...skipped, optedOutRepositories: optedOut },
    repositories: { walked: run.results.length + run.failures.length, failed: run.failures },
    complete: run.complete,
    ...(run.cursor ? { cursor: run.cursor } : {}),
  };
}
