import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ListTagsForResourceCommand,
  type BatchDeleteImageCommandInput,
  type ECRClientResolvedConfig,
  type ImageDetail,
  type ImageFailure,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-ecr';
import type { AwsStub } from 'aws-sdk-client-mock';

/** A repository held by {@link serveRegistry}: its images and, for its indexes, their manifests' children. */
export interface MockRepository {
  images: ImageDetail[];
  /** Index digest -> the digests its manifest lists. */
  children?: Record<string, string[]>;
  tags?: Record<string, string>;
}

/** Per-digest answers BatchDeleteImage gives instead of deleting. */
export type DeleteFailures = Record<string, Pick<ImageFailure, 'failureCode' | 'failureReason'>>;

/** What `mockClient(ECRClient)` returns. */
export type EcrMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, ECRClientResolvedConfig>;

function notFound(message: string): Error {
  return Object.assign(new Error(message), { name: 'ImageNotFoundException' });
}

/**
 * Serves an in-memory registry through an aws-sdk-client-mock stub the way ECR answers: DescribeRepositories,
 * DescribeImages (a whole call fails when one asked-for id is gone), BatchGetImage of index manifests,
 * BatchDeleteImage with per-image failures, ListTagsForResource. Deleted images leave `repositories`.
 */
export function serveRegistry(
  mock: EcrMock,
  repositories: Record<string, MockRepository>,
  options: { deleteFailures?: DeleteFailures; failRepository?: Record<string, Error> } = {},
): void {
  const repo = (name: string) => {
    const failure = options.failRepository?.[name];
    if (failure) throw failure;
    const found = repositories[name];
    if (!found) throw Object.assign(new Error(`repository ${name} not found`), { name: 'RepositoryNotFoundException' });
    return found;
  };
  mock.on(DescribeRepositoriesCommand).callsFake(() => ({
    repositories: Object.keys(repositories).map((name) => ({
      repositoryName: name,
      repositoryArn: `arn:aws:ecr:us-east-1:123456789012:repository/${name}`,
      registryId: '123456789012',
    })),
  }));
  mock.on(ListTagsForResourceCommand).callsFake(({ resourceArn }: { resourceArn: string }) => {
    const name = resourceArn.split(':repository/')[1] ?? '';
    return { tags: Object.entries(repositories[name]?.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
  });
  mock.on(DescribeImagesCommand).callsFake((input: { repositoryName: string; imageIds?: { imageDigest?: string }[] }) => {
    const { images } = repo(input.repositoryName);
    if (!input.imageIds) return { imageDetails: images };
    const found = input.imageIds.map((id) => images.find((i) => i.imageDigest === id.imageDigest));
    if (found.some((i) => !i)) throw notFound('The image requested does not exist in the specified repository.');
    return { imageDetails: found };
  });
  mock.on(BatchGetImageCommand).callsFake((input: { repositoryName: string; imageIds: { imageDigest?: string }[] }) => {
    const { images, children = {} } = repo(input.repositoryName);
    const out = { images: [] as object[], failures: [] as ImageFailure[] };
    for (const id of input.imageIds) {
      const image = images.find((i) => i.imageDigest === id.imageDigest);
      if (!image) {
        out.failures.push({ imageId: { imageDigest: id.imageDigest }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
        continue;
      }
      const manifests = (children[id.imageDigest ?? ''] ?? []).map((digest) => ({ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' }));
      out.images.push({
        imageId: { imageDigest: id.imageDigest },
        imageManifestMediaType: image.imageManifestMediaType,
        imageManifest: JSON.stringify({ schemaVersion: 2, mediaType: image.imageManifestMediaType, manifests }),
      });
    }
    return out;
  });
  mock.on(BatchDeleteImageCommand).callsFake((input: BatchDeleteImageCommandInput) => {
    const r = repo(input.repositoryName!);
    const out = { imageIds: [] as { imageDigest: string }[], failures: [] as ImageFailure[] };
    for (const id of input.imageIds ?? []) {
      const digest = id.imageDigest ?? '';
      const failure = options.deleteFailures?.[digest];
      const at = r.images.findIndex((i) => i.imageDigest === digest);
      if (failure) out.failures.push({ imageId: { imageDigest: digest }, ...failure });
      else if (at < 0) out.failures.push({ imageId: { imageDigest: digest }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
      else {
        r.images.splice(at, 1);
        out.imageIds.push({ imageDigest: digest });
      }
    }
    return out;
  });
}
