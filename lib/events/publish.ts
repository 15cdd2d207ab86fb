import { PutEventsCommand, type EventBridgeClient, type PutEventsCommandOutput, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { batchBySize, sendWithRetries } from '../batch';
import { toErrorInfo } from '../errors';
import { MAX_PUT_EVENTS_BYTES, MAX_PUT_EVENTS_ENTRIES } from '../limits';
import type { Policy } from '../policy';

/** One event ecr-keeper publishes: its detail-type and detail object. */
export interface KeeperEvent {
  detailType: string;
  detail: unknown;
  /** ARNs the event is about (repository ARNs), shown by EventBridge and usable in rules. */
  resources?: string[];
}

/** Where events go: the policy's `events` section. */
export type EventTarget = Pick<Policy['events'], 'busName' | 'source' | 'enabled'>;

/** An event that could not be published, with EventBridge's code. */
export interface FailedEvent {
  detailType: string;
  code: string;
  message: string;
}

/** What {@link publishEvents} did. */
export interface PublishResult {
  published: number;
  failed: FailedEvent[];
  /** PutEvents calls made (including retries of failed entries). */
  calls: number;
}

/** Retries of entries EventBridge reports as failed inside a successful PutEvents. */
export const DEFAULT_PUT_EVENTS_RETRIES = 3;

/** Size of an entry as EventBridge counts it against the 256 KiB limit. */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  for (const part of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (part) size += Buffer.byteLength(part, 'utf8');
  }
  return size;
}

/** Groups entries into PutEvents batches of at most 10 entries and 256 KiB. */
export function batchEntries<T extends PutEventsRequestEntry>(entries: readonly T[]): T[][] {
  return batchBySize(entries, { maxEntries: MAX_PUT_EVENTS_ENTRIES, maxBytes: MAX_PUT_EVENTS_BYTES }, entrySize);
}

/**
 * Publishes events to the policy's bus, batched at EventBridge's limits (10 entries, 256 KiB a call).
 * Entries EventBridge fails inside a successful call are retried with backoff; what still fails, and
 * any entry too large to send, is returned in `failed`, never dropped silently.
 *
 * @example
 * const result = await publishEvents({ events }, policy.events, [{ detailType: 'ECR Keeper Audit Summary', detail: summary }]);
 */
export async function publishEvents(
  deps: { events: EventBridgeClient; sleep?: (ms: number) => Promise<void> },
  target: EventTarget,
  events: readonly KeeperEvent[],
  options: { retries?: number } = {},
): Promise<PublishResult> {
  const result: PublishResult = { published: 0, failed: [], calls: 0 };
  if (target.enabled === false || events.length === 0) return result;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = options.retries ?? DEFAULT_PUT_EVENTS_RETRIES;

  const entries: PutEventsRequestEntry[] = [];
  for (const event of events) {
    const entry: PutEventsRequestEntry = {
      EventBusName: target.busName,
      Source: target.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail ?? {}),
      ...(event.resources?.length ? { Resources: event.resources } : {}),
    };
    const size = entrySize(entry);
    if (size > MAX_PUT_EVENTS_BYTES) {
      result.failed.push({
        detailType: event.detailType,
        code: 'EntryTooLarge',
        message: `event is ${size} bytes, EventBridge accepts at most ${MAX_PUT_EVENTS_BYTES}`,
      });
    } else {
      entries.push(entry);
    }
  }

  for (const batch of batchEntries(entries)) {
    result.calls += await sendWithRetries(
      batch,
      async (pending, attempt) => {
        let out: PutEventsCommandOutput;
        try {
          out = await deps.events.send(new PutEventsCommand({ Entries: [...pending] }));
        } catch (err) {
          // The SDK already retried the call itself; record every entry of it as failed.
          const info = toErrorInfo(err);
          result.failed.push(...pending.map((e) => ({ detailType: e.DetailType ?? '', code: info.code, message: info.message })));
          return [];
        }
        const retry: PutEventsRequestEntry[] = [];
        pending.forEach((entry, i) => {
          const answer = out.Entries?.[i];
          if (answer && !answer.ErrorCode && answer.EventId) {
            result.published++;
          } else if (attempt < retries) {
            retry.push(entry);
          } else {
            result.failed.push({
              detailType: entry.DetailType ?? '',
              code: answer?.ErrorCode ?? 'Unknown',
              message: answer?.ErrorMessage ?? 'EventBridge returned no result for this entry',
            });
          }
        });
        return retry;
      },
      sleep,
    );
  }
  return result;
}
