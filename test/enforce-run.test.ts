import {
  DeregisterPullTimeUpdateExclusionCommand,
  ListPullTimeUpdateExclusionsCommand,
  RegisterPullTimeUpdateExclusionCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRegistryScanningConfigurationCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutReplicationConfigurationCommand,
  type Repository,
} from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SETTING_ENFORCED_DETAIL_TYPE } from '../lib/enforce/enforced-event';
import { enforceJob, scopeRequest } from '../lib/enforce/job';
import type { EnforceOptions } from '../lib/enforce/run';
import { executeJob } from '../lib/job/execute';
import type { JobDeps } from '../lib/job/types';
import { parsePolicy, type PolicyInput } from '../lib/policy';

const ACCOUNT = '123456789012';
const ecrMock = mockClient(ECRClient);
const eventsMock = mockClient(EventBridgeClient);

/** An enforce run as every caller makes it: the job executed, its events published. */
const runEnforce = (deps: JobDeps, policy: ReturnType<typeof parsePolicy>, { scope, ...options }: EnforceOptions) =>
  executeJob(enforceJob, deps, policy, { ...options, ...scopeRequest(scope) }, { publish: true });
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const ecr = new ECRClient({ region: 'us-east-1', credentials });
const events = new EventBridgeClient({ region: 'us-east-1', credentials });

