import { CleanupRequestSchema } from '../lib/cleanup/request';
import { runCleanup } from '../lib/cleanup/run';
import { cleanupSummary, cleanupSummaryEvent } from '../lib/cleanup/summary-event';
import { deadlineIn } from '../lib/deadline';
import { publishEvents } from '../lib/events/publish';
import { shouldFanOut, startDispatch } from '../lib/fanout/dispatch';
import { fanOutDeps } from './shared/fan-out';
import { keeperHandler } from './shared/middleware';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';
import { lambdaWorkQueue } from './shared/work-queue';

/**
 * Scheduled cleanup: plans every repository and, when the policy's `cleanup.mode` is `delete`, deletes the
 * garbage; `dry-run` (the default) only reports. Returns the run's summary (with a cursor when it stopped at
 * the deadline) and publishes it as one event. With the policy's `runtime.fanOut` it dispatches the
 * repositories to the worker instead, each work item with its share of `maxDeletesPerRun` (lib/fanout/).
 */
export function cleanupHandler(runtime: HandlerRuntime) {
  const { clients, logger, policy } = runtime;
  return keeperHandler(logger, CleanupRequestSchema, 'cleanup request', async (event, context) => {
    const current = policy();
    if (shouldFanOut(current, event)) {
      const dispatched = await startDispatch(fanOutDeps(runtime), current, 'cleanup', { deadline: deadlineIn(context.getRemainingTimeInMillis()) });
      logger.info('cleanup dispatched', { ...dispatched });
      return dispatched;
    }
    const report = await runCleanup({ ecr: clients.ecr, log: logger }, current, {
      mode: current.cleanup.mode,
      ...(event.repositories ? { names: event.repositories } : {}),
      ...(event.cursor ? { cursor: event.cursor } : {}),
      deadline: deadlineIn(context.getRemainingTimeInMillis()),
    });
    const events = event.publish ? await publishEvents({ events: clients.events }, current.events, [cleanupSummaryEvent(report)]) : null;
    logger.info('cleanup finished', { summary: report.summary, events });
    return { ...cleanupSummary(report), events };
  });
}

export const handler = cleanupHandler({ ...lambdaRuntime(), workQueue: lambdaWorkQueue() });
