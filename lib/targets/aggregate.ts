import type { TargetEntry, TargetOutcome, TargetResult, TargetsReport } from './types';

/**
 * Adds up summaries field by field: numbers are summed, and any other value is kept when every summary
 * agrees on it (a run's `mode`), left out when they differ. Nested objects (counts by severity) are added
 * up the same way.
 *
 * @example
 * sumSummaries([{ mode: 'apply', changed: 2 }, { mode: 'apply', changed: 3 }], { mode: 'apply', changed: 0 });
 * // { mode: 'apply', changed: 5 }
 */
export function sumSummaries<S extends object>(summaries: readonly S[], empty: S): S {
  const total: Record<string, unknown> = { ...(empty as Record<string, unknown>) };
  for (const key of Object.keys(empty)) {
    const values = summaries.map((s) => (s as Record<string, unknown>)[key]);
    const base = (empty as Record<string, unknown>)[key];
    if (typeof base === 'number') total[key] = values.reduce<number>((n, v) => n + (typeof v === 'number' ? v : 0), 0);
    else if (base !== null && typeof base === 'object' && !Array.isArray(base)) total[key] = sumSummaries(values.filter((v): v is object => v !== null && typeof v === 'object'), base);
    else if (values.length > 0 && values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]))) total[key] = values[0];
    else if (values.length > 0) delete total[key];
  }
  return total as S;
}

/**
 * One report over targets: an entry per target with its `accountId`, `region` and result (an `error` and
 * empty lists for a target that failed as a whole), and a top-level `summary` adding up every target's
 * summary, with `targets` and `failedTargets` counts. `empty` is the summary of a target with nothing in it.
 *
 * @example
 * const report = aggregateTargets(outcomes, emptyAuditSummary());
 * process.exitCode = report.summary.failedTargets > 0 ? 1 : 0;
 */
export function aggregateTargets<R extends TargetResult<object>>(outcomes: readonly TargetOutcome<R>[], empty: R['summary']): TargetsReport<R> {
  const targets = outcomes.map((o): TargetEntry<R> => {
    const where = { accountId: o.target.accountId, region: o.target.region };
    if (o.error) return { ...where, repositories: [], failures: [], missing: [], summary: empty, error: o.error } as unknown as TargetEntry<R>;
    return { ...where, ...o.result } as TargetEntry<R>;
  });
  const summed = sumSummaries(
    targets.filter((t) => !t.error).map((t) => t.summary),
    empty,
  );
  return {
    targets,
    summary: { ...summed, targets: targets.length, failedTargets: targets.filter((t) => t.error).length },
  };
}
