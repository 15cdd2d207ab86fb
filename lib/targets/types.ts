import type { ErrorInfo } from '../errors';
import type { Partition } from './regions';

/** One place a job works in: an account's registry in one region. */
export interface Target {
  accountId: string;
  region: string;
  partition: Partition;
}

/** How a target is named in logs, keys and notes: `123456789012/eu-west-1`. */
export function targetKey(target: Pick<Target, 'accountId' | 'region'>): string {
  return `${target.accountId}/${target.region}`;
}

/** What a run over targets gives for one target: its result, or why it could not be worked on at all. */
export type TargetOutcome<T> = { target: Target; result: T; error?: undefined } | { target: Target; result?: undefined; error: ErrorInfo };

/** The parts every job's per-target result has, so that one report shape serves them all. */
export interface TargetResult<S> {
  repositories: unknown[];
  failures: unknown[];
  missing: unknown[];
  summary: S;
}

/** One target's entry in a report: where, and what happened there (or the error that stopped it). */
export type TargetEntry<R extends object> = { accountId: string; region: string } & R & { error?: ErrorInfo };

/** Totals across targets, beside the job's own summed totals. */
export interface TargetTotals {
  /** Targets the run covered. */
  targets: number;
  /** Targets that failed as a whole (their entry has an `error`). */
  failedTargets: number;
}

/** A report over targets: one entry per target, and the totals of them all. */
export interface TargetsReport<R extends TargetResult<object>> {
  targets: TargetEntry<R>[];
  summary: R['summary'] & TargetTotals;
}
