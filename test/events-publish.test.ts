import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchEntries, entrySize, publishEvents } from '../lib/events/publish';

const ebMock = mockClient(EventBridgeClient);
const events = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const target = { busName: 'default', source: 'ecr-keeper', enabled: true };
const noSleep = async () => {};

function accepted(input: { Entries?: PutEventsRequestEntry[] }) {
  return { FailedEntryCount: 0, Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `id-${i}` })) };
}

beforeEach(() => ebMock.reset());

describe('publishEvents', () => {
  it('sends at most 10 entries per PutEvents call', async () => {
    ebMock.on(PutEventsCommand).callsFake(accepted);
    const result = await publishEvents({ events, sleep: noSleep }, target, Array.from({ length: 23 }, (_, i) => ({ detailType: 'T', detail: { i } })));
    expect(result).toEqual({ published: 23, failed: [], calls: 3 });
    expect(ebMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(ebMock.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]).toMatchObject({ Source: 'ecr-keeper', EventBusName: 'default', DetailType: 'T', Detail: '{"i":0}' });
  });

  it('splits a batch before it would pass 256 KiB', () => {
    const big = (n: number): PutEventsRequestEntry => ({ Source: 's', DetailType: 't', Detail: 'x'.repeat(n) });
    const batches = batchEntries([big(100_000), big(100_000), big(100_000), big(10)]);
    expect(batches.map((b) => b.length)).toEqual([2, 2]);
    for (const b of batches) expect(b.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(256 * 1024);
  });

  it('retries only the entries EventBridge failed inside a successful call', async () => {
    let call = 0;
    ebMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      call++;
      if (call === 1) {
        return {
          FailedEntryCount: 1,
          Entries: input.Entries.map((_, i) => (i === 1 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `e${i}` })),
        };
      }
      return accepted(input);
    });
    const result = await publishEvents({ events, sleep: noSleep }, target, [1, 2, 3].map((i) => ({ detailType: 'T', detail: { i } })));
    expect(result).toEqual({ published: 3, failed: [], calls: 2 });
    expect(ebMock.commandCalls(PutEventsCommand)[1]!.args[0].input.Entries!.map((e) => e.Detail)).toEqual(['{"i":2}']);
  });

  it('reports entries that keep failing after the retries, with EventBridge\'s code', async () => {
    ebMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] });
    const result = await publishEvents({ events, sleep: noSleep }, target, [{ detailType: 'T', detail: {} }], { retries: 2 });
    expect(result.failed).toEqual([{ detailType: 'T', code: 'ThrottlingException', message: 'Rate exceeded' }]);
    expect(result.calls).toBe(3);
  });

  it('records a whole failed call as failed entries and goes on with the next batch', async () => {
    let call = 0;
    ebMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      if (++call === 1) throw Object.assign(new Error('bus not found'), { name: 'ResourceNotFoundException' });
      return accepted(input);
    });
    const result = await publishEvents({ events, sleep: noSleep }, target, Array.from({ length: 12 }, () => ({ detailType: 'T', detail: {} })));
    expect(result.published).toBe(2);
    expect(result.failed).toHaveLength(10);
    expect(result.failed[0]).toEqual({ detailType: 'T', code: 'ResourceNotFoundException', message: 'bus not found' });
  });

  it('refuses an entry over 256 KiB without calling EventBridge', async () => {
    const result = await publishEvents({ events, sleep: noSleep }, target, [{ detailType: 'T', detail: { blob: 'x'.repeat(300_000) } }]);
    expect(result.failed[0]).toMatchObject({ code: 'EntryTooLarge' });
    expect(ebMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('publishes nothing when events are disabled in the policy', async () => {
    const result = await publishEvents({ events, sleep: noSleep }, { ...target, enabled: false }, [{ detailType: 'T', detail: {} }]);
    expect(result).toEqual({ published: 0, failed: [], calls: 0 });
    expect(ebMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
