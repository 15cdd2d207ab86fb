import * as z from 'zod';

/**
 * The worker's event: SQS messages from the work queue, as Lambda's SQS event source delivers them
 * (only the fields the worker reads are checked; each body is validated as a work item on its own).
 *
 * @example
 * { "Records": [{ "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d", "body": "{\"kind\":\"enforce\",...}" }] }
 */
export const WorkQueueEventSchema = z.looseObject({
  Records: z
    .array(
      z.looseObject({
        messageId: z.string().min(1),
        body: z.string(),
      }),
    )
    .min(1),
});
