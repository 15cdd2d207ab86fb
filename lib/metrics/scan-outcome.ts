import type { ScanOutcome } from '../scan/types';
import type { RunOutcome } from './run-outcome';

/** The job name scan metrics are written under (the push and scan-complete functions). */
export const SCAN_JOB = 'scan';

/**
 * A scan's metrics: one verdict, passed or failed (`fail`, or `scan-failed`: nothing can be said of the image),
 * or nothing when the scan ended without a verdict (pending, unsupported, skipped).
 *
 * @example
 * const outcome = scanRunOutcome(run.outcome);
 * if (outcome) emitRunMetrics(metrics, outcome);
 */
export function scanRunOutcome(outcome: ScanOutcome): RunOutcome | undefined {
  if (outcome.kind !== 'verdict') return undefined;
  const passed = outcome.verdict.result === 'pass';
  return { job: SCAN_JOB, verdictsPassed: passed ? 1 : 0, verdictsFailed: passed ? 0 : 1 };
}
