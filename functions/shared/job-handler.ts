import { deadlineIn } from '../../lib/deadline';
import { dispatchJob, shouldFanOut } from '../../lib/fanout/dispatch';
import { requireWorkQueue } from '../../lib/fanout/work-queue';
import { continueRun } from '../../lib/hand-on/continue-run';
import { executeJob } from '../../lib/job/execute';
import type { Job, JobReport } from '../../lib/job/types';
import { createOrganizationsClient } from '../../lib/aws/sts-client';
import { executeOverTargets } from '../../lib/targets/execute';
import { runOverTargets } from '../../lib/targets/run';
import { planTargets, readOrganizationAccounts } from '../../lib/targets/resolve';
import { ORGANIZATION } from '../../lib/targets/schema';
import { emitRunMetrics } from '../../lib/metrics/emit';
import { jobOutcome, type RunEnd } from '../../lib/metrics/job-outcome';
import { keeperHandler } from './middleware';
import type { HandlerRuntime } from './runtime';
import { runtimeTargets } from './targets';

/**
 * The Lambda handler of a job (audit, enforce, cleanup, ...): the request validated by the job's schema, the
 * policy's mode, the Lambda's deadline, one {@link executeJob} (run and publish), its metrics, and the job's
 * small answer. A scheduled job that fans out (policy `runtime.fanOut`) dispatches its repositories to the
 * worker instead. A scheduled run (a schedule's event, or a continuation of one) that reaches its deadline
 * hands its cursor on to a continuation of itself (lib/hand-on), so every repository is visited on every
 * schedule; one that cannot is counted incomplete (`RunsIncomplete`, and its alarm). A manual invoke answers
 * with the cursor to resume at.
 *
 * @example
 * export const handler = jobHandler(cleanupJob, { ...lambdaRuntime(), workQueue: lambdaWorkQueue(), handOn: lambdaHandOn() });
 */
export function jobHandler<R extends JobReport>(job: Job<R>, runtime: HandlerRuntime) {
  const { clients, logger, policy, metrics } = runtime;
  const now = runtime.now ?? Date.now;
  return keeperHandler(logger, job.requestSchema, `${job.name} request`, async (event, context) => {
    const current = policy();
    const deadline = deadlineIn(context.getRemainingTimeInMillis(), undefined, now);
    const { handOn } = event;
    if (!handOn && (current.targets.accounts !== undefined || current.targets.regions !== undefined)) {
      // Over the policy's targets: one run per target, each with its clients, answered per target.
      const { home, clientsFor } = runtimeTargets(runtime, context);
      const organizationAccounts =
        current.targets.accounts === ORGANIZATION ? await readOrganizationAccounts(runtime.organizations ?? createOrganizationsClient({ region: home.region })) : undefined;
      const targets = planTargets(current.targets, {}, { caller: { ...home, arn: '' }, ...(organizationAccounts ? { organizationAccounts } : {}) });
      if (job.fanOut && shouldFanOut(current, event)) {
        // Work items per target: each carries its target, and the worker uses that target's clients.
        const { workQueue } = runtime;
        const queue = requireWorkQueue(workQueue);
        const outcomes = await runOverTargets(targets, (t) =>
          dispatchJob(job, { ...clientsFor(t), queue, log: logger }, current, { deadline, target: { accountId: t.accountId, region: t.region } }),
        );
        const dispatched = outcomes.map((o) => ({ accountId: o.target.accountId, region: o.target.region, ...(o.error ? { error: o.error } : o.result) }));
        logger.info(`${job.name} dispatched over targets`, { targets: dispatched });
        return { targets: dispatched };
      }
      const report = await executeOverTargets(
        job,
        targets,
        clientsFor,
        current,
        { mode: job.policyMode(current), ...(event.repositories ? { names: event.repositories } : {}), deadline, trigger: { source: 'schedule' } },
        { publish: event.publish, log: logger },
      );
      // Over targets a run answers with its cursors per target (no hand-on); metrics are counted per target.
      if (metrics) {
        for (const t of report.targets) if (!t.error) emitRunMetrics(metrics, jobOutcome(job, t, {}));
      }
      logger.info(`${job.name} finished over targets`, { summary: report.summary });
      return {
        targets: report.targets.map((t) => (t.error ? { accountId: t.accountId, region: t.region, error: t.error } : { accountId: t.accountId, region: t.region, ...job.response(t) })),
        summary: report.summary,
      };
    }
    if (job.fanOut && !handOn && shouldFanOut(current, event)) {
      const { workQueue } = runtime;
      const dispatched = await dispatchJob(job, { ...clients, queue: requireWorkQueue(workQueue), log: logger }, current, { deadline });
      logger.info(`${job.name} dispatched`, { ...dispatched });
      return dispatched;
    }
    const runPolicy = handOn && job.handOn ? job.handOn.policyFor(current, handOn) : current;
    const report = await executeJob(
      job,
      { ...clients, log: logger },
      runPolicy,
      {
        mode: job.policyMode(current),
        ...(event.repositories ? { names: event.repositories } : {}),
        ...(event.cursor ? { cursor: event.cursor } : {}),
        deadline,
        trigger: { source: 'schedule' },
      },
      { publish: event.publish },
    );
    const scheduled = event['detail-type'] === 'Scheduled Event' || handOn !== undefined;
    let end: RunEnd = {};
    if (scheduled) {
      end = await continueRun(
        { invoke: runtime.handOn, log: logger },
        context.invokedFunctionArn,
        {
          ...(report.summary.cursor ? { cursor: report.summary.cursor } : {}),
          ...(handOn ? { handOn } : {}),
          ...(event.cursor ? { startedFrom: event.cursor } : {}),
          invocationId: context.awsRequestId,
          now: new Date(now()),
          ...(job.handOn ? { maxDeletesLeft: job.handOn.maxDeletesLeft(runPolicy, report) } : {}),
        },
        (cursor, next) => ({ ...(event.repositories ? { repositories: event.repositories } : {}), publish: event.publish, cursor, handOn: next }),
      );
    }
    if (metrics) emitRunMetrics(metrics, jobOutcome(job, report, end));
    if (report.summary.complete) logger.info(`${job.name} finished`, { summary: report.summary, events: report.events });
    else if (!end.handedOn) logger.warn(`${job.name} stopped at the deadline; resume with the cursor`, { cursor: report.summary.cursor, summary: report.summary });
    return job.response(report);
  });
}
