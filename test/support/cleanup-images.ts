import { createHash } from 'node:crypto';
import type { ImageDetail } from '@aws-sdk/client-ecr';
import type { RepositoryImages } from '../../lib/cleanup/types';

/** The clock the cleanup unit tests plan against. */
export const NOW = new Date('2026-06-01T12:00:00Z');
const DAY_MS = 86_400_000;

/** A digest named after `name`, so tests can read which image is which. */
export function digestOf(name: string): string {
  return `sha256:${createHash('sha256').update(name).digest('hex')}`;
}

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** The config media type real ECR reports as `artifactMediaType` for an ordinary image. */
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

/**
 * A DescribeImages record as real ECR reports it (`artifactMediaType` on every image manifest), `ageDays` old
 * (30 by default), untagged unless given tags. `unidentified` leaves the derived fields out, as moto does.
 */
export function image(
  name: string,
  options: {
    tags?: string[];
    ageDays?: number;
    pulledDaysAgo?: number;
    index?: boolean;
    subject?: string;
    status?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';
    size?: number;
    unidentified?: boolean;
  } = {},
): ImageDetail {
  return {
    imageDigest: digestOf(name),
    ...(options.tags?.length ? { imageTags: options.tags } : {}),
    imagePushedAt: new Date(NOW.getTime() - (options.ageDays ?? 30) * DAY_MS),
    imageManifestMediaType: options.index ? OCI_INDEX : OCI_MANIFEST,
    ...(options.index ? {} : { imageSizeInBytes: options.size ?? 1000 }),
    ...(options.pulledDaysAgo !== undefined ? { lastRecordedPullTime: new Date(NOW.getTime() - options.pulledDaysAgo * DAY_MS) } : {}),
    ...(options.subject && !options.unidentified ? { subjectManifestDigest: digestOf(options.subject), artifactMediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json' } : {}),
    ...(!options.index && !options.subject && !options.unidentified ? { artifactMediaType: OCI_CONFIG } : {}),
    ...(options.status ? { imageStatus: options.status } : {}),
  };
}

/** A repository's read: images and, by name, which index lists which images. */
export function repositoryImages(images: ImageDetail[], children: Record<string, string[]> = {}, repositoryName = 'team/app'): RepositoryImages {
  return {
    repositoryName,
    images,
    children: new Map(Object.entries(children).map(([index, kids]) => [digestOf(index), kids.map(digestOf)])),
    unreadable: [],
  };
}

/** The names (from {@link digestOf}) of `digests`, for readable assertions. */
export function namesOf(digests: readonly string[], names: readonly string[]): string[] {
  const byDigest = new Map(names.map((n) => [digestOf(n), n]));
  return digests.map((d) => byDigest.get(d) ?? d);
}
