import { BatchGetImageCommand, DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { identifyManifest } from '../lib/cleanup/identify';
import { planRepositoryCleanup } from '../lib/cleanup/plan';
import { readRepositoryImages } from '../lib/cleanup/read';
import { NOW, OCI_INDEX, OCI_MANIFEST, digestOf, image } from './support/cleanup-images';

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const rules = { untaggedOlderThanDays: 0, keepPulledWithinDays: null };

beforeEach(() => ecrMock.reset());

const signatureOf = (subject: string) =>
  JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', subject: { digest: digestOf(subject) } });
const plainManifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json' }, layers: [] });

/** Serves a listing and, for BatchGetImage, the manifests by name (missing names fail with `failure`). */
function serve(images: ReturnType<typeof image>[], manifests: Record<string, string>, failure = { failureCode: 'KmsError', failureReason: 'key disabled' }) {
  ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: images });
  const byDigest = new Map(Object.entries(manifests).map(([name, text]) => [digestOf(name), text]));
  ecrMock.on(BatchGetImageCommand).callsFake((input: { imageIds: { imageDigest: string }[] }) => ({
    images: input.imageIds
      .filter((id) => byDigest.has(id.imageDigest))
      .map((id) => ({ imageId: id, imageManifest: byDigest.get(id.imageDigest), imageManifestMediaType: JSON.parse(byDigest.get(id.imageDigest)!).mediaType })),
    failures: input.imageIds.filter((id) => !byDigest.has(id.imageDigest)).map((id) => ({ imageId: id, ...failure })),
  }));
}

describe('identify before deleting', () => {
  it('reads the manifest of an untagged image that lacks artifactMediaType and keeps a signature of a kept index', async () => {
    serve(
      [image('index', { tags: ['v1'], index: true }), image('sig', { unidentified: true }), image('plain', { unidentified: true })],
      { index: JSON.stringify({ mediaType: OCI_INDEX, manifests: [] }), sig: signatureOf('index'), plain: plainManifest },
    );

    const read = await readRepositoryImages(ecr, { name: 'team/app' });
    const plan = planRepositoryCleanup(read, { rules, now: NOW, cap: Number.POSITIVE_INFINITY });

    expect(ecrMock.commandCalls(BatchGetImageCommand).map((c) => c.args[0].input.imageIds?.length)).toEqual([3]);
    expect(read.images.find((i) => i.imageDigest === digestOf('sig'))?.subjectManifestDigest).toBe(digestOf('index'));
    expect(plan.keep.find((k) => k.image.digest === digestOf('sig'))).toMatchObject({ reason: 'referrer-of-present-subject', keptBy: digestOf('index') });
    expect(plan.delete.map((d) => d.image.digest)).toEqual([digestOf('plain')]);
  });

  it('makes no extra call when ECR reports artifactMediaType (real ECR): only indexes are read', async () => {
    serve([image('index', { index: true }), image('sig', { subject: 'index' }), image('plain')], { index: JSON.stringify({ mediaType: OCI_INDEX, manifests: [] }) });
    await readRepositoryImages(ecr, { name: 'team/app' });
    expect(ecrMock.commandCalls(BatchGetImageCommand).map((c) => c.args[0].input.imageIds)).toEqual([[{ imageDigest: digestOf('index') }]]);
  });

  it('reads the candidates 100 ids a call, together with the indexes', async () => {
    const names = Array.from({ length: 180 }, (_, i) => `old-${i}`);
    serve([image('index', { index: true }), ...names.map((n) => image(n, { unidentified: true }))], {
      index: JSON.stringify({ mediaType: OCI_INDEX, manifests: [] }),
      ...Object.fromEntries(names.map((n) => [n, plainManifest])),
    });
    const read = await readRepositoryImages(ecr, { name: 'team/app' });
    expect(ecrMock.commandCalls(BatchGetImageCommand).map((c) => c.args[0].input.imageIds?.length)).toEqual([100, 81]);
    expect(read.unidentified).toEqual([]);
  });

  it('keeps an image it cannot identify, and says why', async () => {
    serve([image('locked', { unidentified: true }), image('garbage')], {});
    const read = await readRepositoryImages(ecr, { name: 'team/app' });
    const plan = planRepositoryCleanup(read, { rules, now: NOW, cap: Number.POSITIVE_INFINITY });
    expect(read.unidentified).toEqual([{ digest: digestOf('locked'), code: 'KmsError', message: 'key disabled' }]);
    expect(plan.keep).toEqual([expect.objectContaining({ reason: 'unidentified', image: expect.objectContaining({ digest: digestOf('locked') }) })]);
    expect(plan.delete.map((d) => d.image.digest)).toEqual([digestOf('garbage')]);
  });

  it('treats an image whose manifest turns out to list manifests as an index holding its children', async () => {
    serve([image('multi', { unidentified: true }), image('child')], { multi: JSON.stringify({ schemaVersion: 2, manifests: [{ digest: digestOf('child') }] }) });
    const read = await readRepositoryImages(ecr, { name: 'team/app' });
    expect(read.children.get(digestOf('multi'))).toEqual([digestOf('child')]);
  });

  it('does not read a tagged image: it is never deleted as untagged', async () => {
    serve([image('release', { tags: ['v1'], unidentified: true })], {});
    await readRepositoryImages(ecr, { name: 'team/app' });
    expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(0);
  });
});

describe('identifyManifest', () => {
  it('says what a manifest is: subject, artifact type, children, or why it cannot tell', () => {
    expect(identifyManifest(signatureOf('x'), undefined)).toEqual({ children: [], subject: digestOf('x'), artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' });
    expect(identifyManifest(plainManifest, OCI_MANIFEST)).toEqual({ children: [], artifactType: 'application/vnd.oci.image.config.v1+json' });
    expect(identifyManifest(JSON.stringify({ subject: {} }), undefined)).toEqual({ invalid: 'the manifest\'s "subject" has no digest' });
    expect(identifyManifest('[]', undefined)).toEqual({ invalid: 'manifest is not a JSON object' });
  });
});
