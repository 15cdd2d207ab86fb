import type { Job } from '../job/types';
import { ManualJobRequestSchema } from '../job/request';
import { runAudit } from './audit';
import { auditResponse } from './response';
import { renderAuditAsff } from './asff';
import { renderAudit } from './render';
import { auditSummaryEvent } from './summary-event';
import type { AuditReport } from './types';

/**
 * Audit: the read-only report of every repository the policy covers and of the registry — the plans of the
 * other jobs, not applied, plus access, encryption, lifecycle and scan facts, each finding with the Security
 * Hub controls it matches (`--format asff`: AWS Security Finding Format). Its event: one
 * `ECR Keeper Audit Summary` per run.
 *
 * @example
 * const report = await executeJob(auditJob, { ecr }, policy, { mode: 'dry-run' }, { publish: false });
 * if (auditJob.outOfPolicy?.(report)) process.exitCode = 3;
 */
export const auditJob: Job<AuditReport> = {
  name: 'audit',
  description: 'read-only report of repositories and registry against the policy',
  requestSchema: ManualJobRequestSchema,
  applies: false,
  cliPublishes: false,
  policyMode: () => 'dry-run',
  run: (deps, policy, request) => runAudit(deps, policy, request),
  events: (report) => [auditSummaryEvent(report)],
  response: auditResponse,
  render: renderAudit,
  formats: { asff: renderAuditAsff },
  failed: () => false,
  outOfPolicy: (report) => report.summary.outOfPolicyFound,
};
