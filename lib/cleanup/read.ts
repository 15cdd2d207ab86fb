import { BatchGetImageCommand, type ECRClient, type ImageDetail, type ImageFailure } from '@aws-sdk/client-ecr';
import { MAX_BATCH_GET_IMAGE } from '../limits';
import { walkImages } from '../walker';
import { identifyManifest, needsIdentity, withIdentity } from './identify';
import { ACCEPTED_MEDIA_TYPES, mayBeIndex } from './media-types';
import type { RepositoryImages, UnreadableIndex } from './types';

/** The repository a read is about: a walked repository fits. */
export interface RepositoryRef {
  name: string;
  /** The registry (account id); empty or undefined for the caller's own. */
  registryId?: string;
}

/** Options of {@link readRepositoryImages}. */
export interface ReadOptions {
  /**
   * Images whose manifest must be read before a plan decides on them (default: untagged images whose
   * DescribeImages entry lacks `artifactMediaType`, see {@link needsIdentity}). Indexes are always read.
   */
  identify?: (image: ImageDetail) => boolean;
}

/**
 * The children an index manifest lists, or an error text when the manifest is not one ecr-keeper can read.
 * A manifest that turns out not to be an index (its media type was not reported) has no children.
 */
export function manifestChildren(manifest: string, mediaType: string | undefined): string[] | { invalid: string } {
  const identity = identifyManifest(manifest, mediaType);
  return 'invalid' in identity ? identity : identity.children;
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
 * ones included, since an archived index still holds its children), the children of every image index, and
 * the identity of every image that must be identified before it may be deleted (an untagged image lacking
 * `artifactMediaType`): its manifest's `subject` makes it an artifact, a `manifests` list an index. All of them
 * are read in one pass of BatchGetImage at 100 ids a call. An image that cannot be identified is reported in
 * `unidentified` and the plan keeps it. Indexes of indexes need no second round: every index present is in
 * the listing and is read in the same pass; the plan follows the references transitively.
 *
 * Calls: ⌈images/1000⌉ DescribeImages + ⌈(indexes + unidentified images)/100⌉ BatchGetImage; against real ECR,
 * which reports `artifactMediaType` and `subjectManifestDigest`, only the indexes are read.
 *
 * @example
 * const images = await readRepositoryImages(ecr, { name: 'team-a/api' });
 * const plan = planRepositoryCleanup(images, { rules: policy.cleanup, now: new Date(), cap: 1000 });
 */
export async function readRepositoryImages(ecr: ECRClient, repo: RepositoryRef, options: ReadOptions = {}): Promise<RepositoryImages> {
  const registryId = repo.registryId || undefined;
  const listed: ImageDetail[] = [];
  for await (const image of walkImages(ecr, repo.name, { imageStatus: 'ANY', ...(registryId ? { registryId } : {}) })) {
    listed.push(image);
  }

  const identify = options.identify ?? needsIdentity;
  const indexes = new Set(listed.filter((i) => i.imageDigest && mayBeIndex(i.imageManifestMediaType)).map((i) => i.imageDigest!));
  const unknown = new Set(listed.filter((i) => i.imageDigest && !indexes.has(i.imageDigest) && identify(i)).map((i) => i.imageDigest!));
  const toRead = [...indexes, ...unknown];
  const archived = new Set(listed.filter((i) => (i.imageStatus ?? 'ACTIVE') !== 'ACTIVE').map((i) => i.imageDigest));
  const children = new Map<string, string[]>();
  const identities = new Map<string, ReturnType<typeof identifyManifest>>();
  const unreadable: UnreadableIndex[] = [];
  const unidentified: UnreadableIndex[] = [];
  for (let i = 0; i < toRead.length; i += MAX_BATCH_GET_IMAGE) {
    const chunk = toRead.slice(i, i + MAX_BATCH_GET_IMAGE);
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
      const isIndex = indexes.has(digest);
      if (!image) {
        const failure = failureFor(digest, out.failures ?? []);
        // An active index gone since the listing no longer holds anything. Anything else, an archived index
        // "not found" included (it may be restored), leaves its children unknown.
        if (!isIndex) unidentified.push({ digest, ...failure });
        else if (failure.code !== 'ImageNotFound' || archived.has(digest)) unreadable.push({ digest, ...failure });
        continue;
      }
      const identity = identifyManifest(image.imageManifest ?? '', image.imageManifestMediaType);
      identities.set(digest, identity);
      if ('invalid' in identity) {
        (isIndex ? unreadable : unidentified).push({ digest, code: 'InvalidManifest', message: identity.invalid });
        continue;
      }
      // An image that was read to be identified and turns out to be an index holds children like any index.
      if (identity.children.length > 0) children.set(digest, identity.children);
    }
  }
  const images = listed.map((image) => {
    const identity = identities.get(image.imageDigest ?? '');
    return identity && !('invalid' in identity) ? withIdentity(image, identity) : image;
  });
  return { repositoryName: repo.name, ...(registryId ? { registryId } : {}), images, children, unreadable, unidentified };
}
