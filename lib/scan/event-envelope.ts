import * as z from 'zod';
import { DIGEST_PATTERN, REPOSITORY_NAME_PATTERN } from '../validate';

/** A 12-digit AWS account id, as events write it. */
export const accountIdField = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

/**
 * An AWS service event as EventBridge delivers it, narrowed to one source and detail-type, with this event
 * kind's `detail`: the fields of Powertools' `EventBridgeSchema` (`time` an ISO 8601 instant, `replay-name`),
 * written here rather than imported. Powertools' schemas import `{ z }` from zod, which defeats tree-shaking:
 * importing them added 350 KB (every zod locale) to each scan function's bundle, past the 400 KB budget.
 * Unknown fields are dropped, not refused: AWS adds fields over time.
 *
 * @example
 * const Schema = awsEventEnvelope('aws.ecr', z.literal('ECR Replication Action'), z.object({ result: z.literal('SUCCESS') }));
 */
export function awsEventEnvelope<T extends z.ZodType, D extends z.ZodType>(source: string, detailType: T, detail: D) {
  return z.object({
    version: z.string(),
    id: z.string().min(1),
    'detail-type': detailType,
    source: z.literal(source),
    account: accountIdField,
    time: z.iso.datetime(),
    region: z.string().min(1),
    // ECR leaves `resources` empty on some events; a missing list is read as an empty one.
    resources: z.array(z.string()).default([]),
    detail,
    'replay-name': z.string().optional(),
  });
}

/** A repository name as ECR writes it in its events. */
export const repositoryNameField = z.string().regex(REPOSITORY_NAME_PATTERN, 'must be an ECR repository name');
/** An image digest as ECR writes it in its events. */
export const imageDigestField = z.string().regex(DIGEST_PATTERN, 'must be an image digest (sha256:<64 hex>)');
/** An image tag as ECR writes it in its events (absent or empty when pushed by digest only). */
export const imageTagField = z.string().max(300).optional();
/** ECR's per-severity counts in an event (Inspector adds `TOTAL`); only read, never trusted for the verdict. */
export const severityCountsField = z.record(z.string(), z.number().int().min(0)).optional();
