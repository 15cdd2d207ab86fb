import type { ECRClient, ImageDetail } from '@aws-sdk/client-ecr';
import { walkImages } from '../walker';
import type { RescanImage } from './types';

/**
 * An image as DescribeImages reports it, reduced to what the rescan plan reads: tags, push time, the last
 * scan's completion time and status, the manifest's media type. No call per image.
 *
 * @example
 * const image = toRescanImage(detail, repo.arn);
 */
export function toRescanImage(detail: ImageDetail, repositoryArn?: string): RescanImage {
  const completed = detail.imageScanFindingsSummary?.imageScanCompletedAt;
  return {
    repositoryName: detail.repositoryName ?? '',
    ...(repositoryArn ? { repositoryArn } : {}),
    imageDigest: detail.imageDigest ?? '',
    imageTags: [...(detail.imageTags ?? [])],
    ...(detail.imagePushedAt ? { pushedAt: detail.imagePushedAt.toISOString() } : {}),
    ...(completed ? { lastScanCompletedAt: completed.toISOString() } : {}),
    ...(detail.imageScanStatus?.status ? { scanStatus: detail.imageScanStatus.status } : {}),
    ...(detail.imageManifestMediaType ? { manifestMediaType: detail.imageManifestMediaType } : {}),
  };
}

/**
 * Every active image of a repository, as the rescan plan reads it: DescribeImages pages only (through the
 * walker), at the largest page size.
 *
 * @example
 * const images = await readRescanImages(ecr, { name: 'team/api', arn });
 */
export async function readRescanImages(ecr: ECRClient, repository: { name: string; arn?: string }): Promise<RescanImage[]> {
  const images: RescanImage[] = [];
  for await (const detail of walkImages(ecr, repository.name)) {
    images.push(toRescanImage({ repositoryName: repository.name, ...detail }, repository.arn));
  }
  return images;
}
