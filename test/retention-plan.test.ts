import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyCleanupPlan } from '../lib/cleanup/apply';
import { planRepositoryCleanup, type PlanOptions } from '../lib/cleanup/plan';
import type { RepositoryCleanupPlan } from '../lib/cleanup/types';
import { parsePolicy } from '../lib/policy';
import type { RetentionPolicy } from '../lib/retention/policy-schema';
import { NOW, digestOf, image, namesOf, repositoryImages } from './support/cleanup-images';

const rules = { untaggedOlderThanDays: 0, keepPulledWithinDays: null };
const retention = (section: object): RetentionPolicy => parsePolicy({ retention: section }).retention;
const prRule = (extra: object = {}) => retention({ protectTags: ['latest'], rules: [{ tags: ['pr-*'], keepLast: 2, olderThanDays: 0, ...extra }] });
const options = (extra: Partial<PlanOptions> = {}): PlanOptions => ({ rules, now: NOW, cap: Number.POSITIVE_INFINITY, ...extra });

function decisionsOf(plan: RepositoryCleanupPlan, names: string[]): Record<string, string> {
  const all = [...plan.delete, ...plan.archive, ...plan.keep];
  return Object.fromEntries(names.map((n) => [n, `${all.find((d) => d.image.digest === digestOf(n))?.action} ${all.find((d) => d.image.digest === digestOf(n))?.reason}`]));
}

