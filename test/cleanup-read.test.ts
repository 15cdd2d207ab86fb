import { BatchGetImageCommand, DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { manifestChildren, readRepositoryImages } from '../lib/cleanup/read';
import { digestOf, image } from './support/cleanup-images';
import { serveRegistry } from './support/ecr-mock-registry';

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

beforeEach(() => ecrMock.reset());

describe('readRepositoryImages', () => {
  it('lists archived images too and reads every index in BatchGetImage calls of 100, accepting every manifest type', async () => {
    const indexes = Array.from({ length: 150 }, (_, i) => `index-${i}`);
    serveRegistry(ecrMock, {
      'team/app': {
        images: [...indexes.map((n) => image(n, { index: true })), image('child'), image('plain'), image('archived-index', { index: true, status: 'ARCHIVED' })],
        children: { [digestOf('index-0')]: [digestOf('child')], [digestOf('archived-index')]: [digestOf('plain')] },
      },
    });

    const read = await readRepositoryImages(ecr, { name: 'team/app' });

    expect(ecrMock.commandCalls(DescribeImagesCommand)[0]!.args[0].input.filter).toEqual({ imageStatus: 'ANY' });
    const gets = ecrMock.commandCalls(BatchGetImageCommand).map((c) => c.args[0].input);
    expect(gets.map((g) => g.imageIds?.length)).toEqual([100, 51]);
    expect(gets[0]!.acceptedMediaTypes).toEqual(expect.arrayContaining(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']));
    expect(read.children.get(digestOf('index-0'))).toEqual([digestOf('child')]);
    expect(read.children.get(digestOf('archived-index'))).toEqual([digestOf('plain')]);
    expect(read.images).toHaveLength(153);
    expect(read.unreadable).toEqual([]);
  });

  it('reports an index it cannot read, and forgets one that vanished since the listing', async () => {
    serveRegistry(ecrMock, { 'team/app': { images: [image('locked', { index: true }), image('vanished', { index: true })] } });
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [],
      failures: [
        { imageId: { imageDigest: digestOf('locked') }, failureCode: 'KmsError', failureReason: 'key disabled' },
        { imageId: { imageDigest: digestOf('vanished') }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
      ],
    });

    const read = await readRepositoryImages(ecr, { name: 'team/app' });

    expect(read.unreadable).toEqual([{ digest: digestOf('locked'), code: 'KmsError', message: 'key disabled' }]);
    expect(read.children.size).toBe(0);
  });

  it('treats an archived index that BatchGetImage does not find as unreadable, since it may be restored', async () => {
    serveRegistry(ecrMock, { 'team/app': { images: [image('cold', { index: true, status: 'ARCHIVED' })] } });
    ecrMock.on(BatchGetImageCommand).resolves({ images: [], failures: [{ imageId: { imageDigest: digestOf('cold') }, failureCode: 'ImageNotFound' }] });
    const read = await readRepositoryImages(ecr, { name: 'team/app' });
    expect(read.unreadable.map((u) => u.digest)).toEqual([digestOf('cold')]);
  });

  it('reads an image whose media type is not reported, in case it is an index', async () => {
    const { imageManifestMediaType: _unknown, ...unknown } = image('unknown');
    serveRegistry(ecrMock, { 'team/app': { images: [unknown, image('plain')] } });
    await readRepositoryImages(ecr, { name: 'team/app' });
    expect(ecrMock.commandCalls(BatchGetImageCommand).map((c) => c.args[0].input.imageIds)).toEqual([[{ imageDigest: digestOf('unknown') }]]);
  });
});

describe('manifestChildren', () => {
  it('lists the digests of an index, none for a single manifest, and refuses what it cannot read', () => {
    const index = JSON.stringify({ mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ digest: 'sha256:a' }, { digest: 'sha256:b' }] });
    expect(manifestChildren(index, undefined)).toEqual(['sha256:a', 'sha256:b']);
    expect(manifestChildren(JSON.stringify({ mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] }), undefined)).toEqual([]);
    expect(manifestChildren('{not json', 'application/vnd.oci.image.index.v1+json')).toMatchObject({ invalid: expect.stringContaining('not JSON') });
    expect(manifestChildren('{}', 'application/vnd.docker.distribution.manifest.list.v2+json')).toEqual({ invalid: 'index manifest has no "manifests" list' });
  });
});
