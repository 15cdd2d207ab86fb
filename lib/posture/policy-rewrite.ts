import { createHash } from 'node:crypto';
import { MAX_REPOSITORY_POLICY_TEXT } from '../limits';
import { principalValues, statementsOf, type PolicyStatement } from './statement';
import type { PolicyRemoval } from './types';

/** SHA-256 (hex) of a policy text: how a plan remembers the text it read without carrying it. */
export function policyDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A repository policy document as parsed: an object with statements, or undefined when it is not one. */
export function parsePolicyDocument(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The policy text to write: indented as a person would, compact when that would pass ECR's size limit. */
function policyText(doc: object): string {
  const pretty = JSON.stringify(doc, null, 2);
  return pretty.length <= MAX_REPOSITORY_POLICY_TEXT ? pretty : JSON.stringify(doc);
}

/**
 * A policy document without the removed statements and principals: the one function both the plan
 * (to count what is left) and apply (to write it, from the text it re-read) use. A statement that
 * loses its last principal is left out whole. Pure.
 *
 * @example
 * const { statements, text } = rewritePolicy(doc, plan.removals);
 * if (statements === 0) await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName }));
 */
export function rewritePolicy(doc: Record<string, unknown>, removals: readonly PolicyRemoval[]): { statements: number; text: string } {
  const whole = new Set(removals.filter((r) => r.scope === 'statement').map((r) => r.statement));
  const principals = new Map<number, Set<string>>();
  for (const r of removals) {
    if (r.scope !== 'principal' || r.principal === undefined) continue;
    principals.set(r.statement, (principals.get(r.statement) ?? new Set()).add(r.principal));
  }
  const kept: PolicyStatement[] = [];
  statementsOf(doc).forEach((statement, index) => {
    if (whole.has(index)) return;
    const drop = principals.get(index);
    const principal = statement.Principal;
    if (!drop || !principal || typeof principal !== 'object' || Array.isArray(principal)) {
      kept.push(statement);
      return;
    }
    const aws = (principal as { AWS?: unknown }).AWS;
    const keep = principalValues(aws).filter((v) => !(typeof v === 'string' && drop.has(v)));
    const rest: Record<string, unknown> = { ...(principal as Record<string, unknown>) };
    if (keep.length === 0) delete rest.AWS;
    else rest.AWS = Array.isArray(aws) ? keep : keep[0];
    if (Object.keys(rest).length === 0) return;
    kept.push({ ...statement, Principal: rest });
  });
  return { statements: kept.length, text: policyText({ ...doc, Statement: kept }) };
}
