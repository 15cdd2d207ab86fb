import type { ReplicationRule, Repository } from '@aws-sdk/client-ecr';
import type { Policy } from '../policy';
import type { PlanNote, RegistryScanning, ReplicationChange, RepositoryChange, TagMutabilitySetting } from './types';

/** ECR's WILDCARD filter: `*` matches any run of characters, the rest literally, across the whole name. */
export function wildcardMatch(filter: string, name: string): boolean {
  const source = filter
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/** The repository's current tag mutability, exclusions sorted and de-duplicated. */
export function tagMutabilityOf(repository: Repository): TagMutabilitySetting {
  return {
    mode: repository.imageTagMutability ?? 'MUTABLE',
    exclusions: normaliseExclusions((repository.imageTagMutabilityExclusionFilters ?? []).map((f) => f.filter ?? '')),
  };
}

function normaliseExclusions(filters: readonly string[]): string[] {
  return [...new Set(filters.filter(Boolean))].sort();
}

function sameSetting(a: TagMutabilitySetting, b: TagMutabilitySetting): boolean {
  return a.mode === b.mode && a.exclusions.length === b.exclusions.length && a.exclusions.every((x, i) => x === b.exclusions[i]);
}

function describeSetting(s: TagMutabilitySetting): string {
  return s.exclusions.length > 0 ? `${s.mode} [${s.exclusions.join(', ')}]` : s.mode;
}

/** How scan-on-push stands for a repository, from its own flag and the registry's configuration. */
export interface ScanOnPushState {
  /** The repository-level flag (deprecated by ECR in favour of registry-level rules). */
  repository: boolean;
  /** True when a BASIC registry rule with SCAN_ON_PUSH covers the repository. */
  registryRule: boolean;
  /** True when the registry uses enhanced (Inspector) scanning, which covers scanning on its own terms. */
  enhanced: boolean;
  /** Whether pushed images get scanned. */
  effective: boolean;
}

/** Scan-on-push for one repository, from both the repository flag and the registry configuration. */
export function scanOnPushState(repository: Repository, registry: RegistryScanning): ScanOnPushState {
  const name = repository.repositoryName ?? '';
  const own = repository.imageScanningConfiguration?.scanOnPush === true;
  const enhanced = registry.scanType === 'ENHANCED';
  const registryRule = !enhanced && registry.scanOnPushFilters.some((f) => wildcardMatch(f, name));
  return { repository: own, registryRule, enhanced, effective: enhanced || own || registryRule };
}

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
  if (!sameSetting(from, to)) {
    changes.push({
      kind: 'set-tag-mutability',
      repositoryName,
      repositoryArn,
      from,
      to,
      reason: `repo ${repositoryName}: tag mutability ${describeSetting(from)} -> ${describeSetting(to)}`,
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

/** A rule in a canonical form: destinations and filters sorted, so rules compare order-insensitively. */
export function normaliseRule(rule: ReplicationRule): ReplicationRule {
  const destinations = [...(rule.destinations ?? [])]
    .map((d) => ({ region: d.region, registryId: d.registryId }))
    .sort((a, b) => `${a.region}|${a.registryId}`.localeCompare(`${b.region}|${b.registryId}`));
  const filters = [...(rule.repositoryFilters ?? [])]
    .map((f) => ({ filter: f.filter, filterType: f.filterType ?? 'PREFIX_MATCH' }))
    .sort((a, b) => `${a.filterType}|${a.filter}`.localeCompare(`${b.filterType}|${b.filter}`));
  return { destinations, ...(filters.length > 0 ? { repositoryFilters: filters } : {}) };
}

/** A key equal for rules that replicate the same repositories to the same destinations. */
export function ruleKey(rule: ReplicationRule): string {
  return JSON.stringify(normaliseRule(rule));
}

function describeRule(rule: ReplicationRule): string {
  const dest = (rule.destinations ?? []).map((d) => `${d.registryId}/${d.region}`).join(', ');
  const filters = (rule.repositoryFilters ?? []).map((f) => f.filter).join(', ');
  return `${filters ? `[${filters}]` : 'all repositories'} -> ${dest}`;
}

/**
 * Plans the registry's replication configuration: in `merge` mode the policy's rules are added where
 * missing and other rules kept; in `replace` mode the configuration becomes exactly the policy's rules.
 * Rules compare order-insensitively. Returns no change when the registry already complies.
 */
export function planReplication(
  current: readonly ReplicationRule[],
  policy: Pick<Policy, 'replication'>,
): ReplicationChange | undefined {
  const wanted = policy.replication.rules.map((r) => normaliseRule(r as ReplicationRule));
  const currentKeys = new Set(current.map(ruleKey));
  const wantedKeys = new Set(wanted.map(ruleKey));
  const added = wanted.filter((r) => !currentKeys.has(ruleKey(r)));
  const removed = policy.replication.mode === 'replace' ? current.filter((r) => !wantedKeys.has(ruleKey(r))) : [];
  if (added.length === 0 && removed.length === 0) return undefined;
  const to = policy.replication.mode === 'replace' ? wanted : [...current.map(normaliseRule), ...added];
  const parts = [
    ...added.map((r) => `add ${describeRule(r)}`),
    ...removed.map((r) => `remove ${describeRule(r)}`),
  ];
  return {
    kind: 'put-replication-configuration',
    from: [...current],
    to,
    added,
    removed,
    reason: `registry: replication (${policy.replication.mode}) ${parts.join('; ')}`,
  };
}
