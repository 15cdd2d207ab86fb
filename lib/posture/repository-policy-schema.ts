import * as z from 'zod';

/**
 * The `repositoryPolicy` section: who a repository policy may let in.
 *
 * - `public: deny` removes Allow statements open to everyone (principal `*` with no narrowing
 *   condition); `report` (the default) only reports them, as out of policy.
 * - `allowedAccounts`: the other AWS accounts a policy may name. A principal of any other account is
 *   removed (a statement left with no principal is removed whole). `null` (the default): any account.
 *   The registry's own account is always allowed.
 *
 * @example
 * repositoryPolicy: { public: deny, allowedAccounts: ['111122223333'] }
 */
export const RepositoryPolicySectionSchema = z.strictObject({
  public: z.enum(['deny', 'report'], { error: 'must be "deny" (remove public statements) or "report" (only report them)' }).default('report'),
  allowedAccounts: z
    .array(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'))
    .nullable()
    .default(null),
});
export type RepositoryPolicySection = z.infer<typeof RepositoryPolicySectionSchema>;
