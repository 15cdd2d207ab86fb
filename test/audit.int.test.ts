import { CreateRepositoryCommand, PutReplicationConfigurationCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { auditHandler } from '../functions/audit';
import type { AuditReport } from '../lib/audit/types';
import { demoRepositories, seedDemoRegistry } from '../scripts/seed/demo-registry';
import { imageIndex, imageManifest, pushImage, referrerArtifact } from '../scripts/seed/images';
import { motoClients } from './support/aws';
import { countCalls, totalCalls } from './support/calls';
import { captureEvents } from './support/event-capture';
import { faithfulClients } from './support/faithful-ecr';
import { useFaithfulEcr } from './support/faithful-layer';
import { onlyTarget, runCli } from './support/cli';
import { lambdaContext, testRuntime } from './support/lambda';

const cli = (argv: string[], clients: ReturnType<typeof motoClients>) => runCli(argv, clients);

describe('audit against moto', () => {
  it('prints the documented JSON document for the seeded demo registry', async () => {
    const clients = motoClients();
    await seedDemoRegistry(clients.ecr);
    const { code, stdout } = await cli(['audit', '--format', 'json', '--policy', 'policy/demo.yaml'], clients);
    expect(code).toBe(0);
    const report = onlyTarget(stdout) as AuditReport;

    const inScope = demoRepositories().filter((r) => !r.name.startsWith('sandbox/'));
    expect(report.repositories.map((r) => r.repositoryName).sort()).toEqual(inScope.map((r) => r.name).sort());
    expect(report.summary).toMatchObject({ repositories: inScope.length, excluded: 2, skipped: 3, failed: 0, complete: true });
    expect(report.registry).toMatchObject({ registryId: clients.accountId, region: 'us-east-1', scanning: { scanType: 'BASIC' } });
    expect(report.registry.replication.compliant).toBe(false);

    const byName = new Map(report.repositories.map((r) => [r.repositoryName, r]));
    const jobs = byName.get('storefront/jobs')!;
    expect(jobs.compliant).toBe(false);
    expect(jobs.changes.map((c) => c.kind).sort()).toEqual(['set-scan-on-push', 'set-tag-mutability']);
    expect(jobs.images.untagged.count).toBe(5);
    expect(jobs.images.total.count).toBe(8);

    const billing = byName.get('payments/billing')!;
    expect(billing).toMatchObject({ compliant: true, lifecyclePolicy: true, encryption: { type: 'KMS' }, skipped: null });
    expect(byName.get('platform/base-images')!.access.public).toBe(true);
    expect(byName.get('platform/tools')!.scanOnPush).toMatchObject({ registryRule: true, effective: true, compliant: true });
    expect(byName.get('data/ml-serve')!.access.crossAccount).toEqual(['111122223333', '210987654321']);
    expect(byName.get('legacy/monolith')).toMatchObject({ skipped: true, compliant: true, changes: [] });
  });

  it('with --check exits 3 when something is out of policy and 0 when all complies', async () => {
    const clients = motoClients();
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/a', imageTagMutability: 'MUTABLE' }));
    expect((await cli(['audit', '--check', '--format', 'json'], clients)).code).toBe(3);

    const compliant = motoClients();
    await compliant.ecr.send(
      new CreateRepositoryCommand({ repositoryName: 'svc/a', imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } }),
    );
    expect((await cli(['audit', '--check', '--format', 'json'], compliant)).code).toBe(0);
  });

  it('renders table and markdown with the planned changes', async () => {
    const clients = motoClients();
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/mutable', imageTagMutability: 'MUTABLE' }));
    const table = await cli(['audit', '--format', 'table'], clients);
    expect(table.stdout).toMatch(/svc\/mutable\s+OUT OF POLICY\s+MUTABLE \(want IMMUTABLE\)/);
    expect(table.stdout).toContain('repo svc/mutable: tag mutability MUTABLE -> IMMUTABLE');
    const md = await cli(['audit', '--format', 'markdown'], clients);
    expect(md.stdout).toContain('| svc/mutable | OUT OF POLICY |');
  });

  it('reports a named repository that does not exist and exits 2, as documented for the user\'s input', async () => {
    const clients = motoClients();
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/real' }));
    const { code, stdout, stderr } = await cli(['audit', '--format', 'json', '--repository', 'svc/real', '--repository', 'svc/ghost'], clients);
    expect(code).toBe(2);
    expect(stderr).toContain('error: repository svc/ghost does not exist');
    const report = onlyTarget(stdout) as AuditReport;
    expect(report.missing).toEqual(['svc/ghost']);
    expect(report.repositories.map((r) => r.repositoryName)).toEqual(['svc/real']);
  });

  it('compares replication rules order-insensitively', async () => {
    const clients = motoClients();
    await clients.ecr.send(
      new PutReplicationConfigurationCommand({
        replicationConfiguration: {
          rules: [
            {
              destinations: [
                { region: 'eu-west-1', registryId: clients.accountId },
                { region: 'us-west-2', registryId: clients.accountId },
              ],
              repositoryFilters: [{ filter: 'payments/', filterType: 'PREFIX_MATCH' }],
            },
          ],
        },
      }),
    );
    const policy = JSON.stringify({
      replication: {
        rules: [
          {
            destinations: [
              { region: 'us-west-2', registryId: clients.accountId },
              { region: 'eu-west-1', registryId: clients.accountId },
            ],
            repositoryFilters: [{ filter: 'payments/' }],
          },
        ],
      },
    });
    const { stdout } = await cli(['audit', '--format', 'json'], { ...clients });
    expect((onlyTarget(stdout) as AuditReport).registry.replication.compliant).toBe(true);
    const out = await runCli(['audit', '--format', 'json'], clients, { ECR_KEEPER_POLICY: policy });
    expect((onlyTarget(out.stdout) as AuditReport).registry.replication.compliant).toBe(true);
  });
});

