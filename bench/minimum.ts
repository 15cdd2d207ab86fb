import {
  MAX_BATCH_DELETE_IMAGE,
  MAX_BATCH_GET_IMAGE,
  MAX_DESCRIBE_IMAGES_IDS,
  MAX_DESCRIBE_IMAGES_PAGE,
  MAX_DESCRIBE_REPOSITORIES_PAGE,
  MAX_PUT_EVENTS_ENTRIES,
} from '../lib/limits';
import { isOutOfPolicy, settingWrites, type SeededRepository } from './registry-shape';

/**
 * The fewest ECR / EventBridge calls each job can make on the seeded registry, by action, computed from
 * what was seeded (never from what the job reports). A call is in the minimum only when its answer is
 * not known without it.
 */

/** Calls by action (`DescribeImages`: 12). */
export type Calls = Record<string, number>;

const up = (n: number, per: number) => Math.ceil(n / per);

/** Listing pages: a listing is one call even when it is empty. */
const pages = (n: number, per: number) => Math.max(1, up(n, per));

function sum(repos: readonly SeededRepository[], count: (r: SeededRepository) => number): number {
  return repos.reduce((n, r) => n + count(r), 0);
}

function only(calls: Calls): Calls {
  return Object.fromEntries(Object.entries(calls).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b)));
}

/** Total of a call count. */
export function totalCalls(calls: Calls): number {
  return Object.values(calls).reduce((n, c) => n + c, 0);
}

const inScope = (repos: readonly SeededRepository[]) => repos.filter((r) => !r.excluded);
const images = (r: SeededRepository) => r.tagged + r.untagged;

/**
 * Enforce over the whole registry: ⌈R/1000⌉ DescribeRepositories (excluded names are listed too, and
 * filtered without a call), DescribeRegistry and GetRegistryScanningConfiguration once, one
 * ListTagsForResource per repository with a planned change (the skip tag only matters there), one write
 * per change in a repository that does not opt out, the replication write while the rule is missing, and
 * ⌈events/10⌉ PutEvents, one event per change made. The seeded registry has no replication rule: the
 * `first` run adds it; a run `again` after it finds only the opted-out repositories still differing.
 */
export function enforceMinimum(repos: readonly SeededRepository[], pass: 'first' | 'again'): Calls {
  const first = pass === 'first';
  const pending = first ? repos : repos.filter((r) => r.skipTagged);
  const writes = {
    PutImageTagMutability: first ? sum(repos, (r) => settingWrites(r).PutImageTagMutability) : 0,
    PutImageScanningConfiguration: first ? sum(repos, (r) => settingWrites(r).PutImageScanningConfiguration) : 0,
    PutReplicationConfiguration: first ? 1 : 0,
  };
  return only({
    DescribeRepositories: pages(repos.length, MAX_DESCRIBE_REPOSITORIES_PAGE),
    DescribeRegistry: 1,
    GetRegistryScanningConfiguration: 1,
    ListTagsForResource: pending.filter(isOutOfPolicy).length,
    ...writes,
    PutEvents: up(totalCalls(writes), MAX_PUT_EVENTS_ENTRIES),
  });
}

/** Untagged images a cleanup deletes in the repository under the bench policy (every one: age 0). */
function garbage(r: SeededRepository): number {
  return r.excluded ? 0 : r.untagged;
}

/**
 * Cleanup --apply: ⌈R/1000⌉ DescribeRepositories, and per repository in scope ⌈images/1000⌉ DescribeImages,
 * ⌈indexes/100⌉ BatchGetImage, one ListTagsForResource where there is garbage, and where it does not opt
 * out ⌈candidates/100⌉ DescribeImages to re-check them and ⌈deletes/100⌉ BatchDeleteImage.
 */
export function cleanupMinimum(repos: readonly SeededRepository[]): Calls {
  const scope = inScope(repos);
  const deleting = scope.filter((r) => garbage(r) > 0 && !r.skipTagged);
  return only({
    DescribeRepositories: pages(repos.length, MAX_DESCRIBE_REPOSITORIES_PAGE),
    DescribeImages: sum(scope, (r) => pages(images(r), MAX_DESCRIBE_IMAGES_PAGE)) + sum(deleting, (r) => up(garbage(r), MAX_DESCRIBE_IMAGES_IDS)),
    BatchGetImage: sum(scope, (r) => up(r.indexes, MAX_BATCH_GET_IMAGE)),
    ListTagsForResource: scope.filter((r) => garbage(r) > 0).length,
    BatchDeleteImage: sum(deleting, (r) => up(garbage(r), MAX_BATCH_DELETE_IMAGE)),
  });
}

/**
 * The audit (read-only): the registry's replication and scanning configuration once, ⌈R/1000⌉
 * DescribeRepositories, and per repository in scope what only a per-repository call tells: its images
 * (⌈images/1000⌉ DescribeImages, ⌈indexes/100⌉ BatchGetImage), its lifecycle policy (GetLifecyclePolicy)
 * and its access policy (GetRepositoryPolicy), plus one ListTagsForResource where the skip tag changes the
 * verdict: settings out of policy, or garbage to reclaim.
 */
export function auditMinimum(repos: readonly SeededRepository[]): Calls {
  const scope = inScope(repos);
  return only({
    DescribeRegistry: 1,
    GetRegistryScanningConfiguration: 1,
    DescribeRepositories: pages(repos.length, MAX_DESCRIBE_REPOSITORIES_PAGE),
    DescribeImages: sum(scope, (r) => pages(images(r), MAX_DESCRIBE_IMAGES_PAGE)),
    BatchGetImage: sum(scope, (r) => up(r.indexes, MAX_BATCH_GET_IMAGE)),
    GetLifecyclePolicy: scope.length,
    GetRepositoryPolicy: scope.length,
    ListTagsForResource: scope.filter((r) => isOutOfPolicy(r) || garbage(r) > 0).length,
  });
}
