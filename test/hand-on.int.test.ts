import { readFileSync } from 'node:fs';
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { cleanupHandler } from '../functions/cleanup';
import { enforceHandler } from '../functions/enforce';
import type { HandlerRuntime } from '../functions/shared/runtime';
import { createMetrics } from '../lib/metrics/emit';
import { parsePolicy, type PolicyInput } from '../lib/policy';
import { walkImages } from '../lib/walker';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { motoClients } from './support/aws';
import { beforeSend } from './support/calls';
import { captureEmf, emfValues, type EmfRecord } from './support/emf-capture';
import { lambdaContext } from './support/lambda';

/**
 * A scheduled run without fan-out whose invocation has time for a third of the registry: it hands its cursor
 * on to a continuation of itself (lib/hand-on) until every repository has been visited, on one schedule.
 * The clock is the test's: it moves one second each time the run reaches a repository it had not touched,
 * and each invocation has two and a half seconds before its deadline, so it visits three of nine.
 */

const scheduledEvent = (file: string) => JSON.parse(readFileSync(new URL(`../events/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const REPOSITORIES = Array.from({ length: 9 }, (_, i) => `chain/repo-${i}`);
/** Time before the deadline an invocation has: 2.5 s beyond the handler's 10 s safety margin. */
const REMAINING_MS = 12_500;
const STEP_MS = 1_000;

type Clients = ReturnType<typeof motoClients>;
type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Nine repositories with mutable tags, scan-on-push off, and one tagged and one untagged image each. */
async function seed(clients: Clients): Promise<void> {
  for (const name of REPOSITORIES) {
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: 'MUTABLE', imageScanningConfiguration: { scanOnPush: false } }));
    await pushImage(clients.ecr, name, imageManifest(`${name}-old`));
    await pushImage(clients.ecr, name, imageManifest(`${name}-current`), 'v1');
  }
}

/** The repository a call is about, by name or by ARN. */
function repositoryOf(input: Record<string, unknown>): string | undefined {
  if (typeof input.repositoryName === 'string') return input.repositoryName;
  return typeof input.resourceArn === 'string' ? /:repository\/(.+)$/.exec(input.resourceArn)?.[1] : undefined;
}

/** A test clock that moves when the run first reaches a repository; the repositories it reached, in order. */
function repositoryClock(clients: Clients) {
  let t = Date.now();
  const visits: string[] = [];
  beforeSend(clients.ecr, (_action, input) => {
    const repository = repositoryOf(input);
    if (repository && !visits.includes(repository)) {
      visits.push(repository);
      t += STEP_MS;
    }
  });
  return { now: () => t, visits };
}

/**
 * Runs a schedule: the scheduled event, then each continuation the handler started, until none is left.
 * Returns the requests of the continuations and the EMF metric records of every invocation.
 */
async function runSchedule(build: (runtime: HandlerRuntime) => Handler, clients: Clients, policy: PolicyInput, event: unknown) {
  const clock = repositoryClock(clients);
  const continuations: { functionArn: string; request: Record<string, unknown> }[] = [];
  const handler = build({
    clients,
    logger: new Logger({ logLevel: 'SILENT' }),
    policy: () => parsePolicy(policy),
    metrics: createMetrics(),
    now: clock.now,
    handOn: async (functionArn, request) => void continuations.push({ functionArn, request: request as Record<string, unknown> }),
  });
  const results: unknown[] = [];
  const metrics = await captureEmf(async () => {
    results.push(await handler(event, lambdaContext({ remainingMs: REMAINING_MS, functionName: 'ecr-keeper-dev-job' })));
    for (let i = 0; i < continuations.length; i++) {
      results.push(await handler(continuations[i]!.request, lambdaContext({ remainingMs: REMAINING_MS, functionName: 'ecr-keeper-dev-job' })));
    }
  });
  return { continuations, metrics, results, visits: clock.visits };
}

const values = (records: EmfRecord[], name: string) => records.map((r) => emfValues(r)[name]?.value);

async function untaggedLeft(clients: Clients): Promise<number> {
  let count = 0;
  for (const name of REPOSITORIES) for await (const image of walkImages(clients.ecr, name, {})) if (!image.imageTags?.length) count++;
  return count;
}

describe('a scheduled run that reaches its deadline hands its cursor on', () => {
  it('cleanup: three invocations visit all nine repositories once each, and the deletion cap holds across them', async () => {
    const clients = motoClients();
    await seed(clients);
    const policy: PolicyInput = { cleanup: { mode: 'apply', untaggedOlderThanDays: 0, maxDeletesPerRun: 5 }, runtime: { concurrency: 1 } };

    const run = await runSchedule(cleanupHandler, motoClients(clients.accountId), policy, scheduledEvent('schedule-cleanup.json'));

    expect([...run.visits].sort()).toEqual(REPOSITORIES);
    expect(run.continuations).toHaveLength(2);
    expect(run.continuations.map((c) => c.functionArn)).toEqual([expect.stringMatching(/:function:ecr-keeper-dev-job$/), expect.stringMatching(/:function:ecr-keeper-dev-job$/)]);
    const [first, second] = run.continuations.map((c) => c.request.handOn as { run: string; count: number; maxDeletes: number });
    expect(second!.run).toBe(first!.run);
    expect([first!.count, second!.count]).toEqual([1, 2]);
    // The third repository of an invocation is reached just before the deadline: its deletion is not attempted,
    // so it does not count against the cap (its garbage waits for the next schedule).
    expect([first!.maxDeletes, second!.maxDeletes]).toEqual([3, 1]);
    expect(await untaggedLeft(clients)).toBe(REPOSITORIES.length - 5);
    expect(values(run.metrics, 'RepositoriesProcessed')).toEqual([3, 3, 3]);
    expect(values(run.metrics, 'RunsHandedOn')).toEqual([1, 1, 0]);
    expect(values(run.metrics, 'RunsIncomplete')).toEqual([0, 0, 0]);
    expect(values(run.metrics, 'ImagesDeleted')).toEqual([2, 2, 1]);
    expect(run.metrics.every((r) => r.job === 'cleanup')).toBe(true);
  });

  it('enforce: three invocations bring all nine repositories in line, and the replication is set once', async () => {
    const clients = motoClients();
    await seed(clients);
    const policy: PolicyInput = {
      enforce: { mode: 'apply' },
      replication: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: '210987654321' }] }] },
      runtime: { concurrency: 1 },
    };
    const handlerClients = motoClients(clients.accountId);
    let replicationWrites = 0;
    beforeSend(handlerClients.ecr, (action) => void (action === 'PutReplicationConfiguration' && replicationWrites++));

    const run = await runSchedule(enforceHandler, handlerClients, policy, scheduledEvent('schedule-enforce.json'));

    expect([...run.visits].sort()).toEqual(REPOSITORIES);
    expect(run.continuations).toHaveLength(2);
    const described = await clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: REPOSITORIES }));
    expect(described.repositories?.map((r) => [r.imageTagMutability, r.imageScanningConfiguration?.scanOnPush])).toEqual(REPOSITORIES.map(() => ['IMMUTABLE', true]));
    expect(replicationWrites).toBe(1);
    expect(values(run.metrics, 'ChangesApplied')).toEqual([7, 6, 6]);
    expect(values(run.metrics, 'RunsHandedOn')).toEqual([1, 1, 0]);
    expect(values(run.metrics, 'RunsIncomplete')).toEqual([0, 0, 0]);
  });

  it('counts the run incomplete, loudly, when the continuation cannot be started', async () => {
    const clients = motoClients();
    await seed(clients);
    const handlerClients = motoClients(clients.accountId);
    const clock = repositoryClock(handlerClients);
    const handler = cleanupHandler({
      clients: handlerClients,
      logger: new Logger({ logLevel: 'SILENT' }),
      policy: () => parsePolicy({ runtime: { concurrency: 1 } }),
      metrics: createMetrics(),
      now: clock.now,
      handOn: () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' })),
    });

    const [record] = await captureEmf(() => handler(scheduledEvent('schedule-cleanup.json'), lambdaContext({ remainingMs: REMAINING_MS })));

    expect(emfValues(record!)).toMatchObject({ RunsIncomplete: { value: 1 }, RunsHandedOn: { value: 0 }, RepositoriesProcessed: { value: 3 } });
  });

  it('answers a manual invoke with its cursor and starts no continuation', async () => {
    const clients = motoClients();
    await seed(clients);
    const run = await runSchedule(cleanupHandler, motoClients(clients.accountId), { runtime: { concurrency: 1 } }, { publish: false });

    expect(run.continuations).toEqual([]);
    expect(run.results[0]).toMatchObject({ summary: { complete: false, cursor: expect.any(String) } });
    expect(emfValues(run.metrics[0]!)).not.toHaveProperty('RunsIncomplete');
  });
});

describe('metrics of a run with failures', () => {
  it('enforce: counts the changes that failed apart from those that went through, and says the run is complete', async () => {
    const clients = motoClients();
    await seed(clients);
    const handlerClients = motoClients(clients.accountId);
    beforeSend(handlerClients.ecr, (action, input) => {
      if (action === 'PutImageTagMutability' && input.repositoryName === 'chain/repo-4') throw Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
      // The skip tag of repo-2 cannot be read: both its changes fail (closed), none is tried.
      if (action === 'ListTagsForResource' && String(input.resourceArn).endsWith('/chain/repo-2')) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
      if (action === 'PutImageScanningConfiguration' && input.repositoryName === 'chain/repo-7') {
        throw Object.assign(new Error('repository gone'), { name: 'RepositoryNotFoundException' });
      }
    });
    const handler = enforceHandler({ clients: handlerClients, logger: new Logger({ logLevel: 'SILENT' }), policy: () => parsePolicy({ enforce: { mode: 'apply' } }), metrics: createMetrics() });

    const [record] = await captureEmf(() => handler(scheduledEvent('schedule-enforce.json'), lambdaContext()));

    expect(record).toMatchObject({ job: 'enforce', service: 'ecr-keeper' });
    expect(emfValues(record!)).toEqual({
      RepositoriesProcessed: { value: 9, unit: 'Count' },
      RepositoriesFailed: { value: 0, unit: 'Count' },
      ChangesApplied: { value: 14, unit: 'Count' },
      ChangesFailed: { value: 4, unit: 'Count' },
      RunsIncomplete: { value: 0, unit: 'Count' },
      RunsHandedOn: { value: 0, unit: 'Count' },
    });
  });

  it('cleanup: counts the repository it could not read apart from the images it deleted and their bytes', async () => {
    const clients = motoClients();
    await seed(clients);
    const handlerClients = motoClients(clients.accountId);
    beforeSend(handlerClients.ecr, (action, input) => {
      if (action === 'DescribeImages' && input.repositoryName === 'chain/repo-3') throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    });
    const policy = parsePolicy({ cleanup: { mode: 'apply', untaggedOlderThanDays: 0 } });
    const handler = cleanupHandler({ clients: handlerClients, logger: new Logger({ logLevel: 'SILENT' }), policy: () => policy, metrics: createMetrics() });

    const [record] = await captureEmf(() => handler(scheduledEvent('schedule-cleanup.json'), lambdaContext()));

    expect(record).toMatchObject({ job: 'cleanup', service: 'ecr-keeper' });
    expect(emfValues(record!)).toMatchObject({
      RepositoriesFailed: { value: 1, unit: 'Count' },
      ImagesDeleted: { value: REPOSITORIES.length - 1, unit: 'Count' },
      BytesReclaimed: { value: (REPOSITORIES.length - 1) * 10_000_000, unit: 'Bytes' },
      RunsIncomplete: { value: 0, unit: 'Count' },
    });
    expect(await untaggedLeft(clients)).toBe(1);
  });
});
