import {
  CreateRepositoryCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  PutImageTagMutabilityCommand,
  PutReplicationConfigurationCommand,
  type ImageTagMutability,
} from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { enforceHandler } from '../functions/enforce';
import { onDriftHandler } from '../functions/on-drift';
import type { EnforceResponse } from '../lib/enforce/response';
import type { PolicyInput } from '../lib/policy';
import { motoClients } from './support/aws';
import { callsByAction, countCalls, writeCalls } from './support/calls';
import { captureEvents } from './support/event-capture';
import { lambdaContext, testRuntime } from './support/lambda';
import { sampleEvent } from './support/sample-events';

type Clients = ReturnType<typeof motoClients>;

/** The handlers under test write: `enforce.mode` defaults to dry-run, so every policy here says `apply`. */
const runtime = (clients: Clients, policy: PolicyInput = {}) => testRuntime(clients, { enforce: { mode: 'apply' }, ...policy });

async function createRepository(clients: Clients, name: string, mutability: ImageTagMutability = 'MUTABLE', skip = false): Promise<void> {
  await clients.ecr.send(
    new CreateRepositoryCommand({
      repositoryName: name,
      imageTagMutability: mutability,
      imageScanningConfiguration: { scanOnPush: false },
      ...(skip ? { tags: [{ Key: 'ecr-keeper:skip', Value: 'true' }] } : {}),
    }),
  );
}

async function mutabilityOf(clients: Clients): Promise<Record<string, string>> {
  const out = await clients.ecr.send(new DescribeRepositoriesCommand({}));
  return Object.fromEntries((out.repositories ?? []).map((r) => [r.repositoryName!, r.imageTagMutability!]));
}

/** A sample CloudTrail event as this test's account would receive it for `eventName` on `repositoryName`. */
function cloudTrailEvent(clients: Clients, file: string, repositoryName?: string) {
  return sampleEvent(file, (e) => {
    e.account = clients.accountId;
    e.detail.recipientAccountId = clients.accountId;
    if (repositoryName !== undefined) e.detail.requestParameters.repositoryName = repositoryName;
  });
}

const TAG_MUTABILITY_EVENT = 'cloudtrail-put-image-tag-mutability.json';
const SCANNING_EVENT = 'cloudtrail-put-image-scanning-configuration.json';

describe('enforce Lambda (schedule)', () => {
  it('enforces the whole registry and publishes one event per change', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/a');
    await createRepository(clients, 'svc/b', 'IMMUTABLE');
    const capture = await captureEvents(clients, 'ecr-keeper');
    const handler = enforceHandler(runtime(clients));

    const result = (await handler(sampleEvent('schedule-enforce.json'), lambdaContext())) as EnforceResponse;

    expect(result.summary).toMatchObject({ mode: 'apply', repositories: 2, changes: 3, applied: 3, complete: true });
    expect(result.events).toEqual({ published: 3, failed: 0 });
    expect(await mutabilityOf(clients)).toEqual({ 'svc/a': 'IMMUTABLE', 'svc/b': 'IMMUTABLE' });
    const events = await capture.drain();
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ 'detail-type': 'ECR Keeper Setting Enforced', detail: { trigger: { source: 'schedule' } } });
  });

  it('plans only when the policy sets enforce.mode to dry-run', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/a');
    const calls = countCalls(clients.ecr);
    const handler = enforceHandler(runtime(clients, { enforce: { mode: 'dry-run' } }));

    const result = (await handler(sampleEvent('schedule-enforce.json'), lambdaContext())) as EnforceResponse;

    expect(result.summary).toMatchObject({ mode: 'dry-run', changes: 2, applied: 0 });
    expect(result.changes.map((c) => c.status)).toEqual(['skipped (dry-run)', 'skipped (dry-run)']);
    expect(writeCalls(calls)).toEqual({});
  });

  it('stops near the timeout with a cursor, and a run from that cursor finishes the registry', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/a');
    await createRepository(clients, 'svc/b');
    const handler = enforceHandler(runtime(clients));

    // Less time than the safety margin: the run stops before its first repository.
    const first = (await handler(sampleEvent('schedule-enforce.json'), lambdaContext({ remainingMs: 5_000 }))) as EnforceResponse;
    expect(first.summary).toMatchObject({ complete: false, repositories: 0, cursor: expect.any(String) });

    const second = (await handler({ cursor: first.summary.cursor! }, lambdaContext())) as EnforceResponse;
    expect(second.summary).toMatchObject({ complete: true, repositories: 2, applied: 4 });
    expect(await mutabilityOf(clients)).toEqual({ 'svc/a': 'IMMUTABLE', 'svc/b': 'IMMUTABLE' });
  });
});

