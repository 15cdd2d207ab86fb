import * as z from 'zod';
import { isKnownRegion, partitionOfRegion } from './regions';

/** The role name the member template creates in every member account (deploy/member.yml). */
export const DEFAULT_MEMBER_ROLE_NAME = 'ecr-keeper-member';

/** `accounts: organization`: every ACTIVE account of the caller's AWS Organization. */
export const ORGANIZATION = 'organization';

/** A 12-digit AWS account id. */
export const AccountIdSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

/** A region name of lib/targets/regions.ts; anything else is refused, naming the value. */
export const RegionNameSchema = z.string().refine(isKnownRegion, { error: (issue) => `unknown AWS region ${JSON.stringify(issue.input)}` });

const AccountsSchema = z.union([z.literal(ORGANIZATION), z.array(AccountIdSchema).min(1, 'must list at least one account (or be "organization")')], {
  error: (issue) =>
    Array.isArray(issue.input) || issue.input === undefined ? undefined : 'must be a list of 12-digit AWS account ids or "organization"',
});

/**
 * The policy's `targets`: the accounts and regions every job covers. Without it a run covers the caller's
 * own account in the credentials' region, as before targets existed.
 *
 * @example
 * TargetsSchema.parse({ accounts: ['123456789012'], regions: ['eu-west-1'] });
 */
export const TargetsSchema = z
  .strictObject({
    /** 12-digit account ids, or `organization` (every ACTIVE account); default: the caller's own account. */
    accounts: AccountsSchema.optional(),
    /** Region names; default: the region of the credentials. All in one partition. */
    regions: z.array(RegionNameSchema).min(1, 'must list at least one region').optional(),
    /** The role assumed in every account other than the caller's own. */
    roleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (1-64 of letters, digits and +=,.@_-)')
      .default(DEFAULT_MEMBER_ROLE_NAME),
    /** Passed to AssumeRole as `ExternalId` when set (the member role's trust condition). */
    externalId: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 of letters, digits and +=,.@:/-_')
      .nullable()
      .default(null),
  })
  .superRefine((value, ctx) => {
    const partitions = new Set((value.regions ?? []).map(partitionOfRegion).filter((p) => p !== undefined));
    if (partitions.size > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions'],
        message: `must all be in one partition (credentials are valid in one only), not ${[...partitions].sort().join(' and ')}`,
      });
    }
  });

/** The validated `targets` section. */
export type TargetsPolicy = z.infer<typeof TargetsSchema>;
