import { DescribeImagesCommand, paginateDescribeImages, type ECRClient, type ImageDetail, type ImageIdentifier, type ImageStatusFilter, type TagStatus } from '@aws-sdk/client-ecr';
import { isAwsError } from '../errors';
import { MAX_DESCRIBE_IMAGES_IDS, MAX_DESCRIBE_IMAGES_PAGE } from '../limits';
import { isTagged } from '../registry';

/** Options of {@link walkImages}. */
export interface WalkImagesOptions {
  registryId?: string;
  /** Asked of the server and applied again here: the server's filter is never trusted. */
  tagStatus?: TagStatus;
  /** `ACTIVE` (default) or `ANY` to include archived images, which ECR hides unless asked. */
  imageStatus?: ImageStatusFilter;
  /** DescribeImages page size (default and maximum 1000). */
  pageSize?: number;
}

function matchesImageFilter(image: ImageDetail, options: WalkImagesOptions): boolean {
  if (options.tagStatus === 'TAGGED' && !isTagged(image)) return false;
  if (options.tagStatus === 'UNTAGGED' && isTagged(image)) return false;
  const status = options.imageStatus ?? 'ACTIVE';
  // An endpoint that does not report imageStatus only has active images.
  if (status !== 'ANY' && (image.imageStatus ?? 'ACTIVE') !== status) return false;
  return true;
}

/**
 * Walks every image of a repository through the DescribeImages paginator at the largest page size.
 * The tag-status and image-status filters are sent to ECR and applied again to each image.
 *
 * @example
 * for await (const image of walkImages(ecr, 'team-a/api', { tagStatus: 'UNTAGGED' })) total += image.imageSizeInBytes ?? 0;
 */
export async function* walkImages(
  ecr: ECRClient,
  repositoryName: string,
  options: WalkImagesOptions = {},
): AsyncGenerator<ImageDetail> {
  const filter = {
    ...(options.tagStatus ? { tagStatus: options.tagStatus } : {}),
    ...(options.imageStatus && options.imageStatus !== 'ACTIVE' ? { imageStatus: options.imageStatus } : {}),
  };
  const paginator = paginateDescribeImages(
    { client: ecr, pageSize: Math.min(options.pageSize ?? MAX_DESCRIBE_IMAGES_PAGE, MAX_DESCRIBE_IMAGES_PAGE) },
    {
      repositoryName,
      ...(options.registryId !== undefined ? { registryId: options.registryId } : {}),
      ...(Object.keys(filter).length > 0 ? { filter } : {}),
    },
  );
  for await (const page of paginator) {
    for (const image of page.imageDetails ?? []) {
      if (matchesImageFilter(image, options)) yield image;
    }
  }
}

/** What {@link describeImagesByDigest} found. */
export interface ImagesByDigest {
  found: ImageDetail[];
  /** Digests asked for that the repository no longer holds. */
  missing: string[];
}

/**
 * Re-reads images by digest, 100 per DescribeImages call. ECR fails a whole call when one id is gone;
 * then the repository is walked once instead, so a vanished image is reported as missing, not as an error.
 */
export async function describeImagesByDigest(
  ecr: ECRClient,
  repositoryName: string,
  digests: readonly string[],
  options: { registryId?: string } = {},
): Promise<ImagesByDigest> {
  const wanted = [...new Set(digests)];
  const found: ImageDetail[] = [];
  const base = { repositoryName, ...(options.registryId !== undefined ? { registryId: options.registryId } : {}) };
  try {
    for (let i = 0; i < wanted.length; i += MAX_DESCRIBE_IMAGES_IDS) {
      const imageIds: ImageIdentifier[] = wanted.slice(i, i + MAX_DESCRIBE_IMAGES_IDS).map((imageDigest) => ({ imageDigest }));
      const out = await ecr.send(new DescribeImagesCommand({ ...base, imageIds }));
      found.push(...(out.imageDetails ?? []));
    }
  } catch (err) {
    if (!isAwsError(err, 'ImageNotFoundException')) throw err;
    found.length = 0;
    const set = new Set(wanted);
    for await (const image of walkImages(ecr, repositoryName, { ...options, imageStatus: 'ANY' })) {
      if (image.imageDigest && set.has(image.imageDigest)) found.push(image);
    }
  }
  const present = new Set(found.map((i) => i.imageDigest));
  return { found, missing: wanted.filter((d) => !present.has(d)) };
}

