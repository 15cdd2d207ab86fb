import {
  CreateRepositoryCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  PutReplicationConfigurationCommand,
  type ImageTagMutability,
  type ReplicationRule,
} from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { SETTING_ENFORCED_DETAIL_TYPE } from '../lib/enforce/enforced-event';
import type { EnforceReport } from '../lib/enforce/types';
import type { PolicyInput } from '../lib/policy';
import { motoClients } from './support/aws';
import { callsByAction, countCalls, writeCalls } from './support/calls';
import { onlyTarget, runCli } from './support/cli';
import { captureEvents } from './support/event-capture';

type Clients = ReturnType<typeof motoClients>;

async function createRepository(
  clients: Clients,
  name: string,
  settings: { mutability?: ImageTagMutability; scanOnPush?: boolean; skip?: boolean } = {},
): Promise<void> {
  await clients.ecr.send(
    new CreateRepositoryCommand({
      repositoryName: name,
      imageTagMutability: settings.mutability ?? 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: settings.scanOnPush ?? false },
      ...(settings.skip ? { tags: [{ Key: 'ecr-keeper:skip', Value: 'true' }] } : {}),
    }),
  );
}

/** Each repository's settings as `MODE[exclusions] scan|noscan`, by name. */
async function settings(clients: Clients): Promise<Record<string, string>> {
  const out = await clients.ecr.send(new DescribeRepositoriesCommand({}));
  return Object.fromEntries(
    (out.repositories ?? []).map((r) => {
      const exclusions = (r.imageTagMutabilityExclusionFilters ?? []).map((f) => f.filter).sort();
      const mode = `${r.imageTagMutability}${exclusions.length ? `[${exclusions.join(',')}]` : ''}`;
      return [r.repositoryName!, `${mode} ${r.imageScanningConfiguration?.scanOnPush ? 'scan' : 'noscan'}`];
    }),
  );
}

async function replicationRules(clients: Clients): Promise<ReplicationRule[]> {
  return (await clients.ecr.send(new DescribeRegistryCommand({}))).replicationConfiguration?.rules ?? [];
}

const enforce = (clients: Clients, policy: PolicyInput, ...args: string[]) =>
  runCli(['enforce', ...args], clients, { ECR_KEEPER_POLICY: JSON.stringify(policy) });

/** The registry of the main scenario: out-of-policy, compliant, opted-out and excluded repositories. */
async function seedRegistry(clients: Clients): Promise<PolicyInput> {
  await createRepository(clients, 'svc/api');
  await createRepository(clients, 'svc/web', { scanOnPush: true });
  await createRepository(clients, 'svc/jobs', { mutability: 'IMMUTABLE' });
  await createRepository(clients, 'svc/ok', { mutability: 'IMMUTABLE', scanOnPush: true });
  await createRepository(clients, 'legacy/app', { skip: true });
  await createRepository(clients, 'sandbox/tmp');
  return {
    repositories: { exclude: ['sandbox/**'] },
    tagMutability: { mode: 'IMMUTABLE' },
    scanOnPush: true,
    replication: {
      mode: 'merge',
      rules: [{ destinations: [{ region: 'eu-west-1', registryId: clients.accountId }], repositoryFilters: [{ filter: 'svc/' }] }],
    },
  };
}

const UNTOUCHED = { 'legacy/app': 'MUTABLE noscan', 'sandbox/tmp': 'MUTABLE noscan' };

