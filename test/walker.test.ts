import {
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ListTagsForResourceCommand,
  type ImageDetail,
  type Repository,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CursorError } from '../lib/errors';
import { describeImagesByDigest, mapRepositories, walkImages, walkRepositories } from '../lib/walker';

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

function repo(name: string): Repository {
  return { repositoryName: name, repositoryArn: `arn:aws:ecr:us-east-1:123456789012:repository/${name}`, registryId: '123456789012' };
}

/** Serves `names` as DescribeRepositories pages of `pageSize`, with opaque tokens, as ECR does. */
function serveRepositories(names: string[], pageSize: number): void {
  ecrMock.on(DescribeRepositoriesCommand).callsFake((input: { nextToken?: string; repositoryNames?: string[] }) => {
    if (input.repositoryNames) {
      const missing = input.repositoryNames.filter((n) => !names.includes(n));
      if (missing.length) {
        throw Object.assign(new Error(`The repository with name '${missing[0]}' does not exist`), { name: 'RepositoryNotFoundException' });
      }
      return { repositories: input.repositoryNames.map(repo) };
    }
    const start = input.nextToken ? Number(Buffer.from(input.nextToken, 'base64').toString()) : 0;
    const end = start + pageSize;
    return {
      repositories: names.slice(start, end).map(repo),
      ...(end < names.length ? { nextToken: Buffer.from(String(end)).toString('base64') } : {}),
    };
  });
}

async function names(iterable: AsyncIterable<{ name: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const r of iterable) out.push(r.name);
  return out;
}

const many = (n: number, prefix = 'team/app') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

beforeEach(() => ecrMock.reset());

