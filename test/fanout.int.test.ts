import { CreateRepositoryCommand, DescribeRegistryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { cleanupHandler } from '../functions/cleanup';
import { enforceHandler } from '../functions/enforce';
import { workerHandler } from '../functions/worker';
import type { DispatchReport } from '../lib/fanout/dispatch';
import { continueDispatch, startDispatch } from '../lib/fanout/dispatch';
import { parseWorkItem, runWorkItem } from '../lib/fanout/work';
import type { WorkItem } from '../lib/fanout/work-item';
import { parsePolicy, type PolicyInput } from '../lib/policy';
import { walkImages } from '../lib/walker';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { motoClients } from './support/aws';
import { captureEvents } from './support/event-capture';
import { lambdaContext, testRuntime } from './support/lambda';
import { sampleEvent } from './support/sample-events';
import { motoWorkQueue, type MotoWorkQueue } from './support/work-queue';

type Clients = ReturnType<typeof motoClients>;

const FAN_OUT = { runtime: { fanOut: true, repositoriesPerWorkItem: 4 }, enforce: { mode: 'apply' } } satisfies PolicyInput;

function runtime(clients: Clients, work: MotoWorkQueue, policy: PolicyInput) {
  return testRuntime(clients, policy, { workQueue: work.queue });
}

function deps(clients: Clients, work: MotoWorkQueue) {
  return { ecr: clients.ecr, events: clients.events, queue: work.queue };
}

/** A deadline that passes at the walker's `checks`-th look at it. */
function deadlineAfter(checks: number) {
  let ticks = 0;
  return { at: checks, now: () => ++ticks };
}

async function createRepositories(clients: Clients, names: string[]): Promise<void> {
  for (const name of names) {
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: 'MUTABLE', imageScanningConfiguration: { scanOnPush: false } }));
  }
}

