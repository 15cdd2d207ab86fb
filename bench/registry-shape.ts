/**
 * The registry the bench seeds: R repositories of T tagged + U untagged images, a share of them out of
 * policy, and the policy the jobs run with. Pure: the seeding and the minimum counts both read it.
 */

/** How many repositories and images to seed. */
export interface RegistryShape {
  repositories: number;
  /** Tagged images per repository. */
  tagged: number;
  /** Untagged images per repository (all of them garbage under the bench policy). */
  untagged: number;
}

/** One seeded repository and what the policy will find in it. */
export interface SeededRepository {
  name: string;
  /** Left out by the policy's `repositories.exclude`: no job makes a call about it. */
  excluded: boolean;
  /** Tagged with the skip tag (`ecr-keeper:skip=true`). */
  skipTagged: boolean;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush: boolean;
  tagged: number;
  untagged: number;
  /** Image indexes (multi-arch) among its images: none, every image is a plain manifest. */
  indexes: number;
}

/** The policy's skip tag (the default one). */
export const SKIP_TAG = 'ecr-keeper:skip';

/**
 * The settings of repository `i`, in a cycle of ten: six of ten out of policy (mutable tags, scan-on-push
 * off, or both), two of ten opted out with the skip tag (one of them out of policy), one excluded.
 */
const PROFILES: readonly Omit<SeededRepository, 'name' | 'tagged' | 'untagged' | 'indexes'>[] = [
  { excluded: false, skipTagged: true, imageTagMutability: 'MUTABLE', scanOnPush: true },
  { excluded: false, skipTagged: false, imageTagMutability: 'MUTABLE', scanOnPush: true },
  { excluded: false, skipTagged: false, imageTagMutability: 'IMMUTABLE', scanOnPush: false },
  { excluded: false, skipTagged: false, imageTagMutability: 'IMMUTABLE', scanOnPush: true },
  { excluded: false, skipTagged: false, imageTagMutability: 'MUTABLE', scanOnPush: false },
  { excluded: false, skipTagged: false, imageTagMutability: 'IMMUTABLE', scanOnPush: true },
  { excluded: false, skipTagged: false, imageTagMutability: 'IMMUTABLE', scanOnPush: false },
  { excluded: false, skipTagged: true, imageTagMutability: 'IMMUTABLE', scanOnPush: true },
  { excluded: false, skipTagged: false, imageTagMutability: 'MUTABLE', scanOnPush: true },
  { excluded: true, skipTagged: false, imageTagMutability: 'MUTABLE', scanOnPush: false },
];

/**
 * The repositories of a shape, in the order they are seeded.
 *
 * @example
 * seededRepositories({ repositories: 3, tagged: 1, untagged: 1 }).map((r) => r.name);
 * // ['team-0/svc-00000', 'team-1/svc-00001', 'team-2/svc-00002']
 */
export function seededRepositories(shape: RegistryShape): SeededRepository[] {
  return Array.from({ length: shape.repositories }, (_, i) => {
    const profile = PROFILES[i % PROFILES.length]!;
    const id = String(i).padStart(5, '0');
    return {
      name: profile.excluded ? `sandbox/svc-${id}` : `team-${i % 7}/svc-${id}`,
      ...profile,
      tagged: shape.tagged,
      untagged: shape.untagged,
      indexes: 0,
    };
  });
}

/** True when enforce plans at least one change for the repository (it is in scope and out of policy). */
export function isOutOfPolicy(repo: SeededRepository): boolean {
  return !repo.excluded && (repo.imageTagMutability !== 'IMMUTABLE' || !repo.scanOnPush);
}

/** The writes enforce makes for the repository: one per setting that differs, none when it opts out. */
export function settingWrites(repo: SeededRepository): { PutImageTagMutability: number; PutImageScanningConfiguration: number } {
  const applies = !repo.excluded && !repo.skipTagged;
  return {
    PutImageTagMutability: applies && repo.imageTagMutability !== 'IMMUTABLE' ? 1 : 0,
    PutImageScanningConfiguration: applies && !repo.scanOnPush ? 1 : 0,
  };
}

/**
 * The policy every job of the bench runs with: the defaults (IMMUTABLE tags, scan-on-push on), `sandbox/**`
 * excluded, one replication rule the registry lacks, and untagged images garbage at any age (moto stamps
 * every image with the time it was pushed and cannot backdate it). The per-run cap covers every untagged
 * image, so that one run deletes them all.
 */
export function benchPolicy(accountId: string, shape: RegistryShape): Record<string, unknown> {
  return {
    repositories: { exclude: ['sandbox/**'], skipTag: SKIP_TAG },
    replication: { mode: 'merge', rules: [{ destinations: [{ region: 'eu-west-1', registryId: accountId }] }] },
    cleanup: { untaggedOlderThanDays: 0, maxDeletesPerRun: Math.max(10_000, shape.repositories * shape.untagged) },
  };
}
