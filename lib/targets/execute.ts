import type { AwsClients } from '../aws/clients';
import { isUserError, toErrorInfo } from '../errors';
import type { Log } from '../log';
import type { Policy } from '../policy';
import { executeJob, runFailed, type ExecuteOptions } from '../job/execute';
import type { Executed, Job, JobReport, JobRequest } from '../job/types';
import { sumSummaries } from './aggregate';
import { policyForTarget } from './cap';
import { runOverTargets } from './run';
import { targetKey, type Target, type TargetEntry, type TargetTotals } from './types';

/**
 * The version of the report over targets (the CLI's JSON document): 2, since it became a list of targets.
 * Each target's entry is the job's own report (`REPORT_SCHEMA_VERSION`) with its `accountId` and `region`.
 */
export const TARGETS_REPORT_SCHEMA_VERSION = 2;

/** One report over targets, for every job: an entry per target (the job's own report, or the error that stopped it), the totals. */
export interface TargetsJobReport<R extends JobReport> {
  schemaVersion: typeof TARGETS_REPORT_SCHEMA_VERSION;
  job: R['job'];
  mode: R['mode'];
  generatedAt: string;
  targets: TargetEntry<Executed<R>>[];
  summary: Partial<R['summary']> & TargetTotals;
}

/**
 * What a target that failed as a whole counts, from another target's summary: every number 0 (nested ones
 * too), every list empty, `complete` false and no `cursor` (nothing of that target was done, nor can be resumed).
 * Other values (the run's `mode`) are kept.
 */
export function zeroed<S>(summary: S): S {
  if (typeof summary === 'number') return 0 as S;
  if (Array.isArray(summary)) return [] as S;
  if (summary === null || typeof summary !== 'object') return summary;
  const entries = Object.entries(summary).filter(([k]) => k !== 'cursor');
  return Object.fromEntries(entries.map(([k, v]) => [k, k === 'complete' ? false : zeroed(v)])) as S;
}

/** Options of {@link executeOverTargets}. */
export interface ExecuteOverTargetsOptions extends ExecuteOptions {
  /** Targets worked on at once. */
  concurrency?: number;
  log?: Log;
  now?: () => Date;
}

/**
 * Runs a job in every target ({@link executeJob}: run and publish, with that target's clients), a few targets
 * at once, and reports them all in one document. A target that fails as a whole becomes an entry with its
 * `error` (the AWS code); the others complete.
 *
 * @example
 * const report = await executeOverTargets(auditJob, session.targets, (t) => session.clients.clients(t), policy, { mode: 'dry-run' }, { publish: false });
 * process.exitCode = targetsRunFailed(auditJob, report) ? 1 : 0;
 */
export async function executeOverTargets<R extends JobReport>(
  job: Job<R>,
  targets: readonly Target[],
  clientsFor: (target: Target) => AwsClients,
  policy: Policy,
  request: JobRequest,
  options: ExecuteOverTargetsOptions,
): Promise<TargetsJobReport<R>> {
  const log = options.log;
  let userError: unknown;
  const outcomes = await runOverTargets(
    targets,
    // The run's deletion cap is shared out among the targets: the whole run deletes no more than the policy says.
    (target, index) => executeJob(job, { ...clientsFor(target), ...(log ? { log } : {}) }, policyForTarget(policy, index, targets.length), request, options),
    {
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      // toErrorInfo blanks any credential an AWS message quotes (a signature error quotes the session token).
      onError: (target, err) => {
        if (isUserError(err)) userError ??= err;
        else log?.warn('target failed', { target: targetKey(target), error: toErrorInfo(err) });
      },
    },
  );
  // The user's to fix (a cursor ecr-keeper did not produce, a bad policy): not a target's failure but the run's.
  if (userError !== undefined) throw userError;
  const done = outcomes.flatMap((o) => (o.result ? [o.result] : []));
  const template = zeroed(done[0]?.summary ?? ({ repositories: 0, excluded: 0, complete: false } as R['summary']));
  const targetsOut = outcomes.map((o): TargetEntry<Executed<R>> => {
    const where = { accountId: o.target.accountId, region: o.target.region };
    if (o.result) return { ...where, ...o.result } as TargetEntry<Executed<R>>;
    return { ...where, repositories: [], failures: [], missing: [], summary: template, error: o.error } as unknown as TargetEntry<Executed<R>>;
  });
  return {
    schemaVersion: TARGETS_REPORT_SCHEMA_VERSION,
    job: job.name,
    mode: request.mode,
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    targets: targetsOut,
    summary: {
      ...(sumSummaries(done.map((r) => r.summary), template) as Partial<R['summary']>),
      targets: targetsOut.length,
      failedTargets: targetsOut.filter((t) => t.error).length,
    },
  };
}

/** True when any target failed as a whole, or failed anywhere inside ({@link runFailed}), or missed a named repository. */
export function targetsRunFailed<R extends JobReport>(job: Job<R>, report: TargetsJobReport<R>): boolean {
  return report.targets.some((t) => t.error !== undefined || runFailed(job, t) || t.missing.length > 0);
}
