import { CreateRepositoryCommand, DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../cli/main';
import { createClients } from '../lib/aws/clients';
import type { PolicyInput } from '../lib/policy';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { newAccountId } from './support/aws';
import { textSink } from './support/cli';
import { expectContract } from './support/contract';
import { startFaithfulEcr, type FaithfulEcr } from './support/faithful-ecr';

/**
 * audit, enforce and cleanup over 2 accounts x 2 regions on one moto, through the CLI: every target is
 * reached, nothing outside them is touched, `--account`/`--region` narrow a run, a member whose role
 * cannot be assumed is reported while the others complete.
 */

let proxy: FaithfulEcr;
const previousEndpoint = process.env.AWS_ENDPOINT_URL;
const REFUSED = newAccountId();
const REGIONS = ['us-east-1', 'eu-west-1'];

beforeAll(async () => {
  proxy = await startFaithfulEcr({ upstream: inject('motoEndpoint'), refuseAssumeRole: [REFUSED] });
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
});
afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = previousEndpoint;
  await proxy.stop();
});

/** Credentials moto maps to `accountId`. */
async function credentialsOf(accountId: string): Promise<AwsCredentialIdentity> {
  const out = await new STSClient({ region: 'us-east-1' }).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/seed`, RoleSessionName: 'seed' }));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

const ecrOf = (credentials: AwsCredentialIdentity, region: string) => new ECRClient({ region, credentials });

/** A registry with a mutable repository holding a tagged and an untagged image. */
async function seed(ecr: ECRClient): Promise<void> {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/api', imageTagMutability: 'MUTABLE' }));
  await pushImage(ecr, 'svc/api', imageManifest(`${await ecr.config.region()}-tagged-${Math.random()}`), 'v1');
  await pushImage(ecr, 'svc/api', imageManifest(`${await ecr.config.region()}-untagged-${Math.random()}`));
}

async function state(ecr: ECRClient): Promise<{ mutability: string | undefined; images: number }> {
  const repo = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['svc/api'] }))).repositories?.[0];
  const images = (await ecr.send(new DescribeImagesCommand({ repositoryName: 'svc/api' }))).imageDetails ?? [];
  return { mutability: repo?.imageTagMutability, images: images.length };
}

interface World {
  hub: string;
  member: string;
  hubCredentials: AwsCredentialIdentity;
  memberCredentials: AwsCredentialIdentity;
}

/** A hub and a member, each seeded in both target regions and in one region that is not a target. */
async function world(): Promise<World> {
  const hub = newAccountId();
  const member = newAccountId();
  const [hubCredentials, memberCredentials] = await Promise.all([credentialsOf(hub), credentialsOf(member)]);
  for (const credentials of [hubCredentials, memberCredentials]) {
    for (const region of [...REGIONS, 'ap-south-1']) await seed(ecrOf(credentials, region));
  }
  return { hub, member, hubCredentials, memberCredentials };
}

/** Runs the CLI as the hub, in us-east-1. */
async function cliAs(w: World, argv: string[], policy: PolicyInput) {
  const out = textSink();
  const err = textSink();
  const credentials = w.hubCredentials;
  const clients = createClients({ region: 'us-east-1' });
  for (const c of [clients.ecr, clients.events]) c.config.credentials = async () => credentials;
  const code = await main([...argv, '--format', 'json'], {
    stdout: out.stream,
    stderr: err.stream,
    env: { ECR_KEEPER_POLICY: JSON.stringify(policy) },
    clients,
    credentials,
    sts: new STSClient({ region: 'us-east-1', credentials }),
    organizations: new OrganizationsClient({ region: 'us-east-1', credentials }),
  });
  const report = out.text() ? JSON.parse(out.text()) : undefined;
  // Every document a job prints over targets keeps its contract, failed targets and all.
  if (report) expectContract(`${argv[0]}-targets-report.schema.json`, report, argv.join(' '));
  return { code, report, stderr: err.text() };
}

const places = (report: { targets: { accountId: string; region: string }[] }) => report.targets.map((t) => `${t.accountId}/${t.region}`);
const policyOver = (w: World, accounts = [w.hub, w.member]): PolicyInput => ({ targets: { accounts, regions: REGIONS }, cleanup: { untaggedOlderThanDays: 0 } });

describe('jobs over 2 accounts x 2 regions', () => {
  it('audit reports every target, each with its own registry, and the totals', async () => {
    const w = await world();
    const { code, report } = await cliAs(w, ['audit'], policyOver(w));
    expect(code).toBe(0);
    expect(places(report)).toEqual([`${w.hub}/us-east-1`, `${w.hub}/eu-west-1`, `${w.member}/us-east-1`, `${w.member}/eu-west-1`]);
    for (const t of report.targets) {
      expect(t.repositories.map((r: { repositoryName: string }) => r.repositoryName)).toEqual(['svc/api']);
      expect(t.repositories[0].repositoryArn).toContain(`:${t.region}:${t.accountId}:`);
    }
    expect(report.summary).toMatchObject({ targets: 4, failedTargets: 0, repositories: 4 });
  });

  it('enforce and cleanup change every target and nothing outside them', async () => {
    const w = await world();
    expect((await cliAs(w, ['enforce', '--apply'], policyOver(w))).code).toBe(0);
    const cleanup = await cliAs(w, ['cleanup', '--apply'], policyOver(w));
    expect(cleanup.code).toBe(0);
    expect(cleanup.report.summary.deleted.count).toBe(4);

    for (const credentials of [w.hubCredentials, w.memberCredentials]) {
      for (const region of REGIONS) expect(await state(ecrOf(credentials, region))).toEqual({ mutability: 'IMMUTABLE', images: 1 });
      expect(await state(ecrOf(credentials, 'ap-south-1'))).toEqual({ mutability: 'MUTABLE', images: 2 });
    }
  });

  it("cleanup deletes no more than the policy's maxDeletesPerRun over all targets together", async () => {
    const w = await world();
    const policy = { ...policyOver(w), cleanup: { untaggedOlderThanDays: 0, maxDeletesPerRun: 2 } };
    const { code, report } = await cliAs(w, ['cleanup', '--apply'], policy);
    expect(code).toBe(0);
    // Four targets share a cap of 2: one deletion each for the first two, none for the others.
    expect(report.targets.map((t: { rules: { maxDeletesPerRun: number } }) => t.rules.maxDeletesPerRun)).toEqual([1, 1, 0, 0]);
    expect(report.summary.deleted.count).toBe(2);
    expect(report.summary.capReached).toBe(2);
    const left = [];
    for (const credentials of [w.hubCredentials, w.memberCredentials]) {
      for (const region of REGIONS) left.push((await state(ecrOf(credentials, region))).images);
    }
    expect(left).toEqual([1, 1, 2, 2]);
  });

  it('--account and --region narrow a run to one target', async () => {
    const w = await world();
    const { code, report } = await cliAs(w, ['enforce', '--apply', '--account', w.member, '--region', 'eu-west-1'], policyOver(w));
    expect(code).toBe(0);
    expect(places(report)).toEqual([`${w.member}/eu-west-1`]);
    expect((await state(ecrOf(w.memberCredentials, 'eu-west-1'))).mutability).toBe('IMMUTABLE');
    expect((await state(ecrOf(w.memberCredentials, 'us-east-1'))).mutability).toBe('MUTABLE');
    expect((await state(ecrOf(w.hubCredentials, 'eu-west-1'))).mutability).toBe('MUTABLE');
  });

  it('reports a member whose role cannot be assumed, completes the others, and exits 1', async () => {
    const w = await world();
    const { code, report } = await cliAs(w, ['enforce', '--apply'], policyOver(w, [w.hub, REFUSED, w.member]));
    expect(code).toBe(1);
    expect(report.targets.filter((t: { error?: unknown }) => t.error).map((t: { accountId: string; region: string; error: { code: string } }) => [t.accountId, t.region, t.error.code])).toEqual([
      [REFUSED, 'us-east-1', 'AccessDenied'],
      [REFUSED, 'eu-west-1', 'AccessDenied'],
    ]);
    expect(report.summary).toMatchObject({ targets: 6, failedTargets: 2 });
    // A target that failed counts nothing and says it is not complete, whatever the others did.
    for (const t of report.targets.filter((e: { error?: unknown }) => e.error)) {
      expect(t.summary).toMatchObject({ repositories: 0, changes: 0, applied: 0, complete: false });
      expect(t.summary).not.toHaveProperty('cursor');
    }
    expect((await state(ecrOf(w.memberCredentials, 'eu-west-1'))).mutability).toBe('IMMUTABLE');
  });

  it('assumes each member role once per run, however many regions', async () => {
    const w = await world();
    const before = proxy.stats().byAction.AssumeRole ?? 0;
    await cliAs(w, ['audit'], { targets: { accounts: [w.hub, w.member], regions: [...REGIONS, 'ap-south-1'] } });
    expect((proxy.stats().byAction.AssumeRole ?? 0) - before).toBe(1);
  });
});
