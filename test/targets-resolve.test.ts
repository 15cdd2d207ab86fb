import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../lib/errors';
import { parsePolicy } from '../lib/policy';
import { planTargets, resolveTargets, type Caller } from '../lib/targets/resolve';
import type { TargetsPolicy } from '../lib/targets/schema';

const HUB = '111111111111';
const caller: Caller = { accountId: HUB, arn: `arn:aws:sts::${HUB}:assumed-role/ops/me`, partition: 'aws', region: 'us-east-1' };
const targets = (input: object): TargetsPolicy => parsePolicy({ targets: input }).targets;
const places = (list: { accountId: string; region: string }[]) => list.map((t) => `${t.accountId}/${t.region}`);

describe('planTargets', () => {
  it("without targets in the policy, covers the caller's own account in the credentials' region", () => {
    expect(planTargets(targets({}), {}, { caller })).toEqual([{ accountId: HUB, region: 'us-east-1', partition: 'aws' }]);
  });

  it('covers every account in every region of the policy', () => {
    const planned = planTargets(targets({ accounts: [HUB, '222222222222'], regions: ['us-east-1', 'eu-west-1'] }), {}, { caller });
    expect(places(planned)).toEqual([`${HUB}/us-east-1`, `${HUB}/eu-west-1`, '222222222222/us-east-1', '222222222222/eu-west-1']);
  });

  it('narrows to the accounts and regions of --account and --region', () => {
    const policy = targets({ accounts: [HUB, '222222222222'], regions: ['us-east-1', 'eu-west-1'] });
    expect(places(planTargets(policy, { accounts: ['222222222222'], regions: ['eu-west-1'] }, { caller }))).toEqual(['222222222222/eu-west-1']);
  });

  it('lets --region override the policy with a region it does not list', () => {
    expect(places(planTargets(targets({ regions: ['us-east-1'] }), { regions: ['ap-south-1'] }, { caller }))).toEqual([`${HUB}/ap-south-1`]);
  });

  it('covers the ACTIVE accounts of the organization, and narrows --account within them', () => {
    const organizationAccounts = [HUB, '222222222222', '333333333333'];
    expect(places(planTargets(targets({ accounts: 'organization' }), {}, { caller, organizationAccounts }))).toHaveLength(3);
    expect(places(planTargets(targets({ accounts: 'organization' }), { accounts: ['333333333333'] }, { caller, organizationAccounts }))).toEqual(['333333333333/us-east-1']);
  });

  it('refuses an --account outside the organization', () => {
    expect(() => planTargets(targets({ accounts: 'organization' }), { accounts: ['999999999999'] }, { caller, organizationAccounts: [HUB] })).toThrow(
      '--account: 999999999999 is not an ACTIVE account of the organization',
    );
  });

  it('refuses a region of another partition than the credentials', () => {
    expect(() => planTargets(targets({}), { regions: ['cn-north-1'] }, { caller })).toThrow('--region: cn-north-1 is in partition aws-cn, the credentials are in aws');
  });

  it('counts an account named twice once', () => {
    expect(planTargets(targets({}), { accounts: [HUB, HUB], regions: ['eu-west-1', 'eu-west-1'] }, { caller })).toHaveLength(1);
  });
});

describe('resolveTargets', () => {
  const sts = mockClient(STSClient);
  const organizations = mockClient(OrganizationsClient);
  const deps = () => ({
    sts: new STSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    organizations: new OrganizationsClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  });
  beforeEach(() => {
    sts.reset();
    organizations.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: HUB, Arn: `arn:aws-us-gov:iam::${HUB}:user/ops` });
  });

  it("reads the caller's account and partition, and defaults the region to the credentials' region", async () => {
    const { caller: read, targets: resolved } = await resolveTargets(deps(), targets({}), { regions: ['us-gov-west-1'] });
    expect(read).toMatchObject({ accountId: HUB, partition: 'aws-us-gov', region: 'eu-west-1' });
    expect(resolved).toEqual([{ accountId: HUB, region: 'us-gov-west-1', partition: 'aws-us-gov' }]);
    expect(organizations.calls()).toHaveLength(0);
  });

  it('lists the organization on every page at the largest size, keeping ACTIVE accounts only', async () => {
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [{ Id: '222222222222', State: 'ACTIVE' }, { Id: '333333333333', State: 'SUSPENDED' }], NextToken: 't' })
      .resolvesOnce({ Accounts: [{ Id: '444444444444', Status: 'ACTIVE' }, { Id: '555555555555', State: 'PENDING_CLOSURE' }] });
    sts.on(GetCallerIdentityCommand).resolves({ Account: HUB, Arn: `arn:aws:iam::${HUB}:user/ops` });

    const { targets: resolved } = await resolveTargets(deps(), targets({ accounts: 'organization', regions: ['eu-west-1'] }));

    expect(places(resolved)).toEqual(['222222222222/eu-west-1', '444444444444/eu-west-1']);
    // The paginator writes the token into its input as it goes: the last call's input shows it.
    const inputs = organizations.commandCalls(ListAccountsCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(2);
    for (const input of inputs) expect(input.MaxResults).toBe(20);
    expect(inputs[1]?.NextToken).toBe('t');
  });

  it('refuses a malformed --account or --region before any AWS call', async () => {
    await expect(resolveTargets(deps(), targets({}), { accounts: ['12'] })).rejects.toThrow(UsageError);
    await expect(resolveTargets(deps(), targets({}), { regions: ['eu-west-9'] })).rejects.toThrow('--region: unknown AWS region "eu-west-9"');
    expect(sts.calls()).toHaveLength(0);
  });
});
