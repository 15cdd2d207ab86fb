import * as z from 'zod';
import type { Deadline } from '../deadline';
import type { Policy } from '../policy';
import { accountIdField, awsEventEnvelope, imageDigestField, imageTagField, repositoryNameField } from './event-envelope';
import { EcrImagePushEventSchema, scanRequestFromPush } from './push-event';
import { parseRepositoryArn, repositoryArn } from './repository-arn';
import type { ScanRequest } from './types';

/** The detail-type of ECR's event for an image replicated into this registry. */
export const ECR_REPLICATION_ACTION_DETAIL_TYPE = 'ECR Replication Action';
/** The detail-type of ECR's event for an image a pull through cache rule brought into this registry. */
export const ECR_PULL_THROUGH_CACHE_ACTION_DETAIL_TYPE = 'ECR Pull Through Cache Action';

/**
 * ECR's event for an image replicated into this registry, as ECR sends it in the destination account and
 * region (see events/ecr-replication.json): `detail { result, repository-name, image-digest, source-account,
 * action-type, source-region, image-tag }`. Only a successful replication passes.
 */
export const EcrReplicationEventSchema = awsEventEnvelope(
  'aws.ecr',
  z.literal(ECR_REPLICATION_ACTION_DETAIL_TYPE),
  z.object({
    result: z.literal('SUCCESS'),
    'repository-name': repositoryNameField,
    'image-digest': imageDigestField,
    'action-type': z.literal('REPLICATE'),
    'source-account': accountIdField.optional(),
    'source-region': z.string().min(1).optional(),
    'image-tag': imageTagField,
  }),
);

/**
 * ECR's event for a pull through cache action (see events/ecr-pull-through-cache.json): `detail { rule-version,
 * sync-status, ecr-repository-prefix, repository-name, upstream-registry-url, image-tag, image-digest }`.
 * Only a successful sync passes: a failed one brought no image.
 */
export const EcrPullThroughCacheEventSchema = awsEventEnvelope(
  'aws.ecr',
  z.literal(ECR_PULL_THROUGH_CACHE_ACTION_DETAIL_TYPE),
  z.object({
    'sync-status': z.literal('SUCCESS'),
    'repository-name': repositoryNameField,
    'image-digest': imageDigestField,
    'ecr-repository-prefix': z.string().min(1).optional(),
    'upstream-registry-url': z.string().min(1).optional(),
    'image-tag': imageTagField,
  }),
);

/** Every way an image arrives in a registry: pushed, replicated, or pulled through a cache; `detail-type` tells which. */
export const ImageArrivalEventSchema = z.discriminatedUnion('detail-type', [
  EcrImagePushEventSchema,
  EcrReplicationEventSchema,
  EcrPullThroughCacheEventSchema,
]);
export type ImageArrivalEvent = z.infer<typeof ImageArrivalEventSchema>;

/**
 * The scan job of an image that arrived, whichever way: a replicated or cached image is treated as a push
 * in the registry the event names (start a scan where none exists, wait briefly); the repository ARN is the
 * one in `resources` when ECR gives it.
 *
 * @example
 * const request = scanRequestFromArrival(event, policy, deadlineIn(context.getRemainingTimeInMillis(), SCAN_SAFETY_MARGIN_MS));
 */
export function scanRequestFromArrival(event: ImageArrivalEvent, policy: Pick<Policy, 'scan'>, deadline?: Deadline): ScanRequest {
  if (event['detail-type'] === 'ECR Image Action') return scanRequestFromPush(event, policy, deadline);
  const name = event.detail['repository-name'];
  const tag = event.detail['image-tag'];
  const named = event.resources.find((arn) => parseRepositoryArn(arn)?.repositoryName === name);
  return {
    image: {
      repositoryName: name,
      imageDigest: event.detail['image-digest'],
      imageTags: tag ? [tag] : [],
      repositoryArn: named ?? repositoryArn(event.region, event.account, name),
    },
    trigger: 'push',
    waitSeconds: policy.scan.waitSeconds,
    scope: 'policy',
    ...(deadline ? { deadline } : {}),
  };
}
