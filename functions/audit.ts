import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { runAudit } from '../lib/audit/audit';
import { fitReport } from '../lib/audit/fit';
import { AuditRequestSchema, type AuditRequest, type AuditRequestInput } from '../lib/audit/request';
import { auditSummaryEvent } from '../lib/audit/summary-event';
import { deadlineIn } from '../lib/deadline';
import { publishEvents } from '../lib/events/publish';
import { logErrors, validateEvent } from './shared/middleware';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** Manual audit (`serverless invoke -f audit`): returns the JSON report and publishes its summary event. */
export function auditHandler({ clients, logger, policy }: HandlerRuntime) {
  // The event arrives as AuditRequestInput; validateEvent hands the handler the parsed AuditRequest.
  return middy<AuditRequestInput, unknown, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logErrors(logger))
    .use(validateEvent(AuditRequestSchema, 'audit request'))
    .handler(async (input, context) => {
      const event = input as AuditRequest;
      const current = policy();
      const report = await runAudit({ ecr: clients.ecr, log: logger }, current, {
        ...(event.repositories ? { names: event.repositories } : {}),
        ...(event.cursor ? { cursor: event.cursor } : {}),
        deadline: deadlineIn(context.getRemainingTimeInMillis()),
      });
      const events = event.publish ? await publishEvents({ events: clients.events }, current.events, [auditSummaryEvent(report)]) : null;
      logger.info('audit finished', { summary: report.summary, events });
      return { ...fitReport(report), events };
    });
}

export const handler = auditHandler(lambdaRuntime());
