import { BatchDeleteImageCommand, DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyCleanupPlan } from '../lib/cleanup/apply';
import { planRepositoryCleanup } from '../lib/cleanup/plan';
import type { RepositoryCleanupPlan } from '../lib/cleanup/types';
import { NOW, digestOf, image, repositoryImages } from './support/cleanup-images';
import { serveRegistry, type MockRepository } from './support/ecr-mock-registry';

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const rules = { untaggedOlderThanDays: 7, keepPulledWithinDays: null };
const deps = { ecr, now: () => NOW };

beforeEach(() => ecrMock.reset());

/** Plans `repository` as it is now (its images are copied, so later changes are what the re-check sees). */
function planOf(repository: MockRepository, name = 'team/app'): RepositoryCleanupPlan {
  return planRepositoryCleanup(repositoryImages([...repository.images], repository.children ?? {}, name), {
    rules,
    now: NOW,
    cap: Number.POSITIVE_INFINITY,
  });
}

function deleteBatches(): string[][] {
  return ecrMock.commandCalls(BatchDeleteImageCommand).map((c) => (c.args[0].input.imageIds ?? []).map((id) => id.imageDigest ?? ''));
}

const remaining = (repository: MockRepository) => repository.images.map((i) => i.imageDigest);

describe('applyCleanupPlan', () => {
  it('deletes the planned images and reports their count and bytes', async () => {
    const repository = { images: [image('a', { size: 100 }), image('b', { size: 50 }), image('v1', { tags: ['v1'] })] };
    serveRegistry(ecrMock, { 'team/app': repository });
    const applied = await applyCleanupPlan(deps, planOf(repository), { rules });
    expect(applied).toMatchObject({ deleted: { count: 2, bytes: 150 }, failures: [], complete: true });
    expect(remaining(repository)).toEqual([digestOf('v1')]);
  });

  it('re-checks just before deleting and drops an image that gained a tag since the plan', async () => {
    const repository = { images: [image('a'), image('b')] };
    serveRegistry(ecrMock, { 'team/app': repository });
    const plan = planOf(repository);
    repository.images[0] = image('a', { tags: ['hotfix'] });

    const applied = await applyCleanupPlan(deps, plan, { rules });

    expect(applied.dropped).toEqual([{ digest: digestOf('a'), reason: 'tagged' }]);
    expect(deleteBatches()).toEqual([[digestOf('b')]]);
    expect(remaining(repository)).toEqual([digestOf('a')]);
  });

  it("keeps an index's children when the index gained a tag since the plan", async () => {
    const repository = { images: [image('index', { index: true }), image('amd64'), image('arm64'), image('other')], children: { [digestOf('index')]: [digestOf('amd64'), digestOf('arm64')] } };
    serveRegistry(ecrMock, { 'team/app': repository });
    const plan = planRepositoryCleanup(repositoryImages([...repository.images], { index: ['amd64', 'arm64'] }), { rules, now: NOW, cap: Infinity });
    repository.images[0] = image('index', { index: true, tags: ['v2'] });

    const applied = await applyCleanupPlan(deps, plan, { rules });

    expect(applied.dropped).toEqual([
      { digest: digestOf('index'), reason: 'tagged' },
      { digest: digestOf('amd64'), reason: 'parent-kept' },
      { digest: digestOf('arm64'), reason: 'parent-kept' },
    ]);
    expect(deleteBatches()).toEqual([[digestOf('other')]]);
  });

  it('counts an image gone before the re-check as already gone, although ECR fails the whole re-check call for it', async () => {
    const repository = { images: [image('a'), image('b')] };
    serveRegistry(ecrMock, { 'team/app': repository });
    const plan = planOf(repository);
    repository.images.splice(0, 1);

    const applied = await applyCleanupPlan(deps, plan, { rules });

    expect(applied).toMatchObject({ alreadyGone: 1, deleted: { count: 1 }, failures: [], complete: true });
    expect(deleteBatches()).toEqual([[digestOf('b')]]);
  });

  it('deletes in batches of at most 100 ids, parents before children across batches', async () => {
    const children = Array.from({ length: 150 }, (_, i) => `child-${i}`);
    const plain = Array.from({ length: 100 }, (_, i) => `plain-${i}`);
    const repository = {
      images: [...children.map((c) => image(c, { ageDays: 20 })), ...plain.map((p) => image(p, { ageDays: 10 })), image('index', { index: true, ageDays: 30 })],
      children: { [digestOf('index')]: children.map(digestOf) },
    };
    serveRegistry(ecrMock, { 'team/app': repository });
    const plan = planRepositoryCleanup(repositoryImages([...repository.images], { index: children }), { rules, now: NOW, cap: Infinity });

    const applied = await applyCleanupPlan(deps, plan, { rules });

    const batches = deleteBatches();
    expect(batches.map((b) => b.length)).toEqual([100, 100, 51]);
    expect(batches[0]![0]).toBe(digestOf('index'));
    expect(applied.deleted.count).toBe(251);
    expect(ecrMock.commandCalls(DescribeImagesCommand)).toHaveLength(3);
  });

  it('tolerates ImageNotFound in the answer as already gone', async () => {
    const repository = { images: [image('a'), image('b')] };
    serveRegistry(ecrMock, { 'team/app': repository }, { deleteFailures: { [digestOf('a')]: { failureCode: 'ImageNotFound', failureReason: 'Requested image not found' } } });
    const applied = await applyCleanupPlan(deps, planOf(repository), { rules });
    expect(applied).toMatchObject({ alreadyGone: 1, deleted: { count: 1 }, failures: [], referenced: [] });
  });

  it('reports an image ECR refuses because an index still lists it, as kept', async () => {
    const repository = { images: [image('a'), image('b')] };
    serveRegistry(ecrMock, { 'team/app': repository }, {
      deleteFailures: { [digestOf('a')]: { failureCode: 'ImageReferencedByManifestList', failureReason: 'referenced by sha256:...' } },
    });
    const applied = await applyCleanupPlan(deps, planOf(repository), { rules });
    expect(applied).toMatchObject({ referenced: [digestOf('a')], deleted: { count: 1 }, failures: [] });
  });

  it('reports any other failure and does not delete what the failed image refers to', async () => {
    const kids = Array.from({ length: 120 }, (_, i) => `kid-${i}`);
    const repository = { images: [image('index', { index: true }), ...kids.map((k) => image(k))], children: { [digestOf('index')]: kids.map(digestOf) } };
    serveRegistry(ecrMock, { 'team/app': repository }, { deleteFailures: { [digestOf('index')]: { failureCode: 'KmsError', failureReason: 'key disabled' } } });
    const plan = planRepositoryCleanup(repositoryImages([...repository.images], { index: kids }), { rules, now: NOW, cap: Infinity });

    const applied = await applyCleanupPlan(deps, plan, { rules });

    expect(applied.failures).toEqual([{ digest: digestOf('index'), code: 'KmsError', message: 'key disabled' }]);
    // The first batch held the index and 99 children (ECR itself refuses those while the index lists them);
    // the 21 children in later batches are not sent at all.
    expect(deleteBatches()).toHaveLength(1);
    expect(applied.dropped.filter((d) => d.reason === 'parent-not-deleted')).toHaveLength(21);
  });

  it('records a call that fails as a whole instead of throwing', async () => {
    const repository = { images: [image('a')] };
    serveRegistry(ecrMock, { 'team/app': repository });
    ecrMock.on(BatchDeleteImageCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const applied = await applyCleanupPlan(deps, planOf(repository), { rules });
    expect(applied).toMatchObject({ complete: false, notAttempted: 1, error: { code: 'ThrottlingException', message: 'Rate exceeded' } });
  });

  it('starts no batch once the deadline has passed', async () => {
    const repository = { images: [image('a')] };
    serveRegistry(ecrMock, { 'team/app': repository });
    const applied = await applyCleanupPlan(deps, planOf(repository), { rules, deadline: { at: 0, now: () => 1 } });
    expect(applied).toMatchObject({ complete: false, notAttempted: 1, deleted: { count: 0 } });
    expect(deleteBatches()).toEqual([]);
  });

  it('makes no call for an empty plan', async () => {
    const repository = { images: [image('v1', { tags: ['v1'] })] };
    serveRegistry(ecrMock, { 'team/app': repository });
    await applyCleanupPlan(deps, planOf(repository), { rules });
    expect(ecrMock.calls()).toHaveLength(0);
  });
});
