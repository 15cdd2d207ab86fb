import { cleanupSummaryEvent } from '../cleanup/summary-event';
import { runCleanup } from '../cleanup/run';
import type { CleanupSummary } from '../cleanup/types';
import { isPast, type Deadline } from '../deadline';
import { policyEnforceMode, runEnforce } from '../enforce/run';
import type { EnforceSummary } from '../enforce/types';
import { EventValidationError, FanOutError, toErrorInfo } from '../errors';
import { publishEvents } from '../events/publish';
import { silentLog } from '../log';
import type { Policy } from '../policy';
import { parseEvent } from '../validate';
import { continueDispatch, type DispatchReport, type FanOutDeps } from './dispatch';
import { sendWorkItems } from './work-queue';
import { WorkItemSchema, type CleanupWorkItem, type EnforceWorkItem, type WorkItem } from './work-item';

/** What running one work item did. */
export type WorkResult =
  | { kind: 'enforce'; run: string; index: number; summary: EnforceSummary; missing: string[]; followUp: boolean }
  | { kind: 'cleanup'; run: string; index: number; summary: CleanupSummary; missing: string[]; followUp: boolean }
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

/** Whether a run that stopped at its deadline got through at least one of its names. */
function madeProgress(counts: { done: number; excluded: number; missing: number }): boolean {
  return counts.done + counts.excluded + counts.missing > 0;
}

/** Sends `rest`, what is left of an item that stopped at its deadline; fails the item when it got nowhere. */
async function handOn(deps: FanOutDeps, item: WorkItem & { run: string; index: number }, rest: WorkItem | undefined, progressed: boolean): Promise<boolean> {
  if (rest === undefined) return false;
  if (!progressed) throw new FanOutError(`work item ${item.run}/${item.index} reached its deadline before its first repository`);
  await sendWorkItems({ queue: deps.queue }, [rest]);
  return true;
}

async function runEnforceItem(deps: FanOutDeps, policy: Policy, item: EnforceWorkItem, deadline: Deadline | undefined): Promise<WorkResult> {
  const report = await runEnforce(deps, policy, {
    mode: policyEnforceMode(policy),
    scope: { kind: 'repositories', names: item.names, ...(item.cursor ? { cursor: item.cursor } : {}) },
    trigger: { source: 'schedule' },
    ...(deadline ? { deadline } : {}),
  });
  const { summary } = report;
  const progressed = madeProgress({ done: summary.repositories + summary.failedRepositories, excluded: summary.excluded, missing: report.missing.length });
  const sent = await handOn(deps, item, summary.cursor ? { ...item, cursor: summary.cursor } : undefined, progressed);
  return { kind: 'enforce', run: item.run, index: item.index, summary, missing: report.missing, followUp: sent };
}

async function runCleanupItem(deps: FanOutDeps, policy: Policy, item: CleanupWorkItem, deadline: Deadline | undefined): Promise<WorkResult> {
  // The item's share of the run's cap is this run's cap.
  const scoped: Policy = { ...policy, cleanup: { ...policy.cleanup, maxDeletesPerRun: item.maxDeletes } };
  const report = await runCleanup(deps, scoped, {
    mode: policy.cleanup.mode,
    names: item.names,
    ...(item.cursor ? { cursor: item.cursor } : {}),
    ...(deadline ? { deadline } : {}),
  });
  const { summary } = report;
  if (deps.events && (summary.planned.count > 0 || summary.failed > 0)) {
    const event = cleanupSummaryEvent(report);
    const published = await publishEvents({ events: deps.events }, policy.events, [
      { ...event, detail: { ...(event.detail as object), fanOut: { run: item.run, index: item.index } } },
    ]);
    for (const f of published.failed) (deps.log ?? silentLog).warn('event not published', { ...f });
  }
  const progressed = madeProgress({ done: report.repositories.length + report.failures.length, excluded: summary.excluded, missing: report.missing.length });
  // What the repositories before the cursor planned is spent: the rest of the item gets the rest of its share.
  const rest = summary.cursor ? { ...item, cursor: summary.cursor, maxDeletes: Math.max(0, item.maxDeletes - summary.planned.count) } : undefined;
  const sent = await handOn(deps, item, rest, progressed);
  return { kind: 'cleanup', run: item.run, index: item.index, summary, missing: report.missing, followUp: sent };
}

/**
 * Runs one work item: enforces or cleans up its repositories (looked up by name, still subject to the
 * policy's include/exclude and skip tag), or carries a dispatch on. An item that stops at its deadline
 * sends the rest of itself (same names, the walker's cursor, what is left of its deletion share) back to
 * the queue; per-repository failures are recorded in the result and logged, as in a single-invocation run.
 *
 * @example
 * const result = await runWorkItem({ ecr, events, queue, log }, policy, parseWorkItem(message.body), { deadline });
 */
export async function runWorkItem(deps: FanOutDeps, policy: Policy, item: WorkItem, options: { deadline?: Deadline } = {}): Promise<WorkResult> {
  switch (item.kind) {
    case 'enforce':
      return runEnforceItem(deps, policy, item, options.deadline);
    case 'cleanup':
      return runCleanupItem(deps, policy, item, options.deadline);
    case 'dispatch':
      return { kind: 'dispatch', report: await continueDispatch(deps, policy, item.state, options) };
  }
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
