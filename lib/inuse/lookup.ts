import type { ImageDetail } from '@aws-sdk/client-ecr';
import type { InUseSet } from './types';

/** A repository as the in-use set names it. */
export interface InUseRepository {
  registryId: string;
  region: string;
  repositoryName: string;
}

/**
 * The users of each image of one repository, by digest: images in use by digest, and by tag (an image carrying
 * a tag a user names, whether or not ECR resolved it). Pure: the plan's input.
 *
 * @example
 * const inUse = usersByDigest(set, { registryId: repo.registryId, region, repositoryName: repo.name }, read.images);
 * const plan = planRepositoryCleanup(read, { rules, now, cap, inUse });
 */
export function usersByDigest(set: InUseSet, repository: InUseRepository, images: readonly ImageDetail[]): Map<string, string[]> {
  const users = new Map<string, Set<string>>();
  const add = (digest: string, names: readonly string[]) => {
    const into = users.get(digest) ?? new Set<string>();
    for (const n of names) into.add(n);
    users.set(digest, into);
  };
  const byTag = new Map<string, string>();
  for (const image of images) for (const tag of image.imageTags ?? []) if (image.imageDigest) byTag.set(tag, image.imageDigest);
  for (const used of set.images) {
    if (used.registryId !== repository.registryId || used.region !== repository.region || used.repositoryName !== repository.repositoryName) continue;
    if (used.digest) add(used.digest, used.users);
    for (const tag of used.tags) {
      const digest = byTag.get(tag);
      if (digest) add(digest, used.users);
    }
  }
  return new Map([...users].map(([digest, names]) => [digest, [...names].sort()]));
}
