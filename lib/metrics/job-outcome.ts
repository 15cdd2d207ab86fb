import type { Job, JobReport } from '../job/types';
import type { RunOutcome } from './run-outcome';

/** How an invocation of a run ended, beyond its report: whether it handed on, or stopped for good. */
export interface RunEnd {
  /** The run reached its deadline and a continuation carries it on. */
  handedOn?: boolean;
  /** The run stopped before visiting everything and nothing carries it on (a scheduled run only). */
  incomplete?: boolean;
}

/**
 * A job's report as a run outcome, for its metrics: repositories processed and failed from what every
 * report has, the job's own counts (changes, deletions, ...) from its `outcome`, and how the run ended.
 *
 * @example
 * emitRunMetrics(metrics, jobOutcome(cleanupJob, report, { handedOn: true, incomplete: false }));
 */
export function jobOutcome<R extends JobReport>(job: Job<R>, report: R, end: RunEnd = {}): RunOutcome {
  return {
    job: job.name,
    repositoriesProcessed: report.summary.repositories,
    repositoriesFailed: report.failures.length,
    ...job.outcome?.(report),
    ...(end.incomplete !== undefined ? { incomplete: end.incomplete } : {}),
    ...(end.handedOn !== undefined ? { handedOn: end.handedOn } : {}),
  };
}
