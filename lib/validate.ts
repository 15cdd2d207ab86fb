import type * as z from 'zod';
import { EventValidationError } from './errors';
import { formatIssues } from './policy';

/**
 * Parses `input` with `schema`, or throws an {@link EventValidationError} whose message names every
 * bad field (`detail.repository-name: ...`). Nothing else runs for input that fails here.
 *
 * @example
 * const event = parseEvent(EcrPushEventSchema, rawEvent, 'ECR push event');
 */
export function parseEvent<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = formatIssues(result.error);
  throw new EventValidationError(`invalid ${what}:\n  ${issues.join('\n  ')}`, issues);
}

/** ECR's repository name rule: 2-256 lower-case characters in path segments. */
export const REPOSITORY_NAME_PATTERN = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** An image digest as ECR writes it. */
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
