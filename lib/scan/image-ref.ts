import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { ImageNotFoundError, RepositoryNotFoundError, UsageError, isAwsError } from '../errors';
import { DIGEST_PATTERN, REPOSITORY_NAME_PATTERN } from '../validate';
import { repositoryArn } from './repository-arn';
import type { ScanImage } from './types';

/** An image as a person names it: `REPO:TAG` or `REPO@sha256:...`. */
export type ImageReference = { repositoryName: string; tag: string } | { repositoryName: string; digest: string };

const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Parses `REPO:TAG` or `REPO@sha256:<64 hex>`, or throws a {@link UsageError} saying what is wrong.
 *
 * @example
 * parseImageReference('team/api:1.4.2'); // { repositoryName: 'team/api', tag: '1.4.2' }
 */
export function parseImageReference(text: string): ImageReference {
  const at = text.indexOf('@');
  if (at >= 0) {
    const repositoryName = text.slice(0, at);
    const digest = text.slice(at + 1);
    if (!DIGEST_PATTERN.test(digest)) throw new UsageError(`"${digest}" is not an image digest (sha256:<64 hex>) in "${text}"`);
    checkRepositoryName(repositoryName, text);
    return { repositoryName, digest };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new UsageError(`name the image as REPOSITORY:TAG or REPOSITORY@sha256:DIGEST, not "${text}"`);
  const repositoryName = text.slice(0, colon);
  const tag = text.slice(colon + 1);
  if (!TAG_PATTERN.test(tag)) throw new UsageError(`"${tag}" is not an image tag in "${text}"`);
  checkRepositoryName(repositoryName, text);
  return { repositoryName, tag };
}

function checkRepositoryName(name: string, text: string): void {
  if (!REPOSITORY_NAME_PATTERN.test(name)) throw new UsageError(`"${name}" is not an ECR repository name in "${text}"`);
}

/** `:tag` or `@sha256:...`, as a reference is written after the repository name. */
export function referenceSuffix(ref: ImageReference): string {
  return 'tag' in ref ? `:${ref.tag}` : `@${ref.digest}`;
}

/**
 * Looks the image up (one DescribeImages call) for its digest and all its tags. A missing repository or
 * image is a user error ({@link RepositoryNotFoundError}, {@link ImageNotFoundError}) carrying ECR's message.
 *
 * @example
 * const image = await resolveImage(ecr, parseImageReference('team/api:1.4.2'));
 */
export async function resolveImage(ecr: ECRClient, ref: ImageReference): Promise<ScanImage> {
  const imageId = 'tag' in ref ? { imageTag: ref.tag } : { imageDigest: ref.digest };
  try {
    const out = await ecr.send(new DescribeImagesCommand({ repositoryName: ref.repositoryName, imageIds: [imageId] }));
    const detail = out.imageDetails?.[0];
    if (!detail?.imageDigest) throw new ImageNotFoundError(ref.repositoryName, referenceSuffix(ref));
    // The repository's ARN locates the image in reports (its URI in SARIF) and keys its verdict state.
    const region = await ecr.config.region();
    return {
      repositoryName: ref.repositoryName,
      imageDigest: detail.imageDigest,
      imageTags: detail.imageTags ?? [],
      ...(detail.registryId ? { repositoryArn: repositoryArn(region, detail.registryId, ref.repositoryName) } : {}),
    };
  } catch (err) {
    if (isAwsError(err, 'RepositoryNotFoundException')) throw new RepositoryNotFoundError(ref.repositoryName, { cause: err });
    if (isAwsError(err, 'ImageNotFoundException')) throw new ImageNotFoundError(ref.repositoryName, referenceSuffix(ref), { cause: err });
    throw err;
  }
}
