import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { batchBySize, sendWithRetries } from '../batch';
import { FanOutError, PolicyError, toErrorInfo } from '../errors';
import { MAX_SQS_BATCH_ENTRIES, MAX_SQS_MESSAGE_BYTES } from '../limits';
import type { WorkItem } from './work-item';

/** The fan-out's work queue: where dispatchers and workers send work items. */
export interface WorkQueue {
  sqs: SQSClient;
  url: string;
}

/** The environment variable serverless.yml sets to the work queue's URL on the functions that send to it. */
export const WORK_QUEUE_URL_ENV = 'ECR_KEEPER_WORK_QUEUE_URL';

/** Retries of entries SQS reports as failed inside a successful SendMessageBatch. */
export const DEFAULT_SEND_RETRIES = 3;

/** The work queue a fan-out needs, or a PolicyError: the policy asks for a fan-out this deployment cannot do. */
export function requireWorkQueue(queue: WorkQueue | undefined): WorkQueue {
  if (!queue) throw new PolicyError(`runtime.fanOut is on, but this function has no work queue ($${WORK_QUEUE_URL_ENV} is not set)`);
  return queue;
}

/** What {@link sendWorkItems} did. */
export interface SendResult {
  sent: number;
  /** SendMessageBatch calls made, retries included. */
  calls: number;
}

/**
 * Sends work items to the work queue with SendMessageBatch, 10 entries (and at most 256 KiB) a call.
 * Entries SQS fails inside a successful call are sent again with backoff; entries that still fail, or a
 * call that fails as a whole after the SDK's retries, throw a {@link FanOutError} naming them. What was sent
 * stays sent: the caller's invocation fails and is retried or dead-lettered, never silently short.
 *
 * @example
 * await sendWorkItems({ queue }, [{ kind: 'enforce', run, index: 0, names: ['team-a/api', 'team-a/web'] }]);
 */
export async function sendWorkItems(
  deps: { queue: WorkQueue; sleep?: (ms: number) => Promise<void> },
  items: readonly WorkItem[],
  options: { retries?: number } = {},
): Promise<SendResult> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = options.retries ?? DEFAULT_SEND_RETRIES;
  const result: SendResult = { sent: 0, calls: 0 };
  const entries = items.map((item, i) => ({ Id: `item-${i}`, MessageBody: JSON.stringify(item) }));
  const tooLarge = entries.filter((e) => Buffer.byteLength(e.MessageBody, 'utf8') > MAX_SQS_MESSAGE_BYTES);
  if (tooLarge.length > 0) throw new FanOutError(`${tooLarge.length} work item(s) exceed SQS's ${MAX_SQS_MESSAGE_BYTES} bytes`);

  const size = (entry: SendMessageBatchRequestEntry) => Buffer.byteLength(entry.MessageBody ?? '', 'utf8');
  for (const batch of batchBySize(entries, { maxEntries: MAX_SQS_BATCH_ENTRIES, maxBytes: MAX_SQS_MESSAGE_BYTES }, size)) {
    result.calls += await sendWithRetries(
      batch,
      async (pending, attempt) => {
        let out: SendMessageBatchCommandOutput;
        try {
          out = await deps.queue.sqs.send(new SendMessageBatchCommand({ QueueUrl: deps.queue.url, Entries: [...pending] }));
        } catch (err) {
          const { code, message } = toErrorInfo(err);
          throw new FanOutError(`SendMessageBatch failed after ${result.sent} work item(s) were sent: ${code}: ${message}`, { cause: err });
        }
        result.sent += out.Successful?.length ?? 0;
        const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
        const answered = new Set([...(out.Successful ?? []).map((s) => s.Id), ...failed.keys()]);
        // An entry SQS neither accepted nor refused is sent again, like a refused one.
        const retry = pending.filter((e) => failed.has(e.Id) || !answered.has(e.Id));
        const final = retry.filter((e) => failed.get(e.Id)?.SenderFault === true);
        if (final.length > 0 || (retry.length > 0 && attempt >= retries)) {
          const first = failed.get((final[0] ?? retry[0])!.Id);
          throw new FanOutError(
            `${retry.length} work item(s) could not be sent after ${attempt + 1} attempt(s): ${first?.Code ?? 'Unknown'}: ${first?.Message ?? 'no answer for the entry'}`,
          );
        }
        return retry;
      },
      sleep,
    );
  }
  return result;
}
