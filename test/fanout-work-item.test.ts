import { describe, expect, it } from 'vitest';
import { EventValidationError } from '../lib/errors';
import { shouldFanOut } from '../lib/fanout/dispatch';
import { parseWorkItem } from '../lib/fanout/work';
import { parsePolicy } from '../lib/policy';

const body = (item: unknown) => JSON.stringify(item);
const issuesOf = (text: string) => {
  try {
    parseWorkItem(text);
  } catch (err) {
    if (err instanceof EventValidationError) return err.message;
    throw err;
  }
  throw new Error('parsed');
};

describe('work items', () => {
  it('reads each kind the dispatcher sends', () => {
    expect(parseWorkItem(body({ kind: 'enforce', run: 'r', index: 0, names: ['svc/a'] }))).toEqual({ kind: 'enforce', run: 'r', index: 0, names: ['svc/a'] });
    expect(parseWorkItem(body({ kind: 'cleanup', run: 'r', index: 3, names: ['svc/a'], maxDeletes: 7, cursor: 'abc' }))).toMatchObject({ maxDeletes: 7, cursor: 'abc' });
    expect(parseWorkItem(body({ kind: 'dispatch', state: { job: 'cleanup', run: 'r', sent: 0, counted: 12, cursor: 'abc' } }))).toMatchObject({ kind: 'dispatch' });
  });

  it('refuses a body that is not JSON, naming the problem', () => {
    expect(issuesOf('enforce svc/a')).toMatch(/^invalid work item: not JSON/);
  });

  it('refuses a cleanup item without its share of the cap', () => {
    expect(issuesOf(body({ kind: 'cleanup', run: 'r', index: 0, names: ['svc/a'] }))).toMatch(/maxDeletes/);
  });

  it('refuses more than 100 repositories, or a name ECR would not accept', () => {
    const names = Array.from({ length: 101 }, (_, i) => `svc/r${i}`);
    expect(issuesOf(body({ kind: 'enforce', run: 'r', index: 0, names }))).toMatch(/names/);
    expect(issuesOf(body({ kind: 'enforce', run: 'r', index: 0, names: ['Svc/A'] }))).toMatch(/names\[0\]: must be an ECR repository name/);
  });

  it('refuses an unknown kind or key', () => {
    expect(issuesOf(body({ kind: 'audit', run: 'r', index: 0, names: ['svc/a'] }))).toMatch(/kind/);
    expect(issuesOf(body({ kind: 'enforce', run: 'r', index: 0, names: ['svc/a'], mode: 'apply' }))).toMatch(/Unrecognized key: "mode"/);
  });
});

describe('the fan-out switch', () => {
  it('fans out a scheduled run when the policy says so, and only then', () => {
    expect(shouldFanOut(parsePolicy({ runtime: { fanOut: true } }), {})).toBe(true);
    expect(shouldFanOut(parsePolicy({}), {})).toBe(false);
  });

  it('runs a request naming repositories or resuming with a cursor in one invocation', () => {
    const policy = parsePolicy({ runtime: { fanOut: true } });
    expect(shouldFanOut(policy, { repositories: ['svc/a'] })).toBe(false);
    expect(shouldFanOut(policy, { cursor: 'abc' })).toBe(false);
  });
});
