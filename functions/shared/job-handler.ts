import { deadlineIn } from '../../lib/deadline';
import { dispatchJob, shouldFanOut } from '../../lib/fanout/dispatch';
import { requireWorkQueue } from '../../lib/fanout/work-queue';
import { continueRun } from '../../lib/hand-on/continue-run';
import { executeJob } from '../../lib/job/execute';
import type { Job, JobReport, LambdaJobRequest } from '../../lib/job/types';
import { createOrganizationsClient } from '../../lib/aws/sts-client';
import { policyForTarget } from '../../lib/targets/cap';
import { executeOverTargets } from '../../lib/targets/execute';
import { runOverTargets } from '../../lib/targets/run';
import { planTargets, readOrganizationAccounts } from '../../lib/targets/resolve';
import { ORGANIZATION } from '../../lib/targets/schema';
import { emitRunMetrics } from '../../lib/metrics/emit';
import { jobOutcome, type RunEnd } from '../../lib/metrics/job-outcome';
import type { Context } from 'aws-lambda';
import type { Deadline } from '../../lib/deadline';
import { EventValidationError } from '../../lib/errors';
import type { Policy } from '../../lib/policy';
import { targetInScope } from '../../lib/targets/event-target';
import { partitionOfRegion } from '../../lib/targets/regions';
import { targetKey, type Target } from '../../lib/targets/types';
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
    const scheduled = event['detail-type'] === 'Scheduled Event' || handOn !== undefined;
    const overTargets = current.targets.accounts !== undefined || current.targets.regions !== undefined;
    // A request that names its target (a manual invoke, a continuation over targets) works that target only.
    const target = event.target ? requestedTarget(runtime, context, job.name, event.target) : undefined;
    const here = target ? runtimeTargets(runtime, context).clientsFor(target) : clients;
    const where = target ? { target: { accountId: target.accountId, region: target.region } } : {};
    if (!target && overTargets) {
      // A cursor is one target's: resuming it over every target would start the others at someone else's place.
      if (event.cursor !== undefined || handOn) {
        throw new EventValidationError(`${job.name} request: a cursor resumes one target's run: name that target`, ['target: required with cursor when the policy has targets']);
      }
      return runOverPolicyTargets(job, runtime, current, event, context, deadline, scheduled);
    }
    if (job.fanOut && !handOn && shouldFanOut(current, event)) {
      const { workQueue } = runtime;
      const dispatched = await dispatchJob(job, { ...here, queue: requireWorkQueue(workQueue), log: logger }, current, { deadline, ...where });
      logger.info(`${job.name} dispatched`, { ...dispatched, ...where });
      return { ...where.target, ...dispatched };
    }
    const runPolicy = handOn && job.handOn ? job.handOn.policyFor(current, handOn) : current;
    const report = await executeJob(
      job,
      { ...here, log: logger },
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
    const end = scheduled ? await handOnAtDeadline(job, runtime, context, event, runPolicy, report, target) : {};
    if (metrics) emitRunMetrics(metrics, jobOutcome(job, report, end));
    if (report.summary.complete) logger.info(`${job.name} finished`, { summary: report.summary, events: report.events, ...where });
    else if (!end.handedOn) logger.warn(`${job.name} stopped at the deadline; resume with the cursor`, { cursor: report.summary.cursor, summary: report.summary, ...where });
    return { ...where.target, ...job.response(report) };
  });
}

/**
 * The end of a scheduled run's invocation (lib/hand-on): at the deadline, its cursor is handed on to a
 * continuation with the same request (its repositories, `publish`, and `target` when it works one target).
 */
function handOnAtDeadline<R extends JobReport>(
  job: Job<R>,
  runtime: HandlerRuntime,
  context: Context,
  event: LambdaJobRequest,
  policy: Policy,
  report: R,
  target: { accountId: string; region: string } | undefined,
): Promise<RunEnd> {
  const where = target ? { target: { accountId: target.accountId, region: target.region } } : {};
  return continueRun(
    { invoke: runtime.handOn, log: runtime.logger },
    context.invokedFunctionArn,
    {
      ...(report.summary.cursor ? { cursor: report.summary.cursor } : {}),
      ...(event.handOn ? { handOn: event.handOn } : {}),
      ...(event.cursor ? { startedFrom: event.cursor } : {}),
      invocationId: context.awsRequestId,
      now: new Date((runtime.now ?? Date.now)()),
      ...(job.handOn ? { maxDeletesLeft: job.handOn.maxDeletesLeft(policy, report) } : {}),
    },
    (cursor, next) => ({ ...(event.repositories ? { repositories: event.repositories } : {}), publish: event.publish, cursor, handOn: next, ...where }),
  );
}

/** The target a request names, when it is one of the policy's targets; a clear error, before any AWS call, when not. */
function requestedTarget(runtime: HandlerRuntime, context: Context, jobName: string, requested: { accountId: string; region: string }): Target {
  const decision = targetInScope({ ...requested, partition: partitionOfRegion(requested.region) }, runtimeTargets(runtime, context).handler.scope, `target ${targetKey(requested)}`);
  if (decision.kind === 'ignore') throw new EventValidationError(`${jobName} request: ${decision.reason}`, [`target: ${decision.reason}`]);
  return decision.target;
}

/**
 * A scheduled run over the policy's targets: work items per target when it fans out; else every target run
 * at once, each handing its own cursor on to a continuation that carries its target when it reaches the
 * deadline (a scheduled run), answered per target with the summed totals.
 */
async function runOverPolicyTargets<R extends JobReport>(
  job: Job<R>,
  runtime: HandlerRuntime,
  current: Policy,
  event: LambdaJobRequest,
  context: Context,
  deadline: Deadline,
  scheduled: boolean,
) {
  const { logger, metrics } = runtime;
  const { home, clientsFor } = runtimeTargets(runtime, context);
  const organizationAccounts =
    current.targets.accounts === ORGANIZATION ? await readOrganizationAccounts(runtime.organizations ?? createOrganizationsClient({ region: home.region })) : undefined;
  const targets = planTargets(current.targets, {}, { caller: { ...home, arn: '' }, ...(organizationAccounts ? { organizationAccounts } : {}) });
  if (job.fanOut && shouldFanOut(current, event)) {
    // Work items per target: each carries its target, and the worker uses that target's clients.
    const queue = requireWorkQueue(runtime.workQueue);
    // Each target's items share that target's part of the run's deletion cap.
    const outcomes = await runOverTargets(targets, (t, index) =>
      dispatchJob(job, { ...clientsFor(t), queue, log: logger }, policyForTarget(current, index, targets.length), {
        deadline,
        target: { accountId: t.accountId, region: t.region },
      }),
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
  const answers = [];
  for (const [index, t] of report.targets.entries()) {
    const at = { accountId: t.accountId, region: t.region };
    if (t.error) {
      answers.push({ ...at, error: t.error });
      continue;
    }
    // Each target that reached the deadline goes on in a continuation of its own, which carries its target.
    const share = policyForTarget(current, index, report.targets.length);
    const end = scheduled ? await handOnAtDeadline(job, runtime, context, event, share, t, at) : {};
    if (metrics) emitRunMetrics(metrics, jobOutcome(job, t, end));
    answers.push({ ...at, ...job.response(t), ...(end.handedOn ? { handedOn: true } : {}) });
  }
  logger.info(`${job.name} finished over targets`, { summary: report.summary });
  return { targets: answers, summary: report.summary };
}
