import { describe, expect, it } from 'vitest';
import { checkEncryption } from '../lib/posture/encryption-check';

const repo = (encryptionType?: 'AES256' | 'KMS' | 'KMS_DSSE', kmsKey?: string) => ({
  repositoryName: 'svc/a',
  ...(encryptionType ? { encryptionConfiguration: { encryptionType, ...(kmsKey ? { kmsKey } : {}) } } : {}),
});
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('checkEncryption', () => {
  it('accepts any encryption when the policy requires any', () => {
    expect(checkEncryption(repo('AES256'), { require: 'any' })).toEqual({ type: 'AES256', compliant: true });
  });

  it('puts an AES256 repository out of policy under require: KMS, naming the fix it never makes', () => {
    const check = checkEncryption(repo('AES256'), { require: 'KMS' });
    expect(check.compliant).toBe(false);
    expect(check.fix).toMatch(/^repo svc\/a: encrypted with AES256, the policy requires KMS; encryption cannot change after creation: recreate the repository with/);
  });

  it('reads a repository with no encryption configuration as AES256, ECR\'s default', () => {
    expect(checkEncryption(repo(), { require: 'KMS' })).toMatchObject({ type: 'AES256', compliant: false });
  });

  it.each(['KMS', 'KMS_DSSE'] as const)('accepts %s under require: KMS, with its key', (type) => {
    expect(checkEncryption(repo(type, KEY), { require: 'KMS' })).toEqual({ type, kmsKey: KEY, compliant: true });
  });
});
