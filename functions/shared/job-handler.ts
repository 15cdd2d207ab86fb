import { deadlineIn } from '../../lib/deadline';
import { dispatchJob, shouldFanOut } from '../../lib/fanout/dispatch';
import { requireWorkQueue } from '../../lib/fanout/work-queue';
import { executeJob } from '../../lib/job/execute';
import type { Job, JobReport } from '../../lib/job/types';
import { keeperHandler } from './middleware';
import type { HandlerRuntime } from './runtime';

/**
 * The Lambda handler of a job (audit, enforce, cleanup, ...): the request validated by the job's schema, the
 * policy's mode, the Lambda's deadline, one {@link executeJob} (run and publish), and the job's small answer.
 * A scheduled job that fans out (policy `runtime.fanOut`) dispatches its repositories to the worker instead.
 * Near the deadline a run stops and answers with the cursor to resume at.
 *
 * @example
 * export const handler = jobHandler(cleanupJob, { ...lambdaRuntime(), workQueue: lambdaWorkQueue() });
 */
export function jobHandler<R extends JobReport>(job: Job<R>, runtime: HandlerRuntime) {
  const { clients, logger, policy } = runtime;
  return keeperHandler(logger, job.requestSchema, `${job.name} request`, async (event, context) => {
    const current = policy();
    const deadline = deadlineIn(context.getRemainingTimeInMillis());
    if (job.fanOut && shouldFanOut(current, event)) {
      const { workQueue } = runtime;
      const dispatched = await dispatchJob(job, { ...clients, queue: requireWorkQueue(workQueue), log: logger }, current, { deadline });
      logger.info(`${job.name} dispatched`, { ...dispatched });
      return dispatched;
    }
    const report = await executeJob(
      job,
      { ...clients, log: logger },
      current,
      {
        mode: job.policyMode(current),
        ...(event.repositories ? { names: event.repositories } : {}),
        ...(event.cursor ? { cursor: event.cursor } : {}),
        deadline,
        trigger: { source: 'schedule' },
      },
      { publish: event.publish },
    );
    if (report.summary.complete) logger.info(`${job.name} finished`, { summary: report.summary, events: report.events });
    else logger.warn(`${job.name} stopped at the deadline; resume with the cursor`, { cursor: report.summary.cursor, summary: report.summary });
    return job.response(report);
  });
}
