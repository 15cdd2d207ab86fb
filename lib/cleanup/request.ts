import * as z from 'zod';
import { REPOSITORY_NAME_PATTERN } from '../validate';

/**
 * The cleanup Lambda's payload: EventBridge Scheduler's "Scheduled Event" (its fields are accepted and
 * ignored), or a manual invoke that resumes a run or narrows it. The mode is never taken from the event:
 * it is the policy's `cleanup.mode`, so nothing destructive happens by surprise.
 *
 * @example
 * { "cursor": "eyJ2Ijox...", "repositories": ["payments/api"] }
 */
export const CleanupRequestSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event').optional(),
  source: z.literal('aws.events').optional(),
  repositories: z.array(z.string().regex(REPOSITORY_NAME_PATTERN, 'must be an ECR repository name')).min(1).max(1000).optional(),
  cursor: z.string().min(1).max(8192).optional(),
  /** Publish the summary event (default true). */
  publish: z.boolean().default(true),
});
export type CleanupRequest = z.infer<typeof CleanupRequestSchema>;
export type CleanupRequestInput = z.input<typeof CleanupRequestSchema>;
