import { SEVERITIES, type Severity } from '../policy';

/** A count per severity, every severity present (zero when there is none). */
export type SeverityCounts = Record<Severity, number>;

/** All severities at zero. */
export function emptyCounts(): SeverityCounts {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
}

/**
 * ECR's or Inspector's severity name as one of the policy's severities.
 *
 * Enhanced scanning (Amazon Inspector) reports `UNTRIAGED` for a vulnerability it has not given a
 * severity yet; it is counted as `UNDEFINED`, ECR's own bucket for "no severity", so it fails an image
 * only under `failOn: UNDEFINED`. Any other unknown name is treated the same way.
 */
export function toSeverity(name: string | undefined): Severity {
  const upper = (name ?? '').toUpperCase();
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : 'UNDEFINED';
}

/** 0 for CRITICAL up to 5 for UNDEFINED: lower is more severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at or above the `threshold` (CRITICAL > HIGH > ... > UNDEFINED). */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}

/** ECR's `findingSeverityCounts` (which may hold `UNTRIAGED`, or omit severities) as full counts. */
export function normaliseCounts(reported: Partial<Record<string, number>>): SeverityCounts {
  const counts = emptyCounts();
  for (const [name, n] of Object.entries(reported)) {
    if (typeof n === 'number' && Number.isFinite(n)) counts[toSeverity(name)] += n;
  }
  return counts;
}

/** The sum of all counts. */
export function totalCount(counts: SeverityCounts): number {
  return SEVERITIES.reduce((n, s) => n + counts[s], 0);
}
