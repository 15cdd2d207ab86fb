import type { Repository } from '@aws-sdk/client-ecr';
import type { Deadline } from '../deadline';

/** Which repositories a run covers. */
export interface RepositoryScope {
  /** The registry (account id); the caller's own when omitted. */
  registryId?: string;
  /** Glob patterns a repository name must match (default `['**']`). */
  include?: readonly string[];
  /** Glob patterns that take a repository out of the run. */
  exclude?: readonly string[];
  /** Resource tag key that opts a repository out when its value is `true`; no lookup when undefined. */
  skipTag?: string;
  /** Only these repositories (looked up by name, not listed). */
  names?: readonly string[];
}

/** Options of {@link walkRepositories}. */
export interface WalkRepositoriesOptions extends RepositoryScope {
  /**
   * `eager` (default): the walker looks up the skip tag and never yields an opted-out repository.
   * `lazy`: every repository is yielded and the caller asks `isSkipped()` only where it matters
   * (for example only where a plan has changes), which saves one ListTagsForResource per repository.
   */
  skipLookup?: 'eager' | 'lazy';
  /** Resume where an earlier walk stopped (its `outcome.cursor`). */
  cursor?: string;
  /** Stop cleanly, with a cursor, once this deadline passes. */
  deadline?: Deadline;
  /** DescribeRepositories page size (default and maximum 1000). */
  pageSize?: number;
}

/** A repository the walker yields. */
export interface WalkedRepository {
  name: string;
  arn: string;
  registryId: string;
  /** DescribeRepositories' record, as ECR returned it. */
  repository: Repository;
  /** Whether the skip tag opts this repository out; one ListTagsForResource at most, memoised. */
  isSkipped(): Promise<boolean>;
}

/** How a walk ended; read it after the `for await` loop. */
export interface WalkOutcome {
  /** True when the walk reached the end; false when it stopped at the deadline. */
  complete: boolean;
  /** Where to resume when `complete` is false. */
  cursor?: string;
  /** Repositories ECR returned (before filters). */
  listed: number;
  /** Repositories yielded. */
  yielded: number;
  /** Repositories left out by include/exclude. */
  excluded: number;
  /** Repositories opted out by the skip tag (eager lookup only). */
  skipped: string[];
  /** Names asked for (`names`) that do not exist. */
  missing: string[];
}

/** An async iterable of repositories that tells, once iterated, how the walk ended. */
export interface RepositoryWalk extends AsyncIterable<WalkedRepository> {
  readonly outcome: WalkOutcome;
}