describe('walkRepositories', () => {
  it('follows nextToken through every page and asks for the largest page size', async () => {
    serveRepositories(many(2500), 1000);
    const walk = walkRepositories(ecr);
    expect(await names(walk)).toEqual(many(2500));
    const calls = ecrMock.commandCalls(DescribeRepositoriesCommand);
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.args[0].input.maxResults)).toEqual([1000, 1000, 1000]);
    expect(walk.outcome).toMatchObject({ complete: true, listed: 2500, yielded: 2500 });
  });

  it('applies include and exclude globs, with ** crossing path segments', async () => {
    serveRepositories(['team-a/api', 'team-a/tmp-1', 'team-a/deep/svc', 'team-b/web', 'other'], 1000);
    const walk = walkRepositories(ecr, { include: ['team-a/**'], exclude: ['team-a/tmp-*'] });
    expect(await names(walk)).toEqual(['team-a/api', 'team-a/deep/svc']);
    expect(walk.outcome.excluded).toBe(3);
  });

  it('leaves out repositories tagged with the skip tag, one tag lookup per included repository', async () => {
    serveRepositories(['a/one', 'a/two', 'b/three'], 1000);
    ecrMock.on(ListTagsForResourceCommand).callsFake(({ resourceArn }: { resourceArn: string }) => ({
      tags: resourceArn.endsWith('/a/two') ? [{ Key: 'ecr-keeper:skip', Value: 'TRUE' }, { Key: 'team', Value: 'a' }] : [{ Key: 'team', Value: 'x' }],
    }));
    const walk = walkRepositories(ecr, { include: ['a/**'], skipTag: 'ecr-keeper:skip' });
    expect(await names(walk)).toEqual(['a/one']);
    expect(walk.outcome.skipped).toEqual(['a/two']);
    expect(ecrMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(2);
  });

  it('does not treat a skip tag with another value as an opt-out', async () => {
    serveRepositories(['a/one'], 1000);
    ecrMock.on(ListTagsForResourceCommand).resolves({ tags: [{ Key: 'ecr-keeper:skip', Value: 'false' }] });
    expect(await names(walkRepositories(ecr, { skipTag: 'ecr-keeper:skip' }))).toEqual(['a/one']);
  });

  it('in lazy mode looks up tags only when asked, and at most once per repository', async () => {
    serveRepositories(['a/one', 'a/two', 'a/three'], 1000);
    ecrMock.on(ListTagsForResourceCommand).resolves({ tags: [{ Key: 'ecr-keeper:skip', Value: 'true' }] });
    const seen: boolean[] = [];
    for await (const r of walkRepositories(ecr, { skipTag: 'ecr-keeper:skip', skipLookup: 'lazy' })) {
      if (r.name === 'a/two') {
        seen.push(await r.isSkipped(), await r.isSkipped());
      }
    }
    expect(seen).toEqual([true, true]);
    expect(ecrMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
  });

  it('stops at the deadline with a cursor that resumes exactly where it stopped', async () => {
    const all = many(2300);
    serveRepositories(all, 1000);
    let clock = 0;
    const deadline = { at: 1500, now: () => clock };
    const first: string[] = [];
    const walk = walkRepositories(ecr, { deadline });
    for await (const r of walk) {
      first.push(r.name);
      clock++;
    }
    expect(walk.outcome.complete).toBe(false);
    expect(first).toHaveLength(1500);
    const rest = walkRepositories(ecr, { cursor: walk.outcome.cursor! });
    const second = await names(rest);
    expect(rest.outcome.complete).toBe(true);
    expect([...first, ...second]).toEqual(all);
  });

  it('resumes a cursor taken on a page boundary without repeating the page', async () => {
    serveRepositories(many(2000), 1000);
    let clock = 0;
    const walk = walkRepositories(ecr, { deadline: { at: 1000, now: () => clock } });
    for await (const _ of walk) clock++;
    ecrMock.resetHistory();
    const second = await names(walkRepositories(ecr, { cursor: walk.outcome.cursor! }));
    expect(second).toEqual(many(2000).slice(1000));
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(1);
  });

  it('rejects a cursor it did not produce, or one from another registry', () => {
    expect(() => walkRepositories(ecr, { cursor: 'not-a-cursor' })).toThrow(CursorError);
    const foreign = Buffer.from(JSON.stringify({ v: 1, k: 'l', o: 0, r: '111111111111' })).toString('base64url');
    expect(() => walkRepositories(ecr, { cursor: foreign, registryId: '222222222222' })).toThrow(/registry/);
  });

  it('looks up named repositories and reports the ones that do not exist', async () => {
    serveRepositories(['a/one', 'a/two'], 1000);
    const walk = walkRepositories(ecr, { names: ['a/one', 'gone/repo', 'a/two'] });
    expect(await names(walk)).toEqual(['a/one', 'a/two']);
    expect(walk.outcome.missing).toEqual(['gone/repo']);
  });

  it('needs one call to learn that a single named repository does not exist', async () => {
    serveRepositories(['a/one'], 1000);
    const walk = walkRepositories(ecr, { names: ['gone/repo'] });
    expect(await names(walk)).toEqual([]);
    expect(walk.outcome.missing).toEqual(['gone/repo']);
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(1);
  });

  it('does not look up a named repository the filters leave out', async () => {
    serveRepositories(['a/one', 'sandbox/tmp'], 1000);
    const walk = walkRepositories(ecr, { names: ['sandbox/tmp', 'a/one'], exclude: ['sandbox/**'] });
    expect(await names(walk)).toEqual(['a/one']);
    expect(walk.outcome.excluded).toBe(1);
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand).map((c) => c.args[0].input.repositoryNames)).toEqual([['a/one']]);
  });

  it('makes no call when the filters leave out every named repository', async () => {
    serveRepositories(['sandbox/tmp'], 1000);
    const walk = walkRepositories(ecr, { names: ['sandbox/tmp'], exclude: ['sandbox/**'] });
    expect(await names(walk)).toEqual([]);
    expect(walk.outcome).toMatchObject({ complete: true, excluded: 1 });
    expect(ecrMock.calls()).toHaveLength(0);
  });
});

describe('mapRepositories', () => {
  it('keeps at most `concurrency` repositories in flight', async () => {
    serveRepositories(many(40), 1000);
    let inFlight = 0;
    let peak = 0;
    const run = await mapRepositories(ecr, { concurrency: 4 }, async (r) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((res) => setTimeout(res, 2));
      inFlight--;
      return r.name.length;
    });
    expect(peak).toBe(4);
    expect(run.results.map((r) => r.repositoryName)).toEqual(many(40));
  });

  it('records a failing repository and goes on with the others', async () => {
    serveRepositories(['a/one', 'a/two', 'a/three'], 1000);
    const run = await mapRepositories(ecr, { concurrency: 2 }, async (r) => {
      if (r.name === 'a/two') throw Object.assign(new Error('gone'), { name: 'RepositoryNotFoundException' });
      return r.name;
    });
    expect(run.results.map((r) => r.value)).toEqual(['a/one', 'a/three']);
    expect(run.failures).toEqual([{ repositoryName: 'a/two', error: { code: 'RepositoryNotFoundException', message: 'gone' } }]);
  });

  it('at the deadline finishes what is in flight and hands back a cursor to the rest', async () => {
    const all = many(30);
    serveRepositories(all, 1000);
    let clock = 0;
    const done: string[] = [];
    const run = await mapRepositories(ecr, { concurrency: 3, deadline: { at: 10, now: () => clock } }, async (r) => {
      clock++;
      await new Promise((res) => setTimeout(res, 1));
      done.push(r.name);
    });
    expect(run.complete).toBe(false);
    const rest = await mapRepositories(ecr, { cursor: run.cursor! }, async (r) => r.name);
    const resumed = rest.results.map((r) => r.repositoryName);
    expect(new Set([...done, ...resumed])).toEqual(new Set(all));
    expect(done.length + resumed.length).toBe(all.length);
  });
});

