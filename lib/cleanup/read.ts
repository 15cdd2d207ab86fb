import { BatchGetImageCommand, type ECRClient, type ImageDetail, type ImageFailure } from '@aws-sdk/client-ecr';
import { MAX_BATCH_GET_IMAGE } from '../limits';
import { walkImages } from '../walker';
import { ACCEPTED_MEDIA_TYPES, INDEX_MEDIA_TYPES, mayBeIndex } from './media-types';
import type { RepositoryImages, UnreadableIndex } from './types';

/** The repository a read is about: a walked repository fits. */
export interface RepositoryRef {
  name: string;
  /** The registry (account id); empty or undefined for the caller's own. */
  registryId?: string;
}

/**
 * The children an index manifest lists, or an error text when the manifest is not one ecr-keeper can read.
 * A manifest that turns out not to be an index (its media type was not reported) has no children.
 */
export function manifestChildren(manifest: string, mediaType: string | undefined): string[] | { invalid: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch (err) {
    return { invalid: `manifest is not JSON: ${(err as Error).message}` };
  }
  const body = (parsed ?? {}) as { mediaType?: unknown; manifests?: unknown };
  const isIndex = INDEX_MEDIA_TYPES.includes(mediaType ?? '') || (typeof body.mediaType === 'string' && INDEX_MEDIA_TYPES.includes(body.mediaType));
  if (body.manifests === undefined && !isIndex) return [];
  if (!Array.isArray(body.manifests)) return { invalid: 'index manifest has no "manifests" list' };
  const digests: string[] = [];
  for (const entry of body.manifests as unknown[]) {
    const digest = (entry as { digest?: unknown } | null)?.digest;
    if (typeof digest !== 'string') return { invalid: 'an entry of the index has no digest' };
    digests.push(digest);
  }
  return digests;
}

function failureFor(digest: string, failures: readonly ImageFailure[]): { code: string; message: string } {
  const named = failures.find((f) => f.imageId?.imageDigest === digest);
  if (named) return { code: named.failureCode ?? 'Unknown', message: named.failureReason ?? '' };
  // Some endpoints (moto) leave the digest out of a failure; only "not found" everywhere can be trusted then.
  const unnamed = failures.filter((f) => !f.imageId?.imageDigest);
  if (unnamed.length > 0 && unnamed.every((f) => f.failureCode === 'ImageNotFound')) {
    return { code: 'ImageNotFound', message: unnamed[0]?.failureReason ?? '' };
  }
  return { code: 'Unknown', message: 'BatchGetImage returned neither the image nor a failure for it' };
}

/**
 * Reads what a cleanup plan needs about one repository: every image (DescribeImages, every page, archived
 * ones included, since an archived index still holds its children) and the children of every image index,
 * read with BatchGetImage at 100 ids a call. Indexes of indexes need no second round: every index present
 * is in the listing and is read in the same pass; the plan follows the references transitively.
 *
 * Calls: ⌈images/1000⌉ DescribeImages + ⌈indexes/100⌉ BatchGetImage.
 *
 * @example
 * const images = await readRepositoryImages(ecr, { name: 'team-a/api' });
 * const plan = planRepositoryCleanup(images, { rules: policy.cleanup, now: new Date(), cap: 1000 });
 */
export async function readRepositoryImages(ecr: ECRClient, repo: RepositoryRef): Promise<RepositoryImages> {
  const registryId = repo.registryId || undefined;
  const images: ImageDetail[] = [];
  for await (const image of walkImages(ecr, repo.name, { imageStatus: 'ANY', ...(registryId ? { registryId } : {}) })) {
    images.push(image);
  }

  const indexes = [...new Set(images.filter((i) => i.imageDigest && mayBeIndex(i.imageManifestMediaType)).map((i) => i.imageDigest!))];
  const archived = new Set(images.filter((i) => (i.imageStatus ?? 'ACTIVE') !== 'ACTIVE').map((i) => i.imageDigest));
  const children = new Map<string, string[]>();
  const unreadable: UnreadableIndex[] = [];
  for (let i = 0; i < indexes.length; i += MAX_BATCH_GET_IMAGE) {
    const chunk = indexes.slice(i, i + MAX_BATCH_GET_IMAGE);
    const out = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: repo.name,
        ...(registryId ? { registryId } : {}),
        imageIds: chunk.map((imageDigest) => ({ imageDigest })),
        acceptedMediaTypes: ACCEPTED_MEDIA_TYPES,
      }),
    );
    const returned = new Map((out.images ?? []).map((image) => [image.imageId?.imageDigest ?? '', image]));
    for (const digest of chunk) {
      const image = returned.get(digest);
      if (!image) {
        const failure = failureFor(digest, out.failures ?? []);
        // An active index gone since the listing no longer holds anything. Anything else, an archived index
        // "not found" included (it may be restored), leaves its children unknown.
        if (failure.code !== 'ImageNotFound' || archived.has(digest)) unreadable.push({ digest, ...failure });
        continue;
      }
      const listed = manifestChildren(image.imageManifest ?? '', image.imageManifestMediaType);
      if (Array.isArray(listed)) {
        if (listed.length > 0) children.set(digest, listed);
      } else {
        unreadable.push({ digest, code: 'InvalidManifest', message: listed.invalid });
      }
    }
  }
  return { repositoryName: repo.name, ...(registryId ? { registryId } : {}), images, children, unreadable };
}
