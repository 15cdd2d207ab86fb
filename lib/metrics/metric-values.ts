import { METRIC_NAMES, type MetricName } from './names';
import type { RunOutcome } from './run-outcome';

/** A CloudWatch unit, as Powertools names them (a subset: what ecr-keeper emits). */
export type MetricUnitName = 'Count' | 'Bytes';

/** One metric value of a run. */
export interface MetricValue {
  name: MetricName;
  unit: MetricUnitName;
  value: number;
}

type CountField = Exclude<keyof RunOutcome, 'job' | 'incomplete' | 'handedOn' | 'bytesReclaimed'>;

/** Outcome fields counted as they are, in the order the metrics are emitted. */
const COUNTS: readonly [CountField, MetricName][] = [
  ['repositoriesProcessed', METRIC_NAMES.repositoriesProcessed],
  ['repositoriesFailed', METRIC_NAMES.repositoriesFailed],
  ['changesApplied', METRIC_NAMES.changesApplied],
  ['changesFailed', METRIC_NAMES.changesFailed],
  ['imagesDeleted', METRIC_NAMES.imagesDeleted],
  ['verdictsPassed', METRIC_NAMES.verdictsPassed],
  ['verdictsFailed', METRIC_NAMES.verdictsFailed],
  ['targetsFailed', METRIC_NAMES.targetsFailed],
];

/** A count CloudWatch accepts: a finite, non-negative whole number (anything else is a bug upstream, so 0 is not invented). */
function checked(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`run outcome ${field} must be a non-negative number, not ${value}`);
  return value;
}

/**
 * The metrics of one run: a pure mapping from its outcome. Fields the job left out give no metric;
 * `incomplete` and `handedOn`, when given, are 1 or 0 (so that an alarm sees a complete run as a 0).
 *
 * @example
 * metricValues({ job: 'cleanup', repositoriesProcessed: 40, imagesDeleted: 12, bytesReclaimed: 9e8, incomplete: false })
 * // [{ name: 'RepositoriesProcessed', unit: 'Count', value: 40 }, { name: 'ImagesDeleted', ... }, ...]
 */
export function metricValues(outcome: RunOutcome): MetricValue[] {
  const values: MetricValue[] = [];
  for (const [field, name] of COUNTS) {
    const value = outcome[field];
    if (value !== undefined) values.push({ name, unit: 'Count', value: checked(field, value) });
  }
  if (outcome.bytesReclaimed !== undefined) {
    values.push({ name: METRIC_NAMES.bytesReclaimed, unit: 'Bytes', value: checked('bytesReclaimed', outcome.bytesReclaimed) });
  }
  if (outcome.incomplete !== undefined) values.push({ name: METRIC_NAMES.runsIncomplete, unit: 'Count', value: outcome.incomplete ? 1 : 0 });
  if (outcome.handedOn !== undefined) values.push({ name: METRIC_NAMES.runsHandedOn, unit: 'Count', value: outcome.handedOn ? 1 : 0 });
  return values;
}

/** Whether a run's outcome is a failure worth an alarm: failed repositories, changes or targets, or left incomplete. */
export function isFailedOutcome(outcome: RunOutcome): boolean {
  return (outcome.repositoriesFailed ?? 0) > 0 || (outcome.changesFailed ?? 0) > 0 || (outcome.targetsFailed ?? 0) > 0 || outcome.incomplete === true;
}
