import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { HandOnError } from '../lib/errors';
import { continueRun } from '../lib/hand-on/continue-run';
import { decideHandOn } from '../lib/hand-on/decide';
import { invokeContinuation } from '../lib/hand-on/invoke';
import { HandOnSchema } from '../lib/hand-on/schema';

const NOW = new Date('2026-12-01T06:00:00.000Z');
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:ecr-keeper-prod-cleanup';

describe('decideHandOn', () => {
  it('ends a run whose walk is over', () => {
    expect(decideHandOn({ invocationId: 'r-1', now: NOW })).toEqual({ kind: 'complete' });
  });

  it('hands the cursor of a first invocation on, naming the run after it', () => {
    const decision = decideHandOn({ cursor: 'c1', invocationId: 'r-1', now: NOW, maxDeletesLeft: 70 });
    expect(decision).toEqual({ kind: 'hand-on', cursor: 'c1', handOn: { run: 'r-1', count: 1, startedAt: NOW.toISOString(), maxDeletes: 70 } });
    expect(HandOnSchema.parse(decision.kind === 'hand-on' ? decision.handOn : null)).toBeDefined();
  });

  it('keeps the run and its start along the chain, counting the hands-on', () => {
    const handOn = { run: 'r-1', count: 3, startedAt: '2026-12-01T05:00:00.000Z' };
    const decision = decideHandOn({ cursor: 'c5', handOn, startedFrom: 'c4', invocationId: 'r-9', now: NOW });
    expect(decision).toEqual({ kind: 'hand-on', cursor: 'c5', handOn: { run: 'r-1', count: 4, startedAt: handOn.startedAt, from: 'c4' } });
  });

  it('gives up on an invocation that ended where it started: no progress, no endless chain', () => {
    const decision = decideHandOn({ cursor: 'c4', handOn: { run: 'r-1', count: 2, startedAt: NOW.toISOString() }, startedFrom: 'c4', invocationId: 'r-3', now: NOW });
    expect(decision).toMatchObject({ kind: 'incomplete', cursor: 'c4', reason: expect.stringMatching(/no progress/) });
  });

  it('gives up after the most hands-on a run may take, advising fan-out', () => {
    const decision = decideHandOn({ cursor: 'c9', handOn: { run: 'r-1', count: 3, startedAt: NOW.toISOString() }, startedFrom: 'c8', invocationId: 'r-4', now: NOW }, 3);
    expect(decision).toMatchObject({ kind: 'incomplete', reason: expect.stringMatching(/handed on 3 times.*runtime\.fanOut/) });
  });
});

describe('invokeContinuation', () => {
  const lambda = mockClient(LambdaClient);
  afterEach(() => lambda.reset());

  it('invokes the same function asynchronously with the next request', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    await invokeContinuation({ lambda: new LambdaClient({}) }, FUNCTION_ARN, { cursor: 'c1', handOn: { run: 'r-1', count: 1 } });

    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call!.args[0].input).toMatchObject({ FunctionName: FUNCTION_ARN, InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(call!.args[0].input.Payload as Uint8Array).toString('utf8'))).toEqual({ cursor: 'c1', handOn: { run: 'r-1', count: 1 } });
  });

  it('fails with a HandOnError when Lambda refuses the invocation, keeping the cause', async () => {
    const refusal = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    lambda.on(InvokeCommand).rejects(refusal);

    const failure = invokeContinuation({ lambda: new LambdaClient({}) }, FUNCTION_ARN, {}).catch((err: unknown) => err);

    await expect(failure).resolves.toBeInstanceOf(HandOnError);
    await expect(failure).resolves.toMatchObject({ message: expect.stringMatching(/TooManyRequestsException/), cause: refusal });
  });

  it('fails when Lambda answers anything but 202 Accepted', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    await expect(invokeContinuation({ lambda: new LambdaClient({}) }, FUNCTION_ARN, {})).rejects.toThrow(/not accepted \(status 200\)/);
  });

  it('refuses a request too large for an asynchronous invocation without calling Lambda', async () => {
    await expect(invokeContinuation({ lambda: new LambdaClient({}) }, FUNCTION_ARN, { cursor: 'x'.repeat(300 * 1024) })).rejects.toThrow(HandOnError);
    expect(lambda.commandCalls(InvokeCommand)).toEqual([]);
  });
});

describe('continueRun', () => {
  const end = { cursor: 'c1', invocationId: 'r-1', now: NOW };
  const recordingLog = () => {
    const lines: { level: string; message: string; data?: unknown }[] = [];
    const at = (level: string) => (message: string, data?: unknown) => void lines.push({ level, message, data });
    return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
  };

  it('starts the continuation with the next request and calls the run handed on', async () => {
    const started: unknown[] = [];
    const result = await continueRun({ invoke: async (arn, request) => void started.push({ arn, request }) }, FUNCTION_ARN, end, (cursor, handOn) => ({ cursor, handOn }));
    expect(result).toEqual({ handedOn: true, incomplete: false });
    expect(started).toEqual([{ arn: FUNCTION_ARN, request: { cursor: 'c1', handOn: { run: 'r-1', count: 1, startedAt: NOW.toISOString() } } }]);
  });

  it('calls a run that cannot hand on incomplete, and logs it as an error with the cursor', async () => {
    const { log, lines } = recordingLog();
    const result = await continueRun({ log }, FUNCTION_ARN, end, (cursor) => ({ cursor }));
    expect(result).toEqual({ handedOn: false, incomplete: true, reason: 'this function cannot hand its cursor on' });
    expect(lines).toEqual([{ level: 'error', message: 'run incomplete: repositories were left out of this schedule', data: expect.objectContaining({ cursor: 'c1' }) }]);
  });

  it('does nothing for a run that is over', async () => {
    const result = await continueRun({ invoke: () => Promise.reject(new Error('not called')) }, FUNCTION_ARN, { invocationId: 'r-1', now: NOW }, () => ({}));
    expect(result).toEqual({ handedOn: false, incomplete: false });
  });
});