describe('ecr-keeper enforce --apply against moto', () => {
  it('brings the registry exactly to the policy, leaving skipped and excluded repositories untouched', async () => {
    const clients = motoClients();
    const policy = await seedRegistry(clients);
    const capture = await captureEvents(clients, 'ecr-keeper');
    const ecrCalls = countCalls(clients.ecr);
    const eventCalls = countCalls(clients.events);

    const { code, stdout } = await enforce(clients, policy, '--apply', '--format', 'json');
    const calls = { ecr: callsByAction(ecrCalls), events: callsByAction(eventCalls) };

    expect(code).toBe(0);
    expect(await settings(clients)).toEqual({
      'svc/api': 'IMMUTABLE scan',
      'svc/web': 'IMMUTABLE scan',
      'svc/jobs': 'IMMUTABLE scan',
      'svc/ok': 'IMMUTABLE scan',
      ...UNTOUCHED,
    });
    expect(await replicationRules(clients)).toEqual([
      { destinations: [{ region: 'eu-west-1', registryId: clients.accountId }], repositoryFilters: [{ filter: 'svc/', filterType: 'PREFIX_MATCH' }] },
    ]);
    const report = onlyTarget(stdout) as EnforceReport;
    expect(report.summary).toMatchObject({ mode: 'apply', repositories: 5, compliant: 1, excluded: 1, changes: 7, applied: 5, skipped: 2, failed: 0 });
    expect(calls.ecr).toEqual({
      DescribeRegistry: 1,
      DescribeRepositories: 1,
      GetRegistryScanningConfiguration: 1,
      ListTagsForResource: 4,
      PutImageScanningConfiguration: 2,
      PutImageTagMutability: 2,
      PutReplicationConfiguration: 1,
    });
    expect(calls.events).toEqual({ PutEvents: 1 });

    const events = await capture.drain();
    expect(events.map((e) => e['detail-type'])).toEqual(Array(5).fill(SETTING_ENFORCED_DETAIL_TYPE));
    expect(events.map((e) => `${e.detail.kind} ${e.detail.repositoryName ?? 'registry'}`).sort()).toEqual([
      'put-replication-configuration registry',
      'set-scan-on-push svc/api',
      'set-scan-on-push svc/jobs',
      'set-tag-mutability svc/api',
      'set-tag-mutability svc/web',
    ]);
    expect(events.every((e) => e.detail.status === 'applied')).toBe(true);
  });

  it('makes zero write calls on a second run', async () => {
    const clients = motoClients();
    const policy = await seedRegistry(clients);
    expect((await enforce(clients, policy, '--apply', '--format', 'json')).code).toBe(0);
    const ecrCalls = countCalls(clients.ecr);
    const eventCalls = countCalls(clients.events);

    const { code, stdout } = await enforce(clients, policy, '--apply', '--format', 'json');

    expect(code).toBe(0);
    expect(writeCalls(ecrCalls)).toEqual({});
    expect(writeCalls(eventCalls)).toEqual({});
    // Only the opted-out repository still differs from the policy, so only its tag is looked up.
    expect(callsByAction(ecrCalls)).toEqual({ DescribeRegistry: 1, DescribeRepositories: 1, GetRegistryScanningConfiguration: 1, ListTagsForResource: 1 });
    expect((onlyTarget(stdout) as EnforceReport).summary).toMatchObject({ applied: 0, skipped: 2, compliant: 4 });
  });

  it('without --apply prints the plan and makes zero write calls', async () => {
    const clients = motoClients();
    const policy = await seedRegistry(clients);
    const before = await settings(clients);
    const ecrCalls = countCalls(clients.ecr);
    const eventCalls = countCalls(clients.events);

    const { code, stdout } = await enforce(clients, policy, '--format', 'table');

    expect(code).toBe(0);
    expect(writeCalls(ecrCalls)).toEqual({});
    expect(eventCalls.size).toBe(0);
    expect(await settings(clients)).toEqual(before);
    expect(await replicationRules(clients)).toEqual([]);
    expect(stdout).toMatch(/svc\/api\s+tag mutability\s+MUTABLE\s+IMMUTABLE\s+planned/);
    expect(stdout).toMatch(/legacy\/app\s+scan-on-push\s+off\s+on\s+skipped \(skip tag\)/);
    expect(stdout).toMatch(/\(registry\)\s+replication\s+0 rule\(s\)\s+1 rule\(s\)\s+planned/);
    expect(stdout).toContain('7 change(s) planned (run with --apply to make them)');
  });

  it('renders the run as Markdown', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/api');
    const { stdout } = await enforce(clients, {}, '--apply', '--format', 'markdown');
    expect(stdout).toContain('| svc/api | tag mutability | MUTABLE | IMMUTABLE | applied |');
  });

  it('with --repository enforces only that repository and leaves replication out', async () => {
    const clients = motoClients();
    const policy = await seedRegistry(clients);
    const ecrCalls = countCalls(clients.ecr);
    const { code } = await enforce(clients, policy, '--apply', '--repository', 'svc/api', '--format', 'json');
    expect(code).toBe(0);
    expect(writeCalls(ecrCalls)).toEqual({ PutImageScanningConfiguration: 1, PutImageTagMutability: 1 });
    expect((await settings(clients))['svc/web']).toBe('MUTABLE scan');
    expect(await replicationRules(clients)).toEqual([]);
  });

  it('sets and keeps an exclusion-filter mode, comparing the filters as a set', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/api', { scanOnPush: true });
    const policy: PolicyInput = { tagMutability: { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['latest', 'dev-*'] } };
    expect((await enforce(clients, policy, '--apply', '--format', 'json')).code).toBe(0);
    expect(await settings(clients)).toEqual({ 'svc/api': 'IMMUTABLE_WITH_EXCLUSION[dev-*,latest] scan' });

    const ecrCalls = countCalls(clients.ecr);
    const reordered: PolicyInput = { tagMutability: { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['dev-*', 'latest', 'latest'] } };
    expect((await enforce(clients, reordered, '--apply', '--format', 'json')).code).toBe(0);
    expect(writeCalls(ecrCalls)).toEqual({});
  });

  it('replaces an exclusion-filter mode by plain IMMUTABLE, dropping the filters', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/api', { scanOnPush: true });
    await enforce(clients, { tagMutability: { mode: 'MUTABLE_WITH_EXCLUSION', exclusions: ['release-*'] } }, '--apply');
    expect(await settings(clients)).toEqual({ 'svc/api': 'MUTABLE_WITH_EXCLUSION[release-*] scan' });
    await enforce(clients, {}, '--apply');
    expect(await settings(clients)).toEqual({ 'svc/api': 'IMMUTABLE scan' });
  });
});

