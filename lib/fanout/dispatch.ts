import { randomUUID } from 'node:crypto';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Deadline } from '../deadline';
import { executeJob } from '../job/execute';
import type { Job, JobReport } from '../job/types';
import { FanOutError } from '../errors';
import { MAX_SQS_BATCH_ENTRIES } from '../limits';
import { silentLog, type Log } from '../log';
import type { Policy } from '../policy';
import { walkOptionsFor } from '../walk-options';
import { walkRepositories, type RepositoryWalk } from '../walker';
import { deleteBudget, takeShare } from './budget';
import { sendWorkItems, type WorkQueue } from './work-queue';
import type { DeleteBudget, DispatchState, FanOutJob, RepositoriesWorkItem, WorkItem, WorkTarget } from './work-item';

/** What a dispatcher and a worker need. */
export interface FanOutDeps {
  ecr: ECRClient;
  /** Where enforce and cleanup publish their events; nothing is published without it. */
  events?: EventBridgeClient;
  queue: WorkQueue;
  log?: Log;
  now?: () => Date;
  /** The clients of an item's target (policy `targets`); without it every item works with `ecr` and `events`. */
  clientsFor?: (target: WorkTarget) => { ecr: ECRClient; events?: EventBridgeClient };
}

/** What one dispatcher invocation did. */
export interface DispatchReport {
  job: FanOutJob;
  run: string;
  /** Work items and repositories this invocation sent, and its SendMessageBatch calls. */
  sent: { items: number; repositories: number; calls: number };
  /** Repositories this invocation counted (cleanup, before its budget is known). */
  counted: number;
  /** True when the walk reached its end; false when a `dispatch` item carries it on. */
  complete: boolean;
  /** Cleanup: the shared cap and what is left of it after this invocation. */
  budget?: DeleteBudget;
  /** First invocation of a job with registry-level work (enforce: replication): that work, done once per run. */
  registry?: object;
}

/**
 * Whether a scheduled job fans out: the policy's `runtime.fanOut`, unless the request names repositories or
 * resumes a single-invocation run with a cursor (those run in one invocation, as they always did).
 */
export function shouldFanOut(policy: Pick<Policy, 'runtime'>, request: { cursor?: string | undefined; repositories?: readonly string[] | undefined }): boolean {
  return policy.runtime.fanOut && request.cursor === undefined && request.repositories === undefined;
}

/**
 * A fanned-out run of a scheduled job: its registry-level work first, once (enforce: the replication), when
 * the job has any, then the repositories the policy covers handed out as work items ({@link startDispatch}).
 * The job is a parameter, so a function's bundle (and so its role) holds only its own job's calls.
 *
 * @example
 * const report = await dispatchJob(enforceJob, { ecr, events, queue, log }, policy, { deadline });
 */
export async function dispatchJob<R extends JobReport>(
  job: Job<R>,
  deps: FanOutDeps,
  policy: Policy,
  options: { deadline?: Deadline; run?: string; target?: WorkTarget } = {},
): Promise<DispatchReport> {
  const spec = job.fanOut;
  if (!spec) throw new FanOutError(`the ${job.name} job does not fan out`);
  const registry = spec.registryFirst
    ? job.response(
        await executeJob(
          job,
          deps,
          policy,
          { mode: job.policyMode(policy), registryOnly: true, trigger: { source: 'schedule' }, ...(options.deadline ? { deadline: options.deadline } : {}) },
          { publish: true },
        ),
      )
    : undefined;
  const report = await startDispatch(deps, policy, spec.kind, options);
  return registry ? { ...report, registry } : report;
}

/**
 * Starts handing out the repositories the policy covers as work items (see {@link continueDispatch}); the
 * registry-level work is {@link dispatchJob}'s.
 *
 * @example
 * const report = await startDispatch({ ecr, events, queue, log }, policy, 'cleanup', { deadline: deadlineIn(context.getRemainingTimeInMillis()) });
 */
export async function startDispatch(
  deps: FanOutDeps,
  policy: Policy,
  job: FanOutJob,
  options: { deadline?: Deadline; run?: string; target?: WorkTarget } = {},
): Promise<DispatchReport> {
  return continueDispatch(deps, policy, { job, ...(options.target ? { target: options.target } : {}), run: options.run ?? randomUUID(), sent: 0 }, options);
}

