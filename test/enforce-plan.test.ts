import type { ReplicationRule, Repository } from '@aws-sdk/client-ecr';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRegistryReplication, planReplication, planRepositorySettings, replicationLimitProblems } from '../lib/enforce/plan';
import type { RegistryScanning } from '../lib/registry';
import { parsePolicy, type PolicyInput } from '../lib/policy';

const ACCOUNT = '123456789012';
const OTHER = '210987654321';
const SOURCE = { registryId: ACCOUNT, region: 'us-east-1' };
const BASIC: RegistryScanning = { scanType: 'BASIC', scanOnPushFilters: [], continuousFilters: [] };

function repository(name: string, settings: Partial<Repository> = {}): Repository {
  return {
    repositoryName: name,
    repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${name}`,
    imageTagMutability: 'IMMUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
    ...settings,
  };
}

function settingsPlan(repo: Repository, policy: PolicyInput = {}, registry: RegistryScanning = BASIC) {
  return planRepositorySettings(repo, parsePolicy(policy), registry);
}

const wildcard = (...filters: string[]) => filters.map((filter) => ({ filter, filterType: 'WILDCARD' as const }));

describe('planRepositorySettings: tag mutability', () => {
  it('plans nothing for a repository already as the policy says', () => {
    expect(settingsPlan(repository('svc/a'))).toEqual({ changes: [], notes: [] });
  });

  it('plans MUTABLE -> IMMUTABLE with a reason naming the repository', () => {
    const { changes } = settingsPlan(repository('svc/a', { imageTagMutability: 'MUTABLE' }));
    expect(changes).toEqual([
      expect.objectContaining({
        kind: 'set-tag-mutability',
        repositoryName: 'svc/a',
        from: { mode: 'MUTABLE', exclusions: [] },
        to: { mode: 'IMMUTABLE', exclusions: [] },
        reason: 'repo svc/a: tag mutability MUTABLE -> IMMUTABLE',
      }),
    ]);
  });

  it('plans IMMUTABLE -> MUTABLE when the policy asks for mutable tags', () => {
    const { changes } = settingsPlan(repository('svc/a'), { tagMutability: { mode: 'MUTABLE' } });
    expect(changes).toMatchObject([{ kind: 'set-tag-mutability', to: { mode: 'MUTABLE', exclusions: [] } }]);
  });

  it('treats a repository that reports no mode as MUTABLE', () => {
    const { changes } = settingsPlan(repository('svc/a', { imageTagMutability: undefined }));
    expect(changes).toMatchObject([{ from: { mode: 'MUTABLE' } }]);
  });

  it('plans IMMUTABLE -> IMMUTABLE_WITH_EXCLUSION with the policy exclusions', () => {
    const policy: PolicyInput = { tagMutability: { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['latest', 'dev-*'] } };
    const { changes } = settingsPlan(repository('svc/a'), policy);
    expect(changes).toMatchObject([
      {
        kind: 'set-tag-mutability',
        to: { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['dev-*', 'latest'] },
        reason: 'repo svc/a: tag mutability IMMUTABLE -> IMMUTABLE_WITH_EXCLUSION [dev-*, latest]',
      },
    ]);
  });

  it('compares exclusion filters as sets: order and duplicates do not matter', () => {
    const repo = repository('svc/a', {
      imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: wildcard('release-*', 'v*', 'release-*'),
    });
    const { changes } = settingsPlan(repo, { tagMutability: { mode: 'MUTABLE_WITH_EXCLUSION', exclusions: ['v*', 'release-*'] } });
    expect(changes).toEqual([]);
  });

  it('plans a change when the exclusion filters differ, even in one filter', () => {
    const repo = repository('svc/a', {
      imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: wildcard('release-*'),
    });
    const { changes } = settingsPlan(repo, { tagMutability: { mode: 'MUTABLE_WITH_EXCLUSION', exclusions: ['release-*', 'v*'] } });
    expect(changes).toMatchObject([{ from: { exclusions: ['release-*'] }, to: { exclusions: ['release-*', 'v*'] } }]);
  });

  it('plans a change when only the mode differs and the exclusions are the same', () => {
    const repo = repository('svc/a', { imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: wildcard('v*') });
    const { changes } = settingsPlan(repo, { tagMutability: { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['v*'] } });
    expect(changes).toMatchObject([{ from: { mode: 'MUTABLE_WITH_EXCLUSION' }, to: { mode: 'IMMUTABLE_WITH_EXCLUSION' } }]);
  });

  it('drops the exclusions when the policy asks for plain IMMUTABLE', () => {
    const repo = repository('svc/a', { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: wildcard('latest') });
    const { changes } = settingsPlan(repo);
    expect(changes).toMatchObject([{ to: { mode: 'IMMUTABLE', exclusions: [] } }]);
  });
});

describe('planRepositorySettings: scan-on-push', () => {
  it('plans scan-on-push off -> on when nothing scans pushed images', () => {
    const { changes, notes } = settingsPlan(repository('svc/a', { imageScanningConfiguration: { scanOnPush: false } }));
    expect(changes).toMatchObject([{ kind: 'set-scan-on-push', from: false, to: true, reason: 'repo svc/a: scan-on-push off -> on' }]);
    expect(notes).toEqual([]);
  });

  it('plans nothing when a BASIC registry rule already scans the repository on push', () => {
    const registry = { ...BASIC, scanOnPushFilters: ['svc/*'] };
    const { changes } = settingsPlan(repository('svc/a', { imageScanningConfiguration: { scanOnPush: false } }), {}, registry);
    expect(changes).toEqual([]);
  });

  it('does not count a registry rule whose filter does not match the repository', () => {
    const registry = { ...BASIC, scanOnPushFilters: ['other/*'] };
    const { changes } = settingsPlan(repository('svc/a', { imageScanningConfiguration: { scanOnPush: false } }), {}, registry);
    expect(changes).toMatchObject([{ kind: 'set-scan-on-push', to: true }]);
  });

  it('leaves scan-on-push alone under enhanced scanning, with a note', () => {
    const registry: RegistryScanning = { scanType: 'ENHANCED', scanOnPushFilters: [], continuousFilters: ['*'] };
    const { changes, notes } = settingsPlan(repository('svc/a', { imageScanningConfiguration: { scanOnPush: false } }), {}, registry);
    expect(changes).toEqual([]);
    expect(notes).toEqual([{ repositoryName: 'svc/a', note: expect.stringContaining('enhanced scanning') }]);
  });

  it('plans scan-on-push on -> off when the policy turns it off', () => {
    const { changes, notes } = settingsPlan(repository('svc/a'), { scanOnPush: false });
    expect(changes).toMatchObject([{ kind: 'set-scan-on-push', from: true, to: false, reason: 'repo svc/a: scan-on-push on -> off' }]);
    expect(notes).toEqual([]);
  });

  it('notes that a registry rule still scans when the policy turns the repository flag off', () => {
    const registry = { ...BASIC, scanOnPushFilters: ['*'] };
    const { changes, notes } = settingsPlan(repository('svc/a'), { scanOnPush: false }, registry);
    expect(changes).toMatchObject([{ kind: 'set-scan-on-push', to: false }]);
    expect(notes).toEqual([{ repositoryName: 'svc/a', note: 'repo svc/a: a registry scanning rule still scans on push' }]);
  });

  it('plans nothing when scan-on-push is off and the policy wants it off', () => {
    const { changes } = settingsPlan(repository('svc/a', { imageScanningConfiguration: { scanOnPush: false } }), { scanOnPush: false });
    expect(changes).toEqual([]);
  });

  it('plans both changes for a mutable repository without scan-on-push', () => {
    const repo = repository('svc/a', { imageTagMutability: 'MUTABLE', imageScanningConfiguration: { scanOnPush: false } });
    expect(settingsPlan(repo).changes.map((c) => c.kind)).toEqual(['set-tag-mutability', 'set-scan-on-push']);
  });
});

function rule(destinations: [string, string][], filters: string[] = []): ReplicationRule {
  return {
    destinations: destinations.map(([registryId, region]) => ({ registryId, region })),
    ...(filters.length ? { repositoryFilters: filters.map((filter) => ({ filter, filterType: 'PREFIX_MATCH' as const })) } : {}),
  };
}

function replicationPolicy(mode: 'merge' | 'replace', rules: ReplicationRule[]) {
  return parsePolicy({ replication: { mode, rules } });
}

describe('planReplication: merge', () => {
  it('plans nothing when the policy has no rules', () => {
    expect(planReplication([rule([[OTHER, 'us-east-1']])], replicationPolicy('merge', []), SOURCE)).toBeUndefined();
  });

  it('adds the policy rule to an empty configuration', () => {
    const change = planReplication([], replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1']], ['payments/'])]), SOURCE);
    expect(change).toMatchObject({
      kind: 'put-replication-configuration',
      from: [],
      to: [rule([[ACCOUNT, 'eu-west-1']], ['payments/'])],
      removed: [],
      reason: `registry: replication (merge) add [payments/] -> ${ACCOUNT}/eu-west-1`,
    });
  });

  it('plans nothing when the rule exists with destinations and filters in another order', () => {
    const current = [rule([[OTHER, 'us-west-2'], [ACCOUNT, 'eu-west-1']], ['b/', 'a/'])];
    const policy = replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1'], [OTHER, 'us-west-2']], ['a/', 'b/'])]);
    expect(planReplication(current, policy, SOURCE)).toBeUndefined();
  });

  it('plans nothing when a rule for all repositories already reaches the destination', () => {
    const policy = replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1']], ['payments/'])]);
    expect(planReplication([rule([[ACCOUNT, 'eu-west-1']])], policy, SOURCE)).toBeUndefined();
  });

  it('plans nothing when a shorter prefix already selects the policy rule repositories', () => {
    const policy = replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1']], ['payments/api', 'payments/web'])]);
    expect(planReplication([rule([[ACCOUNT, 'eu-west-1']], ['payments/'])], policy, SOURCE)).toBeUndefined();
  });

  it('adds a rule when the current rule selects fewer repositories than the policy rule', () => {
    const policy = replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1']], ['payments/'])]);
    const change = planReplication([rule([[ACCOUNT, 'eu-west-1']], ['payments/api'])], policy, SOURCE);
    expect(change?.to).toEqual([rule([[ACCOUNT, 'eu-west-1']], ['payments/api']), rule([[ACCOUNT, 'eu-west-1']], ['payments/'])]);
  });

  it('keeps a rule someone else added and appends the policy rule', () => {
    const foreign = rule([[OTHER, 'ap-south-1']], ['legacy/']);
    const change = planReplication([foreign], replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1']], ['payments/'])]), SOURCE);
    expect(change?.to).toEqual([foreign, rule([[ACCOUNT, 'eu-west-1']], ['payments/'])]);
    expect(change?.removed).toEqual([]);
  });

  it('adds a missing destination to the rule with the same filters, keeping its other destinations', () => {
    const foreign = rule([[OTHER, 'ap-south-1']], ['payments/']);
    const policy = replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1'], [OTHER, 'ap-south-1']], ['payments/'])]);
    const change = planReplication([foreign], policy, SOURCE);
    expect(change?.to).toEqual([rule([[OTHER, 'ap-south-1'], [ACCOUNT, 'eu-west-1']], ['payments/'])]);
    expect(change?.added).toEqual([rule([[ACCOUNT, 'eu-west-1']], ['payments/'])]);
    expect(change?.reason).toBe(`registry: replication (merge) add [payments/] -> ${ACCOUNT}/eu-west-1`);
  });

  it('adds a destination two policy rules share only once', () => {
    const policy = replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1']], ['a/']), rule([[ACCOUNT, 'eu-west-1']], ['a/'])]);
    expect(planReplication([], policy, SOURCE)?.to).toEqual([rule([[ACCOUNT, 'eu-west-1']], ['a/'])]);
  });

  it('accepts the same account in another region as a destination', () => {
    const change = planReplication([], replicationPolicy('merge', [rule([[ACCOUNT, 'us-west-2']])]), SOURCE);
    expect(change?.kind).toBe('put-replication-configuration');
  });

  it('accepts another account in the same region as a destination', () => {
    const change = planReplication([], replicationPolicy('merge', [rule([[OTHER, 'us-east-1']])]), SOURCE);
    expect(change?.kind).toBe('put-replication-configuration');
  });

  it('skips the registry itself as a destination, with a note naming the field, and plans the other destinations', () => {
    const policy = replicationPolicy('merge', [rule([[OTHER, 'us-west-2'], [ACCOUNT, 'us-east-1']])]);
    const { change, notes } = planRegistryReplication([], policy, SOURCE);
    expect(change?.to).toEqual([{ destinations: [{ registryId: OTHER, region: 'us-west-2' }] }]);
    expect(notes).toEqual([
      { note: `replication.rules[0].destinations[1]: ${ACCOUNT}/us-east-1 is this registry itself; skipped here (ECR cannot replicate a registry to itself)` },
    ]);
  });

  it('lets one policy serve every region: the region a rule replicates to needs no change of its own', () => {
    const policy = replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1']])]);
    expect(planReplication([], policy, SOURCE)?.to).toEqual([{ destinations: [{ registryId: ACCOUNT, region: 'eu-west-1' }] }]);
    expect(planRegistryReplication([], policy, { registryId: ACCOUNT, region: 'eu-west-1' })).toEqual({
      change: undefined,
      notes: [{ note: expect.stringContaining(`${ACCOUNT}/eu-west-1 is this registry itself; skipped here`) }],
    });
  });

  it('replace mode in the destination region removes nothing for the skipped destination', () => {
    const current = [rule([[OTHER, 'us-west-2']])];
    const policy = replicationPolicy('replace', [rule([[OTHER, 'us-west-2'], [ACCOUNT, 'us-east-1']])]);
    expect(planReplication(current, policy, SOURCE)).toBeUndefined();
  });

  it('blocks a merge that would exceed ECR limit of 10 rules, naming the limit', () => {
    const current = Array.from({ length: 10 }, (_, i) => rule([[OTHER, 'us-west-2']], [`team-${i}/`]));
    const change = planReplication(current, replicationPolicy('merge', [rule([[ACCOUNT, 'eu-west-1']], ['payments/'])]), SOURCE);
    expect(change).toMatchObject({ kind: 'replication-over-limit', problems: ['11 rules, ECR allows at most 10'] });
    expect(change?.reason).toContain('blocked: 11 rules, ECR allows at most 10');
  });

  it('blocks a merge that would exceed ECR limit of 25 destinations across all rules', () => {
    const regions = ['us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3'];
    const accounts = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];
    const current = [rule(accounts.flatMap((a) => regions.map((r) => [a, r] as [string, string])))];
    const change = planReplication(current, replicationPolicy('merge', [rule([[ACCOUNT, 'eu-north-1']], ['payments/'])]), SOURCE);
    expect(change).toMatchObject({ kind: 'replication-over-limit', problems: ['26 destinations across all rules, ECR allows at most 25'] });
  });
});

describe('planReplication: replace', () => {
  it('plans nothing when the configuration replicates exactly the policy rules, in any order', () => {
    const current = [rule([[ACCOUNT, 'eu-west-1']], ['a/']), rule([[OTHER, 'us-west-2']])];
    const policy = replicationPolicy('replace', [rule([[OTHER, 'us-west-2']]), rule([[ACCOUNT, 'eu-west-1']], ['a/'])]);
    expect(planReplication(current, policy, SOURCE)).toBeUndefined();
  });

  it('plans nothing when the same pairs are laid out in fewer rules', () => {
    const current = [rule([[ACCOUNT, 'eu-west-1'], [OTHER, 'us-west-2']], ['a/'])];
    const policy = replicationPolicy('replace', [rule([[ACCOUNT, 'eu-west-1']], ['a/']), rule([[OTHER, 'us-west-2']], ['a/'])]);
    expect(planReplication(current, policy, SOURCE)).toBeUndefined();
  });

  it('removes a rule someone else added', () => {
    const foreign = rule([[OTHER, 'ap-south-1']], ['legacy/']);
    const wanted = rule([[ACCOUNT, 'eu-west-1']], ['payments/']);
    const change = planReplication([foreign, wanted], replicationPolicy('replace', [wanted]), SOURCE);
    expect(change).toMatchObject({ kind: 'put-replication-configuration', to: [wanted], added: [], removed: [foreign] });
    expect(change?.reason).toBe(`registry: replication (replace) remove [legacy/] -> ${OTHER}/ap-south-1`);
  });

  it('removes a destination someone added to a policy rule', () => {
    const current = [rule([[ACCOUNT, 'eu-west-1'], [OTHER, 'ap-south-1']], ['payments/'])];
    const wanted = rule([[ACCOUNT, 'eu-west-1']], ['payments/']);
    const change = planReplication(current, replicationPolicy('replace', [wanted]), SOURCE);
    expect(change).toMatchObject({ to: [wanted], removed: [rule([[OTHER, 'ap-south-1']], ['payments/'])] });
  });

  it('does not count a broader rule as the policy rule', () => {
    const change = planReplication([rule([[ACCOUNT, 'eu-west-1']])], replicationPolicy('replace', [rule([[ACCOUNT, 'eu-west-1']], ['a/'])]), SOURCE);
    expect(change).toMatchObject({ added: [rule([[ACCOUNT, 'eu-west-1']], ['a/'])], removed: [rule([[ACCOUNT, 'eu-west-1']])] });
  });

  it('empties the configuration when the policy replaces it with no rules', () => {
    const change = planReplication([rule([[OTHER, 'us-west-2']])], replicationPolicy('replace', []), SOURCE);
    expect(change).toMatchObject({ kind: 'put-replication-configuration', to: [] });
  });

  it('plans nothing for an empty configuration and no policy rules', () => {
    expect(planReplication([], replicationPolicy('replace', []), SOURCE)).toBeUndefined();
  });

  it('skips the registry itself as a destination in replace mode too', () => {
    const policy = replicationPolicy('replace', [rule([[ACCOUNT, 'us-east-1']])]);
    expect(planRegistryReplication([], policy, SOURCE)).toEqual({ change: undefined, notes: [{ note: expect.stringContaining('is this registry itself') }] });
  });
});

describe('replicationLimitProblems', () => {
  it('finds nothing wrong with a configuration within the limits', () => {
    expect(replicationLimitProblems([rule([[ACCOUNT, 'eu-west-1']], ['a/'])])).toEqual([]);
  });

  it('names a rule with more than 100 repository filters', () => {
    const filters = Array.from({ length: 101 }, (_, i) => `team-${i}/`);
    expect(replicationLimitProblems([rule([[ACCOUNT, 'eu-west-1']], filters)])).toEqual([
      'rule 1 has 101 repository filters, ECR allows at most 100',
    ]);
  });
});

describe('planReplication: convergence', () => {
  const destination = fc.record({
    registryId: fc.constantFrom(ACCOUNT, OTHER),
    region: fc.constantFrom('us-west-2', 'eu-west-1', 'ap-south-1'),
  });
  const arbitraryRule = fc.record({
    destinations: fc.array(destination, { minLength: 1, maxLength: 3 }),
    repositoryFilters: fc.array(
      fc.record({ filter: fc.constantFrom('a', 'a/', 'a/b', 'b/', 'c-'), filterType: fc.constant('PREFIX_MATCH' as const) }),
      { maxLength: 2 },
    ),
  });
  const rules = fc.array(arbitraryRule, { maxLength: 4 });

  it('finds nothing left to change once its own result is the configuration, in both modes', () => {
    fc.assert(
      fc.property(rules, rules, fc.constantFrom('merge' as const, 'replace' as const), (current, wanted, mode) => {
        const policy = replicationPolicy(mode, wanted);
        const change = planReplication(current, policy, SOURCE);
        if (change === undefined || change.kind === 'replication-over-limit') return;
        expect(planReplication(change.to, policy, SOURCE)).toBeUndefined();
      }),
    );
  });

  it('never drops a destination in merge mode', () => {
    fc.assert(
      fc.property(rules, rules, (current, wanted) => {
        const change = planReplication(current, replicationPolicy('merge', wanted), SOURCE);
        if (change === undefined) return;
        const count = (rs: ReplicationRule[]) => rs.reduce((n, r) => n + (r.destinations ?? []).length, 0);
        expect(count(change.to)).toBeGreaterThanOrEqual(count(current));
        expect(change.removed).toEqual([]);
      }),
    );
  });
});
