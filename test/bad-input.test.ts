import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { auditHandler } from '../functions/audit';
import { cleanupHandler } from '../functions/cleanup';
import { enforceHandler } from '../functions/enforce';
import { onDriftHandler } from '../functions/on-drift';
import { onFindingHandler } from '../functions/on-finding';
import { onPushHandler } from '../functions/on-push';
import { onScanCompleteHandler } from '../functions/on-scan-complete';
import { rescanHandler } from '../functions/rescan';
import { lambdaRuntime, type HandlerRuntime } from '../functions/shared/runtime';
import { workerHandler } from '../functions/worker';
import { createDynamoDbClient } from '../lib/aws/dynamodb-client';
import { createSqsClient } from '../lib/aws/sqs-client';
import { isUserError, PolicyError } from '../lib/errors';
import { parsePolicy } from '../lib/policy';
import type { VerdictStore } from '../lib/scan/verdict-state';
import { motoClients, pinMotoAccount } from './support/aws';
import { badFixtures, policyText, type BadFixture } from './support/bad-fixtures';
import { countCalls, type CallCounts } from './support/calls';
import { runCli } from './support/cli';
import { lambdaContext, silentLogger, testRuntime } from './support/lambda';
import { sampleEvent } from './support/sample-events';

type Handler = (event: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

/** Every handler, by the target name the fixtures use. */
/** The scan handlers also take the verdict-state table; the others ignore it. */
const HANDLERS: Record<string, (runtime: HandlerRuntime, verdicts?: VerdictStore) => Handler> = {
  audit: auditHandler,
  cleanup: cleanupHandler,
  enforce: enforceHandler,
  'on-drift': onDriftHandler,
  'on-finding': onFindingHandler,
  'on-push': onPushHandler,
  'on-scan-complete': onScanCompleteHandler,
  rescan: rescanHandler,
  worker: workerHandler,
};

/** An SQS event of the work queue, one message per body, as the worker receives it. */
function workQueueEvent(...bodies: string[]) {
  return { Records: bodies.map((body, i) => ({ messageId: `m-${i + 1}`, receiptHandle: 'r', body, attributes: {}, messageAttributes: {}, eventSource: 'aws:sqs' })) };
}

/** A well-formed event for each handler: with a bad policy, only the policy can be what is refused. */
const GOOD_EVENTS: Record<string, unknown> = {
  audit: {},
  cleanup: sampleEvent('schedule-cleanup.json'),
  enforce: sampleEvent('schedule-enforce.json'),
  'on-drift': sampleEvent('cloudtrail-put-image-tag-mutability.json'),
  'on-finding': sampleEvent('inspector2-finding-ecr.json'),
  'on-push': sampleEvent('ecr-image-push.json'),
  'on-scan-complete': sampleEvent('ecr-image-scan-complete.json'),
  rescan: sampleEvent('schedule-rescan.json'),
  worker: workQueueEvent(JSON.stringify({ kind: 'enforce', run: 'r-1', index: 0, names: ['svc/api'] })),
};

/** The CLI commands that read a policy, each as it would run for real. */
const COMMANDS = [['audit'], ['enforce', '--apply'], ['cleanup', '--apply'], ['scan', 'svc/api:v1']];


/** Clients, a work queue and a verdict table that count every call, to moto (where nothing should ever arrive). */
function countedClients() {
  const clients = motoClients();
  const sqs = pinMotoAccount(createSqsClient({ region: 'us-east-1' }), clients.accountId);
  const dynamodb = pinMotoAccount(createDynamoDbClient({ region: 'us-east-1' }), clients.accountId);
  const counts = [countCalls(clients.ecr), countCalls(clients.events), countCalls(sqs), countCalls(dynamodb)];
  return {
    clients,
    workQueue: { sqs, url: 'http://127.0.0.1:1/000000000000/work' },
    verdicts: { dynamodb, table: 'verdicts' } as VerdictStore,
    calls: () => counts.reduce((n, c: CallCounts) => n + [...c.values()].reduce((a, b) => a + b, 0), 0),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the input to be refused');
}

function expectNamed(message: string, fixture: BadFixture): void {
  for (const fragment of fixture.expect) expect(message).toContain(fragment);
}

const policyFixtures = badFixtures('policy');
/** Lambda functions receive their policy as JSON (`serverless package` writes it): YAML text is the CLI's only. */
const lambdaPolicyFixtures = policyFixtures.filter((f) => f.format !== 'yaml');

describe('bad input: the corpus', () => {
  it('holds at least 30 malformed inputs, for every handler, the work queue messages and the policy', () => {
    const all = badFixtures();
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(new Set(all.map((f) => f.target))).toEqual(new Set([...Object.keys(HANDLERS), 'policy', 'work-item']));
    for (const f of all) expect(f.expect.length, f.id).toBeGreaterThan(0);
  });
});

describe('bad input: events are refused at the edge, naming the field, with no AWS call', () => {
  it.each(badFixtures().filter((f) => f.target in HANDLERS))('$id: $about', async (fixture) => {
    const { clients, workQueue, verdicts, calls } = countedClients();
    const handler = HANDLERS[fixture.target]!(testRuntime(clients, {}, { workQueue }), verdicts);

    const error = await rejection(handler(fixture.input as never, lambdaContext()));

    expect(isUserError(error), `${error.name}: ${error.message}`).toBe(true);
    expectNamed(error.message, fixture);
    expect(calls()).toBe(0);
  });
});

describe('bad input: a bad work item fails its message alone, naming the field, with no AWS call', () => {
  it.each(badFixtures('work-item'))('$id: $about', async (fixture) => {
    const { clients, workQueue, calls } = countedClients();
    const logger = silentLogger();
    const logged = vi.spyOn(logger, 'error');
    const handler = workerHandler({ clients, workQueue, logger, policy: () => parsePolicy({}) });

    const answer = await handler(workQueueEvent(fixture.text ?? JSON.stringify(fixture.input)) as never, lambdaContext());

    // SQS delivers the message again and then dead-letters it; the log says why.
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(logged).toHaveBeenCalledWith('work item failed', expect.objectContaining({ messageId: 'm-1' }));
    const [, extra] = logged.mock.calls[0] as [string, { error: { code: string; message: string } }];
    expect(extra.error.code).toBe('EventValidationError');
    expectNamed(extra.error.message, fixture);
    expect(calls()).toBe(0);
  });
});

describe('bad input: a bad policy stops every Lambda function before any AWS call', () => {
  it.each(lambdaPolicyFixtures)('$id: $about', async (fixture) => {
    for (const [name, makeHandler] of Object.entries(HANDLERS)) {
      const { clients, workQueue, verdicts, calls } = countedClients();
      // The deployed runtime's own policy loader, reading ECR_KEEPER_POLICY as `serverless package` writes it.
      const runtime: HandlerRuntime = { ...lambdaRuntime({ ECR_KEEPER_POLICY: policyText(fixture).text }), clients, workQueue, logger: silentLogger() };

      const error = await rejection(makeHandler(runtime, verdicts)(structuredClone(GOOD_EVENTS[name]) as never, lambdaContext()));

      expect(error, name).toBeInstanceOf(PolicyError);
      expectNamed(error.message, fixture);
      expect(calls(), name).toBe(0);
    }
  });
});

describe('bad input: a bad policy file stops every CLI command with exit code 2 before any AWS call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-bad-policy-'));

  it.each(policyFixtures)('$id: $about', async (fixture) => {
    const { text, extension } = policyText(fixture);
    const file = join(dir, `${fixture.id.replace('/', '-')}${extension}`);
    writeFileSync(file, text);
    for (const command of COMMANDS) {
      for (const [argv, env] of [
        [[...command, '--policy', file], {}],
        [command, { ECR_KEEPER_POLICY: text }],
      ] as const) {
        const { clients, calls } = countedClients();

        const { code, stdout, stderr } = await runCli([...argv], clients, env);

        expect(code, argv.join(' ')).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toMatch(/^error: /);
        expectNamed(stderr, fixture);
        expect(calls(), argv.join(' ')).toBe(0);
      }
    }
  });
});

describe('bad input: a cursor ecr-keeper did not produce', () => {
  it.each(['audit', 'enforce --apply', 'cleanup --apply'])('%s --cursor: exit code 2 naming the cursor, before any AWS call', async (command) => {
    const { clients, calls } = countedClients();

    const { code, stderr } = await runCli([...command.split(' '), '--cursor', 'bm90LWEtY3Vyc29y'], clients);

    expect(code).toBe(2);
    expect(stderr).toContain('cursor is not one ecr-keeper produced');
    expect(calls()).toBe(0);
  });
});
