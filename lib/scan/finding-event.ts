import * as z from 'zod';
import type { Deadline } from '../deadline';
import type { Policy } from '../policy';
import { accountIdField, awsEventEnvelope, imageDigestField, repositoryNameField } from './event-envelope';
import { repositoryArn } from './repository-arn';
import { runScan, type ScanDeps, type ScanRun } from './run';
import type { ScanRequest } from './types';

/** The detail-type of Amazon Inspector's event for a finding created, updated or closed. */
export const INSPECTOR2_FINDING_DETAIL_TYPE = 'Inspector2 Finding';
/** Inspector's resource type of an ECR image. */
export const ECR_IMAGE_RESOURCE_TYPE = 'AWS_ECR_CONTAINER_IMAGE';

const EcrImageResourceSchema = z.object({
  type: z.literal(ECR_IMAGE_RESOURCE_TYPE),
  id: z.string().min(1),
  details: z.object({
    awsEcrContainerImage: z.object({
      registry: accountIdField,
      repositoryName: repositoryNameField,
      imageHash: imageDigestField,
      imageTags: z.array(z.string()).default([]),
    }),
  }),
});

/**
 * Amazon Inspector's event for a finding of an ECR image (see events/inspector2-finding-ecr.json), sent
 * when a finding is created, updated or closed: on every continuous rescan that finds a new CVE. Only
 * what locates the image is read; the finding itself is not trusted for the verdict (the image is judged
 * again from all its findings). Findings of EC2 instances, Lambda functions and code are refused.
 */
export const Inspector2FindingEventSchema = awsEventEnvelope(
  'aws.inspector2',
  z.literal(INSPECTOR2_FINDING_DETAIL_TYPE),
  z.object({
    findingArn: z.string().min(1),
    severity: z.string().min(1),
    status: z.string().min(1),
    resources: z.array(EcrImageResourceSchema).min(1, 'must name the ECR image the finding is about'),
  }),
);
export type Inspector2FindingEvent = z.infer<typeof Inspector2FindingEventSchema>;

/** The image the finding is about, and its registry (the account that owns the repository). */
function imageOf(event: Inspector2FindingEvent) {
  return event.detail.resources[0]!.details.awsEcrContainerImage;
}

/**
 * The judging job of a finding event: read the image's findings and judge them again, without starting a
 * scan or waiting (Inspector scanned it).
 *
 * @example
 * const request = scanRequestFromFinding(event, deadlineIn(context.getRemainingTimeInMillis()));
 */
export function scanRequestFromFinding(event: Inspector2FindingEvent, deadline?: Deadline): ScanRequest {
  const image = imageOf(event);
  return {
    image: {
      repositoryName: image.repositoryName,
      imageDigest: image.imageHash,
      imageTags: [...image.imageTags],
      repositoryArn: repositoryArn(event.region, image.registry, image.repositoryName),
    },
    trigger: 'finding',
    waitSeconds: 0,
    scope: 'policy',
    ...(deadline ? { deadline } : {}),
  };
}

/**
 * Judges the image of an Inspector finding again and publishes its verdict when it is news (with the
 * verdict state in `deps`). An image in another account's registry (the events an Inspector delegated
 * administrator receives for its members) is left alone, with no AWS call: the targets of that account judge it.
 *
 * @example
 * const run = await judgeFindingEvent({ ecr, events, verdicts, log }, policy, event, deadlineIn(context.getRemainingTimeInMillis()));
 */
export async function judgeFindingEvent(deps: ScanDeps, policy: Policy, event: Inspector2FindingEvent, deadline?: Deadline): Promise<ScanRun> {
  const request = scanRequestFromFinding(event, deadline);
  const { registry } = imageOf(event);
  if (registry !== event.account) {
    const reason = `the image is in registry ${registry}, not in this account (${event.account}): that account's targets judge it`;
    return { outcome: { kind: 'out-of-scope', image: request.image, reason }, events: null };
  }
  return runScan(deps, policy, request, { publish: true });
}
