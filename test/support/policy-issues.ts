import { expect } from 'vitest';
import { PolicyError } from '../../lib/errors';
import { parsePolicy } from '../../lib/policy';

/** The `path: problem` lines a policy is refused with; fails the test when the policy is accepted. */
export function issuesOf(input: unknown): string[] {
  try {
    parsePolicy(input);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as PolicyError).issues;
  }
  throw new Error('policy was accepted');
}
