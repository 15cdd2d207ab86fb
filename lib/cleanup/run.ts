import { REPORT_SCHEMA_VERSION, type JobDeps } from '../job/types';
import { silentLog } from '../log';
import type { Policy } from '../policy';
import { walkOptionsFor, type RunScope } from '../walk-options';
import { mapRepositories } from '../walker';
import { applyCleanupPlan } from './apply';
import { planWalkedRepository, type CleanupBudget } from './plan';
import { readRepositoryImages } from './read';
import type { CleanupMode, CleanupReport, CleanupRules, CleanupSummary, RepositoryCleanup } from './types';

/** What {@link runCleanup} needs. */
export type CleanupDeps = Pick<JobDeps, 'ecr' | 'now' | 'log'>;

/** Options of {@link runCleanup}: the run's scope (names, cursor, deadline, concurrency) and its mode. */
export interface CleanupOptions extends RunScope {
  /** `dry-run`: plan and report; `apply`: plan, re-check and delete. */
  mode: CleanupMode;
  /** Called after each repository, for a progress indicator. */
  onProgress?: (done: number, repositoryName: string) => void;
}

function summarize(mode: CleanupMode, repositories: RepositoryCleanup[], run: { failures: unknown[]; excluded: number; complete: boolean; cursor?: string }): CleanupSummary {
  const sum = (pick: (r: RepositoryCleanup) => number) => repositories.reduce((n, r) => n + pick(r), 0);
  const applied = (pick: (a: Extract<RepositoryCleanup, { mode: 'apply' }>['applied']) => number) => sum((r) => (r.mode === 'apply' ? pick(r.applied) : 0));
  return {
    mode,
    repositories: repositories.length,
    repositoriesWithGarbage: repositories.filter((r) => r.plan.delete.length > 0).length,
    images: sum((r) => r.plan.delete.length + r.plan.keep.length),
    planned: { count: sum((r) => r.plan.reclaim.count), bytes: sum((r) => r.plan.reclaim.bytes) },
    deleted: { count: applied((a) => a.deleted.count), bytes: applied((a) => a.deleted.bytes) },
    alreadyGone: applied((a) => a.alreadyGone),
    dropped: applied((a) => a.dropped.length),
    referenced: applied((a) => a.referenced.length),
    failed: run.failures.length + applied((a) => a.failures.length + (a.error ? 1 : 0)),
    capReached: sum((r) => r.plan.keep.filter((k) => k.reason === 'cap-reached').length),
    orphanedSignatureTags: sum((r) => r.plan.orphanedSignatureTags.length),
    unreadableIndexes: sum((r) => r.plan.unreadableIndexes.length),
    excluded: run.excluded,
    complete: run.complete && repositories.every((r) => r.mode === 'dry-run' || r.applied.complete),
    ...(run.cursor ? { cursor: run.cursor } : {}),
  };
}

/**
 * A cleanup run over every repository the policy covers: read each repository once, plan (every image
 * with its reason), and in `apply` mode re-check and delete. The policy's `maxDeletesPerRun` is one budget
 * for the whole run. A repository that fails is recorded and the run goes on; at the deadline no new
 * repository starts and `summary.cursor` resumes the walk. Its summary event is the job's to publish
 * (lib/cleanup/job.ts).
 *
 * @example
 * const report = await runCleanup({ ecr, log }, policy, { mode: policy.cleanup.mode, deadline: deadlineIn(context.getRemainingTimeInMillis()) });
 */
export async function runCleanup(deps: CleanupDeps, policy: Policy, options: CleanupOptions): Promise<CleanupReport> {
  const log = deps.log ?? silentLog;
  const now = (deps.now ?? (() => new Date()))();
  const rules: CleanupRules = { untaggedOlderThanDays: policy.cleanup.untaggedOlderThanDays, keepPulledWithinDays: policy.cleanup.keepPulledWithinDays };
  const budget: CleanupBudget = { remaining: policy.cleanup.maxDeletesPerRun };
  let done = 0;

  const run = await mapRepositories(
    deps.ecr,
    walkOptionsFor(policy, options),
    async (repo): Promise<RepositoryCleanup> => {
      const plan = await planWalkedRepository(repo, await readRepositoryImages(deps.ecr, repo), { rules, now, budget });
      let result: RepositoryCleanup;
      if (options.mode === 'apply') {
        const applied = await applyCleanupPlan({ ecr: deps.ecr, now: () => now }, plan, { rules, ...(options.deadline ? { deadline: options.deadline } : {}) });
        if (applied.error) log.warn('cleanup stopped in a repository', { repositoryName: repo.name, error: applied.error });
        for (const f of applied.failures) log.warn('image could not be deleted', { repositoryName: repo.name, ...f });
        result = { mode: 'apply', repositoryName: repo.name, plan, applied };
      } else {
        result = { mode: 'dry-run', repositoryName: repo.name, plan };
      }
      options.onProgress?.(++done, repo.name);
      return result;
    },
  );
  for (const f of run.failures) log.warn('repository could not be cleaned up', { repositoryName: f.repositoryName, error: f.error });

  const repositories = run.results.map((r) => r.value);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    job: 'cleanup',
    mode: options.mode,
    generatedAt: now.toISOString(),
    rules: { ...rules, maxDeletesPerRun: policy.cleanup.maxDeletesPerRun },
    repositories,
    failures: run.failures,
    missing: run.missing,
    summary: summarize(options.mode, repositories, run),
  };
}
