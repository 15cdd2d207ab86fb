import { deadlineIn } from '../lib/deadline';
import { EnforceRequestSchema } from '../lib/enforce/request';
import { enforceResponse } from '../lib/enforce/response';
import { policyEnforceMode, runEnforce } from '../lib/enforce/run';
import { dispatchEnforce } from '../lib/fanout/dispatch-enforce';
import { shouldFanOut } from '../lib/fanout/dispatch';
import { fanOutDeps } from './shared/fan-out';
import { keeperHandler } from './shared/middleware';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';
import { lambdaWorkQueue } from './shared/work-queue';

/**
 * Scheduled enforcement of the whole registry. The policy's `enforce.mode` decides: `apply` writes,
 * `dry-run` plans only. Near the Lambda's timeout the run stops and answers with the cursor to resume at.
 * With the policy's `runtime.fanOut` it enforces the replication and dispatches the repositories to the
 * worker instead (lib/fanout/dispatch.ts).
 */
export function enforceHandler(runtime: HandlerRuntime) {
  const { clients, logger, policy } = runtime;
  return keeperHandler(logger, EnforceRequestSchema, 'enforce request', async (event, context) => {
    const current = policy();
    if (shouldFanOut(current, event)) {
      const dispatched = await dispatchEnforce(fanOutDeps(runtime), current, { deadline: deadlineIn(context.getRemainingTimeInMillis()) });
      logger.info('enforce dispatched', { ...dispatched });
      return dispatched;
    }
    const report = await runEnforce({ ecr: clients.ecr, events: clients.events, log: logger }, current, {
      mode: policyEnforceMode(current),
      scope: { kind: 'registry', ...(event.cursor ? { cursor: event.cursor } : {}) },
      trigger: { source: 'schedule' },
      deadline: deadlineIn(context.getRemainingTimeInMillis()),
    });
    const response = enforceResponse(report);
    if (report.summary.complete) logger.info('enforce finished', { summary: response.summary, events: response.events });
    else logger.warn('enforce stopped at the deadline; resume with the cursor', { cursor: report.summary.cursor, summary: response.summary });
    return response;
  });
}

export const handler = enforceHandler({ ...lambdaRuntime(), workQueue: lambdaWorkQueue() });