describe('walkImages', () => {
  function image(i: number, tagged: boolean): ImageDetail {
    return { imageDigest: `sha256:${String(i).padStart(64, '0')}`, ...(tagged ? { imageTags: [`v${i}`] } : {}), imageSizeInBytes: 10 };
  }

  it('pages through DescribeImages at 1000 a page', async () => {
    const images = Array.from({ length: 2100 }, (_, i) => image(i, true));
    ecrMock.on(DescribeImagesCommand).callsFake((input: { nextToken?: string }) => {
      const start = Number(input.nextToken ?? 0);
      return { imageDetails: images.slice(start, start + 1000), ...(start + 1000 < images.length ? { nextToken: String(start + 1000) } : {}) };
    });
    let count = 0;
    for await (const _ of walkImages(ecr, 'a/one')) count++;
    expect(count).toBe(2100);
    expect(ecrMock.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input.maxResults)).toEqual([1000, 1000, 1000]);
  });

  it('applies the tag-status filter itself when the server ignores it', async () => {
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [image(1, true), image(2, false), image(3, false)] });
    const untagged: string[] = [];
    for await (const i of walkImages(ecr, 'a/one', { tagStatus: 'UNTAGGED' })) untagged.push(i.imageDigest!);
    expect(untagged).toEqual([image(2, false).imageDigest, image(3, false).imageDigest]);
    expect(ecrMock.commandCalls(DescribeImagesCommand)[0]!.args[0].input.filter).toEqual({ tagStatus: 'UNTAGGED' });
  });

  it('leaves out archived images unless asked for them', async () => {
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [image(1, true), { ...image(2, true), imageStatus: 'ARCHIVED' }] });
    let active = 0;
    for await (const _ of walkImages(ecr, 'a/one')) active++;
    let any = 0;
    for await (const _ of walkImages(ecr, 'a/one', { imageStatus: 'ANY' })) any++;
    expect([active, any]).toEqual([1, 2]);
  });
});

describe('describeImagesByDigest', () => {
  it('asks for at most 100 ids a call', async () => {
    ecrMock.on(DescribeImagesCommand).callsFake((input: { imageIds: { imageDigest: string }[] }) => ({
      imageDetails: input.imageIds.map((id) => ({ imageDigest: id.imageDigest })),
    }));
    const digests = Array.from({ length: 250 }, (_, i) => `sha256:${String(i).padStart(64, '0')}`);
    const result = await describeImagesByDigest(ecr, 'a/one', digests);
    expect(result.found).toHaveLength(250);
    expect(ecrMock.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input.imageIds?.length)).toEqual([100, 100, 50]);
  });

  it('reports vanished images as missing when ECR fails the whole call for them', async () => {
    const present = `sha256:${'a'.repeat(64)}`;
    const gone = `sha256:${'b'.repeat(64)}`;
    ecrMock
      .on(DescribeImagesCommand, { imageIds: [{ imageDigest: present }, { imageDigest: gone }] })
      .rejects(Object.assign(new Error('image not found'), { name: 'ImageNotFoundException' }));
    ecrMock.on(DescribeImagesCommand, { filter: { imageStatus: 'ANY' } }).resolves({ imageDetails: [{ imageDigest: present, imageTags: ['v1'] }] });
    const result = await describeImagesByDigest(ecr, 'a/one', [present, gone]);
    expect(result.found.map((i) => i.imageDigest)).toEqual([present]);
    expect(result.missing).toEqual([gone]);
  });
});
