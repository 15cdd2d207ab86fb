import { isPast, type Deadline } from '../deadline';
import { EventValidationError, FanOutError, toErrorInfo } from '../errors';
import { executeJob } from '../job/execute';
import { FAN_OUT_JOBS_BY_KIND } from '../job/fan-out-jobs';
import type { JobSummary } from '../job/types';
import { silentLog } from '../log';
import { jobOutcome } from '../metrics/job-outcome';
import type { RunOutcome } from '../metrics/run-outcome';
import type { Policy } from '../policy';
import { parseEvent } from '../validate';
import { continueDispatch, type DispatchReport, type FanOutDeps } from './dispatch';
import { sendWorkItems } from './work-queue';
import { WorkItemSchema, type FanOutJob, type RepositoriesWorkItem, type WorkItem } from './work-item';

/** What running one work item did. */
export type WorkResult =
  | { kind: FanOutJob; run: string; index: number; summary: JobSummary; missing: string[]; followUp: boolean; outcome: RunOutcome }
  | { kind: 'dispatch'; report: DispatchReport };

/** A message of the work queue as the worker receives it. */
export interface WorkMessage {
  messageId: string;
  body: string;
}

/** What {@link processWorkBatch} did: the messages to hand back to SQS, and each result. */
export interface WorkBatchResult {
  /** Lambda's partial batch response: these messages are delivered again, and dead-lettered after 5 receives. */
  batchItemFailures: { itemIdentifier: string }[];
  results: WorkResult[];
}

/** Reads a work queue message, or throws an EventValidationError naming what is wrong with it. */
export function parseWorkItem(body: string): WorkItem {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    throw new EventValidationError(`invalid work item: not JSON (${(err as Error).message})`);
  }
  return parseEvent(WorkItemSchema, data, 'work item');
}

/**
 * Runs one repositories item with its job, through the same {@link executeJob} as a direct run (its events
 * carry the item's run and index). An item that stopped at its deadline sends the rest of itself back to the
 * queue, or fails when it got through none of its names (it would hand on the same item forever).
 */
async function runRepositoriesItem(deps: FanOutDeps, policy: Policy, item: RepositoriesWorkItem, deadline: Deadline | undefined): Promise<WorkResult> {
  const job = FAN_OUT_JOBS_BY_KIND[item.kind];
  const spec = job.fanOut!;
  const report = await executeJob(
    job,
    deps,
    spec.policyFor(policy, item),
    {
      mode: job.policyMode(policy),
      names: item.names,
      ...(item.cursor ? { cursor: item.cursor } : {}),
      ...(deadline ? { deadline } : {}),
      trigger: { source: 'schedule' },
    },
    { publish: true, fanOut: { run: item.run, index: item.index } },
  );
  const { summary, missing, failures } = report;
  let followUp = false;
  if (summary.cursor) {
    if (summary.repositories + failures.length + summary.excluded + missing.length === 0) {
      throw new FanOutError(`work item ${item.run}/${item.index} reached its deadline before its first repository`);
    }
    await sendWorkItems({ queue: deps.queue }, [spec.rest(item, report, summary.cursor)]);
    followUp = true;
  }
  // An item's rest goes back to the queue: it is handed on, never left incomplete.
  const outcome = jobOutcome(job, report, { handedOn: followUp, incomplete: false });
  return { kind: item.kind, run: item.run, index: item.index, summary, missing, followUp, outcome };
}

/**
 * Runs one work item: its job over its repositories (looked up by name, still subject to the policy's
 * include/exclude and skip tag), or carries a dispatch on. An item that stops at its deadline sends the rest
 * of itself (same names, the walker's cursor, what is left of a cleanup's deletion share) back to the queue;
 * per-repository failures are recorded in the result and logged, as in a single-invocation run.
 *
 * @example
 * const result = await runWorkItem({ ecr, events, queue, log }, policy, parseWorkItem(message.body), { deadline });
 */
export async function runWorkItem(deps: FanOutDeps, policy: Policy, item: WorkItem, options: { deadline?: Deadline } = {}): Promise<WorkResult> {
  // An item of a run over targets works with its target's clients.
  const target = item.kind === 'dispatch' ? item.state.target : item.target;
  const here = target && deps.clientsFor ? { ...deps, ...deps.clientsFor(target) } : deps;
  if (item.kind === 'dispatch') return { kind: 'dispatch', report: await continueDispatch(here, policy, item.state, options) };
  return runRepositoriesItem(here, policy, item, options.deadline);
}

/**
 * Runs a batch of work queue messages one after another and reports each failure on its own: a message
 * that is not a valid work item, or whose run throws, is returned in `batchItemFailures` (SQS delivers it
 * again, then dead-letters it) while the others succeed. Messages not started before the deadline are
 * handed back the same way.
 *
 * @example
 * const { batchItemFailures } = await processWorkBatch(deps, policy, event.Records, { deadline });
 */
export async function processWorkBatch(
  deps: FanOutDeps,
  policy: Policy,
  messages: readonly WorkMessage[],
  options: { deadline?: Deadline } = {},
): Promise<WorkBatchResult> {
  const log = deps.log ?? silentLog;
  const result: WorkBatchResult = { batchItemFailures: [], results: [] };
  for (const message of messages) {
    if (isPast(options.deadline)) {
      log.warn('work item not started before the deadline; SQS delivers it again', { messageId: message.messageId });
      result.batchItemFailures.push({ itemIdentifier: message.messageId });
      continue;
    }
    try {
      result.results.push(await runWorkItem(deps, policy, parseWorkItem(message.body), options));
    } catch (err) {
      log.error('work item failed', { messageId: message.messageId, error: toErrorInfo(err) });
      result.batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return result;
}
