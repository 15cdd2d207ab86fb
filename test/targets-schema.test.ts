import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../lib/policy';
import { AWS_REGIONS, partitionOfRegion, REGIONS_BY_PARTITION } from '../lib/targets/regions';
import { DEFAULT_MEMBER_ROLE_NAME } from '../lib/targets/schema';

const refusal = (input: unknown) => {
  try {
    parsePolicy(input);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the policy to be refused');
};

describe('the targets section of the policy', () => {
  it('defaults to no accounts and no regions (the caller and its region), the member role, no external id', () => {
    expect(parsePolicy({}).targets).toEqual({ roleName: DEFAULT_MEMBER_ROLE_NAME, externalId: null });
  });

  it('takes a list of accounts, or every account of the organization', () => {
    expect(parsePolicy({ targets: { accounts: ['123456789012', '222222222222'] } }).targets.accounts).toEqual(['123456789012', '222222222222']);
    expect(parsePolicy({ targets: { accounts: 'organization' } }).targets.accounts).toBe('organization');
  });

  it('takes regions of the China and GovCloud partitions', () => {
    expect(parsePolicy({ targets: { regions: ['cn-north-1', 'cn-northwest-1'] } }).targets.regions).toEqual(['cn-north-1', 'cn-northwest-1']);
    expect(parsePolicy({ targets: { regions: ['us-gov-west-1'] } }).targets.regions).toEqual(['us-gov-west-1']);
  });

  it.each([
    [{ accounts: ['12345'] }, 'targets.accounts[0]: must be a 12-digit AWS account id'],
    [{ accounts: 'org' }, 'targets.accounts: must be a list of 12-digit AWS account ids or "organization"'],
    [{ accounts: [] }, 'targets.accounts: must list at least one account'],
    [{ regions: [] }, 'targets.regions: must list at least one region'],
    [{ regions: ['us-east-1', 'eu-west-9'] }, 'targets.regions[1]: unknown AWS region "eu-west-9"'],
    [{ regions: ['us-east-1', 'cn-north-1'] }, 'targets.regions: must all be in one partition'],
    [{ roleName: 'role/with/path' }, 'targets.roleName: must be an IAM role name'],
    [{ externalId: 'x' }, 'targets.externalId: must be 2-1224'],
    [{ account: ['123456789012'] }, 'targets: Unrecognized key: "account"'],
  ])('refuses %j naming the field', (targets, message) => {
    expect(refusal({ targets })).toContain(message);
  });
});

describe('the known regions', () => {
  it('give every region its partition, and no region two', () => {
    expect(partitionOfRegion('eu-west-1')).toBe('aws');
    expect(partitionOfRegion('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOfRegion('us-gov-east-1')).toBe('aws-us-gov');
    expect(partitionOfRegion('mars-north-1')).toBeUndefined();
    const all = Object.values(REGIONS_BY_PARTITION).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(AWS_REGIONS).toHaveLength(all.length);
  });

  it('are all spelled as AWS spells region names', () => {
    for (const region of AWS_REGIONS) expect(region).toMatch(/^[a-z]{2,4}(-[a-z]+)+-\d$/);
  });
});
