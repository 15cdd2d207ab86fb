import { DescribeRegistryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTargetClients } from '../lib/targets/clients';
import { createAccountCredentials, memberRoleArn } from '../lib/targets/credentials';
import { createHandlerTargets } from '../lib/targets/session';
import type { Target } from '../lib/targets/types';

const HUB = '111111111111';
const MEMBER = '222222222222';
const HOUR = 3600_000;
const sts = mockClient(STSClient);
const stsClient = () => new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'hub', secretAccessKey: 'hub' } });

/** A fake clock, and AssumeRole answers whose credentials expire an hour after the clock's time. */
function setUp(partition: 'aws' | 'aws-cn' = 'aws', externalId: string | null = null) {
  const clock = { now: Date.parse('2026-12-01T08:00:00Z') };
  let issued = 0;
  sts.on(AssumeRoleCommand).callsFake(async () => {
    issued++;
    return { Credentials: { AccessKeyId: `AK${issued}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(clock.now + HOUR) } };
  });
  const credentials = createAccountCredentials({ sts: stsClient(), caller: { accountId: HUB, partition }, roleName: 'ecr-keeper-member', externalId, now: () => clock.now });
  return { clock, credentials };
}

beforeEach(() => sts.reset());

describe('credentials per account', () => {
  it("uses the caller's own account as it is, without AssumeRole", () => {
    const { credentials } = setUp();
    expect(credentials.providerFor(HUB)).toBeUndefined();
    expect(sts.calls()).toHaveLength(0);
  });

  it('assumes the member role of another account with the external id and the ecr-keeper session name', async () => {
    const { credentials } = setUp('aws-cn', 'shared-secret-id');
    const identity = await credentials.providerFor(MEMBER)!();
    expect(identity).toMatchObject({ accessKeyId: 'AK1', sessionToken: 't', accountId: MEMBER });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({
      RoleArn: `arn:aws-cn:iam::${MEMBER}:role/ecr-keeper-member`,
      RoleSessionName: 'ecr-keeper',
      DurationSeconds: 3600,
      ExternalId: 'shared-secret-id',
    });
  });

  it('sends no ExternalId when the policy has none', async () => {
    const { credentials } = setUp();
    await credentials.providerFor(MEMBER)!();
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).not.toHaveProperty('ExternalId');
  });

  it('assumes the role once for any number of concurrent first uses, and reuses it while valid', async () => {
    const { clock, credentials } = setUp();
    const provider = credentials.providerFor(MEMBER)!;
    await Promise.all([provider(), provider(), credentials.providerFor(MEMBER)!()]);
    clock.now += 50 * 60_000;
    expect((await provider()).accessKeyId).toBe('AK1');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('assumes the role again five minutes before the credentials expire', async () => {
    const { clock, credentials } = setUp();
    const provider = credentials.providerFor(MEMBER)!;
    await provider();
    clock.now += 55 * 60_000;
    expect((await provider()).accessKeyId).toBe('AK2');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('holds a refused AssumeRole for a minute, then asks again', async () => {
    const { clock, credentials } = setUp();
    sts.on(AssumeRoleCommand).rejectsOnce(Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));
    const provider = credentials.providerFor(MEMBER)!;
    await expect(provider()).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(provider()).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    clock.now += 61_000;
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AK9', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(clock.now + HOUR) } });
    expect((await provider()).accessKeyId).toBe('AK9');
  });

  it('names the role by partition, account and name', () => {
    expect(memberRoleArn('aws-us-gov', MEMBER, 'keeper')).toBe(`arn:aws-us-gov:iam::${MEMBER}:role/keeper`);
  });
});

describe('clients per target', () => {
  const ecrMock = mockClient(ECRClient);
  beforeEach(() => ecrMock.reset());
  const target = (accountId: string, region: string): Target => ({ accountId, region, partition: 'aws' });

  it("builds each target's client once, in the target's region, with adaptive retries", async () => {
    const { credentials } = setUp();
    const factory = createTargetClients({ credentials });
    const ecr = factory.ecr(target(MEMBER, 'eu-west-1'));
    expect(factory.ecr(target(MEMBER, 'eu-west-1'))).toBe(ecr);
    expect(factory.clients(target(MEMBER, 'eu-west-1')).ecr).toBe(ecr);
    expect(factory.ecr(target(MEMBER, 'us-east-1'))).not.toBe(ecr);
    expect(await ecr.config.region()).toBe('eu-west-1');
    expect(await (ecr.config.retryStrategy as () => Promise<{ mode: string }>)()).toMatchObject({ mode: 'adaptive' });
  });

  it("signs a member target's calls with the member's assumed credentials, shared by every region of the account", async () => {
    const { credentials } = setUp();
    const factory = createTargetClients({ credentials });
    ecrMock.on(DescribeRegistryCommand).resolves({ registryId: MEMBER });
    await factory.ecr(target(MEMBER, 'eu-west-1')).send(new DescribeRegistryCommand({}));
    await factory.ecr(target(MEMBER, 'us-east-1')).send(new DescribeRegistryCommand({}));
    await factory.events(target(MEMBER, 'us-east-1')).config.credentials();
    const identity = await factory.ecr(target(MEMBER, 'us-east-1')).config.credentials();
    expect(identity.accessKeyId).toBe('AK1');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it("gives the caller's own account the caller's credentials", async () => {
    const { credentials } = setUp();
    const factory = createTargetClients({ credentials, baseCredentials: { accessKeyId: 'hub-key', secretAccessKey: 'x' } });
    expect((await factory.ecr(target(HUB, 'eu-west-1')).config.credentials()).accessKeyId).toBe('hub-key');
    expect(sts.calls()).toHaveLength(0);
  });

  it('builds any other SDK client for a target with the same settings', () => {
    const { credentials } = setUp();
    const factory = createTargetClients({ credentials });
    const made = factory.client(target(MEMBER, 'eu-west-1'), 'sts', (config) => new STSClient(config));
    expect(factory.client(target(MEMBER, 'eu-west-1'), 'sts', (config) => new STSClient(config))).toBe(made);
  });
});

describe('createHandlerTargets', () => {
  it("takes the function's own account as the caller's, and the policy's targets as its scope, without an AWS call", async () => {
    setUp();
    const handler = createHandlerTargets({ accounts: [HUB, MEMBER], regions: ['eu-west-1'], roleName: 'ecr-keeper-member', externalId: null }, { accountId: HUB, region: 'eu-west-1' }, { sts: stsClient() });
    expect(handler.scope).toEqual({ accounts: [HUB, MEMBER], regions: ['eu-west-1'], partition: 'aws' });
    expect(sts.calls()).toHaveLength(0);
    await handler.clients.ecr({ accountId: MEMBER, region: 'eu-west-1', partition: 'aws' }).config.credentials();
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input.RoleArn).toBe(`arn:aws:iam::${MEMBER}:role/ecr-keeper-member`);
  });
});

describe('the caller profile', () => {
  it("gives the caller's own account's clients the --profile, never the member's", async () => {
    const { credentials } = setUp();
    const factory = createTargetClients({ credentials, profile: 'ops' });
    const own = factory.client({ accountId: HUB, region: 'eu-west-1', partition: 'aws' }, 'probe', (config) => config);
    const member = factory.client({ accountId: MEMBER, region: 'eu-west-1', partition: 'aws' }, 'probe', (config) => config);
    expect(own.profile).toBe('ops');
    expect(member).not.toHaveProperty('profile');
    expect(member.credentials).toBeTypeOf('function');
  });
});
