import { beforeAll, describe, expect, it } from 'vitest';
import { registryBench, type RegistryBenchResult } from '../bench/registry-jobs';
import { writesOf } from '../bench/render';

// A smoke run of `npm run bench -- --only registry` on a tiny registry: its own moto_server and faithful
// layer, three repositories of one tagged and one untagged image. Call counts only, never time.
let result: RegistryBenchResult;
beforeAll(async () => {
  result = await registryBench({ shape: { repositories: 3, tagged: 1, untagged: 1 }, concurrency: 2, seedConcurrency: 4 });
});

const job = (name: string) => result.jobs.find((j) => j.job === name)!;

describe('the registry bench on 3 repositories x (1 + 1)', () => {
  it('runs audit, enforce --apply twice and cleanup --apply through the CLI, each exiting 0', () => {
    expect(result.jobs.map((j) => [j.job, j.exitCode])).toEqual([
      ['audit', 0],
      ['enforce --apply', 0],
      ['enforce --apply (again)', 0],
      ['cleanup --apply', 0],
    ]);
  });

  // The three repositories (bench/registry-shape.ts): team-0/svc-00000 opts out with the skip tag and has
  // mutable tags, team-1/svc-00001 has mutable tags, team-2/svc-00002 has scan-on-push off; none excluded,
  // no image index, one untagged image each (garbage: the bench policy's age is 0). The registry has no
  // replication rule and the policy asks for one. Counted by hand, independently of bench/minimum.ts.
  it('makes, action by action, the calls counted by hand for these three repositories', () => {
    expect(job('audit').calls).toEqual({
      DescribeImages: 3, // one page per repository
      DescribeRegistry: 1,
      DescribeRepositories: 1,
      GetLifecyclePolicy: 3,
      GetRegistryScanningConfiguration: 1,
      GetRepositoryPolicy: 3,
      ListTagsForResource: 3, // each is out of policy or has garbage: the skip tag changes its verdict
    });
    expect(job('enforce --apply').calls).toEqual({
      DescribeRegistry: 1,
      DescribeRepositories: 1,
      GetRegistryScanningConfiguration: 1,
      ListTagsForResource: 3, // each repository has a planned change
      PutEvents: 1, // three events
      PutImageScanningConfiguration: 1, // team-2
      PutImageTagMutability: 1, // team-1 (team-0 opts out)
      PutReplicationConfiguration: 1,
    });
    expect(job('enforce --apply (again)').calls).toEqual({
      DescribeRegistry: 1,
      DescribeRepositories: 1,
      GetRegistryScanningConfiguration: 1,
      ListTagsForResource: 1, // team-0 still differs, and still opts out
    });
    expect(job('cleanup --apply').calls).toEqual({
      BatchDeleteImage: 2, // team-1 and team-2
      DescribeImages: 5, // one page per repository, and the re-check before each of the two deletions
      DescribeRepositories: 1,
      ListTagsForResource: 3, // each repository has garbage
    });
  });

  it('makes exactly the minimum bench/minimum.ts computes, action by action, in every job', () => {
    for (const j of result.jobs) expect(j.calls, j.job).toEqual(j.minimum);
  });

  it('writes the out-of-policy settings and the missing replication rule in the first enforce, and nothing in the second', () => {
    expect(job('enforce --apply').outcome).toMatchObject({ applied: 3, skipped: 1, failed: 0 });
    expect(writesOf(job('enforce --apply').calls)).toBe(4); // two settings, the replication rule, one PutEvents
    expect(writesOf(job('enforce --apply (again)').calls)).toBe(0);
  });

  it('deletes the untagged images of the repositories that do not opt out', () => {
    expect(job('cleanup --apply').outcome).toEqual({ repositories: 3, planned: 2, deleted: 2, failed: 0 });
  });

  it('sends every counted call once on the wire: no retries against a layer without faults', () => {
    for (const j of result.jobs) expect(j.wireRequests).toBe(j.actual);
  });
});
