import type { Repository } from '@aws-sdk/client-ecr';
import type { EncryptionSection } from './encryption-schema';

/** ECR encryption types that use an AWS KMS key (`KMS_DSSE`: dual-layer, also with a KMS key). */
export const KMS_ENCRYPTION_TYPES = ['KMS', 'KMS_DSSE'] as const;

/** How a repository is encrypted, and whether that meets the policy. */
export interface EncryptionCheck {
  type: string;
  kmsKey?: string;
  compliant: boolean;
  /** What to do about it, when out of policy. Never done by ecr-keeper. */
  fix?: string;
}

/**
 * Checks a repository's encryption against the `encryption` section. Pure. Encryption is set when a
 * repository is created and cannot change, so an out-of-policy repository gets the fix named
 * (recreate it with KMS) and no change is ever planned for it.
 *
 * @example
 * const check = checkEncryption(repo.repository, policy.encryption);
 * if (!check.compliant) notes.push({ repositoryName, note: check.fix! });
 */
export function checkEncryption(repository: Repository, section: EncryptionSection): EncryptionCheck {
  const config = repository.encryptionConfiguration;
  const type = config?.encryptionType ?? 'AES256';
  const facts = { type, ...(config?.kmsKey ? { kmsKey: config.kmsKey } : {}) };
  if (section.require === 'any' || (KMS_ENCRYPTION_TYPES as readonly string[]).includes(type)) return { ...facts, compliant: true };
  const name = repository.repositoryName ?? '';
  return {
    ...facts,
    compliant: false,
    fix:
      `repo ${name}: encrypted with ${type}, the policy requires KMS; encryption cannot change after creation: ` +
      `recreate the repository with encryptionConfiguration {encryptionType: KMS, kmsKey: <key>} and copy its images (not done by ecr-keeper)`,
  };
}
