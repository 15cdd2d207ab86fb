import type { KeeperEvent } from '../events/publish';
import { EVENT_DETAIL_VERSION } from '../events/version';
import type { AuditReport } from './types';

export const AUDIT_SUMMARY_DETAIL_TYPE = 'ECR Keeper Audit Summary';
/** Out-of-policy repository names listed in the event; the counts always cover all of them. */
const MAX_NAMES = 200;

/** The summary event of an audit run: totals, registry compliance, and the first out-of-policy names. */
export function auditSummaryEvent(report: AuditReport): KeeperEvent {
  const outOfPolicy = report.repositories.filter((r) => !r.compliant).map((r) => r.repositoryName);
  return {
    detailType: AUDIT_SUMMARY_DETAIL_TYPE,
    detail: {
      version: EVENT_DETAIL_VERSION,
      registryId: report.registry.registryId,
      region: report.registry.region,
      generatedAt: report.generatedAt,
      summary: report.summary,
      replicationCompliant: report.registry.replication.compliant,
      outOfPolicyRepositories: outOfPolicy.slice(0, MAX_NAMES),
      outOfPolicyRepositoriesTruncated: outOfPolicy.length > MAX_NAMES,
      failures: report.failures.slice(0, 50),
    },
  };
}
