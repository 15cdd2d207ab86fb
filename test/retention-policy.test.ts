import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issuesOf } from './support/policy-issues';
import { parsePolicy } from '../lib/policy';


const rule = { tags: ['pr-*'], olderThanDays: 30 };

describe('policy: inUse and retention sections', () => {
  it('expires nothing by default and reads ECS and Lambda but not Batch or Inspector', () => {
    const policy = parsePolicy({});
    expect(policy.retention.rules).toEqual([]);
    expect(policy.inUse).toMatchObject({ ecs: true, lambda: true, batch: false, inspector: false, list: null });
  });

  it('fills a rule in with every repository, no keepLast, pulls ignored and delete', () => {
    expect(parsePolicy({ retention: { rules: [rule] } }).retention.rules[0]).toEqual({
      repositories: ['**'],
      tags: ['pr-*'],
      keepLast: 0,
      olderThanDays: 30,
      notPulledForDays: null,
      action: 'delete',
    });
  });

  it('refuses a rule that does not say how old is old', () => {
    expect(issuesOf({ retention: { rules: [{ tags: ['pr-*'] }] } }).join('\n')).toContain('retention.rules[0].olderThanDays');
  });

  it('refuses a negative keepLast, an empty tag list and an unknown action, naming each field', () => {
    const issues = issuesOf({
      retention: { rules: [{ ...rule, keepLast: -2 }, { ...rule, tags: [] }, { ...rule, action: 'purge' }] },
    }).join('\n');
    expect(issues).toContain('retention.rules[0].keepLast');
    expect(issues).toContain('retention.rules[1].tags: must list at least one tag pattern');
    expect(issues).toContain('retention.rules[2].action: must be one of delete, archive');
  });

  it('refuses a tag pattern that is not a glob and a principal that is not an IAM ARN', () => {
    const issues = issuesOf({ retention: { protectTags: [''], pullTimeUpdateExclusions: { principals: ['inspector'] } } }).join('\n');
    expect(issues).toContain('retention.protectTags[0]: must not be empty');
    expect(issues).toContain('retention.pullTimeUpdateExclusions.principals[0]: must be an IAM role or user ARN');
  });

  it('accepts an in-use list file that exists and an s3:// list, refuses a missing file and a bad s3 address', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ecr-keeper-inuse-')), 'images.txt');
    writeFileSync(file, '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1\n');
    expect(parsePolicy({ inUse: { list: file } }).inUse.list).toBe(file);
    expect(parsePolicy({ inUse: { list: 's3://my-bucket/in-use.txt' } }).inUse.list).toBe('s3://my-bucket/in-use.txt');
    expect(issuesOf({ inUse: { list: `${file}.missing` } })).toEqual(['inUse.list: file does not exist']);
    expect(issuesOf({ inUse: { list: 's3://B/' } })).toEqual(['inUse.list: must be s3://bucket/key']);
  });

  it('refuses an unknown key in either section', () => {
    expect(issuesOf({ inUse: { eks: true } }).join('\n')).toContain('inUse');
    expect(issuesOf({ retention: { rules: [{ ...rule, keep: 3 }] } }).join('\n')).toContain('retention.rules[0]');
  });
});
