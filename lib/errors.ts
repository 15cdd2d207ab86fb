import { redactSecrets } from './redact';

/**
 * Named errors. A `UserError` is the caller's to fix (bad policy, bad event, unknown repository) and drives
 * the CLI's exit code 2; anything else is an internal or AWS failure (exit code 1).
 */

/** Base class of every error ecr-keeper raises on purpose. */
export class EcrKeeperError extends Error {
  override name = 'EcrKeeperError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An error the user fixes: bad input, bad policy, unknown names. */
export class UserError extends EcrKeeperError {
  override name = 'UserError';
}

/** The policy file or text does not validate; `issues` lists `path: problem` lines. */
export class PolicyError extends UserError {
  override name = 'PolicyError';
  constructor(
    message: string,
    readonly issues: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An incoming event does not match its schema; nothing was called for it. */
export class EventValidationError extends UserError {
  override name = 'EventValidationError';
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

/** Wrong command-line usage. */
export class UsageError extends UserError {
  override name = 'UsageError';
}

/** A repository named by the user or by an event does not exist. */
export class RepositoryNotFoundError extends UserError {
  override name = 'RepositoryNotFoundError';
  constructor(
    readonly repositoryName: string,
    options?: { cause?: unknown },
  ) {
    super(`repository ${repositoryName} does not exist${awsMessageSuffix(options?.cause)}`, options);
  }
}

/** An image named by the user or by an event does not exist. */
export class ImageNotFoundError extends UserError {
  override name = 'ImageNotFoundError';
  constructor(
    readonly repositoryName: string,
    readonly image: string,
    options?: { cause?: unknown },
  ) {
    super(`image ${repositoryName}${image} does not exist${awsMessageSuffix(options?.cause)}`, options);
  }
}

/** A resumable cursor that cannot be read or belongs to another scope. */
export class CursorError extends UserError {
  override name = 'CursorError';
}

/** An AWS call failed after the SDK's retries; the SDK error is kept as `cause`. */
export class AwsCallError extends EcrKeeperError {
  override name = 'AwsCallError';
  constructor(
    readonly action: string,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${action} failed: ${code}: ${message}`, options);
  }
}

/** The compact form of an error recorded in a run's result: a code and a message, never `{}`. */
export interface ErrorInfo {
  code: string;
  message: string;
}

/** The AWS error code of an SDK error (its `name`), or the class name of any other error. */
export function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown; Code?: unknown };
    for (const v of [e.name, e.code, e.Code]) if (typeof v === 'string' && v && v !== 'Error') return v;
    if (typeof e.name === 'string') return e.name;
  }
  return 'Error';
}

/**
 * Reduces any thrown value to `{ code, message }` for results, logs and events, with any credential an AWS
 * message quotes (a signature error quotes the session token) blanked out.
 */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) return { code: errorCode(err), message: redactSecrets(err.message || String(err)) };
  return { code: 'Error', message: redactSecrets(typeof err === 'string' ? err : safeString(err)) };
}

/** True when `err` is an AWS SDK error with one of the given codes. */
export function isAwsError(err: unknown, ...codes: string[]): boolean {
  return codes.includes(errorCode(err));
}

/** True for errors the user must fix (exit code 2), false for internal/AWS failures. */
export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

function awsMessageSuffix(cause: unknown): string {
  return cause instanceof Error && cause.message ? ` (${cause.message})` : '';
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The fan-out could not hand its work on: the work queue refused items, or a continuation made no progress. */
export class FanOutError extends EcrKeeperError {
  override name = 'FanOutError';
}

/** The AWS SDK has no region or no credentials to work with: the user sets them (the CLI exits 2). */
export class AwsSetupError extends UserError {
  override name = 'AwsSetupError';
}

/**
 * What a planned change was computed from has changed before it was applied (a repository policy
 * edited, a lifecycle policy put meanwhile): the change is not made, and the next run plans again.
 */
export class StalePlanError extends EcrKeeperError {
  override name = 'StalePlanError';
}

/** A run at its deadline could not hand its cursor on: the continuation was not started. */
export class HandOnError extends EcrKeeperError {
  override name = 'HandOnError';
}
