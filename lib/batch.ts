/**
 * Groups items, in order, into batches of at most `maxEntries` items and `maxBytes` bytes as `size`
 * counts them: the shape of every AWS batch API (PutEvents, SendMessageBatch). An item larger than
 * `maxBytes` on its own still gets a batch of its own; callers refuse such items before batching.
 *
 * @example
 * const calls = batchBySize(entries, { maxEntries: MAX_PUT_EVENTS_ENTRIES, maxBytes: MAX_PUT_EVENTS_BYTES }, entrySize);
 */
export function batchBySize<T>(items: readonly T[], limits: { maxEntries: number; maxBytes: number }, size: (item: T) => number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = size(item);
    if (current.length > 0 && (current.length >= limits.maxEntries || bytes + itemBytes > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += itemBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Sends one batch with `send`, then sends again only the entries `send` hands back as worth another try
 * (those the service failed inside a successful call), after a backoff of 100 ms doubling to at most 2 s,
 * until `send` hands back none. `send` decides when to give up on an entry: it records or throws.
 * Returns the calls made.
 *
 * @example
 * result.calls += await sendWithRetries(batch, async (pending, attempt) => failedOf(await client.send(command(pending))), sleep);
 */
export async function sendWithRetries<E>(
  batch: readonly E[],
  send: (pending: readonly E[], attempt: number) => Promise<readonly E[]>,
  sleep: (ms: number) => Promise<void>,
): Promise<number> {
  let pending = batch;
  let calls = 0;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)));
    calls++;
    pending = await send(pending, attempt);
  }
  return calls;
}
