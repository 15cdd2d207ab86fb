import { describe, expect, it } from 'vitest';
import { auditMinimum, cleanupMinimum, enforceMinimum } from '../bench/minimum';
import { seededRepositories, type SeededRepository } from '../bench/registry-shape';

const repo = (overrides: Partial<SeededRepository> = {}): SeededRepository => ({
  name: 'team/app',
  excluded: false,
  skipTagged: false,
  imageTagMutability: 'IMMUTABLE',
  scanOnPush: true,
  tagged: 5,
  untagged: 5,
  indexes: 0,
  ...overrides,
});

describe('the fewest calls of each job on the seeded registry', () => {
  it('lists repositories in pages of 1000, excluded ones included', () => {
    const repos = Array.from({ length: 1001 }, (_, i) => repo({ excluded: i % 2 === 0 }));
    expect(enforceMinimum(repos, 'again').DescribeRepositories).toBe(2);
    expect(cleanupMinimum(repos).DescribeRepositories).toBe(2);
  });

  it('looks the skip tag up only where enforce plans a change, and writes nothing where it opts out', () => {
    const repos = [repo({ imageTagMutability: 'MUTABLE' }), repo({ scanOnPush: false, skipTagged: true }), repo(), repo({ excluded: true, scanOnPush: false })];
    expect(enforceMinimum(repos, 'first')).toEqual({
      DescribeRegistry: 1,
      DescribeRepositories: 1,
      GetRegistryScanningConfiguration: 1,
      ListTagsForResource: 2,
      PutImageTagMutability: 1,
      PutReplicationConfiguration: 1,
      PutEvents: 1,
    });
  });

  it('expects a second enforce to read the opted-out repositories that still differ and write nothing', () => {
    const repos = [repo({ imageTagMutability: 'MUTABLE' }), repo({ scanOnPush: false, skipTagged: true }), repo({ skipTagged: true })];
    expect(enforceMinimum(repos, 'again')).toEqual({ DescribeRegistry: 1, DescribeRepositories: 1, GetRegistryScanningConfiguration: 1, ListTagsForResource: 1 });
  });

  it('sends one PutEvents per ten changes made', () => {
    const repos = Array.from({ length: 10 }, () => repo({ imageTagMutability: 'MUTABLE', scanOnPush: false }));
    expect(enforceMinimum(repos, 'first').PutEvents).toBe(3); // 20 settings and the replication rule
  });

  it('reads, re-checks and deletes the garbage of a cleanup in batches of 1000 and 100', () => {
    const repos = [repo({ tagged: 900, untagged: 250 }), repo({ untagged: 3, skipTagged: true }), repo({ untagged: 0 })];
    expect(cleanupMinimum(repos)).toEqual({
      DescribeRepositories: 1,
      DescribeImages: 2 + 1 + 1 + 3,
      ListTagsForResource: 2,
      BatchDeleteImage: 3,
    });
  });

  it('expects the audit to read each repository in scope once, and its tags only where they change the verdict', () => {
    const repos = [repo({ untagged: 0 }), repo({ untagged: 0, scanOnPush: false }), repo(), repo({ excluded: true })];
    expect(auditMinimum(repos)).toEqual({
      DescribeRegistry: 1,
      GetRegistryScanningConfiguration: 1,
      DescribeRepositories: 1,
      DescribeImages: 3,
      GetLifecyclePolicy: 3,
      GetRepositoryPolicy: 3,
      ListTagsForResource: 2,
    });
  });

  it('seeds six of ten repositories out of policy, two opted out and one excluded', () => {
    const repos = seededRepositories({ repositories: 10, tagged: 1, untagged: 1 });
    expect(repos.filter((r) => r.excluded).map((r) => r.name)).toEqual(['sandbox/svc-00009']);
    expect(repos.filter((r) => r.skipTagged)).toHaveLength(2);
    expect(enforceMinimum(repos, 'first').ListTagsForResource).toBe(6);
  });
});
