import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { toErrorInfo } from '../../lib/errors';
import type { Log } from '../../lib/log';
import { redactError } from '../../lib/redact';
import { parseEvent } from '../../lib/validate';

/**
 * Validates the incoming event with a zod schema before the handler runs; the handler receives the
 * parsed value. A bad event throws an EventValidationError naming the field, and no AWS call is made.
 */
export function validateEvent<S extends z.ZodType>(schema: S, what: string): middy.MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    before: (request) => {
      request.event = parseEvent(schema, request.event, what);
    },
  };
}

/**
 * Logs any error with its code and message (never `{}`), then lets it fail the invocation, its message and
 * stack cleared of credentials first: the Lambda runtime logs a failed invocation's error as it is.
 */
export function logErrors(log: Log): middy.MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    onError: (request) => {
      const info = toErrorInfo(request.error);
      log.error('invocation failed', { error: info, requestId: request.context?.awsRequestId });
      redactError(request.error);
    },
  };
}

/**
 * The wiring every ecr-keeper handler shares: the Lambda context in the logger, errors logged (and cleared
 * of credentials), the event validated by `schema` before `work` runs, which gets the parsed event.
 *
 * @example
 * export const handler = keeperHandler(logger, ScheduledJobRequestSchema, 'cleanup request', (event, context) => runAudit(...));
 */
export function keeperHandler<S extends z.ZodType, R, E = z.input<S>>(
  logger: Logger,
  schema: S,
  what: string,
  work: (event: z.output<S>, context: Context) => Promise<R>,
) {
  // E: what the invoker passes (the schema's input, or a Lambda event type such as SQSEvent).
  return middy<E, R, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logErrors(logger))
    .use(validateEvent(schema, what))
    .handler((event, context) => work(event as z.output<S>, context));
}
