import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parsePolicy } from '../lib/policy';
import { aggregateTargets } from '../lib/targets/aggregate';
import type { TargetClients } from '../lib/targets/clients';
import { runOverTargets } from '../lib/targets/run';
import { openTargetsSession } from '../lib/targets/session';
import { targetKey, type Target } from '../lib/targets/types';
import { walkRepositories } from '../lib/walker';
import { newAccountId } from './support/aws';
import { startFaithfulEcr, type FaithfulEcr } from './support/faithful-ecr';

/**
 * Targets on one moto: moto maps an assumed role's credentials to the role's account, so one emulator holds
 * a hub and its members, each in several regions. Every call goes through the faithful layer, which counts
 * them and refuses the AssumeRole into one account.
 */

let proxy: FaithfulEcr;
const previousEndpoint = process.env.AWS_ENDPOINT_URL;
const REFUSED = newAccountId();

beforeAll(async () => {
  proxy = await startFaithfulEcr({ upstream: inject('motoEndpoint'), refuseAssumeRole: [REFUSED], disabledRegions: ['ap-east-1'] });
  // The SDK reads its endpoint from the environment, as in production: here, the layer.
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
});
afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = previousEndpoint;
  await proxy.stop();
});

/** A hub of its own: credentials that moto maps to a fresh account (the caller's own account in the run). */
async function hub(): Promise<{ accountId: string; credentials: AwsCredentialIdentity; sts: STSClient; organizations: OrganizationsClient }> {
  const accountId = newAccountId();
  const bootstrap = new STSClient({ region: 'us-east-1' });
  const out = await bootstrap.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/ecr-keeper-hub`, RoleSessionName: 'test' }));
  const c = out.Credentials!;
  const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  return { accountId, credentials, sts: new STSClient({ region: 'us-east-1', credentials }), organizations: new OrganizationsClient({ region: 'us-east-1', credentials }) };
}

/** Resolves the policy's targets as the hub, and the clients for them. */
async function targetsOf(h: Awaited<ReturnType<typeof hub>>, targets: object, overrides = {}) {
  const policy = parsePolicy({ targets });
  const session = await openTargetsSession({ ...h, baseCredentials: h.credentials }, policy.targets, overrides);
  return { caller: session.caller, targets: session.targets, factory: session.clients };
}

/** Repository names a target's registry holds, read with the target's own client. */
async function listed(factory: TargetClients, target: Target): Promise<string[]> {
  const names: string[] = [];
  for await (const repo of walkRepositories(factory.ecr(target), {})) names.push(repo.name);
  return names.sort();
}

const assumeRoles = () => proxy.stats().byAction.AssumeRole ?? 0;

describe('targets on one moto', () => {
  it("reaches every account x region with that target's own registry, the member as the member", async () => {
    const h = await hub();
    const member = newAccountId();
    const { targets, factory } = await targetsOf(h, { accounts: [h.accountId, member], regions: ['us-east-1', 'eu-west-1'] });
    for (const t of targets) await factory.ecr(t).send(new CreateRepositoryCommand({ repositoryName: `only/${t.accountId}-${t.region}` }));
    const before = assumeRoles();

    const outcomes = await runOverTargets(targets, (t) => listed(factory, t));

    expect(outcomes.map((o) => [targetKey(o.target), o.result])).toEqual(targets.map((t) => [targetKey(t), [`only/${t.accountId}-${t.region}`]]));
    // Creating the repositories assumed the member's role already: the run reused it.
    expect(assumeRoles() - before).toBe(0);
    expect(await factory.client(targets[2]!, 'sts', (config) => new STSClient(config)).send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: member });
  });

  it('assumes the role of each other account once, whatever the number of its regions and clients', async () => {
    const h = await hub();
    const members = [newAccountId(), newAccountId()];
    const before = assumeRoles();
    const { targets, factory } = await targetsOf(h, { accounts: [h.accountId, ...members], regions: ['us-east-1', 'eu-west-1', 'ap-south-1'] });

    await runOverTargets(targets, async (t) => Promise.all([listed(factory, t), factory.events(t).config.credentials()]));

    expect(targets).toHaveLength(9);
    expect(assumeRoles() - before).toBe(2);
  });

  it('narrows a run to one target with --account and --region', async () => {
    const h = await hub();
    const member = newAccountId();
    const { targets } = await targetsOf(h, { accounts: [h.accountId, member], regions: ['us-east-1', 'eu-west-1'] }, { accounts: [member], regions: ['eu-west-1'] });
    expect(targets.map(targetKey)).toEqual([`${member}/eu-west-1`]);
  });

  it('reports a target whose role cannot be assumed, and completes the others', async () => {
    const h = await hub();
    const member = newAccountId();
    const { targets, factory } = await targetsOf(h, { accounts: [h.accountId, REFUSED, member], regions: ['us-east-1', 'eu-west-1'] });

    const outcomes = await runOverTargets(targets, async (t) => ({ repositories: await listed(factory, t), failures: [], missing: [], summary: { repositories: 0 } }));
    const report = aggregateTargets(outcomes, { repositories: 0 });

    const failed = report.targets.filter((t) => t.error);
    expect(failed.map((t) => `${t.accountId}/${t.region}`)).toEqual([`${REFUSED}/us-east-1`, `${REFUSED}/eu-west-1`]);
    for (const t of failed) expect(t.error).toEqual({ code: 'AccessDenied', message: expect.stringContaining(`role/ecr-keeper-member`) });
    expect(report.summary).toMatchObject({ targets: 6, failedTargets: 2 });
  });

  it('reports a target whose region is not enabled, and completes the others', async () => {
    const h = await hub();
    const { targets, factory } = await targetsOf(h, { accounts: [h.accountId, newAccountId()], regions: ['us-east-1', 'ap-east-1'] });

    const outcomes = await runOverTargets(targets, (t) => listed(factory, t));

    expect(outcomes.filter((o) => o.error).map((o) => [o.target.region, o.error?.code])).toEqual([
      ['ap-east-1', 'UnrecognizedClientException'],
      ['ap-east-1', 'UnrecognizedClientException'],
    ]);
    expect(outcomes.filter((o) => o.result)).toHaveLength(2);
  });

  it("covers the organization's ACTIVE accounts", async () => {
    const h = await hub();
    await h.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = await h.organizations.send(new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }));
    const member = created.CreateAccountStatus?.AccountId;

    const { targets } = await targetsOf(h, { accounts: 'organization', regions: ['eu-west-1'] });

    expect(targets.map((t) => t.accountId).sort()).toEqual([h.accountId, member].sort());
  });
});
