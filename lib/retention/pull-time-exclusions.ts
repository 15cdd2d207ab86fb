import {
  DeregisterPullTimeUpdateExclusionCommand,
  ECRClient,
  ListPullTimeUpdateExclusionsCommand,
  RegisterPullTimeUpdateExclusionCommand,
  type ECRPaginationConfiguration,
  type ListPullTimeUpdateExclusionsCommandInput,
  type ListPullTimeUpdateExclusionsCommandOutput,
} from '@aws-sdk/client-ecr';
import { createPaginator } from '@smithy/core';
import { toErrorInfo, type ErrorInfo } from '../errors';
import { MAX_PULL_TIME_EXCLUSIONS_PAGE } from '../limits';
import type { RetentionPolicy } from './policy-schema';

/**
 * The SDK ships no paginator for ListPullTimeUpdateExclusions (3.1169): this is one built the way the SDK
 * builds its own (`createPaginator` over `nextToken` / `maxResults`).
 */
export const paginateListPullTimeUpdateExclusions = createPaginator<
  ECRPaginationConfiguration,
  ListPullTimeUpdateExclusionsCommandInput,
  ListPullTimeUpdateExclusionsCommandOutput
>(ECRClient, ListPullTimeUpdateExclusionsCommand, 'nextToken', 'nextToken', 'maxResults');

/** The principals whose pulls the registry does not record. Calls: ListPullTimeUpdateExclusions pages of 1000. */
export async function readPullTimeExclusions(ecr: ECRClient): Promise<string[]> {
  const principals: string[] = [];
  for await (const page of paginateListPullTimeUpdateExclusions({ client: ecr, pageSize: MAX_PULL_TIME_EXCLUSIONS_PAGE }, {})) {
    principals.push(...(page.pullTimeUpdateExclusions ?? []));
  }
  return principals;
}

/** One change to the registry's pull-time update exclusions, with its reason. */
export type PullTimeExclusionChange =
  | { kind: 'register-pull-time-exclusion'; principalArn: string; reason: string }
  | { kind: 'deregister-pull-time-exclusion'; principalArn: string; reason: string };

/**
 * The changes that make the registry's pull-time update exclusions what the policy names: every principal
 * registered; in `replace` mode any other deregistered. Pure.
 *
 * @example
 * const changes = planPullTimeExclusions(await readPullTimeExclusions(ecr), policy.retention.pullTimeUpdateExclusions);
 */
export function planPullTimeExclusions(current: readonly string[], wanted: RetentionPolicy['pullTimeUpdateExclusions']): PullTimeExclusionChange[] {
  const have = new Set(current);
  const want = new Set(wanted.principals);
  const changes: PullTimeExclusionChange[] = [];
  for (const principalArn of [...want].sort()) {
    if (!have.has(principalArn)) changes.push({ kind: 'register-pull-time-exclusion', principalArn, reason: 'named in retention.pullTimeUpdateExclusions' });
  }
  if (wanted.mode === 'replace') {
    for (const principalArn of [...have].sort()) {
      if (!want.has(principalArn)) changes.push({ kind: 'deregister-pull-time-exclusion', principalArn, reason: 'not named in retention.pullTimeUpdateExclusions (mode replace)' });
    }
  }
  return changes;
}

/** What applying one change did. */
export type PullTimeExclusionOutcome = { change: PullTimeExclusionChange; ok: true } | { change: PullTimeExclusionChange; ok: false; error: ErrorInfo };

/**
 * Applies the changes one call each (RegisterPullTimeUpdateExclusion / DeregisterPullTimeUpdateExclusion);
 * a failure is recorded in its outcome and the others go on.
 *
 * @example
 * const outcomes = await applyPullTimeExclusions({ ecr }, changes);
 */
export async function applyPullTimeExclusions(deps: { ecr: ECRClient }, changes: readonly PullTimeExclusionChange[]): Promise<PullTimeExclusionOutcome[]> {
  const outcomes: PullTimeExclusionOutcome[] = [];
  for (const change of changes) {
    try {
      if (change.kind === 'register-pull-time-exclusion') await deps.ecr.send(new RegisterPullTimeUpdateExclusionCommand({ principalArn: change.principalArn }));
      else await deps.ecr.send(new DeregisterPullTimeUpdateExclusionCommand({ principalArn: change.principalArn }));
      outcomes.push({ change, ok: true });
    } catch (err) {
      outcomes.push({ change, ok: false, error: toErrorInfo(err) });
    }
  }
  return outcomes;
}

/** An audit warning: a rule reads pull times that scanners and ecr-keeper itself may be touching. */
export interface PullTimeNoiseWarning {
  code: 'pull-time-noise';
  rule: number;
  message: string;
}

/**
 * Warns, for every retention rule that uses `notPulledForDays`, when the registry excludes no principal from
 * pull-time updates (neither the policy nor the registry's current list names one): Amazon Inspector's scans
 * and ecr-keeper's own manifest reads count as pulls, so "not pulled for N days" would rarely come true.
 *
 * @example
 * const warnings = pullTimeNoiseWarnings(policy.retention, await readPullTimeExclusions(ecr));
 */
export function pullTimeNoiseWarnings(retention: RetentionPolicy, registryExclusions: readonly string[]): PullTimeNoiseWarning[] {
  if (retention.pullTimeUpdateExclusions.principals.length > 0 || registryExclusions.length > 0) return [];
  return retention.rules.flatMap((rule, index) =>
    rule.notPulledForDays === null
      ? []
      : [
          {
            code: 'pull-time-noise' as const,
            rule: index,
            message: `retention.rules[${index}].notPulledForDays is used but the registry excludes no principal from pull-time updates: scans (Amazon Inspector) and ecr-keeper's own reads count as pulls; name them in retention.pullTimeUpdateExclusions.principals`,
          },
        ],
  );
}