describe('retention planning', () => {
  it('keeps the newest two pr-* images and expires the rest, except those in use, protected or with a tag outside the rule', () => {
    const names = ['pr-5', 'pr-4', 'pr-3', 'pr-2', 'pr-1', 'pr-0', 'release'];
    const images = repositoryImages([
      image('pr-5', { tags: ['pr-5'], ageDays: 1 }),
      image('pr-4', { tags: ['pr-4'], ageDays: 2 }),
      image('pr-3', { tags: ['pr-3'], ageDays: 3 }),
      image('pr-2', { tags: ['pr-2', 'latest'], ageDays: 4 }),
      image('pr-1', { tags: ['pr-1'], ageDays: 5 }),
      image('pr-0', { tags: ['pr-0'], ageDays: 6 }),
      image('release', { tags: ['pr-9', 'v1.0'], ageDays: 7 }),
    ]);

    const plan = planRepositoryCleanup(images, options({ retention: prRule(), inUse: new Map([[digestOf('pr-1'), ['arn:aws:ecs:us-east-1:1:service/c/api']]]) }));

    expect(decisionsOf(plan, names)).toEqual({
      'pr-5': 'keep keep-last',
      'pr-4': 'keep keep-last',
      'pr-3': 'delete expired',
      'pr-2': 'keep protected-tag',
      'pr-1': 'keep in-use',
      'pr-0': 'delete expired',
      release: 'keep tagged',
    });
    expect(plan.keep.find((k) => k.image.digest === digestOf('pr-1'))).toMatchObject({ users: ['arn:aws:ecs:us-east-1:1:service/c/api'] });
    expect(plan.delete.find((d) => d.image.digest === digestOf('pr-3'))).toMatchObject({ rule: 0 });
  });

  it('keeps what is younger than olderThanDays or pulled within notPulledForDays', () => {
    const images = repositoryImages([image('new', { tags: ['pr-1'], ageDays: 3 }), image('pulled', { tags: ['pr-2'], ageDays: 90, pulledDaysAgo: 5 }), image('old', { tags: ['pr-3'], ageDays: 90 })]);
    const plan = planRepositoryCleanup(images, options({ retention: prRule({ keepLast: 0, olderThanDays: 30, notPulledForDays: 10 }) }));
    expect(decisionsOf(plan, ['new', 'pulled', 'old'])).toEqual({ new: 'keep rule-young', pulled: 'keep rule-recently-pulled', old: 'delete expired' });
  });

  it('never deletes an untagged image in use, and an index in use keeps its children', () => {
    const images = repositoryImages([image('index', { index: true }), image('child'), image('loose')], { index: ['child'] });
    const plan = planRepositoryCleanup(images, options({ inUse: new Map([[digestOf('index'), ['arn:task/1']]]) }));
    expect(decisionsOf(plan, ['index', 'child', 'loose'])).toEqual({ index: 'keep in-use', child: 'keep child-of-index', loose: 'delete untagged' });
  });

  it('takes an expired index\'s untagged children and signature along, parents first', () => {
    const images = repositoryImages([image('index', { tags: ['pr-1'], index: true }), image('child'), image('sig', { subject: 'index' })], { index: ['child'] });
    const plan = planRepositoryCleanup(images, options({ retention: prRule({ keepLast: 0 }) }));
    expect(namesOf(plan.delete.map((d) => d.image.digest), ['index', 'child', 'sig'])[0]).toBe('index');
    expect(decisionsOf(plan, ['index', 'child', 'sig'])).toEqual({ index: 'delete expired', child: 'delete child-of-deleted-index', sig: 'delete referrer-of-deleted-subject' });
  });

  it('keeps an expired image that a kept index lists', () => {
    const images = repositoryImages([image('index', { tags: ['v1'], index: true }), image('child', { tags: ['pr-1'] })], { index: ['child'] });
    const plan = planRepositoryCleanup(images, options({ retention: prRule({ keepLast: 0 }) }));
    expect(decisionsOf(plan, ['child'])).toEqual({ child: 'keep child-of-index' });
  });

  it('archives with action archive and keeps what the archived index refers to', () => {
    const images = repositoryImages([image('index', { tags: ['pr-1'], index: true }), image('child'), image('sig', { subject: 'index' })], { index: ['child'] });
    const plan = planRepositoryCleanup(images, options({ retention: prRule({ keepLast: 0, action: 'archive' }) }));
    expect(plan.archive.map((a) => [namesOf([a.image.digest], ['index'])[0], a.rule])).toEqual([['index', 0]]);
    expect(plan.delete).toEqual([]);
    expect(plan.keep.find((k) => k.image.digest === digestOf('child'))).toMatchObject({ reason: 'child-of-index', keptBy: digestOf('index') });
    expect(plan.archiving.count).toBe(1);
  });

  it('deletes and archives nothing when an in-use source failed, and says so', () => {
    const images = repositoryImages([image('garbage'), image('old', { tags: ['pr-1'] })]);
    const plan = planRepositoryCleanup(images, options({ retention: prRule({ keepLast: 0 }), inUseFailures: ['ecs'] }));
    expect(plan.delete).toEqual([]);
    expect(plan.archive).toEqual([]);
    expect(plan.keep.map((k) => k.reason)).toEqual(['in-use-unknown', 'in-use-unknown']);
    expect(plan.inUseFailures).toEqual(['ecs']);
  });

  it('keeps an expired image it could not identify', () => {
    const images = { ...repositoryImages([image('old', { tags: ['pr-1'] })]), unidentified: [{ digest: digestOf('old'), code: 'KmsError', message: 'x' }] };
    const plan = planRepositoryCleanup(images, options({ retention: prRule({ keepLast: 0 }) }));
    expect(decisionsOf(plan, ['old'])).toEqual({ old: 'keep unidentified' });
  });

  it('draws deletions and archives from one cap', () => {
    const images = repositoryImages([image('a', { tags: ['pr-1'], ageDays: 9 }), image('b', { tags: ['pr-2'], ageDays: 8 }), image('c', { tags: ['sha-1'], ageDays: 7 })]);
    const section = retention({ rules: [{ tags: ['pr-*'], olderThanDays: 0 }, { tags: ['sha-*'], olderThanDays: 0, action: 'archive' }] });
    const plan = planRepositoryCleanup(images, options({ retention: section, cap: 2 }));
    expect(plan.delete.length + plan.archive.length).toBe(2);
    expect(decisionsOf(plan, ['c'])).toEqual({ c: 'keep cap-reached' });
  });

  it('applies a rule only to the repositories it names', () => {
    const images = repositoryImages([image('old', { tags: ['pr-1'] })], {}, 'team-b/web');
    const plan = planRepositoryCleanup(images, options({ retention: retention({ rules: [{ repositories: ['team-a/**'], tags: ['pr-*'], olderThanDays: 0 }] }) }));
    expect(decisionsOf(plan, ['old'])).toEqual({ old: 'keep tagged' });
  });
});

describe('apply re-checks an expired image', () => {
  const ecrMock = mockClient(ECRClient);
  const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  beforeEach(() => ecrMock.reset());

  it('drops an expired image that gained a tag or was pulled since the plan', async () => {
    const images = repositoryImages([image('retagged', { tags: ['pr-1'] }), image('pulled', { tags: ['pr-2'] })]);
    const plan = planRepositoryCleanup(images, options({ retention: prRule({ keepLast: 0 }) }));
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [image('retagged', { tags: ['pr-1', 'v2'] }), image('pulled', { tags: ['pr-2'], pulledDaysAgo: 0 })] });

    const applied = await applyCleanupPlan({ ecr, now: () => NOW }, plan, { rules });

    expect(applied.dropped).toHaveLength(2);
    expect(applied.dropped).toEqual(
      expect.arrayContaining([
        { digest: digestOf('retagged'), reason: 'tagged' },
        { digest: digestOf('pulled'), reason: 'recently-pulled' },
      ]),
    );
    expect(applied.deleted.count).toBe(0);
  });
});
