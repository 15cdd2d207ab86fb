import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { FanOutError, PolicyError } from '../lib/errors';
import type { WorkItem } from '../lib/fanout/work-item';
import { requireWorkQueue, sendWorkItems } from '../lib/fanout/work-queue';

const sqsMock = mockClient(SQSClient);
const queue = { sqs: new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }), url: 'https://sqs.us-east-1.amazonaws.com/123456789012/work' };
const noSleep = async () => {};
const items = (count: number, names = ['svc/a']): WorkItem[] => Array.from({ length: count }, (_, index) => ({ kind: 'enforce', run: 'r', index, names }));

function accepted(input: { Entries?: SendMessageBatchRequestEntry[] }) {
  return { Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id!, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })), Failed: [] };
}

beforeEach(() => sqsMock.reset());

describe('sendWorkItems', () => {
  it('sends 10 work items per SendMessageBatch call', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake(accepted);
    const result = await sendWorkItems({ queue, sleep: noSleep }, items(23));
    expect(result).toEqual({ sent: 23, calls: 3 });
    const calls = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => input.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls[0]?.QueueUrl).toBe(queue.url);
    expect(calls[0]?.Entries?.[0]).toEqual({ Id: 'item-0', MessageBody: '{"kind":"enforce","run":"r","index":0,"names":["svc/a"]}' });
  });

  it('splits a batch before it would pass 256 KiB', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake(accepted);
    const long = Array.from({ length: 100 }, (_, i) => `team/${'x'.repeat(240)}${i}`);
    // 100 long names and a long cursor: about 34 KB an item, 7 to a batch.
    const large = items(10, long).map((item) => ({ ...item, cursor: 'c'.repeat(8000) }));
    await sendWorkItems({ queue, sleep: noSleep }, large);
    const calls = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.map((entries) => entries.length)).toEqual([7, 3]);
    const sizes = calls.map((entries) => entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody!), 0));
    for (const size of sizes) expect(size).toBeLessThanOrEqual(256 * 1024);
  });

  it('sends again only the entries SQS failed inside a successful call', async () => {
    let call = 0;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      call++;
      if (call > 1) return accepted(input);
      return { Successful: [{ Id: 'item-0', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [{ Id: 'item-1', Code: 'InternalError', SenderFault: false }] };
    });
    expect(await sendWorkItems({ queue, sleep: noSleep }, items(2))).toEqual({ sent: 2, calls: 2 });
    expect(sqsMock.commandCalls(SendMessageBatchCommand)[1]!.args[0].input.Entries!.map((e) => e.Id)).toEqual(['item-1']);
  });

  it('throws a FanOutError naming what could not be sent once the retries are spent', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: 'item-0', Code: 'InternalError', Message: 'try later', SenderFault: false }] });
    await expect(sendWorkItems({ queue, sleep: noSleep }, items(1), { retries: 2 })).rejects.toThrow(new FanOutError('1 work item(s) could not be sent after 3 attempt(s): InternalError: try later'));
  });

  it('does not send again an entry SQS refuses as the sender’s fault', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: 'item-0', Code: 'InvalidParameterValue', Message: 'bad body', SenderFault: true }] });
    await expect(sendWorkItems({ queue, sleep: noSleep }, items(1))).rejects.toThrow(/InvalidParameterValue: bad body/);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('throws a FanOutError when the call fails as a whole, telling how many items were sent before', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFakeOnce(accepted).rejects(Object.assign(new Error('queue does not exist'), { name: 'QueueDoesNotExist' }));
    await expect(sendWorkItems({ queue, sleep: noSleep }, items(11))).rejects.toThrow('SendMessageBatch failed after 10 work item(s) were sent: QueueDoesNotExist: queue does not exist');
  });
});

describe('requireWorkQueue', () => {
  it('is a PolicyError when the policy asks for a fan-out the function cannot do', () => {
    expect(() => requireWorkQueue(undefined)).toThrow(PolicyError);
    expect(requireWorkQueue(queue)).toBe(queue);
  });
});