const named = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}/r${String(i).padStart(2, '0')}`);

async function mutability(clients: Clients): Promise<Record<string, string>> {
  const out = await clients.ecr.send(new DescribeRepositoriesCommand({}));
  return Object.fromEntries((out.repositories ?? []).map((r) => [r.repositoryName!, `${r.imageTagMutability} ${r.imageScanningConfiguration?.scanOnPush ? 'scan' : 'noscan'}`]));
}

const itemsOf = (event: SQSEvent): WorkItem[] => event.Records.map((r) => parseWorkItem(r.body));
const namesOf = (items: WorkItem[]) => items.flatMap((i) => (i.kind === 'dispatch' ? [] : i.names)).sort();

/** Feeds the queue's messages to the worker until the queue stays empty; returns every item it ran. */
async function workUntilEmpty(clients: Clients, work: MotoWorkQueue, policy: PolicyInput): Promise<WorkItem[]> {
  const worker = workerHandler(runtime(clients, work, policy));
  const ran: WorkItem[] = [];
  for (let event = await work.drain(); event.Records.length > 0; event = await work.drain()) {
    const response = await worker(event, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    ran.push(...itemsOf(event));
  }
  return ran;
}

describe('fan-out: dispatcher -> work queue -> worker', () => {
  it('enforces the replication once in the dispatcher and every repository through the worker', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    const repositories = named('svc', 10);
    await createRepositories(clients, repositories);
    const policy: PolicyInput = { ...FAN_OUT, replication: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: '210987654321' }] }] } };
    const capture = await captureEvents(clients, 'ecr-keeper');

    const dispatched = (await enforceHandler(runtime(clients, work, policy))(sampleEvent('schedule-enforce.json'), lambdaContext())) as DispatchReport;

    expect(dispatched).toMatchObject({ job: 'enforce', complete: true, sent: { items: 3, repositories: 10 }, registry: { summary: { applied: 1 } } });
    expect(Object.values(await mutability(clients))).toEqual(Array(10).fill('MUTABLE noscan'));
    const ran = await workUntilEmpty(clients, work, policy);
    expect(ran.map((i) => (i.kind === 'dispatch' ? 'dispatch' : `${i.kind} ${i.names.length}`))).toEqual(['enforce 4', 'enforce 4', 'enforce 2']);
    expect(Object.values(await mutability(clients))).toEqual(Array(10).fill('IMMUTABLE scan'));
    const registry = await clients.ecr.send(new DescribeRegistryCommand({}));
    expect(registry.replicationConfiguration?.rules).toHaveLength(1);
    const events = await capture.drain();
    expect(events.filter((e) => e['detail-type'] === 'ECR Keeper Setting Enforced')).toHaveLength(1 + 2 * 10);
  });

  it('cleans up through the worker without deleting more than maxDeletesPerRun across its work items', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    const repositories = named('app', 3);
    await createRepositories(clients, repositories);
    for (const repository of repositories) {
      for (const n of [1, 2, 3]) await pushImage(clients.ecr, repository, imageManifest(`${repository}-${n}`));
    }
    const policy: PolicyInput = {
      runtime: { fanOut: true, repositoriesPerWorkItem: 1 },
      cleanup: { mode: 'apply', untaggedOlderThanDays: 0, maxDeletesPerRun: 4 },
    };

    const dispatched = (await cleanupHandler(runtime(clients, work, policy))(sampleEvent('schedule-cleanup.json'), lambdaContext())) as DispatchReport;

    expect(dispatched).toMatchObject({ job: 'cleanup', counted: 3, complete: true, sent: { items: 3 }, budget: { cap: 4, items: 3, left: 0 } });
    const ran = await workUntilEmpty(clients, work, policy);
    expect(ran.map((i) => (i.kind === 'cleanup' ? i.maxDeletes : null))).toEqual([2, 1, 1]);
    let left = 0;
    for (const repository of repositories) for await (const _image of walkImages(clients.ecr, repository)) left++;
    expect(left).toBe(9 - 4);
  });

  it('reports a poisoned message as a batch item failure while the others of the batch succeed', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    await createRepositories(clients, ['svc/a', 'svc/b']);
    const good = sampleEvent('work-queue-enforce.json', (e) => (e.Records[0].body = JSON.stringify({ kind: 'enforce', run: 'r1', index: 0, names: ['svc/a', 'svc/b'] })));
    const poisoned = { ...good.Records[0], messageId: 'poisoned-1', body: '{"kind":"enforce","run":"r1","index":1,"names":["Not A Repository"]}' };
    const notJson = { ...good.Records[0], messageId: 'poisoned-2', body: 'enforce svc/a please' };

    const response = await workerHandler(runtime(clients, work, FAN_OUT))({ Records: [poisoned, good.Records[0], notJson] }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'poisoned-1' }, { itemIdentifier: 'poisoned-2' }] });
    expect(await mutability(clients)).toEqual({ 'svc/a': 'IMMUTABLE scan', 'svc/b': 'IMMUTABLE scan' });
  });

  it('hands a dispatch near its deadline on to the worker, which dispatches the rest exactly once', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    const repositories = named('svc', 10);
    await createRepositories(clients, repositories);

    const first = await startDispatch(deps(clients, work), parsePolicy(FAN_OUT), 'enforce', { deadline: deadlineAfter(6) });

    expect(first).toMatchObject({ complete: false, sent: { items: 2, repositories: 5 } });
    const queued = itemsOf(await work.drain());
    expect(queued.map((i) => i.kind)).toEqual(['enforce', 'enforce', 'dispatch']);
    const continuation = queued[2]!;
    const second = await runWorkItem(deps(clients, work), parsePolicy(FAN_OUT), continuation);
    expect(second).toMatchObject({ kind: 'dispatch', report: { run: first.run, complete: true, sent: { items: 2, repositories: 5 } } });
    const rest = itemsOf(await work.drain());
    expect(rest.map((i) => (i.kind === 'dispatch' ? -1 : i.index))).toEqual([2, 3]);
    expect(namesOf([...queued, ...rest])).toEqual(repositories);
  });

  it('counts the repositories across invocations before it shares out the cleanup cap', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    await createRepositories(clients, named('app', 6));
    const policy = parsePolicy({ runtime: { fanOut: true, repositoriesPerWorkItem: 2 }, cleanup: { maxDeletesPerRun: 100 } });

    const first = await startDispatch(deps(clients, work), policy, 'cleanup', { deadline: deadlineAfter(5) });

    expect(first).toMatchObject({ counted: 4, complete: false, sent: { items: 0 } });
    const [continuation] = itemsOf(await work.drain());
    expect(continuation).toMatchObject({ kind: 'dispatch', state: { job: 'cleanup', counted: 4, sent: 0 } });
    const second = await continueDispatch(deps(clients, work), policy, (continuation as Extract<WorkItem, { kind: 'dispatch' }>).state);
    expect(second).toMatchObject({ counted: 2, complete: true, budget: { cap: 100, items: 3, left: 0 } });
    expect(itemsOf(await work.drain()).map((i) => (i.kind === 'cleanup' ? i.maxDeletes : null))).toEqual([34, 33, 33]);
  });

  it('hands the shared cap on when the count used up the time before a single item was sent', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    await createRepositories(clients, named('app', 3));
    const policy = parsePolicy({ runtime: { fanOut: true, repositoriesPerWorkItem: 2 }, cleanup: { maxDeletesPerRun: 9 } });

    const first = await startDispatch(deps(clients, work), policy, 'cleanup', { deadline: deadlineAfter(4) });

    expect(first).toMatchObject({ counted: 3, complete: false, sent: { items: 0 }, budget: { cap: 9, items: 2, left: 9 } });
    const [continuation] = itemsOf(await work.drain());
    expect(continuation).toMatchObject({ kind: 'dispatch', state: { sent: 0, budget: { cap: 9, items: 2, left: 9 } } });
    await runWorkItem(deps(clients, work), policy, continuation!);
    expect(itemsOf(await work.drain()).map((i) => (i.kind === 'cleanup' ? `${i.names.length}:${i.maxDeletes}` : i.kind))).toEqual(['2:5', '1:4']);
  });

  it('fails a continuation that reached its deadline before listing a repository, rather than hand on the same cursor', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    await createRepositories(clients, named('svc', 2));

    await expect(startDispatch(deps(clients, work), parsePolicy(FAN_OUT), 'enforce', { deadline: { at: 0, now: () => 1 } })).rejects.toThrow(
      /reached its deadline before listing a repository/,
    );
    expect((await work.drain()).Records).toEqual([]);
  });

  it('sends the rest of a work item that reached its deadline, with the rest of its deletion share', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    const repositories = named('app', 4);
    await createRepositories(clients, repositories);
    const policy = parsePolicy({ runtime: { fanOut: true, concurrency: 1 }, cleanup: { mode: 'apply', untaggedOlderThanDays: 0 } });
    for (const n of [1, 2]) await pushImage(clients.ecr, 'app/r00', imageManifest(`garbage-${n}`));
    const item: WorkItem = { kind: 'cleanup', run: 'r1', index: 0, names: repositories, maxDeletes: 5 };

    const result = await runWorkItem(deps(clients, work), policy, item, { deadline: deadlineAfter(3) });

    expect(result).toMatchObject({ kind: 'cleanup', followUp: true, summary: { repositories: 1, deleted: { count: 2 }, complete: false } });
    const [rest] = itemsOf(await work.drain());
    expect(rest).toMatchObject({ kind: 'cleanup', run: 'r1', index: 0, names: repositories, maxDeletes: 3, cursor: expect.any(String) });
    const final = await runWorkItem(deps(clients, work), policy, rest!);
    expect(final).toMatchObject({ followUp: false, summary: { repositories: 3, complete: true } });
  });

  it('fails a work item that reached its deadline before its first repository, so SQS delivers it again', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    await createRepositories(clients, ['svc/a']);
    const item: WorkItem = { kind: 'enforce', run: 'r1', index: 0, names: ['svc/a'] };

    await expect(runWorkItem(deps(clients, work), parsePolicy(FAN_OUT), item, { deadline: deadlineAfter(1) })).rejects.toThrow(
      'work item r1/0 reached its deadline before its first repository',
    );
    expect((await work.drain()).Records).toEqual([]);
  });

  it('runs a manual cleanup naming repositories in one invocation, fan-out or not', async () => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    await createRepositories(clients, ['app/a', 'app/b']);

    const result = (await cleanupHandler(runtime(clients, work, FAN_OUT))({ repositories: ['app/a'], publish: false }, lambdaContext())) as { summary: { repositories: number } };

    expect(result.summary.repositories).toBe(1);
    expect((await work.drain()).Records).toEqual([]);
  });

  it('fails a fan-out on a function without a work queue, naming what is missing', async () => {
    const clients = motoClients();
    const handler = enforceHandler(testRuntime(clients, FAN_OUT));

    await expect(handler(sampleEvent('schedule-enforce.json'), lambdaContext())).rejects.toThrow(/runtime\.fanOut is on.*ECR_KEEPER_WORK_QUEUE_URL/);
  });
});
