import { StartImageScanCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { auditHandler } from '../functions/audit';
import { cleanupHandler } from '../functions/cleanup';
import { enforceHandler } from '../functions/enforce';
import { onDriftHandler } from '../functions/on-drift';
import { onPushHandler } from '../functions/on-push';
import { onScanCompleteHandler } from '../functions/on-scan-complete';
import type { HandlerRuntime } from '../functions/shared/runtime';
import { workerHandler } from '../functions/worker';
import type { AwsClients } from '../lib/aws/clients';
import { motoClients } from './support/aws';
import { countCalls, writeCalls } from './support/calls';
import { lambdaContext, testRuntime } from './support/lambda';
import { snapshotRegistry } from './support/registry-state';
import { sampleEvent } from './support/sample-events';
import { pushEvent, SAMPLE_POLICY, seedSampleRegistry, type SampleRegistry } from './support/sample-registry';
import { motoWorkQueue } from './support/work-queue';

type Clients = AwsClients & { accountId: string };
type Handler = (event: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

/** The sample policy, with the scheduled cleanup deleting (its default is a dry run). */
const POLICY = { ...SAMPLE_POLICY, cleanup: { ...SAMPLE_POLICY.cleanup, mode: 'apply' }, enforce: { mode: 'apply' } };

interface Case {
  name: string;
  handler: (runtime: HandlerRuntime) => Handler;
  /** The event, delivered twice. */
  event: (clients: Clients, sample: SampleRegistry) => unknown;
  /** What the registry needs before the first delivery (a scan for a scan-complete event). */
  prepare?: (clients: Clients, sample: SampleRegistry) => Promise<void>;
  /** The ECR writes of the first delivery (the second makes none). */
  firstWrites: Record<string, number>;
  /** What the second answer says, given the first. */
  // biome-ignore lint/suspicious/noExplicitAny: each case reads the answer of its own handler
  second: (first: any, second: any) => void;
}

/** Enforcement found nothing left to write (the skip-tagged repository's changes stay skipped). */
const nothingLeftToChange = (_first: unknown, second: { summary: { applied: number; failed: number } }) =>
  expect(second.summary).toMatchObject({ applied: 0, failed: 0 });

const driftEvent = (file: string, repositoryName?: string) => (clients: Clients) =>
  sampleEvent(file, (e) => {
    e.account = clients.accountId;
    e.detail.recipientAccountId = clients.accountId;
    if (repositoryName) e.detail.requestParameters.repositoryName = repositoryName;
  });

const CASES: Case[] = [
  {
    name: 'audit',
    handler: auditHandler,
    event: () => ({}),
    firstWrites: {},
    second: (first, second) => expect(second.summary).toEqual(first.summary),
  },
  {
    name: 'enforce',
    handler: enforceHandler,
    event: () => sampleEvent('schedule-enforce.json'),
    firstWrites: { PutImageScanningConfiguration: 3, PutImageTagMutability: 3, PutReplicationConfiguration: 1 },
    second: nothingLeftToChange,
  },
  {
    name: 'on-drift (PutImageTagMutability)',
    handler: onDriftHandler,
    event: driftEvent('cloudtrail-put-image-tag-mutability.json', 'svc/api'),
    firstWrites: { PutImageScanningConfiguration: 1, PutImageTagMutability: 1 },
    second: nothingLeftToChange,
  },
  {
    name: 'on-drift (PutReplicationConfiguration)',
    handler: onDriftHandler,
    event: driftEvent('cloudtrail-put-replication-configuration.json'),
    firstWrites: { PutReplicationConfiguration: 1 },
    second: nothingLeftToChange,
  },
  {
    name: 'on-push',
    handler: onPushHandler,
    event: (clients, sample) => pushEvent(clients.accountId, 'svc/api', sample.tagged['svc/api']!),
    firstWrites: { StartImageScan: 1 },
    second: (first, second) => {
      expect(second.outcome).toMatchObject({ kind: 'verdict', origin: 'existing' });
      expect(second.outcome.verdict).toEqual(first.outcome.verdict);
    },
  },
  {
    name: 'on-scan-complete',
    handler: onScanCompleteHandler,
    prepare: async (clients, sample) => {
      await clients.ecr.send(new StartImageScanCommand({ repositoryName: 'svc/web', imageId: { imageDigest: sample.tagged['svc/web']!.digest } }));
    },
    event: (clients, sample) =>
      sampleEvent('ecr-image-scan-complete.json', (e) => {
        e.account = clients.accountId;
        e.resources = [`arn:aws:ecr:us-east-1:${clients.accountId}:repository/svc/web`];
        e.detail['repository-name'] = 'svc/web';
        e.detail['image-digest'] = sample.tagged['svc/web']!.digest;
        e.detail['image-tags'] = ['v1'];
      }),
    firstWrites: {},
    second: (first, second) => expect(second).toEqual(first),
  },
  {
    name: 'cleanup',
    handler: cleanupHandler,
    event: () => sampleEvent('schedule-cleanup.json'),
    firstWrites: { BatchDeleteImage: 6 },
    second: (_first, second) => expect(second.summary).toMatchObject({ planned: { count: 0 }, deleted: { count: 0 }, failed: 0 }),
  },
];

describe('idempotency: every handler run twice on the same event', () => {
  it.each(CASES)('$name: the same registry after the second run, no error, and no ECR write the second time', async (c) => {
    const clients = motoClients();
    const sample = await seedSampleRegistry(clients.ecr);
    await c.prepare?.(clients, sample);
    const handler = c.handler(testRuntime(clients, POLICY));
    const event = c.event(clients, sample);
    const calls = countCalls(clients.ecr);

    const first = await handler(structuredClone(event) as never, lambdaContext());
    expect(writeCalls(calls)).toEqual(c.firstWrites);
    const once = await snapshotRegistry(clients.ecr);
    calls.clear();
    const second = await handler(structuredClone(event) as never, lambdaContext());

    expect(writeCalls(calls)).toEqual({});
    expect(await snapshotRegistry(clients.ecr)).toEqual(once);
    c.second(first, second);
  });
});

describe('idempotency: the fan-out run twice', () => {
  /** The sample policy, fanned out in work items of three repositories. */
  const FANNED = { ...SAMPLE_POLICY, cleanup: { ...SAMPLE_POLICY.cleanup, mode: 'apply' }, enforce: { mode: 'apply' }, runtime: { fanOut: true, repositoriesPerWorkItem: 3 } };

  async function fannedOut() {
    const clients = motoClients();
    await seedSampleRegistry(clients.ecr);
    const work = await motoWorkQueue(clients.accountId);
    const runtime = testRuntime(clients, FANNED, { workQueue: work.queue });
    return { clients, work, runtime, calls: countCalls(clients.ecr) };
  }

  it.each([
    ['enforce', enforceHandler, 'schedule-enforce.json', { PutImageScanningConfiguration: 3, PutImageTagMutability: 3, PutReplicationConfiguration: 1 }],
    ['cleanup', cleanupHandler, 'schedule-cleanup.json', { BatchDeleteImage: 6 }],
  ] as const)('%s: dispatcher then worker, twice on the same schedule event: the same registry, and no ECR write the second time', async (_name, makeHandler, file, firstWrites) => {
    const { clients, work, runtime, calls } = await fannedOut();
    const cycle = async () => {
      await makeHandler(runtime)(sampleEvent(file) as never, lambdaContext());
      for (let event = await work.drain(); event.Records.length > 0; event = await work.drain()) {
        expect(await workerHandler(runtime)(event, lambdaContext())).toEqual({ batchItemFailures: [] });
      }
    };

    await cycle();
    expect(writeCalls(calls)).toEqual(firstWrites);
    const once = await snapshotRegistry(clients.ecr);
    calls.clear();
    await cycle();

    expect(writeCalls(calls)).toEqual({});
    expect(await snapshotRegistry(clients.ecr)).toEqual(once);
  });

  it('worker: the same SQS delivery twice (SQS delivers at least once): the same registry, and no ECR write the second time', async () => {
    const { clients, work, runtime, calls } = await fannedOut();
    await enforceHandler(runtime)(sampleEvent('schedule-enforce.json') as never, lambdaContext());
    await cleanupHandler(runtime)(sampleEvent('schedule-cleanup.json') as never, lambdaContext());
    const delivery = await work.drain();
    expect(delivery.Records.length).toBeGreaterThan(2);
    calls.clear();

    expect(await workerHandler(runtime)(structuredClone(delivery), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(writeCalls(calls)).toMatchObject({ BatchDeleteImage: 6, PutImageTagMutability: 3 });
    const once = await snapshotRegistry(clients.ecr);
    calls.clear();
    expect(await workerHandler(runtime)(structuredClone(delivery), lambdaContext())).toEqual({ batchItemFailures: [] });

    expect(writeCalls(calls)).toEqual({});
    expect(await snapshotRegistry(clients.ecr)).toEqual(once);
  });
});
