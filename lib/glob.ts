import * as z from 'zod';
import picomatch from 'picomatch';

/** A compiled include/exclude filter over repository names. */
export type NameFilter = (name: string) => boolean;

/**
 * Compiles glob patterns over repository names: `*` stays within one path segment, `**` crosses `/`.
 * A name passes when it matches an include pattern and no exclude pattern.
 *
 * @example
 * const allowed = compileNameFilter(['team-a/**'], ['team-a/tmp-*']);
 * allowed('team-a/api'); // true
 */
export function compileNameFilter(include: readonly string[] = ['**'], exclude: readonly string[] = []): NameFilter {
  const inc = include.length > 0 ? picomatch([...include], { dot: true }) : () => false;
  const exc = exclude.length > 0 ? picomatch([...exclude], { dot: true }) : () => false;
  return (name) => inc(name) && !exc(name);
}

/** Throws a readable message when a pattern cannot be compiled; returns nothing when it can. */
export function checkGlob(pattern: string): string | undefined {
  try {
    picomatch.makeRe(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** A glob pattern in a policy (repositories or tags): `*` stays within a `/` segment, `**` crosses it. */
export const GlobPatternSchema = z
  .string()
  .min(1, 'must not be empty')
  .superRefine((pattern, ctx) => {
    const problem = checkGlob(pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a valid glob pattern: ${problem}` });
  });
