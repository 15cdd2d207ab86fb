import type { Context } from 'aws-lambda';
import { deadlineIn } from '../../lib/deadline';
import { startDispatch, type DispatchReport } from '../../lib/fanout/dispatch';
import type { FanOutJob } from '../../lib/fanout/work-item';
import { requireWorkQueue } from '../../lib/fanout/work-queue';
import type { Policy } from '../../lib/policy';
import type { HandlerRuntime } from './runtime';

/** A scheduled handler's fanned-out run: dispatches the job to the work queue within the invocation's time. */
export async function dispatchScheduledJob(runtime: HandlerRuntime, policy: Policy, job: FanOutJob, context: Context): Promise<DispatchReport> {
  const { clients, logger, workQueue } = runtime;
  const report = await startDispatch({ ...clients, queue: requireWorkQueue(workQueue), log: logger }, policy, job, {
    deadline: deadlineIn(context.getRemainingTimeInMillis()),
  });
  logger.info(`${job} dispatched`, { ...report });
  return report;
}
