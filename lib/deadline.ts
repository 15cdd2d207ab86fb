/** Time left before a run must stop, as an absolute epoch-millisecond instant. */
export interface Deadline {
  /** Epoch ms by which new work must no longer start. */
  at: number;
  /** The clock, injectable for tests. */
  now: () => number;
}

/** Milliseconds kept back from a Lambda's remaining time so a run can stop cleanly and answer. */
export const DEFAULT_SAFETY_MARGIN_MS = 10_000;

/**
 * A deadline `remainingMs - marginMs` from now: what a handler derives from `context.getRemainingTimeInMillis()`.
 *
 * @example
 * const deadline = deadlineIn(context.getRemainingTimeInMillis());
 */
export function deadlineIn(remainingMs: number, marginMs = DEFAULT_SAFETY_MARGIN_MS, now: () => number = Date.now): Deadline {
  return { at: now() + Math.max(0, remainingMs - marginMs), now };
}

/** Milliseconds left until the deadline (never negative); Infinity without one. */
export function remainingMs(deadline: Deadline | undefined): number {
  if (!deadline) return Number.POSITIVE_INFINITY;
  return Math.max(0, deadline.at - deadline.now());
}

/** True once the deadline has passed. */
export function isPast(deadline: Deadline | undefined): boolean {
  return deadline !== undefined && deadline.now() >= deadline.at;
}