function repo(name: string, settings: Partial<Repository> = {}): Repository {
  return {
    repositoryName: name,
    repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${name}`,
    registryId: ACCOUNT,
    imageTagMutability: 'IMMUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
    ...settings,
  };
}

/** Serves repositories in pages of 1000 with opaque tokens, and by name, as ECR does. */
function serveRegistry(repositories: Repository[], options: { skipped?: string[] } = {}): void {
  const byName = new Map(repositories.map((r) => [r.repositoryName!, r]));
  ecrMock.on(DescribeRepositoriesCommand).callsFake((input: { nextToken?: string; maxResults?: number; repositoryNames?: string[] }) => {
    if (input.repositoryNames) return { repositories: input.repositoryNames.map((n) => byName.get(n)!) };
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const end = start + (input.maxResults ?? 100);
    return { repositories: repositories.slice(start, end), ...(end < repositories.length ? { nextToken: String(end) } : {}) };
  });
  ecrMock.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT, replicationConfiguration: { rules: [] } });
  ecrMock.on(GetRegistryScanningConfigurationCommand).resolves({ registryId: ACCOUNT, scanningConfiguration: { scanType: 'BASIC', rules: [] } });
  ecrMock.on(ListTagsForResourceCommand).callsFake(({ resourceArn }: { resourceArn: string }) => ({
    tags: (options.skipped ?? []).some((n) => resourceArn.endsWith(`/${n}`)) ? [{ Key: 'ecr-keeper:skip', Value: 'true' }] : [],
  }));
  ecrMock.on(PutImageTagMutabilityCommand).resolves({});
  ecrMock.on(PutImageScanningConfigurationCommand).resolves({});
  ecrMock.on(PutReplicationConfigurationCommand).resolves({});
}

function callsByAction(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of [...ecrMock.calls(), ...eventsMock.calls()]) {
    const action = (call.args[0] as object).constructor.name.replace(/Command$/, '');
    counts[action] = (counts[action] ?? 0) + 1;
  }
  return counts;
}

const publishedEntries = () => eventsMock.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
const policyOf = (input: PolicyInput = {}) => parsePolicy(input);
const REPLICATE = { replication: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }] }] } };

beforeEach(() => {
  ecrMock.reset();
  eventsMock.reset();
  eventsMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `event-${i}` })),
  }));
});

describe('runEnforce calls', () => {
  it('over 2500 repositories makes exactly the minimum calls: pages, registry reads, one write per change, tags only where changed', async () => {
    const repositories = Array.from({ length: 2500 }, (_, i) =>
      repo(`team/app-${String(i).padStart(4, '0')}`, {
        ...(i % 10 === 0 ? { imageTagMutability: 'MUTABLE' } : {}),
        ...(i % 25 === 0 ? { imageScanningConfiguration: { scanOnPush: false } } : {}),
      }),
    );
    serveRegistry(repositories, { skipped: ['team/app-0000'] });

    const report = await runEnforce({ ecr, events }, policyOf(REPLICATE), { mode: 'apply', scope: { kind: 'registry' } });

    // 250 mutable repositories, 100 without scan-on-push, 50 of them both: 300 with changes; app-0000 (both) opted out.
    expect(callsByAction()).toEqual({
      DescribeRepositories: 3,
      DescribeRegistry: 1,
      GetRegistryScanningConfiguration: 1,
      ListTagsForResource: 300,
      PutImageTagMutability: 249,
      PutImageScanningConfiguration: 99,
      PutReplicationConfiguration: 1,
      PutEvents: 35,
    });
    expect(report.summary).toMatchObject({ repositories: 2500, compliant: 2200, changes: 351, applied: 349, skipped: 2, failed: 0, complete: true });
    expect(publishedEntries()).toHaveLength(349);
  });

  it('makes no write and publishes nothing in plan mode', async () => {
    serveRegistry([repo('svc/a', { imageTagMutability: 'MUTABLE' })]);
    const report = await runEnforce({ ecr, events }, policyOf(REPLICATE), { mode: 'dry-run', scope: { kind: 'registry' } });
    expect(callsByAction()).toEqual({ DescribeRepositories: 1, DescribeRegistry: 1, GetRegistryScanningConfiguration: 1, ListTagsForResource: 1 });
    expect(report.summary).toMatchObject({ mode: 'dry-run', changes: 2, skipped: 2, applied: 0 });
    expect(report.events).toBeNull();
  });

  it('for named repositories reads only the scanning configuration and those repositories', async () => {
    serveRegistry([repo('svc/a', { imageTagMutability: 'MUTABLE' }), repo('svc/b', { imageTagMutability: 'MUTABLE' })]);
    await runEnforce({ ecr, events }, policyOf(REPLICATE), { mode: 'apply', scope: { kind: 'repositories', names: ['svc/a'] } });
    expect(callsByAction()).toEqual({
      GetRegistryScanningConfiguration: 1,
      DescribeRepositories: 1,
      ListTagsForResource: 1,
      PutImageTagMutability: 1,
      PutEvents: 1,
    });
    expect(ecrMock.commandCalls(PutImageTagMutabilityCommand)[0]!.args[0].input.repositoryName).toBe('svc/a');
  });

  it('for replication reads only the registry and touches no repository', async () => {
    serveRegistry([repo('svc/a', { imageTagMutability: 'MUTABLE' })]);
    const report = await runEnforce({ ecr, events }, policyOf(REPLICATE), { mode: 'apply', scope: { kind: 'replication' } });
    expect(callsByAction()).toEqual({ DescribeRegistry: 1, PutReplicationConfiguration: 1, PutEvents: 1 });
    expect(report.registry).toMatchObject({ registryId: ACCOUNT, replication: { checked: true, outcome: { status: 'applied' } } });
  });

  it('does not check replication again when resuming at a cursor', async () => {
    serveRegistry(Array.from({ length: 3 }, (_, i) => repo(`svc/r${i}`)));
    const cursor = Buffer.from(JSON.stringify({ v: 1, k: 'l', o: 1 })).toString('base64url');
    const report = await runEnforce({ ecr, events }, policyOf(REPLICATE), { mode: 'apply', scope: { kind: 'registry', cursor } });
    expect(callsByAction()).toEqual({ GetRegistryScanningConfiguration: 1, DescribeRepositories: 1 });
    expect(report.summary.repositories).toBe(2);
    expect(report.registry.replication.checked).toBe(false);
  });

  it('stops at the deadline and carries the cursor to resume at', async () => {
    serveRegistry(Array.from({ length: 5 }, (_, i) => repo(`svc/r${i}`)));
    const report = await runEnforce({ ecr }, policyOf(), { mode: 'apply', scope: { kind: 'registry' }, deadline: { at: 0, now: () => 1 } });
    expect(report.summary).toMatchObject({ complete: false, repositories: 0, cursor: expect.any(String) });
  });

  it('never sends replication to the registry itself: that destination is skipped in its own region', async () => {
    serveRegistry([repo('svc/a', { imageTagMutability: 'MUTABLE' })]);
    const policy = policyOf({ replication: { rules: [{ destinations: [{ region: 'us-east-1', registryId: ACCOUNT }] }] } });
    await runEnforce({ ecr, events }, policy, { mode: 'apply', scope: { kind: 'registry' } });
    expect(callsByAction()).not.toHaveProperty('PutReplicationConfiguration');
  });
});

describe('runEnforce outcomes and events', () => {
  it('records a failed write, goes on with the other repositories and publishes an event for each', async () => {
    serveRegistry([repo('svc/a', { imageTagMutability: 'MUTABLE' }), repo('svc/b', { imageTagMutability: 'MUTABLE' })]);
    ecrMock
      .on(PutImageTagMutabilityCommand, { repositoryName: 'svc/a' })
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    const report = await runEnforce({ ecr, events }, policyOf(), { mode: 'apply', scope: { kind: 'registry' }, trigger: { source: 'schedule' } });

    expect(report.summary).toMatchObject({ applied: 1, failed: 1, failedRepositories: 0 });
    const details = publishedEntries().map((e) => ({ type: e.DetailType, resources: e.Resources, ...JSON.parse(e.Detail!) }));
    expect(details).toEqual([
      expect.objectContaining({
        type: SETTING_ENFORCED_DETAIL_TYPE,
        status: 'failed',
        repositoryName: 'svc/a',
        error: { code: 'ThrottlingException', message: 'slow down' },
        resources: [`arn:aws:ecr:us-east-1:${ACCOUNT}:repository/svc/a`],
        trigger: { source: 'schedule' },
      }),
      expect.objectContaining({
        status: 'applied',
        kind: 'set-tag-mutability',
        repositoryName: 'svc/b',
        registryId: ACCOUNT,
        region: 'us-east-1',
        from: { mode: 'MUTABLE', exclusions: [] },
        to: { mode: 'IMMUTABLE', exclusions: [] },
      }),
    ]);
  });

  it('lists only repositories with changes or notes, and counts the compliant ones', async () => {
    serveRegistry([repo('svc/a'), repo('svc/b', { imageScanningConfiguration: { scanOnPush: false } })]);
    const report = await runEnforce({ ecr }, policyOf(), { mode: 'dry-run', scope: { kind: 'registry' } });
    expect(report.repositories.map((r) => r.repositoryName)).toEqual(['svc/b']);
    expect(report.summary).toMatchObject({ repositories: 2, compliant: 1 });
  });
});

describe('runEnforce pull-time update exclusions', () => {
  const INSPECTOR = 'arn:aws:iam::123456789012:role/inspector-scanner';
  const OLD = 'arn:aws:iam::123456789012:role/old-scanner';

  it('reads nothing about pull-time exclusions when the policy names none', async () => {
    serveRegistry([]);
    await runEnforce({ ecr, events }, policyOf(), { mode: 'apply', scope: { kind: 'registry' } });
    expect(ecrMock.commandCalls(ListPullTimeUpdateExclusionsCommand)).toHaveLength(0);
  });

  it('registers the principals the policy names and, in replace mode, deregisters the others, one event each', async () => {
    serveRegistry([]);
    ecrMock.on(ListPullTimeUpdateExclusionsCommand).resolves({ pullTimeUpdateExclusions: [OLD] });
    ecrMock.on(RegisterPullTimeUpdateExclusionCommand).resolves({});
    ecrMock.on(DeregisterPullTimeUpdateExclusionCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    const policy = policyOf({ retention: { pullTimeUpdateExclusions: { principals: [INSPECTOR], mode: 'replace' } } });

    const report = await runEnforce({ ecr, events }, policy, { mode: 'apply', scope: { kind: 'registry' } });

    expect(report.registry.pullTimeExclusions?.map((o) => [o.change.kind, o.status])).toEqual([
      ['register-pull-time-exclusion', 'applied'],
      ['deregister-pull-time-exclusion', 'failed'],
    ]);
    expect(ecrMock.commandCalls(RegisterPullTimeUpdateExclusionCommand)[0]!.args[0].input).toEqual({ principalArn: INSPECTOR });
    expect(report.summary).toMatchObject({ changes: 2, applied: 1, failed: 1 });
    expect(publishedEntries().map((e) => JSON.parse(e.Detail!).kind)).toEqual(['register-pull-time-exclusion', 'deregister-pull-time-exclusion']);
  });

  it('plans without writing in a dry-run', async () => {
    serveRegistry([]);
    ecrMock.on(ListPullTimeUpdateExclusionsCommand).resolves({ pullTimeUpdateExclusions: [] });
    const policy = policyOf({ retention: { pullTimeUpdateExclusions: { principals: [INSPECTOR] } } });
    const report = await runEnforce({ ecr, events }, policy, { mode: 'dry-run', scope: { kind: 'registry' } });
    expect(report.registry.pullTimeExclusions?.map((o) => o.status)).toEqual(['skipped']);
    expect(ecrMock.commandCalls(RegisterPullTimeUpdateExclusionCommand)).toHaveLength(0);
  });
});
