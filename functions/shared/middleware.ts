import type middy from '@middy/core';
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
