import { runAudit } from '../lib/audit/audit';
import { fitReport } from '../lib/audit/fit';
import { AuditRequestSchema } from '../lib/audit/request';
import { auditSummaryEvent } from '../lib/audit/summary-event';
import { deadlineIn } from '../lib/deadline';
import { publishEvents } from '../lib/events/publish';
import { keeperHandler } from './shared/middleware';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** Manual audit (`serverless invoke -f audit`): returns the JSON report and publishes its summary event. */
export function auditHandler({ clients, logger, policy }: HandlerRuntime) {
  return keeperHandler(logger, AuditRequestSchema, 'audit request', async (event, context) => {
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
