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

  it('computes a minimum and the ratio actual/minimum for every job', () => {
    for (const j of result.jobs) {
      expect(j.minimumTotal).toBeGreaterThan(0);
      expect(j.ratio).toBe(j.actual / j.minimumTotal);
    }
  });

  it('makes exactly the minimum calls, action by action, in both enforce runs and in cleanup', () => {
    for (const name of ['enforce --apply', 'enforce --apply (again)', 'cleanup --apply']) {
      expect(job(name).calls).toEqual(job(name).minimum);
      expect(job(name).ratio.toFixed(2)).toBe('1.00');
    }
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