/** A walk over the repositories the policy covers; the skip tag is left to the workers. */
function walk(deps: FanOutDeps, policy: Policy, cursor: string | undefined, deadline: Deadline | undefined): RepositoryWalk {
  return walkRepositories(deps.ecr, walkOptionsFor(policy, { ...(cursor ? { cursor } : {}), ...(deadline ? { deadline } : {}) }));
}

/** A step that stopped at the deadline before it listed one repository would hand on the same state forever. */
function assertProgress(listed: number, state: DispatchState): void {
  if (listed === 0) {
    throw new FanOutError(`dispatch of ${state.job} run ${state.run} reached its deadline before listing a repository; nothing to hand on`);
  }
}

/**
 * Carries a fanned-out run on from `state`: pages through the repositories the policy covers with the
 * walker and sends them as work items of `runtime.repositoriesPerWorkItem` names, 10 items per
 * SendMessageBatch. Cleanup first counts the repositories, to share `maxDeletesPerRun` among its items
 * (lib/fanout/budget.ts). Near the deadline the walk stops and a `dispatch` item carries the cursor on to
 * the worker, which calls this again: no dispatch is cut off. A continuation that could not list a single
 * repository throws a FanOutError instead of handing on the same cursor forever.
 *
 * @example
 * const report = await continueDispatch({ ecr, events, queue }, policy, item.state, { deadline });
 */
export async function continueDispatch(deps: FanOutDeps, policy: Policy, from: DispatchState, options: { deadline?: Deadline } = {}): Promise<DispatchReport> {
  const log = deps.log ?? silentLog;
  const perItem = policy.runtime.repositoriesPerWorkItem;
  let state = from;
  let counted = 0;
  let listed = 0;
  const sent = { items: 0, repositories: 0, calls: 0 };
  const send = async (items: WorkItem[]) => {
    sent.calls += (await sendWorkItems({ queue: deps.queue }, items)).calls;
  };
  const report = (complete: boolean): DispatchReport => ({
    job: state.job,
    run: state.run,
    sent,
    counted,
    complete,
    ...(state.budget ? { budget: state.budget } : {}),
  });

  if (state.job === 'cleanup' && !state.budget) {
    const counting = walk(deps, policy, state.cursor, options.deadline);
    for await (const _repository of counting) counted++;
    listed += counting.outcome.listed;
    const total = (state.counted ?? 0) + counted;
    if (!counting.outcome.complete) {
      assertProgress(counting.outcome.listed, state);
      state = { ...state, counted: total, ...(counting.outcome.cursor ? { cursor: counting.outcome.cursor } : {}) };
      await send([{ kind: 'dispatch', state }]);
      log.info('dispatch counting continues in the worker', { run: state.run, counted: total });
      return report(false);
    }
    state = { job: state.job, ...(state.target ? { target: state.target } : {}), run: state.run, sent: state.sent, budget: deleteBudget(policy.cleanup.maxDeletesPerRun, total, perItem) };
  }

  const pending: WorkItem[] = [];
  let names: string[] = [];
  const addItem = () => {
    const base = { ...(state.target ? { target: state.target } : {}), run: state.run, index: state.sent, names };
    let item: RepositoriesWorkItem;
    if (state.job === 'cleanup' && state.budget) {
      const { share, budget } = takeShare(state.budget, state.sent);
      item = { kind: 'cleanup', ...base, maxDeletes: share };
      state = { ...state, budget };
    } else {
      item = { kind: 'enforce', ...base };
    }
    pending.push(item);
    state = { ...state, sent: state.sent + 1 };
    sent.items++;
    sent.repositories += names.length;
    names = [];
  };

  const dispatching = walk(deps, policy, state.cursor, options.deadline);
  for await (const repository of dispatching) {
    names.push(repository.name);
    if (names.length === perItem) addItem();
    if (pending.length === MAX_SQS_BATCH_ENTRIES) await send(pending.splice(0));
  }
  if (names.length > 0) addItem();
  const { complete, cursor } = dispatching.outcome;
  if (!complete) {
    assertProgress(listed + dispatching.outcome.listed, state);
    pending.push({ kind: 'dispatch', state: { ...state, ...(cursor ? { cursor } : {}) } });
  }
  for (let i = 0; i < pending.length; i += MAX_SQS_BATCH_ENTRIES) await send(pending.slice(i, i + MAX_SQS_BATCH_ENTRIES));
  if (!complete) log.info('dispatch continues in the worker', { run: state.run, sent: state.sent });
  return report(complete);
}
