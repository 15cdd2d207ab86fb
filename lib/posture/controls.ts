import type { SettingChange } from '../enforce/types';
import type { PostureChange } from './types';

/** ASFF severity labels. */
export type SeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/**
 * The AWS Security Hub (CSPM) controls for Amazon ECR that ecr-keeper's checks match, with their
 * titles and severities as Security Hub documents them. ECR.4 ("ECR public repositories should be
 * tagged") is about Amazon ECR Public repositories (`ecr-public`), which ecr-keeper does not manage.
 */
export const SECURITY_HUB_ECR_CONTROLS = {
  'ECR.1': { title: 'ECR private repositories should have image scanning configured', severity: 'HIGH' },
  'ECR.2': { title: 'ECR private repositories should have tag immutability configured', severity: 'MEDIUM' },
  'ECR.3': { title: 'ECR repositories should have at least one lifecycle policy configured', severity: 'MEDIUM' },
  'ECR.5': { title: 'ECR repositories should be encrypted with customer managed AWS KMS keys', severity: 'MEDIUM' },
} as const satisfies Record<string, { title: string; severity: SeverityLabel }>;
export type SecurityHubControlId = keyof typeof SECURITY_HUB_ECR_CONTROLS;

/** What ecr-keeper checks on a repository. */
export type PostureCheckId =
  | 'image-scanning'
  | 'tag-immutability'
  | 'lifecycle-policy'
  | 'encryption'
  | 'public-access'
  | 'account-access';

/** One check: the Security Hub controls it matches (none for ecr-keeper's own), its title and severity. */
export interface PostureCheckDefinition {
  controls: SecurityHubControlId[];
  title: string;
  severity: SeverityLabel;
  /** What to do when it fails, for people (ASFF `Remediation`). */
  remediation: string;
}

/** Every repository check, in report order. */
export const POSTURE_CHECKS: Record<PostureCheckId, PostureCheckDefinition> = {
  'image-scanning': {
    controls: ['ECR.1'],
    title: SECURITY_HUB_ECR_CONTROLS['ECR.1'].title,
    severity: SECURITY_HUB_ECR_CONTROLS['ECR.1'].severity,
    remediation: 'Turn on scan-on-push (a registry scanning rule, or `ecr-keeper enforce` with scanOnPush: true), or enhanced scanning.',
  },
  'tag-immutability': {
    controls: ['ECR.2'],
    title: SECURITY_HUB_ECR_CONTROLS['ECR.2'].title,
    severity: SECURITY_HUB_ECR_CONTROLS['ECR.2'].severity,
    remediation: 'Set tag mutability to IMMUTABLE (`ecr-keeper enforce` with tagMutability.mode: IMMUTABLE).',
  },
  'lifecycle-policy': {
    controls: ['ECR.3'],
    title: SECURITY_HUB_ECR_CONTROLS['ECR.3'].title,
    severity: SECURITY_HUB_ECR_CONTROLS['ECR.3'].severity,
    remediation: 'Put a lifecycle policy (`ecr-keeper enforce` with lifecyclePolicy.require: true puts the baseline).',
  },
  encryption: {
    controls: ['ECR.5'],
    title: SECURITY_HUB_ECR_CONTROLS['ECR.5'].title,
    severity: SECURITY_HUB_ECR_CONTROLS['ECR.5'].severity,
    remediation: 'Encryption cannot change after creation: recreate the repository with a customer managed KMS key and copy its images.',
  },
  'public-access': {
    controls: [],
    title: 'ECR repository policies should not allow public access',
    severity: 'CRITICAL',
    remediation: 'Remove the statements that allow everyone, or narrow them with a condition such as aws:PrincipalOrgID (`ecr-keeper enforce` with repositoryPolicy.public: deny).',
  },
  'account-access': {
    controls: [],
    title: 'ECR repository policies should only name allowed accounts',
    severity: 'HIGH',
    remediation: 'Remove the principals of accounts not in repositoryPolicy.allowedAccounts (`ecr-keeper enforce` does).',
  },
};

/** The repository check a planned change brings in line; undefined for registry-wide changes (replication). */
export function checkOfChange(change: SettingChange | PostureChange): PostureCheckId | undefined {
  switch (change.kind) {
    case 'set-scan-on-push':
      return 'image-scanning';
    case 'set-tag-mutability':
      return 'tag-immutability';
    case 'put-lifecycle-policy':
      return 'lifecycle-policy';
    case 'set-repository-policy':
    case 'delete-repository-policy':
      return change.removals.some((r) => r.cause === 'public') ? 'public-access' : 'account-access';
    default:
      return undefined;
  }
}

/**
 * The Security Hub control ids a planned change answers (`["ECR.2"]`), empty when none matches.
 *
 * @example
 * controlsOfChange({ kind: 'set-tag-mutability', ... }); // ['ECR.2']
 */
export function controlsOfChange(change: SettingChange | PostureChange): SecurityHubControlId[] {
  const check = checkOfChange(change);
  return check ? [...POSTURE_CHECKS[check].controls] : [];
}
