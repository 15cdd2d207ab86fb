import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ErrorInfo } from '../errors';
import { DEFAULT_REPOSITORY_CONCURRENCY } from '../limits';
import { mapBounded } from './pool';
import { walkRepositories } from './repositories';
import type { WalkOutcome, WalkRepositoriesOptions, WalkedRepository } from './types';

/** A per-repository result of {@link mapRepositories}. */
export interface RepositoryResult<T> {
  repositoryName: string;
  value: T;
}

/** A per-repository failure of {@link mapRepositories}: recorded, never thrown. */
export interface RepositoryFailure {
  repositoryName: string;
  error: ErrorInfo;
}

/** What {@link mapRepositories} returns: every result and failure, and how the walk ended. */
export interface RepositoryRun<T> extends Omit<WalkOutcome, 'yielded'> {
  results: RepositoryResult<T>[];
  failures: RepositoryFailure[];
}

/** Options of {@link mapRepositories}. */
export interface MapRepositoriesOptions extends WalkRepositoriesOptions {
  /** Repositories worked on at once (default 8). */
  concurrency?: number;
}

/**
 * Runs `work` for every repository the walker yields, at most `concurrency` at a time. A failure in
 * one repository is recorded in `failures` and the run goes on. At the deadline no new repository is
 * started, the ones in flight finish, and `cursor` resumes at the first repository not started.
 *
 * @example
 * const run = await mapRepositories(ecr, { concurrency: 8, deadline }, (repo) => auditRepository(deps, repo));
 */
export async function mapRepositories<T>(
  ecr: ECRClient,
  options: MapRepositoriesOptions,
  work: (repo: WalkedRepository) => Promise<T>,
): Promise<RepositoryRun<T>> {
  const walk = walkRepositories(ecr, options);
  const run = await mapBounded(walk[Symbol.asyncIterator](), options.concurrency ?? DEFAULT_REPOSITORY_CONCURRENCY, work);
  const { yielded: _yielded, ...outcome } = walk.outcome;
  return {
    ...outcome,
    results: run.results.map(({ item, value }) => ({ repositoryName: item.name, value })),
    failures: run.failures.map(({ item, error }) => ({ repositoryName: item.name, error })),
  };
}
