import { POSTURE_CHECKS, type PostureCheckId, type SecurityHubControlId } from './controls';
import { KMS_ENCRYPTION_TYPES } from './encryption-check';

/** What the checks read about one repository (all of it in the audit already). */
export interface RepositoryPostureFacts {
  repositoryName: string;
  repositoryArn: string;
  /** Whether pushed images get scanned (repository flag, registry rule or enhanced scanning), and how. */
  scanning: { effective: boolean; how: string };
  tagMutability: string;
  lifecyclePolicy: boolean;
  encryption: { type: string; kmsKey?: string };
  /** Reasons of the Allow statements that let everyone in (no narrowing condition). */
  publicStatements: string[];
  /** Accounts the repository policy names that the policy does not allow; null when it allows any account. */
  disallowedAccounts: string[] | null;
}

/** The result of one check on one repository, with the Security Hub controls it stands for. */
export interface PostureCheckResult {
  check: PostureCheckId;
  controls: SecurityHubControlId[];
  status: 'PASSED' | 'FAILED';
  /** What was found, for people. */
  detail: string;
}

function result(check: PostureCheckId, passed: boolean, detail: string): PostureCheckResult {
  return { check, controls: [...POSTURE_CHECKS[check].controls], status: passed ? 'PASSED' : 'FAILED', detail };
}

/**
 * Judges one repository by each check's own criterion, as Security Hub would for its controls: ECR.1
 * scanning configured, ECR.2 tags immutable, ECR.3 a lifecycle policy, ECR.5 a KMS key; and by the
 * policy for access (no public statement; only allowed accounts, when the policy lists them). Pure.
 *
 * ECR.5 asks for a customer managed key; ecr-keeper sees the KMS key's ARN but makes no KMS call to
 * tell a customer managed key from the AWS managed `aws/ecr` one, so any KMS key passes here.
 *
 * @example
 * for (const r of evaluatePosture(facts)) if (r.status === 'FAILED') console.log(r.controls, r.detail);
 */
export function evaluatePosture(facts: RepositoryPostureFacts): PostureCheckResult[] {
  const name = facts.repositoryName;
  const immutable = facts.tagMutability === 'IMMUTABLE' || facts.tagMutability === 'IMMUTABLE_WITH_EXCLUSION';
  const kms = (KMS_ENCRYPTION_TYPES as readonly string[]).includes(facts.encryption.type);
  const results = [
    result('image-scanning', facts.scanning.effective, `repo ${name}: image scanning ${facts.scanning.effective ? `on (${facts.scanning.how})` : 'off'}`),
    result('tag-immutability', immutable, `repo ${name}: tag mutability ${facts.tagMutability}`),
    result('lifecycle-policy', facts.lifecyclePolicy, `repo ${name}: ${facts.lifecyclePolicy ? 'has a lifecycle policy' : 'has no lifecycle policy'}`),
    result(
      'encryption',
      kms,
      `repo ${name}: encrypted with ${facts.encryption.type}${facts.encryption.kmsKey ? ` (key ${facts.encryption.kmsKey})` : ''}`,
    ),
    result(
      'public-access',
      facts.publicStatements.length === 0,
      facts.publicStatements.length === 0
        ? `repo ${name}: no repository policy statement allows everyone`
        : `repo ${name}: ${facts.publicStatements.join('; ')}`,
    ),
  ];
  if (facts.disallowedAccounts !== null) {
    const bad = facts.disallowedAccounts;
    results.push(
      result(
        'account-access',
        bad.length === 0,
        bad.length === 0 ? `repo ${name}: the repository policy names only allowed accounts` : `repo ${name}: the repository policy names accounts that are not allowed: ${bad.join(', ')}`,
      ),
    );
  }
  return results;
}
