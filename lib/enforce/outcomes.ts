import type { ChangeOutcome, EnforceReport, RepositoryEnforcement } from './types';

/** Every change outcome of a run, the registry's first, then the repositories' in walk order. */
export function runOutcomes(replication: ChangeOutcome | null, repositories: readonly RepositoryEnforcement[]): ChangeOutcome[] {
  return [...(replication ? [replication] : []), ...repositories.flatMap((r) => r.outcomes)];
}

/** Every change outcome of a report. */
export function reportOutcomes(report: EnforceReport): ChangeOutcome[] {
  return runOutcomes(report.registry.replication.outcome, report.repositories);
}

/** Counts outcomes by status. */
export function countOutcomes(outcomes: readonly ChangeOutcome[]): { applied: number; failed: number; skipped: number } {
  const counts = { applied: 0, failed: 0, skipped: 0 };
  for (const o of outcomes) counts[o.status]++;
  return counts;
}
