import type { ImageDetail, ImageTagMutability, Repository } from '@aws-sdk/client-ecr';

/** Registry facts about tags every job shares: wildcard filters, tag mutability, whether an image is tagged. */

/** A repository's tag mutability: the mode and its wildcard exclusion filters. */
export interface TagMutabilitySetting {
  mode: ImageTagMutability;
  exclusions: string[];
}

/** ECR's WILDCARD filter: `*` matches any run of characters, the rest literally, across the whole name. */
export function wildcardMatch(filter: string, name: string): boolean {
  const source = filter
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/** Exclusion filters as a set: sorted, without duplicates or empty ones. */
export function normaliseExclusions(filters: readonly string[]): string[] {
  return [...new Set(filters.filter(Boolean))].sort();
}

/** The repository's current tag mutability, exclusions sorted and de-duplicated. */
export function tagMutabilityOf(repository: Repository): TagMutabilitySetting {
  return {
    mode: repository.imageTagMutability ?? 'MUTABLE',
    exclusions: normaliseExclusions((repository.imageTagMutabilityExclusionFilters ?? []).map((f) => f.filter ?? '')),
  };
}

/** True when two settings have the same mode and the same exclusion filters (as sets, once normalised). */
export function sameTagMutability(a: TagMutabilitySetting, b: TagMutabilitySetting): boolean {
  return a.mode === b.mode && a.exclusions.length === b.exclusions.length && a.exclusions.every((x, i) => x === b.exclusions[i]);
}

/** A tag mutability setting for people: `IMMUTABLE_WITH_EXCLUSION [latest, v*]`. */
export function describeTagMutability(s: TagMutabilitySetting): string {
  return s.exclusions.length > 0 ? `${s.mode} [${s.exclusions.join(', ')}]` : s.mode;
}

/** True when ECR reports at least one tag for the image. */
export function isTagged(image: Pick<ImageDetail, 'imageTags'>): boolean {
  return (image.imageTags ?? []).length > 0;
}
