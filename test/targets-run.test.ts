import { parsePolicy } from '../lib/policy';
import { capShare, policyForTarget } from '../lib/targets/cap';
import { zeroed } from '../lib/targets/execute';
import { describe, expect, it } from 'vitest';
import { aggregateTargets, sumSummaries } from '../lib/targets/aggregate';
import { renderByTarget } from '../lib/targets/render';
import { runOverTargets } from '../lib/targets/run';
import type { Target } from '../lib/targets/types';

const target = (accountId: string, region: string): Target => ({ accountId, region, partition: 'aws' });
const TARGETS = [target('111111111111', 'us-east-1'), target('111111111111', 'eu-west-1'), target('222222222222', 'us-east-1'), target('222222222222', 'eu-west-1')];

const accessDenied = () =>
  Object.assign(new Error('User: arn:aws:sts::111111111111:assumed-role/hub is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });

describe('runOverTargets', () => {
  it('runs every target, never more at once than the bound, and answers in target order', async () => {
    let running = 0;
    let most = 0;
    const outcomes = await runOverTargets(
      TARGETS,
      async (t) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, t.region === 'us-east-1' ? 20 : 5));
        running--;
        return `${t.accountId}/${t.region}`;
      },
      { concurrency: 2 },
    );
    expect(most).toBe(2);
    expect(outcomes.map((o) => o.result)).toEqual(TARGETS.map((t) => `${t.accountId}/${t.region}`));
  });

  it('turns a target that fails as a whole into an entry with the AWS error code, and completes the others', async () => {
    const failed: string[] = [];
    const outcomes = await runOverTargets(
      TARGETS,
      async (t) => {
        if (t.accountId === '222222222222') throw accessDenied();
        return 1;
      },
      { onError: (t) => failed.push(t.region) },
    );
    expect(outcomes.filter((o) => o.result === 1)).toHaveLength(2);
    expect(outcomes[2]).toMatchObject({ target: TARGETS[2], error: { code: 'AccessDenied', message: expect.stringContaining('sts:AssumeRole') } });
    expect(failed.sort()).toEqual(['eu-west-1', 'us-east-1']);
  });
});

interface Summary {
  mode: string;
  repositories: number;
  bySeverity: { CRITICAL: number };
}
const empty: Summary = { mode: 'dry-run', repositories: 0, bySeverity: { CRITICAL: 0 } };
const result = (repositories: number, critical: number) => ({
  repositories: Array.from({ length: repositories }, (_, i) => ({ name: `r${i}` })),
  failures: [],
  missing: [],
  summary: { mode: 'dry-run', repositories, bySeverity: { CRITICAL: critical } },
});

describe('aggregateTargets', () => {
  it('gives one entry per target with its place and result, and adds the summaries up', () => {
    const report = aggregateTargets(
      [
        { target: TARGETS[0]!, result: result(2, 1) },
        { target: TARGETS[1]!, result: result(3, 4) },
      ],
      empty,
    );
    expect(report.targets.map((t) => [t.accountId, t.region, t.repositories.length])).toEqual([
      ['111111111111', 'us-east-1', 2],
      ['111111111111', 'eu-west-1', 3],
    ]);
    expect(report.summary).toEqual({ mode: 'dry-run', repositories: 5, bySeverity: { CRITICAL: 5 }, targets: 2, failedTargets: 0 });
  });

  it('keeps a failed target as an entry with its error and empty lists, and counts it', () => {
    const report = aggregateTargets([{ target: TARGETS[0]!, result: result(2, 0) }, { target: TARGETS[2]!, error: { code: 'AccessDenied', message: 'no' } }], empty);
    expect(report.targets[1]).toEqual({ accountId: '222222222222', region: 'us-east-1', repositories: [], failures: [], missing: [], summary: empty, error: { code: 'AccessDenied', message: 'no' } });
    expect(report.summary).toMatchObject({ repositories: 2, targets: 2, failedTargets: 1 });
  });

  it('leaves out a summary field the targets disagree on', () => {
    expect(sumSummaries([{ mode: 'apply', n: 1 }, { mode: 'dry-run', n: 2 }], { mode: 'dry-run', n: 0 })).toEqual({ n: 3 });
  });
});

describe('renderByTarget', () => {
  const report = aggregateTargets([{ target: TARGETS[0]!, result: result(2, 0) }, { target: TARGETS[2]!, error: { code: 'AccessDenied', message: 'no' } }], empty);
  const one = (entry: { repositories: unknown[] }) => `${entry.repositories.length} repositories\n`;

  it('groups a table by target, a failed target showing its error, then the totals', () => {
    expect(renderByTarget(report, 'table', one)).toBe(
      ['== 111111111111 / us-east-1 ==', '', '2 repositories', '', '== 222222222222 / us-east-1 ==', '', 'FAILED: AccessDenied: no', '', '== All targets ==', '', '2 targets, 1 failed (222222222222/us-east-1)', ''].join('\n'),
    );
  });

  it('heads each target in markdown', () => {
    expect(renderByTarget(report, 'markdown', one)).toContain('## 222222222222 / us-east-1\n\n**failed**: AccessDenied: no');
  });

  it('is the JSON report itself in JSON', () => {
    expect(JSON.parse(renderByTarget(report, 'json', one))).toEqual(report);
  });

  it("renders a single target as the job alone, as before targets", () => {
    expect(renderByTarget(aggregateTargets([{ target: TARGETS[0]!, result: result(2, 0) }], empty), 'table', one)).toBe('2 repositories\n');
  });
});

describe("a failed target's summary", () => {
  it('counts nothing, lists nothing, is not complete and has no cursor; the run mode is kept', () => {
    const done = { repositories: 3, complete: true, cursor: 'eyJ4IjoxfQ', mode: 'apply', inUseFailures: ['ecs'], deleted: { count: 2, bytes: 9 } };
    expect(zeroed(done)).toEqual({ repositories: 0, complete: false, mode: 'apply', inUseFailures: [], deleted: { count: 0, bytes: 0 } });
  });
});

describe("a run's deletion cap over targets", () => {
  it('is shared out evenly, the first targets taking the remainder, and the shares add up to the cap', () => {
    expect([0, 1, 2].map((i) => capShare(10, i, 3))).toEqual([4, 3, 3]);
    expect([0, 1, 2, 3].map((i) => capShare(2, i, 4))).toEqual([1, 1, 0, 0]);
    for (const [cap, count] of [[10_000, 12], [7, 7], [0, 3], [1, 6]] as const) {
      expect(Array.from({ length: count }, (_, i) => capShare(cap, i, count)).reduce((a, b) => a + b, 0)).toBe(cap);
    }
  });

  it('leaves a run over one target the whole cap, and touches nothing else of the policy', () => {
    const policy = parsePolicy({ cleanup: { maxDeletesPerRun: 9 }, enforce: { mode: 'apply' } });
    expect(policyForTarget(policy, 0, 1)).toBe(policy);
    const share = policyForTarget(policy, 1, 2);
    expect(share.cleanup.maxDeletesPerRun).toBe(4);
    expect({ ...share, cleanup: { ...share.cleanup, maxDeletesPerRun: 9 } }).toEqual(policy);
  });
});
