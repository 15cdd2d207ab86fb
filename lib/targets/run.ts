import { toErrorInfo } from '../errors';
import { DEFAULT_TARGET_CONCURRENCY } from '../limits';
import type { Target, TargetOutcome } from './types';

/** Options of {@link runOverTargets}. */
export interface RunOverTargetsOptions {
  /** Targets worked on at once (at least 1). */
  concurrency?: number;
  /** Called when a target fails as a whole, e.g. to log it; the failure is in the outcome either way. */
  onError?: (target: Target, error: unknown) => void;
}

/**
 * Runs `work` for every target, at most `concurrency` at once, and waits for all of them. A target whose
 * work throws (its role could not be assumed, its region is not enabled, it stayed throttled past the SDK's
 * retries) becomes an outcome with `error: { code, message }` (the AWS error code); the other targets
 * complete. Outcomes come back in the order of `targets`.
 *
 * @example
 * const outcomes = await runOverTargets(targets, (t) => runAudit(factory.clients(t), policy), { concurrency: 4 });
 */
export async function runOverTargets<T>(
  targets: readonly Target[],
  work: (target: Target) => Promise<T>,
  options: RunOverTargetsOptions = {},
): Promise<TargetOutcome<T>[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_TARGET_CONCURRENCY));
  const outcomes: TargetOutcome<T>[] = new Array(targets.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index]!;
      try {
        outcomes[index] = { target, result: await work(target) };
      } catch (err) {
        options.onError?.(target, err);
        outcomes[index] = { target, error: toErrorInfo(err) };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, lane));
  return outcomes;
}
