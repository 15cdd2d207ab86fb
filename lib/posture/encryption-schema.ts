import * as z from 'zod';

/**
 * The `encryption` section. `require: KMS` makes a repository encrypted with ECR's default AES256
 * out of policy; the fix (recreate the repository with KMS) is named, never applied: a repository's
 * encryption cannot change after it is created. `any` (the default) accepts every encryption type.
 *
 * @example
 * encryption: { require: KMS }
 */
export const EncryptionSectionSchema = z.strictObject({
  require: z.enum(['any', 'KMS'], { error: 'must be "any" or "KMS"' }).default('any'),
});
export type EncryptionSection = z.infer<typeof EncryptionSectionSchema>;
