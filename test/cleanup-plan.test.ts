import { describe, expect, it } from 'vitest';
import { planRepositoryCleanup, type PlanOptions } from '../lib/cleanup/plan';
import type { RepositoryCleanupPlan } from '../lib/cleanup/types';
import { NOW, digestOf, image, repositoryImages } from './support/cleanup-images';

const rules = { untaggedOlderThanDays: 7, keepPulledWithinDays: null };
const options: PlanOptions = { rules, now: NOW, cap: Number.POSITIVE_INFINITY };

function deleted(plan: RepositoryCleanupPlan): string[] {
  return plan.delete.map((d) => d.image.digest);
}

function keptFor(plan: RepositoryCleanupPlan, name: string) {
  return plan.keep.find((k) => k.image.digest === digestOf(name));
}

function deleteOf(plan: RepositoryCleanupPlan, name: string) {
  return plan.delete.find((d) => d.image.digest === digestOf(name));
}

describe('planRepositoryCleanup keep rules', () => {
  it('deletes an old untagged image and keeps a tagged one however old', () => {
    const plan = planRepositoryCleanup(repositoryImages([image('old'), image('release', { tags: ['v1'], ageDays: 900 })]), options);
    expect(deleted(plan)).toEqual([digestOf('old')]);
    expect(deleteOf(plan, 'old')).toMatchObject({ reason: 'untagged', after: [] });
    expect(keptFor(plan, 'release')).toMatchObject({ reason: 'tagged' });
  });

  it('keeps an untagged image younger than untaggedOlderThanDays', () => {
    const plan = planRepositoryCleanup(repositoryImages([image('fresh', { ageDays: 6.9 }), image('stale', { ageDays: 7 })]), options);
    expect(keptFor(plan, 'fresh')).toMatchObject({ reason: 'young' });
    expect(deleted(plan)).toEqual([digestOf('stale')]);
  });

  it('keeps an image whose push time is unknown, as if it were young', () => {
    const { imagePushedAt: _unknown, ...undated } = image('undated');
    const plan = planRepositoryCleanup(repositoryImages([undated]), options);
    expect(keptFor(plan, 'undated')).toMatchObject({ reason: 'young' });
  });

  it('keeps an image pulled within keepPulledWithinDays, and ignores pulls when that is null', () => {
    const images = repositoryImages([image('pulled', { pulledDaysAgo: 2 }), image('pulled-long-ago', { pulledDaysAgo: 20 })]);
    const withPulls = planRepositoryCleanup(images, { ...options, rules: { ...rules, keepPulledWithinDays: 14 } });
    expect(keptFor(withPulls, 'pulled')).toMatchObject({ reason: 'recently-pulled' });
    expect(deleted(withPulls)).toEqual([digestOf('pulled-long-ago')]);
    expect(deleted(planRepositoryCleanup(images, options))).toHaveLength(2);
  });

  it('keeps the untagged children of a tagged multi-arch index', () => {
    const images = repositoryImages([image('amd64'), image('arm64'), image('index', { tags: ['v1'], index: true })], { index: ['amd64', 'arm64'] });
    const plan = planRepositoryCleanup(images, options);
    expect(plan.delete).toEqual([]);
    expect(keptFor(plan, 'amd64')).toMatchObject({ reason: 'child-of-index', keptBy: digestOf('index') });
    expect(keptFor(plan, 'arm64')).toMatchObject({ reason: 'child-of-index', keptBy: digestOf('index') });
  });

  it('keeps the grandchildren of a tagged index of indexes', () => {
    const images = repositoryImages(
      [image('leaf'), image('inner', { index: true }), image('outer', { tags: ['v1'], index: true })],
      { outer: ['inner'], inner: ['leaf'] },
    );
    const plan = planRepositoryCleanup(images, options);
    expect(plan.delete).toEqual([]);
    expect(keptFor(plan, 'inner')).toMatchObject({ reason: 'child-of-index', keptBy: digestOf('outer') });
    expect(keptFor(plan, 'leaf')).toMatchObject({ reason: 'child-of-index', keptBy: digestOf('inner') });
  });

  it('keeps the old children of a young untagged index', () => {
    const images = repositoryImages([image('child', { ageDays: 90 }), image('index', { index: true, ageDays: 1 })], { index: ['child'] });
    const plan = planRepositoryCleanup(images, options);
    expect(plan.delete).toEqual([]);
    expect(keptFor(plan, 'child')).toMatchObject({ reason: 'child-of-index' });
  });

  it('deletes an unreferenced untagged index before its children', () => {
    const images = repositoryImages([image('amd64'), image('arm64'), image('index', { index: true })], { index: ['amd64', 'arm64'] });
    const plan = planRepositoryCleanup(images, options);
    expect(deleted(plan)).toEqual([digestOf('index'), digestOf('amd64'), digestOf('arm64')]);
    expect(deleteOf(plan, 'index')).toMatchObject({ reason: 'unreferenced-index', after: [] });
    expect(deleteOf(plan, 'amd64')).toMatchObject({ reason: 'child-of-deleted-index', after: [digestOf('index')], group: digestOf('index') });
  });

  it('keeps a child that a kept index lists even when a garbage index lists it too', () => {
    const images = repositoryImages(
      [image('shared'), image('own'), image('old-index', { index: true }), image('release', { tags: ['v2'], index: true })],
      { 'old-index': ['shared', 'own'], release: ['shared'] },
    );
    const plan = planRepositoryCleanup(images, options);
    expect(deleted(plan)).toEqual([digestOf('old-index'), digestOf('own')]);
    expect(keptFor(plan, 'shared')).toMatchObject({ reason: 'child-of-index', keptBy: digestOf('release') });
  });

  it('keeps a signature whose subject is kept, and a signature of a kept index child', () => {
    const images = repositoryImages(
      [
        image('amd64'),
        image('index', { tags: ['v1'], index: true }),
        image('index-sig', { subject: 'index' }),
        image('amd64-sbom', { subject: 'amd64' }),
        image('sbom-sig', { subject: 'amd64-sbom' }),
      ],
      { index: ['amd64'] },
    );
    const plan = planRepositoryCleanup(images, options);
    expect(plan.delete).toEqual([]);
    expect(keptFor(plan, 'index-sig')).toMatchObject({ reason: 'referrer-of-present-subject', keptBy: digestOf('index') });
    expect(keptFor(plan, 'amd64-sbom')).toMatchObject({ reason: 'referrer-of-present-subject', keptBy: digestOf('amd64') });
    expect(keptFor(plan, 'sbom-sig')).toMatchObject({ reason: 'referrer-of-present-subject', keptBy: digestOf('amd64-sbom') });
  });

  it('deletes an artifact whose subject is gone', () => {
    const plan = planRepositoryCleanup(repositoryImages([image('orphan-sig', { subject: 'deleted-long-ago' })]), options);
    expect(plan.delete).toMatchObject([{ reason: 'orphaned-artifact', image: { digest: digestOf('orphan-sig'), subject: digestOf('deleted-long-ago') } }]);
  });

  it('deletes the signature of a garbage image after the image', () => {
    const plan = planRepositoryCleanup(repositoryImages([image('sig', { subject: 'build' }), image('build')]), options);
    expect(deleted(plan)).toEqual([digestOf('build'), digestOf('sig')]);
    expect(deleteOf(plan, 'sig')).toMatchObject({ reason: 'referrer-of-deleted-subject', after: [digestOf('build')] });
  });

  it('keeps a young signature of a garbage image, and so its subject goes alone', () => {
    const plan = planRepositoryCleanup(repositoryImages([image('build'), image('sig', { subject: 'build', ageDays: 1 })]), options);
    expect(deleted(plan)).toEqual([digestOf('build')]);
    expect(keptFor(plan, 'sig')).toMatchObject({ reason: 'young' });
  });

  it('never deletes an archived image, and keeps what an archived index lists', () => {
    const images = repositoryImages([image('child'), image('archived-index', { index: true, status: 'ARCHIVED' }), image('archived', { status: 'ARCHIVED' })], {
      'archived-index': ['child'],
    });
    const plan = planRepositoryCleanup(images, options);
    expect(plan.delete).toEqual([]);
    expect(keptFor(plan, 'archived')).toMatchObject({ reason: 'not-active' });
    expect(keptFor(plan, 'child')).toMatchObject({ reason: 'child-of-index', keptBy: digestOf('archived-index') });
  });

  it('reports a tagged cosign signature whose image is gone as orphaned, and keeps it', () => {
    const subject = digestOf('gone').slice('sha256:'.length);
    const present = digestOf('here').slice('sha256:'.length);
    const plan = planRepositoryCleanup(
      repositoryImages([image('here', { tags: ['v1'] }), image('old-sig', { tags: [`sha256-${subject}.sig`] }), image('live-sig', { tags: [`sha256-${present}.sig`] })]),
      options,
    );
    expect(plan.delete).toEqual([]);
    expect(plan.orphanedSignatureTags).toEqual([{ tag: `sha256-${subject}.sig`, digest: digestOf('old-sig'), subject: digestOf('gone') }]);
    expect(keptFor(plan, 'old-sig')).toMatchObject({ reason: 'tagged' });
  });
});

