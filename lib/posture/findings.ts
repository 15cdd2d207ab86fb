import type { SettingChange } from '../enforce/types';
import { checkOfChange, POSTURE_CHECKS, type PostureCheckId, type SecurityHubControlId } from './controls';
import type { PosturePlan } from './plan';

/** One thing out of policy in a repository, with the Security Hub controls it matches. */
export interface PostureFinding {
  check: PostureCheckId;
  /** Security Hub control ids (`["ECR.2"]`); empty for ecr-keeper's own checks. */
  controls: SecurityHubControlId[];
  /** What is out of policy, for people. */
  detail: string;
  /** `enforce` when `ecr-keeper enforce --apply` fixes it, otherwise what to do (ecr-keeper never does it). */
  fix: string;
}

/**
 * The findings of one repository: one per planned change (enforce fixes it), one per public statement
 * the policy only reports, one for an encryption the policy does not accept (fixed by recreating the
 * repository, never by ecr-keeper). Pure.
 *
 * @example
 * const findings = postureFindings('a/b', audit.changes, posturePlan);
 * // [{ check: 'tag-immutability', controls: ['ECR.2'], detail: 'repo a/b: tag mutability MUTABLE -> IMMUTABLE', fix: 'enforce' }]
 */
export function postureFindings(
  repositoryName: string,
  changes: readonly SettingChange[],
  posture: Pick<PosturePlan, 'repositoryPolicy' | 'encryption'> | null,
): PostureFinding[] {
  const findings: PostureFinding[] = [];
  for (const change of changes) {
    const check = checkOfChange(change);
    if (check) findings.push({ check, controls: [...POSTURE_CHECKS[check].controls], detail: change.reason, fix: 'enforce' });
  }
  for (const r of posture?.repositoryPolicy?.reported ?? []) {
    findings.push({
      check: 'public-access',
      controls: [],
      detail: `repo ${repositoryName}: ${r.reason}`,
      fix: 'remove the statement or narrow it with a condition (with repositoryPolicy.public: deny, enforce removes it)',
    });
  }
  if (posture?.repositoryPolicy?.unreadable) {
    findings.push({
      check: 'public-access',
      controls: [],
      detail: `repo ${repositoryName}: the repository policy is not a JSON policy document: who it lets in cannot be told`,
      fix: 'rewrite the repository policy by hand',
    });
  }
  if (posture?.encryption.fix) findings.push({ check: 'encryption', controls: [...POSTURE_CHECKS.encryption.controls], detail: posture.encryption.fix, fix: 'recreate the repository with a KMS key' });
  return findings;
}
