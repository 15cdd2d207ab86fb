import type { ReplicationDestination, ReplicationRule, Repository } from '@aws-sdk/client-ecr';
import { MAX_REPLICATION_DESTINATIONS, MAX_REPLICATION_FILTERS_PER_RULE, MAX_REPLICATION_RULES } from '../limits';
import type { Policy } from '../policy';
import {
  describeTagMutability,
  normaliseExclusions,
  sameTagMutability,
  scanOnPushState,
  tagMutabilityOf,
  type RegistryScanning,
  type TagMutabilitySetting,
} from '../registry';
import type { PlanNote, RegistryIdentity, ReplicationChange, RepositoryChange } from './types';

/**
 * Plans the settings of one repository against the policy: tag mutability (exclusions compared as
 * sets) and scan-on-push. Pure: no AWS call, no clock. An empty list means nothing to write.
 *
 * @example
 * const { changes, notes } = planRepositorySettings(repo.repository, policy, registryScanning);
 */
export function planRepositorySettings(
  repository: Repository,
  policy: Pick<Policy, 'tagMutability' | 'scanOnPush'>,
  registry: RegistryScanning,
): { changes: RepositoryChange[]; notes: PlanNote[] } {
  const repositoryName = repository.repositoryName ?? '';
  const repositoryArn = repository.repositoryArn ?? '';
  const changes: RepositoryChange[] = [];
  const notes: PlanNote[] = [];

  const from = tagMutabilityOf(repository);
  const to: TagMutabilitySetting = {
    mode: policy.tagMutability.mode,
    exclusions: normaliseExclusions(policy.tagMutability.exclusions),
  };
  if (!sameTagMutability(from, to)) {
    changes.push({
      kind: 'set-tag-mutability',
      repositoryName,
      repositoryArn,
      from,
      to,
      reason: `repo ${repositoryName}: tag mutability ${describeTagMutability(from)} -> ${describeTagMutability(to)}`,
    });
  }

  const scan = scanOnPushState(repository, registry);
  if (scan.enhanced) {
    notes.push({
      repositoryName,
      note: `repo ${repositoryName}: registry uses enhanced scanning; repository scan-on-push left as it is (${scan.repository})`,
    });
  } else if (policy.scanOnPush && !scan.effective) {
    changes.push({
      kind: 'set-scan-on-push',
      repositoryName,
      repositoryArn,
      from: false,
      to: true,
      reason: `repo ${repositoryName}: scan-on-push off -> on`,
    });
  } else if (!policy.scanOnPush && scan.repository) {
    changes.push({
      kind: 'set-scan-on-push',
      repositoryName,
      repositoryArn,
      from: true,
      to: false,
      reason: `repo ${repositoryName}: scan-on-push on -> off`,
    });
    if (scan.registryRule) {
      notes.push({ repositoryName, note: `repo ${repositoryName}: a registry scanning rule still scans on push` });
    }
  }
  return { changes, notes };
}