describe('audit Lambda handler', () => {
  it('returns the report and publishes one summary event', async () => {
    const clients = motoClients();
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/one', imageTagMutability: 'MUTABLE' }));
    const capture = await captureEvents(clients, 'ecr-keeper');
    const handler = auditHandler(testRuntime(clients));

    const result = (await handler({}, lambdaContext())) as AuditReport & { events: { published: number } };

    expect(result.summary).toMatchObject({ repositories: 1, outOfPolicy: 1 });
    expect(result.events.published).toBe(1);
    const events = await capture.drain();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'ecr-keeper',
      'detail-type': 'ECR Keeper Audit Summary',
      detail: { outOfPolicyRepositories: ['svc/one'], summary: { repositories: 1 } },
    });
  });

  it('rejects a malformed request naming the field, before any AWS call', async () => {
    const clients = motoClients();
    const calls = countCalls(clients.ecr);
    const handler = auditHandler(testRuntime(clients));
    await expect(handler({ repositories: ['Not A Repo'] } as never, lambdaContext())).rejects.toThrow(/repositories\[0\]: must be an ECR repository name/);
    expect(totalCalls(calls)).toBe(0);
  });
});

describe('audit reclaimable figures (through the faithful ECR proxy)', () => {
  const proxy = useFaithfulEcr();

  it('counts neither the multi-arch children nor the signatures of a tagged index as reclaimable', async () => {
    const clients = faithfulClients(proxy);
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/multi', imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } }));
    const children = ['linux/amd64', 'linux/arm64'].map((platform) => imageManifest('multi', { format: 'oci', platform, sizeBytes: 5_000_000 }));
    const index = imageIndex(children);
    for (const child of children) await pushImage(clients.ecr, 'svc/multi', child);
    await pushImage(clients.ecr, 'svc/multi', index, 'v1');
    await pushImage(clients.ecr, 'svc/multi', referrerArtifact(index, 'sig'));
    await pushImage(clients.ecr, 'svc/multi', imageManifest('stale', { sizeBytes: 3_000_000 }));

    const out = await runCli(['audit', '--format', 'json'], clients, { ECR_KEEPER_POLICY: '{"cleanup":{"untaggedOlderThanDays":0}}' });

    const repo = (onlyTarget(out.stdout) as AuditReport).repositories[0]!;
    expect(repo.images.untagged.count).toBe(4);
    expect(repo.images.reclaimable).toEqual({ count: 1, bytes: 3_000_000 });
  });
});
