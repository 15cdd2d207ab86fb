import { DEFAULT_TARGET_CONCURRENCY } from '../limits';
import { mapBoundedArray } from '../walker/pool';
import type { Target, TargetOutcome } from './types';

/** Options of {@link runOverTargets}. */
export interface RunOverTargetsOptions {
  /** Targets worked on at once (at least 1). */
  concurrency?: number;
  /** Called when a target fails as a whole, e.g. to log it; the failure is in the outcome either way. */
  onError?: (target: Target, error: unknown) => void;
}

/**
 * Runs `work` for every target (with its index in `targets`), at most `concurrency` at once (the walker's bounded pool), and waits for all
 * of them. A target whose work throws (its role could not be assumed, its region is not enabled, it stayed
 * throttled past the SDK's retries) becomes an outcome with `error: { code, message }` (the AWS error code);
 * the other targets complete. Outcomes come back in the order of `targets`.
 *
 * @example
 * const outcomes = await runOverTargets(targets, (t) => runAudit(factory.clients(t), policy), { concurrency: 4 });
 */
export async function runOverTargets<T>(
  targets: readonly Target[],
  work: (target: Target, index: number) => Promise<T>,
  options: RunOverTargetsOptions = {},
): Promise<TargetOutcome<T>[]> {
  const indexed = targets.map((target, index) => ({ target, index }));
  const run = await mapBoundedArray(indexed, options.concurrency ?? DEFAULT_TARGET_CONCURRENCY, async ({ target, index }) => {
    try {
      return await work(target, index);
    } catch (err) {
      options.onError?.(target, err);
      throw err;
    }
  });
  const outcomes: TargetOutcome<T>[] = new Array(targets.length);
  for (const { item, value } of run.results) outcomes[item.index] = { target: item.target, result: value };
  for (const { item, error } of run.failures) outcomes[item.index] = { target: item.target, error };
  return outcomes;
}
