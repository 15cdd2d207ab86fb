import { renderAsff, toAsffFindings, type AsffFinding } from '../posture/asff';
import { evaluatePosture, type RepositoryPostureFacts } from '../posture/evaluate';
import type { AuditReport, RepositoryAudit } from './types';

/** What the Security Hub checks read of one audited repository. */
export function postureFactsOf(r: RepositoryAudit): RepositoryPostureFacts {
  const s = r.scanOnPush;
  return {
    repositoryName: r.repositoryName,
    repositoryArn: r.repositoryArn,
    scanning: { effective: s.effective, how: s.enhanced ? 'enhanced scanning' : s.registryRule ? 'a registry scan-on-push rule' : s.repository ? 'repository scan-on-push' : 'off' },
    tagMutability: r.tagMutability.actual.mode,
    lifecyclePolicy: r.lifecyclePolicy,
    encryption: { type: r.encryption.type, ...(r.encryption.kmsKey ? { kmsKey: r.encryption.kmsKey } : {}) },
    publicStatements: r.repositoryPolicy.unreadable
      ? ['the repository policy is not a JSON policy document: who it lets in cannot be told']
      : r.repositoryPolicy.publicStatements,
    disallowedAccounts: r.repositoryPolicy.disallowedAccounts,
  };
}

/**
 * The audit as ASFF findings: one per repository and check (ECR.1, ECR.2, ECR.3, ECR.5, public access,
 * allowed accounts), passed ones included, every repository the audit read (skipped ones too: the skip tag
 * stops ecr-keeper's writes, not Security Hub's view). See lib/posture/asff.ts.
 *
 * @example
 * process.stdout.write(renderAsff(auditAsffFindings(report)));
 */
export function auditAsffFindings(report: AuditReport): AsffFinding[] {
  return toAsffFindings(
    report.repositories.map((r) => ({ repositoryArn: r.repositoryArn, results: evaluatePosture(postureFactsOf(r)) })),
    report.generatedAt,
  );
}

/** `audit --format asff`: the findings as the JSON array `securityhub batch-import-findings` reads. */
export function renderAuditAsff(report: AuditReport): string {
  return renderAsff(auditAsffFindings(report));
}
