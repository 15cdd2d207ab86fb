import * as z from 'zod';
import type { Deadline } from '../deadline';
import type { Policy } from '../policy';
import { awsEventEnvelope, imageDigestField, imageTagField, repositoryNameField } from './event-envelope';
import { repositoryArn } from './repository-arn';
import type { ScanRequest } from './types';

/** The detail-type of ECR's push (and delete) events. */
export const ECR_IMAGE_ACTION_DETAIL_TYPE = 'ECR Image Action';

/**
 * ECR's event for a completed push, exactly as ECR sends it (see events/ecr-image-push.json):
 * `detail { result, repository-name, image-digest, action-type, image-tag }`. Only successful pushes
 * pass: a DELETE action or a failed result is refused, naming the field.
 */
export const EcrImagePushEventSchema = awsEventEnvelope(
  'aws.ecr',
  z.literal(ECR_IMAGE_ACTION_DETAIL_TYPE),
  z.object({
    result: z.literal('SUCCESS'),
    'repository-name': repositoryNameField,
    'image-digest': imageDigestField,
    'action-type': z.literal('PUSH'),
    /** Absent or empty when the image was pushed by digest only. */
    'image-tag': imageTagField,
  }),
);
export type EcrImagePushEvent = z.infer<typeof EcrImagePushEventSchema>;

/**
 * The scan job of a push: start a scan where none exists and wait up to the policy's `scan.waitSeconds`.
 *
 * @example
 * const request = scanRequestFromPush(event, policy, deadlineIn(context.getRemainingTimeInMillis(), SCAN_SAFETY_MARGIN_MS));
 */
export function scanRequestFromPush(event: EcrImagePushEvent, policy: Pick<Policy, 'scan'>, deadline?: Deadline): ScanRequest {
  const name = event.detail['repository-name'];
  const tag = event.detail['image-tag'];
  return {
    image: {
      repositoryName: name,
      imageDigest: event.detail['image-digest'],
      imageTags: tag ? [tag] : [],
      repositoryArn: repositoryArn(event.region, event.account, name),
    },
    trigger: 'push',
    waitSeconds: policy.scan.waitSeconds,
    scope: 'policy',
    ...(deadline ? { deadline } : {}),
  };
}
