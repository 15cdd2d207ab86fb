/**
 * Reading IAM policy statements as ECR repository policies hold them: who a statement names, and
 * whether a condition narrows a statement open to everyone.
 */

/** A statement as parsed from JSON: every field unknown until looked at. */
export interface PolicyStatement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: unknown;
  [key: string]: unknown;
}

/**
 * Condition keys that tie a request to a known caller, account, organization or network endpoint: a
 * `*` principal with one of them (under a positive operator, with a real value) is not public.
 * `aws:SourceIp` is left out on purpose: anyone on the internet behind that address range is still anyone.
 */
export const NARROWING_CONDITION_KEYS = [
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:PrincipalServiceName',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:SourceOwner',
  'aws:SourceVpc',
  'aws:SourceVpce',
  'aws:userid',
] as const;

const NARROWING = new Set(NARROWING_CONDITION_KEYS.map((k) => k.toLowerCase()));

/**
 * Operators under which a narrowing key restricts who gets in. Negated operators (`StringNotEquals`:
 * everyone but one account), `...IfExists` (true for an anonymous caller, who has no such key),
 * `ForAllValues:` (true when the key is missing) and `Null` do not.
 */
const POSITIVE_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike']);

function positiveOperator(operator: string): boolean {
  const op = operator.toLowerCase();
  const base = op.startsWith('foranyvalue:') ? op.slice('foranyvalue:'.length) : op;
  return POSITIVE_OPERATORS.has(base);
}

/** A condition value made of wildcards only (`*`, `?*`) matches anything and narrows nothing. */
function realValue(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && !/^[*?]+$/.test(value);
}

/**
 * The narrowing condition keys a statement's Condition block holds, as written, e.g.
 * `['aws:PrincipalOrgID']`. Empty when nothing narrows it.
 */
export function narrowingConditions(condition: unknown): string[] {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return [];
  const keys: string[] = [];
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!positiveOperator(operator) || !block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      if (!NARROWING.has(key.toLowerCase())) continue;
      const values = Array.isArray(value) ? value : [value];
      if (values.length > 0 && values.every(realValue)) keys.push(key);
    }
  }
  return keys;
}

/** The values of a principal map entry (`"AWS": "..."` or `"AWS": [...]`) as a list. */
export function principalValues(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** True when a principal element names everyone: `"*"` or `{"AWS": "*"}` (also within a list). */
export function namesEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  return principalValues((principal as { AWS?: unknown }).AWS).includes('*');
}

/** The account an AWS principal names: a 12-digit id, or the account of an `iam`/`sts` ARN; undefined otherwise. */
export function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/** Why a statement lets everyone in, or undefined when it does not (Deny, or narrowed, or a named principal). */
export function publicGrant(statement: PolicyStatement): string | undefined {
  if (statement.Effect !== 'Allow') return undefined;
  const narrowed = narrowingConditions(statement.Condition).length > 0;
  if (statement.NotPrincipal !== undefined) {
    // Allow + NotPrincipal: everyone except the named principals.
    return narrowed ? undefined : 'allows everyone but the NotPrincipal, with no narrowing condition';
  }
  if (!namesEveryone(statement.Principal)) return undefined;
  return narrowed ? undefined : 'allows everyone (principal *), with no narrowing condition';
}

/** The statements of a parsed policy document, as a list (a single statement object counts as one). */
export function statementsOf(doc: { Statement?: unknown }): PolicyStatement[] {
  const s = doc.Statement;
  if (Array.isArray(s)) return s as PolicyStatement[];
  return s && typeof s === 'object' ? [s as PolicyStatement] : [];
}
