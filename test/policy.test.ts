import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issuesOf } from './support/policy-issues';
import { defaultPolicy, parsePolicy, policyFromLambdaEnv } from '../lib/policy';
import { loadPolicyFile, loadPolicyFromEnv, parsePolicyText } from '../lib/policy-loader';


function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-policy-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('policy', () => {
  it('fills in the documented defaults for an empty policy', () => {
    expect(defaultPolicy()).toEqual({
      repositories: { include: ['**'], exclude: [], skipTag: 'ecr-keeper:skip' },
      tagMutability: { mode: 'IMMUTABLE', exclusions: [] },
      scanOnPush: true,
      scan: { failOn: 'HIGH', waitSeconds: 60, ignore: [], topFindings: 10, rescanAfterDays: 7, rescanPushedWithinDays: 90, rescanMode: 'apply' },
      replication: { mode: 'merge', rules: [] },
      cleanup: { untaggedOlderThanDays: 7, keepPulledWithinDays: null, maxDeletesPerRun: 10000, mode: 'dry-run' },
      inUse: { ecs: true, lambda: true, batch: false, inspector: false, inspectorWithinDays: 30, list: null },
      retention: { protectTags: [], rules: [], pullTimeUpdateExclusions: { mode: 'merge', principals: [] } },
      enforce: { mode: 'dry-run' },
      events: { enabled: true, busName: 'default', source: 'ecr-keeper' },
      runtime: { concurrency: 8, fanOut: false, repositoriesPerWorkItem: 20 },
      targets: { roleName: 'ecr-keeper-member', externalId: null },
      repositoryPolicy: { public: 'report', allowedAccounts: null },
      lifecyclePolicy: { require: false, baseline: null },
      encryption: { require: 'any' },
    });
  });

  it('keeps defaults for the keys a partial section leaves out', () => {
    const policy = parsePolicy({ cleanup: { untaggedOlderThanDays: 30 } });
    expect(policy.cleanup).toMatchObject({ untaggedOlderThanDays: 30, maxDeletesPerRun: 10000, mode: 'dry-run' });
  });

  it('names an unknown key and where it is', () => {
    expect(issuesOf({ cleanup: { olderThanDays: 3 } })).toEqual([expect.stringMatching(/^cleanup: Unrecognized key: "olderThanDays"/)]);
    expect(issuesOf({ repos: {} })[0]).toMatch(/^\(root\): Unrecognized key: "repos"/);
  });

  it('names a wrong enum value with the allowed ones', () => {
    const [issue] = issuesOf({ scan: { failOn: 'SEVERE' } });
    expect(issue).toMatch(/^scan\.failOn: .*"CRITICAL"\|"HIGH"/);
  });

  it('rejects impossible values', () => {
    expect(issuesOf({ cleanup: { untaggedOlderThanDays: -1 } })[0]).toMatch(/^cleanup\.untaggedOlderThanDays: /);
    expect(issuesOf({ cleanup: { maxDeletesPerRun: 1.5 } })[0]).toMatch(/^cleanup\.maxDeletesPerRun: /);
    expect(issuesOf({ scan: { waitSeconds: 3600 } })[0]).toMatch(/^scan\.waitSeconds: /);
    expect(issuesOf({ events: { source: 'aws.ecr' } })[0]).toMatch(/^events\.source: must not start with "aws\."/);
    expect(issuesOf({ repositories: { include: [] } })[0]).toMatch(/^repositories\.include: must list at least one pattern/);
  });

  it('lists every bad field at once', () => {
    expect(issuesOf({ scanOnPush: 'yes', runtime: { concurrency: 0 } })).toHaveLength(2);
  });

  it('requires exclusion filters exactly for the *_WITH_EXCLUSION modes', () => {
    expect(issuesOf({ tagMutability: { mode: 'IMMUTABLE_WITH_EXCLUSION' } })[0]).toMatch(/^tagMutability\.exclusions: mode IMMUTABLE_WITH_EXCLUSION needs/);
    expect(issuesOf({ tagMutability: { mode: 'IMMUTABLE', exclusions: ['dev-*'] } })[0]).toMatch(/only apply to the \*_WITH_EXCLUSION modes/);
    expect(issuesOf({ tagMutability: { mode: 'MUTABLE_WITH_EXCLUSION', exclusions: ['a', 'b', 'c', 'd', 'e', 'f'] } })[0]).toMatch(/at most 5/);
    expect(issuesOf({ tagMutability: { mode: 'MUTABLE_WITH_EXCLUSION', exclusions: ['bad tag!'] } })[0]).toMatch(/^tagMutability\.exclusions\[0\]: /);
    expect(parsePolicy({ tagMutability: { mode: 'MUTABLE_WITH_EXCLUSION', exclusions: ['release-*'] } }).tagMutability.exclusions).toEqual(['release-*']);
  });

  it('enforces ECR replication limits before any call', () => {
    const rule = (n: number) => ({ destinations: Array.from({ length: n }, (_, i) => ({ region: `eu-west-${(i % 3) + 1}`, registryId: String(100000000000 + i) })) });
    expect(issuesOf({ replication: { rules: Array.from({ length: 11 }, () => rule(1)) } })[0]).toMatch(/^replication\.rules: ECR allows at most 10 rules/);
    expect(issuesOf({ replication: { rules: [rule(13), rule(13)] } })[0]).toMatch(/at most 25 destinations across all rules, the policy has 26/);
    expect(issuesOf({ replication: { rules: [{ destinations: [{ region: 'Europe', registryId: '1' }] }] } })).toEqual([
      expect.stringMatching(/^replication\.rules\[0\]\.destinations\[0\]\.region: must be an AWS region/),
      expect.stringMatching(/^replication\.rules\[0\]\.destinations\[0\]\.registryId: must be a 12-digit AWS account id/),
    ]);
    expect(issuesOf({ replication: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }], repositoryFilters: [{ filter: 'a/', filterType: 'WILDCARD' }] }] } })[0]).toMatch(
      /filterType: ECR supports only PREFIX_MATCH/,
    );
  });

  it('rejects a glob pattern that cannot be compiled', () => {
    expect(issuesOf({ repositories: { exclude: [''] } })[0]).toMatch(/^repositories\.exclude\[0\]: must not be empty/);
  });

  it('loads YAML and JSON files by extension', () => {
    expect(loadPolicyFile(tempFile('p.yaml', 'scanOnPush: false\ncleanup:\n  untaggedOlderThanDays: 2\n')).cleanup.untaggedOlderThanDays).toBe(2);
    expect(loadPolicyFile(tempFile('p.json', '{"scanOnPush": false}')).scanOnPush).toBe(false);
  });

  it('says which file is missing or malformed', () => {
    expect(() => loadPolicyFile('/nonexistent/policy.yaml')).toThrow(/policy file \/nonexistent\/policy\.yaml does not exist/);
    expect(() => loadPolicyFile(tempFile('p.json', '{"scanOnPush": '))).toThrow(/policy file .*p\.json is not valid JSON/);
    expect(() => loadPolicyFile(tempFile('p.yaml', '- a\n- b\n'))).toThrow(/must be a mapping of keys \(an object\), not a list/);
    expect(() => loadPolicyFile(tempFile('p.yaml', 'cleanup:\n  mode: nuke\n'))).toThrow(/invalid policy file .*p\.yaml:\n {2}cleanup\.mode: /);
  });

  it('reads the policy from the environment, inline first, then a file, then defaults', () => {
    const file = tempFile('p.yaml', 'scanOnPush: false\n');
    expect(loadPolicyFromEnv({ ECR_KEEPER_POLICY: '{"runtime":{"concurrency":3}}', ECR_KEEPER_POLICY_FILE: file }).runtime.concurrency).toBe(3);
    expect(loadPolicyFromEnv({ ECR_KEEPER_POLICY_FILE: file }).scanOnPush).toBe(false);
    expect(loadPolicyFromEnv({})).toEqual(defaultPolicy());
    expect(() => loadPolicyFromEnv({ ECR_KEEPER_POLICY: 'scan: [' })).toThrow(/policy in \$ECR_KEEPER_POLICY is not valid YAML/);
  });

  it('accepts every policy file shipped in policy/', () => {
    for (const name of ['default.yaml', 'demo.yaml']) expect(() => loadPolicyFile(join('policy', name))).not.toThrow();
    expect(loadPolicyFile('policy/default.yaml')).toEqual(defaultPolicy());
  });

  it('parses YAML text without an extension hint', () => {
    expect(parsePolicyText('events:\n  busName: ops\n').events.busName).toBe('ops');
  });
});

describe('policy in Lambda', () => {
  it('reads JSON from ECR_KEEPER_POLICY and falls back to the defaults', () => {
    expect(policyFromLambdaEnv({ ECR_KEEPER_POLICY: '{"scanOnPush":false}' }).scanOnPush).toBe(false);
    expect(policyFromLambdaEnv({})).toEqual(defaultPolicy());
  });

  it('names the field of a bad policy', () => {
    expect(() => policyFromLambdaEnv({ ECR_KEEPER_POLICY: '{"events":{"source":"aws.ecr"}}' })).toThrow(/events\.source: must not start with "aws\."/);
    expect(() => policyFromLambdaEnv({ ECR_KEEPER_POLICY: 'scanOnPush: true' })).toThrow(/not valid JSON/);
  });
});
