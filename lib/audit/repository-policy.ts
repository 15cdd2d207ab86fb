/** Who a repository policy lets in, besides the registry's own account. */
export interface RepositoryAccess {
  /** True when some Allow statement names the principal `*`. */
  public: boolean;
  /** True when every such public statement is narrowed by a Condition (e.g. aws:PrincipalOrgID). */
  publicConditional: boolean;
  /** Other AWS accounts an Allow statement names, sorted. */
  crossAccount: string[];
  /** Statements in the policy. */
  statements: number;
}

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

const NO_POLICY: RepositoryAccess = { public: false, publicConditional: false, crossAccount: [], statements: 0 };

function principalsOf(principal: unknown): { star: boolean; accounts: string[] } {
  if (principal === '*') return { star: true, accounts: [] };
  if (!principal || typeof principal !== 'object') return { star: false, accounts: [] };
  const aws = (principal as { AWS?: unknown }).AWS;
  const values = Array.isArray(aws) ? aws : aws === undefined ? [] : [aws];
  let star = false;
  const accounts: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string') continue;
    if (v === '*') star = true;
    const account = /^\d{12}$/.test(v) ? v : /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(v)?.[1];
    if (account) accounts.push(account);
  }
  return { star, accounts };
}

/**
 * Reads a repository policy and tells whether it grants access to everyone (`*`) or to other accounts.
 * Service principals (`Service: lambda.amazonaws.com`) are not counted. An unreadable policy counts as
 * public, so that it is looked at rather than passed over.
 */
export function analyseRepositoryPolicy(policyText: string | undefined, ownAccount: string): RepositoryAccess {
  if (!policyText) return NO_POLICY;
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policyText) as { Statement?: unknown };
  } catch {
    return { ...NO_POLICY, public: true };
  }
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []) as Statement[];
  let publicUnconditional = false;
  let publicConditional = false;
  const accounts = new Set<string>();
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue;
    const { star, accounts: named } = principalsOf(s.Principal);
    if (star) {
      if (s.Condition && typeof s.Condition === 'object' && Object.keys(s.Condition).length > 0) publicConditional = true;
      else publicUnconditional = true;
    }
    for (const a of named) if (a !== ownAccount) accounts.add(a);
  }
  return {
    public: publicUnconditional || publicConditional,
    publicConditional: publicConditional && !publicUnconditional,
    crossAccount: [...accounts].sort(),
    statements: statements.length,
  };
}
