import type { ECRClient } from '@aws-sdk/client-ecr';
import { silentLog, type Log } from '../log';
import type { Policy } from '../policy';
import { walkOptionsFor, type RunScope } from '../walk-options';
import { mapRepositories, type WalkedRepository } from '../walker';
import { applyCleanupPlan } from './apply';
import { planRepositoryCleanup } from './plan';
import { readRepositoryImages } from './read';
import type { CleanupMode, CleanupReport, CleanupRules, CleanupSummary, RepositoryCleanup, RepositoryCleanupPlan, RepositoryImages } from './types';

/** What {@link runCleanup} needs. */
export interface CleanupDeps {
  ecr: ECRClient;
  now?: () => Date;
  log?: Log;
}

/** Options of {@link runCleanup}: the run's scope (names, cursor, deadline, concurrency) and its mode. */
export interface CleanupOptions extends RunScope {
  /** `dry-run`: plan and report; `delete`: plan, re-check and delete. */
  mode: CleanupMode;
  /** Called after each repository, for a progress indicator. */
  onProgress?: (done: number, repositoryName: string) => void;
}

/** Deletions a run may still plan; the repositories of a run draw on one budget. */
export interface CleanupBudget {
  remaining: number;
}

/**
 * Plans one walked repository: looks the skip tag up only when there is something to delete (one
 * ListTagsForResource at most, none for a clean repository), then plans within the run's budget and takes
 * what it plans from it. The budget is drawn synchronously after the last await, so repositories planned
 * concurrently never overdraw it.
 *
 * @example
 * const plan = await planWalkedRepository(repo, await readRepositoryImages(ecr, repo), { rules: policy.cleanup, now, budget });
 */
export async function planWalkedRepository(
  repo: Pick<WalkedRepository, 'isSkipped'>,
  images: RepositoryImages,
  options: { rules: CleanupRules; now: Date; budget: CleanupBudget },
): Promise<RepositoryCleanupPlan> {
  const unbounded = { rules: options.rules, now: options.now, cap: Number.POSITIVE_INFINITY };
  const draft = planRepositoryCleanup(images, unbounded);
  if (draft.delete.length === 0) return draft;
  const skipped = await repo.isSkipped();
  // From here on nothing awaits: the budget is read and drawn in one go.
  const fits = !skipped && draft.delete.length <= options.budget.remaining;
  const plan = fits ? draft : planRepositoryCleanup(images, { ...unbounded, cap: options.budget.remaining, skipped });
  options.budget.remaining -= plan.delete.length;
  return plan;
}

function summarize(mode: CleanupMode, repositories: RepositoryCleanup[], run: { failures: unknown[]; excluded: number; complete: boolean; cursor?: string }): CleanupSummary {
  const sum = (pick: (r: RepositoryCleanup) => number) => repositories.reduce((n, r) => n + pick(r), 0);
  const applied = (pick: (a: Extract<RepositoryCleanup, { mode: 'delete' }>['applied']) => number) => sum((r) => (r.mode === 'delete' ? pick(r.applied) : 0));
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
 * with its reason), and in `delete` mode re-check and delete. The policy's `maxDeletesPerRun` is one budget
 * for the whole run. A repository that fails is recorded and the run goes on; at the deadline no new
 * repository starts and `summary.cursor` resumes the walk.
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
      if (options.mode === 'delete') {
        const applied = await applyCleanupPlan({ ecr: deps.ecr, now: () => now }, plan, { rules, ...(options.deadline ? { deadline: options.deadline } : {}) });
        if (applied.error) log.warn('cleanup stopped in a repository', { repositoryName: repo.name, error: applied.error });
        for (const f of applied.failures) log.warn('image could not be deleted', { repositoryName: repo.name, ...f });
        result = { mode: 'delete', repositoryName: repo.name, plan, applied };
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
    mode: options.mode,
    generatedAt: now.toISOString(),
    rules: { ...rules, maxDeletesPerRun: policy.cleanup.maxDeletesPerRun },
    repositories,
    failures: run.failures,
    missing: run.missing,
    summary: summarize(options.mode, repositories, run),
  };
}
