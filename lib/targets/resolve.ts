import { paginateListAccounts, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { UsageError } from '../errors';
import { MAX_LIST_ACCOUNTS_PAGE } from '../limits';
import { partitionOfRegion, type Partition } from './regions';
import { AccountIdSchema, ORGANIZATION, type TargetsPolicy } from './schema';
import type { Target } from './types';

/** The command line's `--account` and `--region` (both repeatable): they replace the policy's lists. */
export interface TargetOverrides {
  accounts?: readonly string[];
  regions?: readonly string[];
}

/** Who is calling, and from where: what a run's targets default to. */
export interface Caller {
  accountId: string;
  /** The caller's identity ARN (GetCallerIdentity). */
  arn: string;
  /** The partition of the caller's ARN: assumed roles and regions must be in it. */
  partition: Partition;
  /** The region of the credentials: the default when neither policy nor command line names one. */
  region: string;
}

/** The facts {@link planTargets} decides from: the caller, and the organization's ACTIVE accounts when the policy asks for them. */
export interface TargetFacts {
  caller: Caller;
  organizationAccounts?: readonly string[];
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function checkedRegions(regions: readonly string[], field: string, partition: Partition): string[] {
  const problems: string[] = [];
  for (const region of regions) {
    const of = partitionOfRegion(region);
    if (of === undefined) problems.push(`${field}: unknown AWS region ${JSON.stringify(region)}`);
    else if (of !== partition) problems.push(`${field}: ${region} is in partition ${of}, the credentials are in ${partition}`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return unique(regions);
}

function checkedAccounts(accounts: readonly string[]): string[] {
  const bad = accounts.filter((a) => !AccountIdSchema.safeParse(a).success);
  if (bad.length > 0) throw new UsageError(`--account: ${bad.map((a) => JSON.stringify(a)).join(', ')} must be a 12-digit AWS account id`);
  return unique(accounts);
}

/**
 * Refuses a malformed `--account` or `--region` before anything is read: an account id that is not 12 digits,
 * a region name that is not a known one. Throws a {@link UsageError} naming the option.
 */
export function checkTargetOverrides(overrides: TargetOverrides): void {
  if (overrides.accounts?.length) checkedAccounts(overrides.accounts);
  const unknown = (overrides.regions ?? []).filter((r) => partitionOfRegion(r) === undefined);
  if (unknown.length > 0) throw new UsageError(unknown.map((r) => `--region: unknown AWS region ${JSON.stringify(r)}`).join('\n'));
}

/**
 * The targets of a run: accounts x regions, from the command line's overrides, else the policy, else the
 * caller's own account in the credentials' region. Pure: the facts are read beforehand ({@link resolveTargets}).
 * With `accounts: organization`, `--account` narrows to ACTIVE accounts of the organization and refuses others.
 * Throws a {@link UsageError} naming the bad value.
 *
 * @example
 * planTargets({ regions: ['us-east-1', 'eu-west-1'], roleName: 'r', externalId: null }, { regions: ['eu-west-1'] }, { caller });
 * // [{ accountId: caller.accountId, region: 'eu-west-1', partition: 'aws' }]
 */
export function planTargets(policy: TargetsPolicy, overrides: TargetOverrides, facts: TargetFacts): Target[] {
  const { caller } = facts;
  const regions = overrides.regions?.length
    ? checkedRegions(overrides.regions, '--region', caller.partition)
    : checkedRegions(policy.regions ?? [caller.region], policy.regions ? 'targets.regions' : 'the credentials\' region', caller.partition);

  let accounts: string[];
  if (policy.accounts === ORGANIZATION) {
    const active = facts.organizationAccounts;
    if (active === undefined) throw new UsageError('targets.accounts: "organization" needs the organization\'s accounts, which were not read');
    if (overrides.accounts?.length) {
      accounts = checkedAccounts(overrides.accounts);
      const outside = accounts.filter((a) => !active.includes(a));
      if (outside.length > 0) throw new UsageError(`--account: ${outside.join(', ')} is not an ACTIVE account of the organization`);
    } else accounts = unique(active);
  } else if (overrides.accounts?.length) accounts = checkedAccounts(overrides.accounts);
  else accounts = unique(policy.accounts ?? [caller.accountId]);

  return accounts.flatMap((accountId) => regions.map((region) => ({ accountId, region, partition: caller.partition })));
}

/** The partition an ARN names (`arn:aws-cn:...` -> `aws-cn`), or `undefined`. */
export function partitionOfArn(arn: string): Partition | undefined {
  const partition = arn.split(':')[1];
  return partition === 'aws' || partition === 'aws-cn' || partition === 'aws-us-gov' || partition === 'aws-eusc' ? partition : undefined;
}

/**
 * Reads who the caller is: one GetCallerIdentity. The region is the STS client's own (the credentials' region).
 *
 * @example
 * const caller = await readCaller(sts); // { accountId: '123456789012', partition: 'aws', region: 'us-east-1', arn }
 */
export async function readCaller(sts: STSClient): Promise<Caller> {
  const [identity, region] = await Promise.all([sts.send(new GetCallerIdentityCommand({})), sts.config.region()]);
  const arn = identity.Arn ?? '';
  return { accountId: identity.Account ?? '', arn, partition: partitionOfArn(arn) ?? partitionOfRegion(region) ?? 'aws', region };
}

/**
 * The organization's ACTIVE accounts (Organizations ListAccounts, every page at its largest size).
 * Suspended, closing and closed accounts are left out: they have no registry to keep.
 *
 * @example
 * const accounts = await readOrganizationAccounts(organizations); // ['111111111111', '222222222222']
 */
export async function readOrganizationAccounts(organizations: OrganizationsClient): Promise<string[]> {
  const accounts: string[] = [];
  for await (const page of paginateListAccounts({ client: organizations, pageSize: MAX_LIST_ACCOUNTS_PAGE }, {})) {
    for (const account of page.Accounts ?? []) {
      if ((account.State ?? account.Status) === 'ACTIVE' && account.Id) accounts.push(account.Id);
    }
  }
  return accounts;
}

/**
 * Resolves a run's targets: reads the caller (GetCallerIdentity) and, only for `accounts: organization`,
 * the organization's ACTIVE accounts, then decides with {@link planTargets}.
 *
 * @example
 * const { caller, targets } = await resolveTargets({ sts, organizations }, policy.targets, { regions: ['eu-west-1'] });
 */
export async function resolveTargets(
  deps: { sts: STSClient; organizations: OrganizationsClient },
  policy: TargetsPolicy,
  overrides: TargetOverrides = {},
): Promise<{ caller: Caller; targets: Target[] }> {
  checkTargetOverrides(overrides);
  const caller = await readCaller(deps.sts);
  const organizationAccounts = policy.accounts === ORGANIZATION ? await readOrganizationAccounts(deps.organizations) : undefined;
  const targets = planTargets(policy, overrides, { caller, ...(organizationAccounts ? { organizationAccounts } : {}) });
  return { caller, targets };
}
