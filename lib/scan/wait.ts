import { waitUntilImageScanComplete, type ECRClient } from '@aws-sdk/client-ecr';
import { remainingMs, type Deadline } from '../deadline';
import { errorCode } from '../errors';
import type { ScanImage } from './types';

/** First delay between polls of a scan in progress (the SDK waiter's own default). */
export const SCAN_WAIT_MIN_DELAY_SECONDS = 5;
/** Longest delay between polls: a basic scan often completes within a minute. */
export const SCAN_WAIT_MAX_DELAY_SECONDS = 30;
/** A wait shorter than this is not worth starting: answer "pending" and let the scan-complete event finish. */
export const MIN_SCAN_WAIT_SECONDS = 15;
/** Kept back from a Lambda's remaining time to read the findings and publish the verdict after the wait. */
export const SCAN_SAFETY_MARGIN_MS = 30_000;

/** How the waiter polls; tests shorten it. */
export interface ScanWaitTiming {
  minDelay: number;
  maxDelay: number;
  minWaitSeconds: number;
}

export const DEFAULT_SCAN_WAIT_TIMING: ScanWaitTiming = {
  minDelay: SCAN_WAIT_MIN_DELAY_SECONDS,
  maxDelay: SCAN_WAIT_MAX_DELAY_SECONDS,
  minWaitSeconds: MIN_SCAN_WAIT_SECONDS,
};

/**
 * Seconds a run may wait on a scan: the asked wait, cut to the time left before the deadline; 0 (do not
 * wait) when the deadline leaves less than `minWaitSeconds`, where a wait is not worth starting.
 *
 * @example
 * scanWaitBudget(600, deadlineIn(context.getRemainingTimeInMillis(), SCAN_SAFETY_MARGIN_MS)); // e.g. 540
 */
export function scanWaitBudget(waitSeconds: number, deadline: Deadline | undefined, minWaitSeconds = MIN_SCAN_WAIT_SECONDS): number {
  const left = remainingMs(deadline) / 1000;
  if (left < minWaitSeconds) return 0;
  return Math.max(0, Math.min(waitSeconds, left));
}

/** How a wait ended: `settled` (COMPLETE or FAILED: read the findings for which) or `timed-out`. */
export type WaitEnd = { kind: 'settled' } | { kind: 'timed-out'; reason: string };

/**
 * Waits on a basic scan in progress with the SDK waiter (`waitUntilImageScanComplete`) for at most
 * `budgetSeconds`. Call it only for a scan known to exist: the waiter retries on any error (a missing
 * scan, repository or image) until its time runs out. A FAILED scan ends the wait too; the findings
 * read that follows reports it. `signal` (the Lambda's timeout signal) aborts the wait early.
 *
 * @example
 * const end = await waitForScan(ecr, image, scanWaitBudget(policy.scan.waitSeconds, deadline));
 * if (end.kind === 'timed-out') return pending(end.reason);
 */
export async function waitForScan(
  ecr: ECRClient,
  image: ScanImage,
  budgetSeconds: number,
  timing: ScanWaitTiming = DEFAULT_SCAN_WAIT_TIMING,
  signal?: AbortSignal,
): Promise<WaitEnd> {
  const minDelay = Math.min(timing.minDelay, budgetSeconds / 2);
  try {
    await waitUntilImageScanComplete(
      { client: ecr, maxWaitTime: budgetSeconds, minDelay, maxDelay: Math.max(minDelay, timing.maxDelay), ...(signal ? { abortSignal: signal } : {}) },
      { repositoryName: image.repositoryName, imageId: { imageDigest: image.imageDigest } },
    );
    return { kind: 'settled' };
  } catch (err) {
    const code = errorCode(err);
    if (code === 'AbortError') return { kind: 'timed-out', reason: 'the wait was cut short by the deadline before the scan completed' };
    if (code === 'TimeoutError') {
      return { kind: 'timed-out', reason: `the scan was not complete after ${Math.round(budgetSeconds)} s of waiting` };
    }
    // The waiter's FAILURE state (a FAILED scan) is read back with the findings, with ECR's description.
    if (waiterState(err) === 'FAILURE') return { kind: 'settled' };
    throw err;
  }
}

/** The state the SDK waiter writes, as JSON, in the message of the error it throws. */
function waiterState(err: unknown): string | undefined {
  try {
    const parsed = JSON.parse(err instanceof Error ? err.message : '') as { state?: unknown };
    return typeof parsed.state === 'string' ? parsed.state : undefined;
  } catch {
    return undefined; // not a waiter result: the caller rethrows the error
  }
}

/**
 * An AbortSignal that fires at the deadline: handed to the SDK waiter, it ends a wait when the Lambda's time
 * is up (less the margin kept to judge and publish) without computing a budget from it.
 *
 * @example
 * const signal = deadlineSignal(deadlineIn(context.getRemainingTimeInMillis(), SCAN_SAFETY_MARGIN_MS));
 */
export function deadlineSignal(deadline: Deadline): AbortSignal {
  return AbortSignal.timeout(Math.max(0, Math.floor(remainingMs(deadline))));
}
