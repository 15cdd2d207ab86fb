import type { PublishResult } from '../events/publish';
import type { Executed } from '../job/types';
import type { AuditReport } from './types';

/** Lambda's synchronous response limit is 6 MB; a report is kept under this. */
export const MAX_RESPONSE_BYTES = 5_500_000;

/** An audit report as returned by the Lambda, which may leave compliant repositories out to fit. */
export type FittedAuditReport = AuditReport & { truncated?: { repositoriesLeftOut: number; reason: string } };

/**
 * Keeps a report under `maxBytes` of JSON: compliant repositories go first, then the tail of the rest.
 * The summary always covers everything.
 */
export function fitReport(report: AuditReport, maxBytes = MAX_RESPONSE_BYTES): FittedAuditReport {
  const size = (r: AuditReport) => Buffer.byteLength(JSON.stringify(r));
  if (size(report) <= maxBytes) return report;
  let repositories = report.repositories.filter((r) => !r.compliant);
  let candidate: AuditReport = { ...report, repositories };
  while (repositories.length > 0 && size(candidate) > maxBytes) {
    repositories = repositories.slice(0, Math.floor(repositories.length * 0.8));
    candidate = { ...report, repositories };
  }
  return {
    ...candidate,
    truncated: {
      repositoriesLeftOut: report.repositories.length - repositories.length,
      reason: `the full report exceeds ${maxBytes} bytes; compliant repositories were left out first (run the CLI for all)`,
    },
  };
}

/**
 * The audit Lambda's answer: the report, fitted under Lambda's response limit, with its published events.
 *
 * @example
 * return auditResponse(await executeJob(auditJob, deps, policy, request, { publish: true }));
 */
export function auditResponse(report: Executed<AuditReport>): FittedAuditReport & { events: PublishResult | null } {
  return { ...fitReport(report), events: report.events };
}
