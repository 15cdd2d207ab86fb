import type { ChangeOutcome, EnforceReport, RepositoryEnforcement } from './types';

/** Every change outcome of a run, the registry's first, then the repositories' in walk order. */
export function runOutcomes(registry: readonly ChangeOutcome[], repositories: readonly RepositoryEnforcement[]): ChangeOutcome[] {
  return [...registry, ...repositories.flatMap((r) => r.outcomes)];
}

/** The registry-level outcomes of a report: its replication, then its pull-time update exclusions. */
export function registryOutcomes(report: Pick<EnforceReport, 'registry'>): ChangeOutcome[] {
  const { replication, pullTimeExclusions } = report.registry;
  return [...(replication.outcome ? [replication.outcome] : []), ...(pullTimeExclusions ?? [])];
}

/** Every change outcome of a report. */
export function reportOutcomes(report: EnforceReport): ChangeOutcome[] {
  return runOutcomes(registryOutcomes(report), report.repositories);
}

/** Counts outcomes by status. */
export function countOutcomes(outcomes: readonly ChangeOutcome[]): { applied: number; failed: number; skipped: number } {
  const counts = { applied: 0, failed: 0, skipped: 0 };
  for (const o of outcomes) counts[o.status]++;
  return counts;
}