describe('on-drift Lambda (CloudTrail)', () => {
  it('re-enforces only the repository the event names', async () => {
    const clients = motoClients();
    for (const name of ['svc/a', 'svc/b', 'svc/c']) await createRepository(clients, name);
    const capture = await captureEvents(clients, 'ecr-keeper');
    const calls = countCalls(clients.ecr);
    const handler = onDriftHandler(runtime(clients));

    const result = (await handler(cloudTrailEvent(clients, TAG_MUTABILITY_EVENT, 'svc/b'), lambdaContext())) as EnforceResponse;

    expect(callsByAction(calls)).toEqual({
      DescribeRepositories: 1,
      GetRegistryScanningConfiguration: 1,
      ListTagsForResource: 1,
      PutImageScanningConfiguration: 1,
      PutImageTagMutability: 1,
    });
    expect(result.changes.map((c) => c.reason)).toEqual(['repo svc/b: tag mutability MUTABLE -> IMMUTABLE', 'repo svc/b: scan-on-push off -> on']);
    expect(await mutabilityOf(clients)).toEqual({ 'svc/a': 'MUTABLE', 'svc/b': 'IMMUTABLE', 'svc/c': 'MUTABLE' });
    const events = await capture.drain();
    expect(events.map((e) => e.detail.repositoryName)).toEqual(['svc/b', 'svc/b']);
    expect(events[0]!.detail.trigger).toEqual({
      source: 'drift',
      eventName: 'PutImageTagMutability',
      eventId: '7d9e1f3a-5b6c-4d8e-9f0a-1b2c3d4e5f60',
      actor: 'arn:aws:sts::123456789012:assumed-role/ci-deployer/GitHubActions',
    });
  });

  it('converges: the events its own writes cause find nothing to change', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/a');
    const handler = onDriftHandler(runtime(clients));
    await handler(cloudTrailEvent(clients, 'cloudtrail-create-repository.json', 'svc/a'), lambdaContext());
    const calls = countCalls(clients.ecr);

    // Its two writes come back through CloudTrail as these two events.
    const echoes = [cloudTrailEvent(clients, TAG_MUTABILITY_EVENT, 'svc/a'), cloudTrailEvent(clients, SCANNING_EVENT, 'svc/a')];
    const results = [];
    for (const echo of echoes) results.push((await handler(echo, lambdaContext())) as EnforceResponse);

    expect(writeCalls(calls)).toEqual({});
    expect(results.map((r) => r.summary.changes)).toEqual([0, 0]);
    // Each echo costs two reads and no skip-tag lookup, as the repository complies.
    expect(callsByAction(calls)).toEqual({ DescribeRepositories: 2, GetRegistryScanningConfiguration: 2 });
  });

  it('enforces a repository created out of policy', async () => {
    const clients = motoClients();
    await createRepository(clients, 'payments/ledger');
    const handler = onDriftHandler(runtime(clients));
    const result = (await handler(cloudTrailEvent(clients, 'cloudtrail-create-repository.json'), lambdaContext())) as EnforceResponse;
    expect(result.summary).toMatchObject({ repositories: 1, applied: 2 });
    expect(await mutabilityOf(clients)).toEqual({ 'payments/ledger': 'IMMUTABLE' });
  });

  it('leaves a repository with the skip tag as it is', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/a', 'MUTABLE', true);
    const calls = countCalls(clients.ecr);
    const result = (await onDriftHandler(runtime(clients))(cloudTrailEvent(clients, TAG_MUTABILITY_EVENT, 'svc/a'), lambdaContext())) as EnforceResponse;
    expect(writeCalls(calls)).toEqual({});
    expect(result.summary).toMatchObject({ skipped: 2, applied: 0 });
  });

  it('leaves a repository the policy excludes as it is, without a single call', async () => {
    const clients = motoClients();
    await createRepository(clients, 'sandbox/tmp');
    const calls = countCalls(clients.ecr);
    const handler = onDriftHandler(runtime(clients, { repositories: { exclude: ['sandbox/**'] } }));
    const result = (await handler(cloudTrailEvent(clients, TAG_MUTABILITY_EVENT, 'sandbox/tmp'), lambdaContext())) as EnforceResponse;
    expect(calls.size).toBe(0);
    expect(result.summary).toMatchObject({ repositories: 0, excluded: 1 });
  });

  it('reports a repository deleted before the event arrived as missing, and changes nothing', async () => {
    const clients = motoClients();
    const calls = countCalls(clients.ecr);
    const result = (await onDriftHandler(runtime(clients))(cloudTrailEvent(clients, TAG_MUTABILITY_EVENT, 'svc/gone'), lambdaContext())) as EnforceResponse;
    expect(result.missing).toEqual(['svc/gone']);
    expect(callsByAction(calls)).toEqual({ DescribeRepositories: 1 });
  });

  it('puts back the policy replication after someone replaced it, then converges', async () => {
    const clients = motoClients();
    const policy: PolicyInput = {
      replication: { mode: 'replace', rules: [{ destinations: [{ region: 'eu-west-1', registryId: clients.accountId }] }] },
    };
    await clients.ecr.send(
      new PutReplicationConfigurationCommand({
        replicationConfiguration: { rules: [{ destinations: [{ region: 'ap-south-1', registryId: '210987654321' }] }] },
      }),
    );
    await createRepository(clients, 'svc/a');
    const handler = onDriftHandler(runtime(clients, policy));
    const calls = countCalls(clients.ecr);

    await handler(cloudTrailEvent(clients, 'cloudtrail-put-replication-configuration.json'), lambdaContext());
    expect(callsByAction(calls)).toEqual({ DescribeRegistry: 1, PutReplicationConfiguration: 1 });
    const registry = await clients.ecr.send(new DescribeRegistryCommand({}));
    expect(registry.replicationConfiguration?.rules).toEqual([{ destinations: [{ region: 'eu-west-1', registryId: clients.accountId }] }]);

    calls.clear();
    const echo = (await handler(cloudTrailEvent(clients, 'cloudtrail-put-replication-configuration.json'), lambdaContext())) as EnforceResponse;
    expect(callsByAction(calls)).toEqual({ DescribeRegistry: 1 });
    expect(echo.summary.changes).toBe(0);
  });

  it('ignores a call ECR refused, making no AWS call at all', async () => {
    const clients = motoClients();
    const calls = countCalls(clients.ecr);
    const result = await onDriftHandler(runtime(clients))(cloudTrailEvent(clients, 'cloudtrail-put-image-tag-mutability-denied.json'), lambdaContext());
    expect(result).toEqual({ ignored: 'PutImageTagMutability failed with AccessDenied: nothing changed' });
    expect(calls.size).toBe(0);
  });

  it('rejects a malformed event naming the field, before any AWS call', async () => {
    const clients = motoClients();
    const calls = countCalls(clients.ecr);
    const event = cloudTrailEvent(clients, TAG_MUTABILITY_EVENT, 'Not A Repo');
    await expect(onDriftHandler(runtime(clients))(event, lambdaContext())).rejects.toThrow(
      /detail\.requestParameters\.repositoryName: must be an ECR repository name/,
    );
    expect(calls.size).toBe(0);
  });

  it('does not fight a change it is told about when the policy agrees with it', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/a', 'IMMUTABLE');
    await clients.ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'svc/a', imageTagMutability: 'MUTABLE' }));
    const calls = countCalls(clients.ecr);
    const handler = onDriftHandler(runtime(clients, { tagMutability: { mode: 'MUTABLE' }, scanOnPush: false }));
    const result = (await handler(cloudTrailEvent(clients, TAG_MUTABILITY_EVENT, 'svc/a'), lambdaContext())) as EnforceResponse;
    expect(result.summary.changes).toBe(0);
    expect(writeCalls(calls)).toEqual({});
  });
});