/** A rule in a canonical form: destinations and filters sorted and de-duplicated, so rules compare order-insensitively. */
export function normaliseRule(rule: ReplicationRule): ReplicationRule {
  const destinations = uniqueBy(
    (rule.destinations ?? []).map((d) => ({ region: d.region, registryId: d.registryId })),
    destinationKey,
  ).sort((a, b) => destinationKey(a).localeCompare(destinationKey(b)));
  const filters = uniqueBy(
    (rule.repositoryFilters ?? []).map((f) => ({ filter: f.filter, filterType: f.filterType ?? 'PREFIX_MATCH' })),
    (f) => `${f.filterType}|${f.filter}`,
  ).sort((a, b) => `${a.filterType}|${a.filter}`.localeCompare(`${b.filterType}|${b.filter}`));
  return { destinations, ...(filters.length > 0 ? { repositoryFilters: filters } : {}) };
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

function destinationKey(d: ReplicationDestination): string {
  return `${d.region}|${d.registryId}`;
}

/** The prefix filters of a rule, sorted; empty means every repository. */
function prefixesOf(rule: ReplicationRule): string[] {
  return (normaliseRule(rule).repositoryFilters ?? []).map((f) => f.filter ?? '');
}

function filtersKey(rule: ReplicationRule): string {
  return JSON.stringify(prefixesOf(rule));
}

/** True when every repository `wanted`'s prefixes select is also selected by `current`'s (PREFIX_MATCH). */
function coversRepositories(current: readonly string[], wanted: readonly string[]): boolean {
  if (current.length === 0) return true;
  if (wanted.length === 0) return false;
  return wanted.every((w) => current.some((c) => w.startsWith(c)));
}

/** The (repository filters, destination) pairs a configuration replicates, as comparable keys. */
function replicationPairs(rules: readonly ReplicationRule[]): Set<string> {
  return new Set(rules.flatMap((r) => (r.destinations ?? []).map((d) => `${filtersKey(r)}>${destinationKey(d)}`)));
}

function describeRule(rule: ReplicationRule): string {
  const dest = (rule.destinations ?? []).map((d) => `${d.registryId}/${d.region}`).join(', ');
  const filters = prefixesOf(rule).join(', ');
  return `${filters ? `[${filters}]` : 'all repositories'} -> ${dest}`;
}

/**
 * The policy's replication destinations that are the registry itself (same account and region), which ECR
 * refuses, each as a note: one policy serves every target, and the region a target replicates to is often
 * a target too. Another region of the same account, or another account, is a destination like any other.
 *
 * @example
 * selfDestinationNotes(policy.replication.rules, { registryId: '123456789012', region: 'eu-west-1' });
 * // [{ note: 'replication.rules[0].destinations[1]: 123456789012/eu-west-1 is this registry itself; skipped here' }]
 */
export function selfDestinationNotes(rules: readonly ReplicationRule[], source: RegistryIdentity): PlanNote[] {
  const notes: PlanNote[] = [];
  rules.forEach((rule, i) => {
    (rule.destinations ?? []).forEach((d, j) => {
      if (isSelf(d, source)) {
        notes.push({
          note: `replication.rules[${i}].destinations[${j}]: ${d.registryId}/${d.region} is this registry itself; skipped here (ECR cannot replicate a registry to itself)`,
        });
      }
    });
  });
  return notes;
}

function isSelf(destination: ReplicationDestination, source: RegistryIdentity): boolean {
  return destination.region === source.region && destination.registryId === source.registryId;
}

/** The policy's rules without the destinations that are the registry itself; a rule left with none is dropped. */
function withoutSelf(rules: readonly ReplicationRule[], source: RegistryIdentity): ReplicationRule[] {
  return rules
    .map((r) => ({ ...r, destinations: (r.destinations ?? []).filter((d) => !isSelf(d, source)) }))
    .filter((r) => r.destinations.length > 0);
}

/** What ECR would refuse in a replication configuration: too many rules, destinations or filters. */
export function replicationLimitProblems(rules: readonly ReplicationRule[]): string[] {
  const problems: string[] = [];
  if (rules.length > MAX_REPLICATION_RULES) {
    problems.push(`${rules.length} rules, ECR allows at most ${MAX_REPLICATION_RULES}`);
  }
  const destinations = rules.reduce((n, r) => n + (r.destinations ?? []).length, 0);
  if (destinations > MAX_REPLICATION_DESTINATIONS) {
    problems.push(`${destinations} destinations across all rules, ECR allows at most ${MAX_REPLICATION_DESTINATIONS}`);
  }
  rules.forEach((r, i) => {
    const filters = (r.repositoryFilters ?? []).length;
    if (filters > MAX_REPLICATION_FILTERS_PER_RULE) {
      problems.push(`rule ${i + 1} has ${filters} repository filters, ECR allows at most ${MAX_REPLICATION_FILTERS_PER_RULE}`);
    }
  });
  return problems;
}

/**
 * The policy's destinations the current rules do not replicate to yet (merge mode), grouped by the
 * policy rule they come from. A destination is there when a current rule sends it every repository
 * the policy rule selects: the same prefixes, shorter prefixes, or all repositories.
 */
function missingDestinations(current: readonly ReplicationRule[], wanted: readonly ReplicationRule[]): ReplicationRule[] {
  const missing: ReplicationRule[] = [];
  const have = current.map((r) => ({ prefixes: prefixesOf(r), destinations: new Set((r.destinations ?? []).map(destinationKey)) }));
  for (const rule of wanted) {
    const prefixes = prefixesOf(rule);
    const lacking = (rule.destinations ?? []).filter(
      (d) => !have.some((h) => h.destinations.has(destinationKey(d)) && coversRepositories(h.prefixes, prefixes)),
    );
    if (lacking.length === 0) continue;
    missing.push(normaliseRule({ ...rule, destinations: lacking }));
    have.push({ prefixes, destinations: new Set(lacking.map(destinationKey)) });
  }
  return missing;
}

/**
 * Adds destinations to the current rules: into a rule with the very same repository filters when
 * there is one (so merging spends no extra rule of ECR's ten), as a new rule otherwise. Other rules,
 * and other destinations of a rule, are kept as ECR reported them.
 */
function mergeRules(current: readonly ReplicationRule[], additions: readonly ReplicationRule[]): ReplicationRule[] {
  const merged = current.map((r) => ({ ...r, destinations: [...(r.destinations ?? [])] }));
  for (const addition of additions) {
    const same = merged.find((r) => filtersKey(r) === filtersKey(addition));
    if (same) same.destinations.push(...(addition.destinations ?? []));
    else {
      const rule = normaliseRule(addition);
      merged.push({ ...rule, destinations: rule.destinations ?? [] });
    }
  }
  return merged;
}

/**
 * Plans the registry's replication configuration against the policy. Pure: no AWS call.
 *
 * - `merge`: every destination of every policy rule must receive the repositories the rule selects;
 *   missing ones are added, rules others added are kept.
 * - `replace`: the configuration must replicate exactly what the policy's rules say.
 *
 * Rules compare as sets of (repository filters, destination) pairs, so order and layout do not matter.
 * A policy destination that is the registry itself is skipped (see {@link selfDestinationNotes} for the
 * note that says so); returns a
 * `replication-over-limit` change (never sent) when the result would break ECR's limits; returns
 * `undefined` when the registry already complies.
 *
 * @example
 * const change = planReplication(registry.replicationRules, policy, registry);
 */
export function planReplication(
  current: readonly ReplicationRule[],
  policy: Pick<Policy, 'replication'>,
  source: RegistryIdentity,
): ReplicationChange | undefined {
  const mode = policy.replication.mode;
  const wanted = withoutSelf(policy.replication.rules as ReplicationRule[], source).map(normaliseRule);

  let added: ReplicationRule[];
  let removed: ReplicationRule[] = [];
  let to: ReplicationRule[];
  if (mode === 'merge') {
    added = missingDestinations(current, wanted);
    to = mergeRules(current, added);
  } else {
    const currentPairs = replicationPairs(current);
    const wantedPairs = replicationPairs(wanted);
    const pairOf = (r: ReplicationRule, d: ReplicationDestination) => `${filtersKey(r)}>${destinationKey(d)}`;
    const only = (rules: readonly ReplicationRule[], keep: (r: ReplicationRule, d: ReplicationDestination) => boolean) =>
      rules
        .map((r) => normaliseRule({ ...r, destinations: (r.destinations ?? []).filter((d) => keep(r, d)) }))
        .filter((r) => (r.destinations ?? []).length > 0);
    added = only(wanted, (r, d) => !currentPairs.has(pairOf(r, d)));
    removed = only(current, (r, d) => !wantedPairs.has(pairOf(r, d)));
    to = wanted;
  }
  if (added.length === 0 && removed.length === 0) return undefined;

  const parts = [...added.map((r) => `add ${describeRule(r)}`), ...removed.map((r) => `remove ${describeRule(r)}`)];
  const change = { from: [...current], to, added, removed, reason: `registry: replication (${mode}) ${parts.join('; ')}` };
  const problems = replicationLimitProblems(to);
  if (problems.length > 0) {
    return { kind: 'replication-over-limit', ...change, problems, reason: `${change.reason}; blocked: ${problems.join('; ')}` };
  }
  return { kind: 'put-replication-configuration', ...change };
}

/**
 * The registry's replication plan and its notes: {@link planReplication}'s change, and a note for each policy
 * destination skipped because it is the registry itself.
 *
 * @example
 * const { change, notes } = planRegistryReplication(registry.replicationRules, policy, registry);
 */
export function planRegistryReplication(
  current: readonly ReplicationRule[],
  policy: Pick<Policy, 'replication'>,
  source: RegistryIdentity,
): { change: ReplicationChange | undefined; notes: PlanNote[] } {
  return { change: planReplication(current, policy, source), notes: selfDestinationNotes(policy.replication.rules as ReplicationRule[], source) };
}
