import * as z from 'zod';
import { CursorError } from '../errors';
import type { RepositoryScope } from './types';

/** Where a walk stopped: what its resumable cursor carries (base64url JSON). */
const CursorStateSchema = z.strictObject({
  v: z.literal(1),
  /** `l`: listing with DescribeRepositories pages; `n`: looking up `names`. */
  k: z.enum(['l', 'n']),
  /** Token of the page to re-read (listing). */
  t: z.string().optional(),
  /** Items of that page (listing) or of `names` already done. */
  o: z.int().min(0),
  /** Registry the cursor belongs to. */
  r: z.string().optional(),
});
export type CursorState = z.infer<typeof CursorStateSchema>;

/** Writes a walk position as an opaque, resumable cursor. */
export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/**
 * Reads a cursor produced by a walk, or throws a {@link CursorError} naming the problem: not base64url JSON,
 * an unknown shape, or a walk over other repositories or another registry.
 *
 * @example
 * decodeCursor(request.cursor, { names: request.repositories }); // before the first AWS call
 */
export function decodeCursor(cursor: string, scope: RepositoryScope): CursorState {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('cursor is not one ecr-keeper produced (not base64url JSON)');
  }
  const parsed = CursorStateSchema.safeParse(data);
  if (!parsed.success) throw new CursorError('cursor is not one ecr-keeper produced (unknown shape)');
  const state = parsed.data;
  if ((state.k === 'n') !== (scope.names !== undefined)) {
    throw new CursorError('cursor belongs to a walk over a different set of repositories');
  }
  if ((state.r ?? undefined) !== (scope.registryId ?? undefined)) {
    throw new CursorError(`cursor belongs to registry ${state.r ?? '(default)'}, not ${scope.registryId ?? '(default)'}`);
  }
  return state;
}
