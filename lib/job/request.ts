import * as z from 'zod';
import { HandOnSchema } from '../hand-on/schema';
import { AccountIdSchema, RegionNameSchema } from '../targets/schema';
import { REPOSITORY_NAME_PATTERN } from '../validate';

const fields = {
  repositories: z.array(z.string().regex(REPOSITORY_NAME_PATTERN, 'must be an ECR repository name')).min(1).max(1000).optional(),
  cursor: z.string().min(1).max(8192).optional(),
  /** Publish the run's events (default true). */
  publish: z.boolean().default(true),
  /**
   * One of the policy's targets: a run over targets works only it (and `cursor` resumes its run). A
   * continuation of a run over targets carries the target it continues.
   */
  target: z.strictObject({ accountId: AccountIdSchema, region: RegionNameSchema }).optional(),
};

/**
 * The payload of a scheduled job's function: EventBridge's `Scheduled Event` (its fields are accepted and
 * ignored), or a manual invoke that narrows the run to some repositories or resumes it at a cursor. The mode
 * is never taken from the event: it is the policy's, so nothing destructive happens by surprise.
 *
 * @example
 * { "repositories": ["payments/api"], "cursor": "eyJ2Ijox...", "publish": false }
 * { "target": { "accountId": "222222222222", "region": "eu-west-1" }, "cursor": "eyJ2Ijox..." }
 */
export const ScheduledJobRequestSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event').optional(),
  source: z.literal('aws.events').optional(),
  ...fields,
  /** A continuation of a scheduled run that reached its deadline (lib/hand-on): which run, and its budgets. */
  handOn: HandOnSchema.optional(),
});

/** The payload of a job invoked only by hand (the audit): nothing but its own keys. */
export const ManualJobRequestSchema = z.strictObject(fields);

