import * as z from 'zod';
import { REPOSITORY_NAME_PATTERN } from '../validate';

/**
 * The audit Lambda's payload (manual `serverless invoke -f audit`): every key optional.
 *
 * @example
 * { "repositories": ["payments/api"], "cursor": "eyJ2Ijox..." }
 */
export const AuditRequestSchema = z.strictObject({
  repositories: z.array(z.string().regex(REPOSITORY_NAME_PATTERN, 'must be an ECR repository name')).min(1).max(1000).optional(),
  cursor: z.string().min(1).max(8192).optional(),
  /** Publish the summary event (default true). */
  publish: z.boolean().default(true),
});
export type AuditRequest = z.infer<typeof AuditRequestSchema>;
export type AuditRequestInput = z.input<typeof AuditRequestSchema>;
