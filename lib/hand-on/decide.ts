import { MAX_HAND_ONS_PER_RUN } from '../limits';
import type { HandOn } from './schema';

/** Where an invocation of a scheduled run stands when it ends. */
export interface InvocationEnd {
  /** The cursor to resume from; none when the walk is over. */
  cursor?: string;
  /** The request's own hand-on (none on the run's first invocation). */
  handOn?: HandOn;
  /** The cursor this invocation started from (none on the first). */
  startedFrom?: string;
  /** This invocation's id: the run's id when it is the first. */
  invocationId: string;
  /** When this invocation started. */
  now: Date;
  /** Cleanup: what is left of the run's deletion cap after this invocation. */
  maxDeletesLeft?: number;
}

/** What to do at the end of an invocation: nothing, hand the cursor on, or give up (loudly). */
export type HandOnDecision =
  | { kind: 'complete' }
  | { kind: 'hand-on'; cursor: string; handOn: HandOn }
  | { kind: 'incomplete'; cursor: string; reason: string };

/**
 * Decides, from where an invocation ended, whether its run goes on in a continuation. A pure function: the
 * handler applies the decision (invokes the continuation, or counts the run incomplete).
 *
 * @example
 * const decision = decideHandOn({ cursor: report.cursor, handOn: request.handOn, startedFrom: request.cursor, invocationId: context.awsRequestId, now: new Date() });
 */
export function decideHandOn(end: InvocationEnd, maxHandOns = MAX_HAND_ONS_PER_RUN): HandOnDecision {
  const { cursor, handOn } = end;
  if (cursor === undefined) return { kind: 'complete' };
  if (end.startedFrom !== undefined && cursor === end.startedFrom) {
    return { kind: 'incomplete', cursor, reason: 'the invocation made no progress: it ended at the cursor it started from' };
  }
  const count = (handOn?.count ?? 0) + 1;
  if (count > maxHandOns) {
    return { kind: 'incomplete', cursor, reason: `the run has handed on ${maxHandOns} times: turn on runtime.fanOut for a registry this size` };
  }
  return {
    kind: 'hand-on',
    cursor,
    handOn: {
      run: handOn?.run ?? end.invocationId,
      count,
      startedAt: handOn?.startedAt ?? end.now.toISOString(),
      ...(end.startedFrom !== undefined ? { from: end.startedFrom } : {}),
      ...(end.maxDeletesLeft !== undefined ? { maxDeletes: end.maxDeletesLeft } : {}),
    },
  };
}
