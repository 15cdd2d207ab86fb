import * as z from 'zod';
import type { Deadline } from '../deadline';
import { REPOSITORY_NAME_PATTERN } from '../validate';
import { awsEventEnvelope, imageDigestField, repositoryNameField, severityCountsField } from './event-envelope';
import { parseRepositoryArn, repositoryArn } from './repository-arn';
import type { ScanRequest } from './types';

/** The detail-type of ECR's basic scan-complete event. */
export const ECR_IMAGE_SCAN_DETAIL_TYPE = 'ECR Image Scan';
/** The detail-type of Amazon Inspector's initial-scan-complete event (enhanced scanning). */
export const INSPECTOR2_SCAN_DETAIL_TYPE = 'Inspector2 Scan';

/**
 * ECR's event for a completed basic scan, exactly as ECR sends it (see events/ecr-image-scan-complete.json):
 * `detail { scan-status, repository-name, finding-severity-counts, image-digest, image-tags }`.
 * `finding-severity-counts` only holds the severities that have findings.
 */
export const EcrImageScanEventSchema = awsEventEnvelope(
  'aws.ecr',
  z.literal(ECR_IMAGE_SCAN_DETAIL_TYPE),
  z.object({
    'scan-status': z.enum(['COMPLETE', 'FAILED']),
    'repository-name': repositoryNameField,
    'finding-severity-counts': severityCountsField,
    'image-digest': imageDigestField,
    'image-tags': z.array(z.string()).default([]),
  }),
);

/**
 * Amazon Inspector's event for the initial scan of an ECR image under enhanced scanning (see
 * events/inspector2-scan-ecr.json). Inspector writes the repository's ARN in `repository-name`, and
 * sends the same detail-type for EC2 instances and Lambda functions, which are refused here.
 */
export const Inspector2ScanEventSchema = awsEventEnvelope(
  'aws.inspector2',
  z.literal(INSPECTOR2_SCAN_DETAIL_TYPE),
  z.object({
    'scan-status': z.literal('INITIAL_SCAN_COMPLETE'),
    'repository-name': z.string().refine((arn) => {
      const parsed = parseRepositoryArn(arn);
      return parsed !== undefined && REPOSITORY_NAME_PATTERN.test(parsed.repositoryName);
    }, 'must be an ECR repository ARN (arn:aws:ecr:REGION:ACCOUNT:repository/NAME, NAME a valid repository name)'),
    'finding-severity-counts': severityCountsField,
    'image-digest': imageDigestField,
    'image-tags': z.array(z.string()).default([]),
  }),
);

/** Either scan-complete event; `detail-type` tells which. */
export const ScanCompleteEventSchema = z.discriminatedUnion('detail-type', [EcrImageScanEventSchema, Inspector2ScanEventSchema]);
export type ScanCompleteEvent = z.infer<typeof ScanCompleteEventSchema>;

/**
 * The scan job of a scan-complete event: read the findings and judge them, without starting a scan or
 * waiting (the scan is done).
 *
 * @example
 * const request = scanRequestFromScanEvent(event, deadlineIn(context.getRemainingTimeInMillis()));
 */
export function scanRequestFromScanEvent(event: ScanCompleteEvent, deadline?: Deadline): ScanRequest {
  const named = event['detail-type'] === INSPECTOR2_SCAN_DETAIL_TYPE ? parseRepositoryArn(event.detail['repository-name']) : undefined;
  const repositoryName = named?.repositoryName ?? event.detail['repository-name'];
  const arn =
    event['detail-type'] === INSPECTOR2_SCAN_DETAIL_TYPE
      ? event.detail['repository-name']
      : (event.resources.find((r) => r.includes(':repository/')) ?? repositoryArn(event.region, event.account, repositoryName));
  return {
    image: {
      repositoryName,
      imageDigest: event.detail['image-digest'],
      imageTags: [...event.detail['image-tags']],
      repositoryArn: arn,
    },
    trigger: 'scan-complete',
    waitSeconds: 0,
    scope: 'policy',
    ...(deadline ? { deadline } : {}),
  };
}
