import * as z from 'zod';

/**
 * The scheduled enforce Lambda's event: EventBridge's `Scheduled Event`, or a manual invoke
 * (`serverless invoke -f enforce`) that may carry the `cursor` of a run that stopped at its deadline.
 *
 * @example
 * { "cursor": "eyJ2IjoxLCJrIjoibCIsIm8iOjQyfQ" }
 */
export const EnforceRequestSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event').optional(),
  source: z.literal('aws.events').optional(),
  cursor: z.string().min(1).max(8192).optional(),
});
export type EnforceRequest = z.infer<typeof EnforceRequestSchema>;
