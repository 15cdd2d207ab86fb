import * as z from 'zod';
import { DIGEST_PATTERN, REPOSITORY_NAME_PATTERN } from '../validate';

/**
 * The fields EventBridge puts around every AWS service event (`detail-type` and `detail` are each
 * event kind's own). Unknown fields are dropped, not refused: AWS adds fields over time.
 */
export function awsEventEnvelope<T extends z.ZodType, D extends z.ZodType>(source: string, detailType: T, detail: D) {
  return z.object({
    version: z.string(),
    id: z.string().min(1),
    'detail-type': detailType,
    source: z.literal(source),
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    time: z.string(),
    region: z.string().min(1),
    resources: z.array(z.string()).default([]),
    detail,
  });
}

/** A repository name as ECR writes it in its events. */
export const repositoryNameField = z.string().regex(REPOSITORY_NAME_PATTERN, 'must be an ECR repository name');
/** An image digest as ECR writes it in its events. */
export const imageDigestField = z.string().regex(DIGEST_PATTERN, 'must be an image digest (sha256:<64 hex>)');
/** ECR's per-severity counts in an event (Inspector adds `TOTAL`); only read, never trusted for the verdict. */
export const severityCountsField = z.record(z.string(), z.number().int().min(0)).optional();
