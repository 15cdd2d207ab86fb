import { toErrorInfo, type ErrorInfo } from '../errors';

/** What {@link mapBounded} returns: each item's value or error, in the order the items came. */
export interface BoundedRun<I, T> {
  results: { item: I; value: T }[];
  failures: { item: I; error: ErrorInfo }[];
}

/**
 * Runs `work` for every item an async iterator yields, at most `limit` at a time. A failure of one item is
 * recorded in `failures` and the others go on; an error of the iterator itself is thrown once every item in
 * flight has finished (nothing is left running behind the caller's back).
 *
 * @example
 * const run = await mapBounded(walk[Symbol.asyncIterator](), 8, (repo) => auditRepository(deps, repo));
 */
export async function mapBounded<I, T>(source: AsyncIterator<I>, limit: number, work: (item: I) => Promise<T>): Promise<BoundedRun<I, T>> {
  const results: { item: I; value: T; seq: number }[] = [];
  const failures: { item: I; error: ErrorInfo; seq: number }[] = [];
  let seq = 0;
  let finished = false;
  let sourceError: unknown;

  const runner = async (): Promise<void> => {
    while (!finished) {
      let next: IteratorResult<I>;
      try {
        next = await source.next();
      } catch (err) {
        sourceError ??= err;
        finished = true;
        return;
      }
      if (next.done) {
        finished = true;
        return;
      }
      const item = next.value;
      const mySeq = seq++;
      try {
        results.push({ item, value: await work(item), seq: mySeq });
      } catch (err) {
        failures.push({ item, error: toErrorInfo(err), seq: mySeq });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(limit)) }, runner));
  if (sourceError !== undefined) throw sourceError;
  const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
  return {
    results: results.sort(bySeq).map(({ item, value }) => ({ item, value })),
    failures: failures.sort(bySeq).map(({ item, error }) => ({ item, error })),
  };
}

/** Runs `work` for every element of `items`, at most `limit` at a time (see {@link mapBounded}). */
export function mapBoundedArray<I, T>(items: readonly I[], limit: number, work: (item: I) => Promise<T>): Promise<BoundedRun<I, T>> {
  async function* each() {
    yield* items;
  }
  return mapBounded(each(), limit, work);
}