describe('ecr-keeper enforce: replication against moto', () => {
  // moto accepts a single replication rule, so the rule someone else wrote shares the policy rule's filters.
  const FOREIGN = '210987654321';

  async function foreignRule(clients: Clients, filter: string): Promise<void> {
    await clients.ecr.send(
      new PutReplicationConfigurationCommand({
        replicationConfiguration: {
          rules: [{ destinations: [{ region: 'ap-south-1', registryId: FOREIGN }], repositoryFilters: [{ filter, filterType: 'PREFIX_MATCH' }] }],
        },
      }),
    );
  }

  it('merge keeps the destination someone else added and adds the policy one', async () => {
    const clients = motoClients();
    await foreignRule(clients, 'svc/');
    const policy: PolicyInput = {
      replication: { mode: 'merge', rules: [{ destinations: [{ region: 'eu-west-1', registryId: clients.accountId }], repositoryFilters: [{ filter: 'svc/' }] }] },
    };
    expect((await enforce(clients, policy, '--apply')).code).toBe(0);
    expect(await replicationRules(clients)).toEqual([
      {
        destinations: [
          { region: 'ap-south-1', registryId: FOREIGN },
          { region: 'eu-west-1', registryId: clients.accountId },
        ],
        repositoryFilters: [{ filter: 'svc/', filterType: 'PREFIX_MATCH' }],
      },
    ]);
    const ecrCalls = countCalls(clients.ecr);
    await enforce(clients, policy, '--apply');
    expect(writeCalls(ecrCalls)).toEqual({});
  });

  it('replace removes the rule someone else added', async () => {
    const clients = motoClients();
    await foreignRule(clients, 'legacy/');
    const policy: PolicyInput = {
      replication: { mode: 'replace', rules: [{ destinations: [{ region: 'eu-west-1', registryId: clients.accountId }] }] },
    };
    expect((await enforce(clients, policy, '--apply')).code).toBe(0);
    expect(await replicationRules(clients)).toEqual([{ destinations: [{ region: 'eu-west-1', registryId: clients.accountId }] }]);
  });

  it('skips the registry itself as a destination, so that one policy serves the region it replicates to', async () => {
    const clients = motoClients();
    await createRepository(clients, 'svc/api');
    const ecrCalls = countCalls(clients.ecr);
    const policy: PolicyInput = { replication: { rules: [{ destinations: [{ region: 'us-east-1', registryId: clients.accountId }] }] } };
    const { code } = await enforce(clients, policy, '--apply');
    expect(code).toBe(0);
    expect(writeCalls(ecrCalls)).not.toHaveProperty('PutReplicationConfiguration');
    expect(await replicationRules(clients)).toEqual([]);
  });

  it('does not send a configuration over ECR limits: the change fails, exit 1, and its event says why', async () => {
    const clients = motoClients();
    const regions = ['us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3'];
    const accounts = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];
    await clients.ecr.send(
      new PutReplicationConfigurationCommand({
        replicationConfiguration: { rules: [{ destinations: accounts.flatMap((registryId) => regions.map((region) => ({ region, registryId }))) }] },
      }),
    );
    const capture = await captureEvents(clients, 'ecr-keeper');
    const ecrCalls = countCalls(clients.ecr);
    const policy: PolicyInput = { replication: { rules: [{ destinations: [{ region: 'eu-north-1', registryId: clients.accountId }] }] } };

    const { code, stdout } = await enforce(clients, policy, '--apply', '--format', 'table');

    expect(code).toBe(1);
    expect(writeCalls(ecrCalls)).toEqual({});
    expect(stdout).toMatch(/\(registry\)\s+replication\s+1 rule\(s\)\s+1 rule\(s\)\s+FAILED: ReplicationLimitExceeded/);
    const events = await capture.drain();
    expect(events).toMatchObject([
      { detail: { status: 'failed', kind: 'replication-over-limit', error: { code: 'ReplicationLimitExceeded' } } },
    ]);
  });
});
