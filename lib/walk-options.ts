import type { Deadline } from './deadline';
import type { Policy } from './policy';
import type { MapRepositoriesOptions } from './walker';

/** What a run adds to the policy's scope: given names, a cursor to resume, a deadline, a concurrency. */
export interface RunScope {
  names?: readonly string[];
  cursor?: string;
  deadline?: Deadline;
  /** Repositories worked on at once; the policy's `runtime.concurrency` by default. */
  concurrency?: number;
}

/**
 * The walker options of a job over the repositories the policy covers: its include/exclude globs, its skip
 * tag looked up lazily (only where the job has something to do), and the run's names, cursor and deadline.
 *
 * @example
 * const run = await mapRepositories(ecr, walkOptionsFor(policy, { deadline }), (repo) => work(repo));
 */
export function walkOptionsFor(policy: Policy, run: RunScope): MapRepositoriesOptions {
  return {
    include: policy.repositories.include,
    exclude: policy.repositories.exclude,
    skipTag: policy.repositories.skipTag,
    skipLookup: 'lazy',
    ...(run.names ? { names: run.names } : {}),
    ...(run.cursor ? { cursor: run.cursor } : {}),
    ...(run.deadline ? { deadline: run.deadline } : {}),
    concurrency: run.concurrency ?? policy.runtime.concurrency,
  };
}
