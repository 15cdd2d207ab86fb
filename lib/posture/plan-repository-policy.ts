import type { PlanNote } from '../enforce/types';
import { parsePolicyDocument, policyDigest, rewritePolicy } from './policy-rewrite';
import type { RepositoryPolicySection } from './repository-policy-schema';
import { accountOf, principalValues, publicGrant, statementsOf, type PolicyStatement } from './statement';
import type { PolicyRemoval, PostureChange } from './types';

/** The repository a policy plan is for, and what it has. */
export interface RepositoryPolicyInput {
  repositoryName: string;
  repositoryArn: string;
  /** The policy text GetRepositoryPolicy returned; undefined when the repository has none. */
  policyText: string | undefined;
  /** The registry's own account: its principals are always allowed. */
  ownAccount: string;
}

/** What the plan found in a repository policy and what it would write. */
export interface RepositoryPolicyPlan {
  /** The write that brings the policy in line; undefined when nothing is to be removed. */
  change?: Extract<PostureChange, { kind: 'set-repository-policy' | 'delete-repository-policy' }>;
  /** Public statements left in place because the policy says `public: report`. */
  reported: PolicyRemoval[];
  /** Accounts the policy names that are not allowed (empty when `allowedAccounts` is null), sorted. */
  disallowedAccounts: string[];
  /** What the plan could not judge and left as it is (an unreadable policy, a principal of no known account). */
  notes: PlanNote[];
  /** True when the policy text is not a JSON policy document; nothing is written to it. */
  unreadable: boolean;
}

function labelOf(statement: PolicyStatement, index: number): string {
  return typeof statement.Sid === 'string' && statement.Sid ? `statement "${statement.Sid}"` : `statement ${index + 1}`;
}

function sidOf(statement: PolicyStatement): { sid?: string } {
  return typeof statement.Sid === 'string' && statement.Sid ? { sid: statement.Sid } : {};
}

/** The principals of other accounts a statement names that `allowed` leaves out, as removals. */
function disallowedPrincipals(statement: PolicyStatement, index: number, allowed: ReadonlySet<string>): PolicyRemoval[] {
  const principal = statement.Principal;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return [];
  const removals: PolicyRemoval[] = [];
  for (const value of principalValues((principal as { AWS?: unknown }).AWS)) {
    const account = typeof value === 'string' ? accountOf(value) : undefined;
    if (account === undefined || allowed.has(account)) continue;
    removals.push({
      statement: index,
      ...sidOf(statement),
      scope: 'principal',
      principal: value as string,
      accounts: [account],
      cause: 'account-not-allowed',
      reason: `${labelOf(statement, index)}: principal ${value as string} (account ${account} is not allowed)`,
    });
  }
  return removals;
}

/** Strings among a statement's AWS principals that name no account ecr-keeper can tell (e.g. a deleted role's unique id). */
function unknownPrincipals(statement: PolicyStatement): string[] {
  const principal = statement.Principal;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return [];
  return principalValues((principal as { AWS?: unknown }).AWS).filter((v): v is string => typeof v === 'string' && v !== '*' && accountOf(v) === undefined);
}

/**
 * Plans a repository policy against the `repositoryPolicy` section. Pure: no AWS call.
 *
 * - A public Allow statement (principal `*` or `{"AWS": "*"}`, or `NotPrincipal`, with no narrowing
 *   condition such as `aws:PrincipalOrgID` or `aws:SourceVpce`) is removed whole under `public: deny`,
 *   and listed in `reported` under `public: report`.
 * - With `allowedAccounts`, an AWS principal of any other account (the registry's own is always
 *   allowed) leaves its statement; a statement left with no principal at all is removed whole.
 * - Deny statements, service principals and principals of no recognisable account are kept.
 * - A policy left with no statement is deleted (`delete-repository-policy`), not written empty.
 *
 * The change carries the removals and the digest of the text read, never the text (see {@link rewritePolicy}).
 * An unreadable policy is never written: it comes back `unreadable`, with a note.
 *
 * @example
 * const plan = planRepositoryPolicy({ repositoryName, repositoryArn, policyText, ownAccount }, policy.repositoryPolicy);
 * if (plan.change) changes.push(plan.change);
 */
export function planRepositoryPolicy(input: RepositoryPolicyInput, section: RepositoryPolicySection): RepositoryPolicyPlan {
  const { repositoryName, repositoryArn, policyText, ownAccount } = input;
  const plan: RepositoryPolicyPlan = { reported: [], disallowedAccounts: [], notes: [], unreadable: false };
  if (!policyText) return plan;
  const doc = parsePolicyDocument(policyText);
  if (!doc) {
    plan.unreadable = true;
    plan.notes.push({ repositoryName, note: `repo ${repositoryName}: repository policy is not a JSON policy document; left as it is` });
    return plan;
  }

  const allowed = section.allowedAccounts === null ? null : new Set([...section.allowedAccounts, ownAccount]);
  const removals: PolicyRemoval[] = [];
  const disallowed = new Set<string>();
  const statements = statementsOf(doc);
  statements.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const label = labelOf(statement, index);
    const grant = publicGrant(statement);
    if (grant) {
      const removal: PolicyRemoval = { statement: index, ...sidOf(statement), scope: 'statement', cause: 'public', reason: `${label} ${grant}` };
      if (section.public === 'deny') {
        removals.push(removal);
        return;
      }
      plan.reported.push(removal);
    }
    if (allowed === null) return;
    for (const p of unknownPrincipals(statement)) {
      plan.notes.push({ repositoryName, note: `repo ${repositoryName}: ${label}: principal ${p} names no account ecr-keeper can tell; kept` });
    }
    const dropped = disallowedPrincipals(statement, index, allowed);
    const accounts = [...new Set(dropped.flatMap((d) => d.accounts ?? []))];
    for (const a of accounts) disallowed.add(a);
    if (dropped.length === 0) return;
    const alone = rewritePolicy({ Statement: [statement] }, dropped.map((d) => ({ ...d, statement: 0 }))).statements === 0;
    if (alone) {
      removals.push({
        statement: index,
        ...sidOf(statement),
        scope: 'statement',
        accounts,
        cause: 'account-not-allowed',
        reason: `${label} names only accounts that are not allowed (${accounts.join(', ')})`,
      });
    } else {
      removals.push(...dropped);
    }
  });
  plan.disallowedAccounts = [...disallowed].sort();

  if (removals.length === 0) return plan;
  const from = { statements: statements.length, sha256: policyDigest(policyText) };
  const left = rewritePolicy(doc, removals).statements;
  const what = `repo ${repositoryName}: repository policy: remove ${removals.map((r) => r.reason).join('; ')}`;
  plan.change =
    left === 0
      ? { kind: 'delete-repository-policy', repositoryName, repositoryArn, from, to: null, removals, reason: `${what}; no statement is left: delete the policy` }
      : { kind: 'set-repository-policy', repositoryName, repositoryArn, from, to: { statements: left }, removals, reason: what };
  return plan;
}