describe('planRepositoryCleanup guards of the run', () => {
  it('deletes nothing in a skipped repository and says why', () => {
    const plan = planRepositoryCleanup(repositoryImages([image('old')]), { ...options, skipped: true });
    expect(plan.delete).toEqual([]);
    expect(keptFor(plan, 'old')).toMatchObject({ reason: 'skipped' });
  });

  it('deletes nothing when an index could not be read, since its children are unknown', () => {
    const images = { ...repositoryImages([image('old'), image('index', { index: true })]), unreadable: [{ digest: digestOf('index'), code: 'KmsError', message: 'no key' }] };
    const plan = planRepositoryCleanup(images, options);
    expect(plan.delete).toEqual([]);
    expect(keptFor(plan, 'old')).toMatchObject({ reason: 'unreadable-index' });
    expect(plan.unreadableIndexes).toHaveLength(1);
  });

  it('takes whole groups, oldest first, within the cap and keeps the rest as cap-reached', () => {
    const images = repositoryImages(
      [image('a', { ageDays: 50 }), image('b', { ageDays: 40 }), image('index', { index: true, ageDays: 30 }), image('c', { ageDays: 20 })],
      { index: ['b'] },
    );
    // Groups by age: a (1), index+b (2, as old as b), c (1). A cap of 2 takes a, cannot take index+b whole, takes c.
    const plan = planRepositoryCleanup(images, { ...options, cap: 2 });
    expect(deleted(plan)).toEqual([digestOf('a'), digestOf('c')]);
    expect(keptFor(plan, 'index')).toMatchObject({ reason: 'cap-reached' });
    expect(keptFor(plan, 'b')).toMatchObject({ reason: 'cap-reached' });
  });

  it('deletes nothing with a cap of zero', () => {
    const plan = planRepositoryCleanup(repositoryImages([image('old')]), { ...options, cap: 0 });
    expect(plan.delete).toEqual([]);
    expect(keptFor(plan, 'old')).toMatchObject({ reason: 'cap-reached' });
  });

  it('adds up the images and bytes it reclaims', () => {
    const plan = planRepositoryCleanup(repositoryImages([image('a', { size: 300 }), image('b', { size: 200 }), image('index', { index: true })], { index: ['a', 'b'] }), options);
    expect(plan.reclaim).toEqual({ count: 3, bytes: 500 });
  });

  it('gives one decision per image, deleted or kept', () => {
    const images = repositoryImages([image('a'), image('a'), image('t', { tags: ['x'] }), image('y', { ageDays: 0 })]);
    const plan = planRepositoryCleanup(images, options);
    expect(plan.delete.length + plan.keep.length).toBe(3);
  });
});
