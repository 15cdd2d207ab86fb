import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deadlineIn } from '../lib/deadline';
import { WorkQueueEventSchema } from '../lib/fanout/queue-event';
import { processWorkBatch } from '../lib/fanout/work';
import { requireWorkQueue } from '../lib/fanout/work-queue';
import { emitRunMetrics } from '../lib/metrics/emit';
import { keeperHandler } from './shared/middleware';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';
import { lambdaWorkQueue } from './shared/work-queue';

/**
 * The fan-out worker (SQS event source on the work queue): runs each work item of the batch, one after
 * another, and reports the ones that failed so SQS delivers only those again.
 */
export function workerHandler({ clients, logger, policy, workQueue, metrics }: HandlerRuntime) {
  return keeperHandler<typeof WorkQueueEventSchema, SQSBatchResponse, SQSEvent>(logger, WorkQueueEventSchema, 'work queue event', async (event, context) => {
    const deps = { ...clients, queue: requireWorkQueue(workQueue), log: logger };
    const { batchItemFailures, results } = await processWorkBatch(deps, policy(), event.Records, {
      deadline: deadlineIn(context.getRemainingTimeInMillis()),
    });
    for (const result of results) if (metrics && result.kind !== 'dispatch') emitRunMetrics(metrics, result.outcome);
    logger.info('work batch finished', { messages: event.Records.length, failed: batchItemFailures.length, results });
    return { batchItemFailures };
  });
}

export const handler = workerHandler({ ...lambdaRuntime(), workQueue: lambdaWorkQueue() });
