import { parsePolicyDocument } from '../posture/policy-rewrite';
import { accountOf, namesEveryone, principalValues, publicGrant, statementsOf } from '../posture/statement';

/** Who a repository policy lets in, besides the registry's own account. */
export interface RepositoryAccess {
  /** True when some Allow statement names the principal `*` (or uses NotPrincipal). */
  public: boolean;
  /**
   * True when every such statement is narrowed by a condition on who or where the caller is
   * (aws:PrincipalOrgID, aws:SourceVpce, ...: see lib/posture/statement.ts).
   */
  publicConditional: boolean;
  /** Other AWS accounts an Allow statement names, sorted. */
  crossAccount: string[];
  /** Statements in the policy. */
  statements: number;
}

const NO_POLICY: RepositoryAccess = { public: false, publicConditional: false, crossAccount: [], statements: 0 };

/**
 * Reads a repository policy and tells whether it grants access to everyone (`*`) or to other accounts,
 * by the same reading of statements as the posture plan (lib/posture/statement.ts).
 * Service principals (`Service: lambda.amazonaws.com`) are not counted. An unreadable policy counts as
 * public, so that it is looked at rather than passed over.
 */
export function analyseRepositoryPolicy(policyText: string | undefined, ownAccount: string): RepositoryAccess {
  if (!policyText) return NO_POLICY;
  const doc = parsePolicyDocument(policyText);
  if (!doc) return { ...NO_POLICY, public: true };
  const statements = statementsOf(doc);
  let publicUnconditional = false;
  let publicConditional = false;
  const accounts = new Set<string>();
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue;
    if (namesEveryone(s.Principal) || s.NotPrincipal !== undefined) {
      if (publicGrant(s)) publicUnconditional = true;
      else publicConditional = true;
    }
    const principal = s.Principal && typeof s.Principal === 'object' ? (s.Principal as { AWS?: unknown }).AWS : undefined;
    for (const v of principalValues(principal)) {
      const account = typeof v === 'string' ? accountOf(v) : undefined;
      if (account && account !== ownAccount) accounts.add(account);
    }
  }
  return {
    public: publicUnconditional || publicConditional,
    publicConditional: publicConditional && !publicUnconditional,
    crossAccount: [...accounts].sort(),
    statements: statements.length,
  };
}
