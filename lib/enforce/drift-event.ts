import * as z from 'zod';
import { REPOSITORY_NAME_PATTERN } from '../validate';
import type { EnforceScope, EnforceTrigger } from './types';

/** The ECR API calls that can move a setting away from the policy, as CloudTrail names them. */
export const DRIFT_EVENT_NAMES = [
  'CreateRepository',
  'PutImageTagMutability',
  'PutImageScanningConfiguration',
  'PutReplicationConfiguration',
  // Posture: a repository policy that may let everyone in again, a lifecycle safety net taken away.
  'SetRepositoryPolicy',
  'DeleteLifecyclePolicy',
] as const;
export type DriftEventName = (typeof DRIFT_EVENT_NAMES)[number];

/**
 * An `AWS API Call via CloudTrail` event from ECR, as EventBridge delivers it. Only the fields the
 * handler reads are checked; CloudTrail's many others pass through. A call ECR refused carries
 * `errorCode` (and often no usable `requestParameters`): it changed nothing and is ignored.
 *
 * @example
 * { "source": "aws.ecr", "detail-type": "AWS API Call via CloudTrail",
 *   "detail": { "eventSource": "ecr.amazonaws.com", "eventName": "PutImageTagMutability",
 *               "awsRegion": "us-east-1", "requestParameters": { "repositoryName": "payments/api" } } }
 */
export const DriftEventSchema = z.looseObject({
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  source: z.literal('aws.ecr'),
  id: z.string().optional(),
  account: z.string().optional(),
  region: z.string().optional(),
  detail: z
    .looseObject({
      eventSource: z.literal('ecr.amazonaws.com'),
      eventName: z.enum(DRIFT_EVENT_NAMES),
      eventID: z.string().optional(),
      awsRegion: z.string().min(1),
      userIdentity: z.looseObject({ type: z.string().optional(), arn: z.string().optional() }).optional(),
      requestParameters: z.looseObject({ repositoryName: z.string().optional() }).nullable().optional(),
      errorCode: z.string().optional(),
      errorMessage: z.string().optional(),
    })
    .superRefine((detail, ctx) => {
      if (detail.errorCode !== undefined || detail.eventName === 'PutReplicationConfiguration') return;
      const name = detail.requestParameters?.repositoryName;
      if (name === undefined) {
        ctx.addIssue({ code: 'custom', path: ['requestParameters', 'repositoryName'], message: `is required for ${detail.eventName}` });
      } else if (!REPOSITORY_NAME_PATTERN.test(name)) {
        ctx.addIssue({ code: 'custom', path: ['requestParameters', 'repositoryName'], message: 'must be an ECR repository name' });
      }
    }),
});
export type DriftEvent = z.infer<typeof DriftEventSchema>;

/** What a drift event asks for: a scope to re-enforce, or nothing with the reason. */
export type DriftAction = { kind: 'enforce'; scope: EnforceScope; trigger: EnforceTrigger } | { kind: 'ignore'; reason: string };

/**
 * Turns a validated drift event into the scope to re-enforce: the one repository it names, or the
 * registry's replication. A call that failed (`errorCode`) changed nothing and asks for nothing.
 *
 * @example
 * const action = driftAction(event);
 * if (action.kind === 'enforce') await runEnforce(deps, policy, { mode, scope: action.scope, trigger: action.trigger });
 */
export function driftAction(event: DriftEvent): DriftAction {
  const { detail } = event;
  if (detail.errorCode !== undefined) {
    return { kind: 'ignore', reason: `${detail.eventName} failed with ${detail.errorCode}: nothing changed` };
  }
  const trigger: EnforceTrigger = {
    source: 'drift',
    eventName: detail.eventName,
    ...(detail.eventID ? { eventId: detail.eventID } : {}),
    ...(detail.userIdentity?.arn ? { actor: detail.userIdentity.arn } : {}),
  };
  if (detail.eventName === 'PutReplicationConfiguration') return { kind: 'enforce', scope: { kind: 'replication' }, trigger };
  // The schema guarantees a valid repository name for a successful repository call.
  const name = detail.requestParameters?.repositoryName ?? '';
  return { kind: 'enforce', scope: { kind: 'repositories', names: [name] }, trigger };
}
