import { inUseClientsFor } from '../inuse/clients';
import { usersByDigest } from '../inuse/lookup';
import { readInUse } from '../inuse/read';
import type { InUseSet } from '../inuse/types';
import { REPORT_SCHEMA_VERSION, type JobDeps } from '../job/types';
import { applyArchivePlan } from '../retention/archive';
import { silentLog } from '../log';
import type { Policy } from '../policy';
import { walkOptionsFor, type RunScope } from '../walk-options';
import { mapRepositories } from '../walker';
import { applyCleanupPlan } from './apply';
import { planWalkedRepository, type CleanupBudget } from './plan';
import { readRepositoryImages } from './read';
import type { CleanupMode, CleanupReport, CleanupRules, CleanupSummary, RepositoryCleanup } from './types';

/** What {@link runCleanup} needs. */
export type CleanupDeps = Pick<JobDeps, 'ecr' | 'now' | 'log' | 'inUse'>;

/** Options of {@link runCleanup}: the run's scope (names, cursor, deadline, concurrency) and its mode. */
export interface CleanupOptions extends RunScope {
  /** `dry-run`: plan and report; `apply`: plan, re-check and delete. */
  mode: CleanupMode;
  /** Called after each repository, for a progress indicator. */
  onProgress?: (done: number, repositoryName: string) => void;
}

function summarize(
  mode: CleanupMode,
  repositories: RepositoryCleanup[],
  run: { failures: unknown[]; excluded: number; complete: boolean; cursor?: string },
  inUseFailures: string[],
): CleanupSummary {
  const sum = (pick: (r: RepositoryCleanup) => number) => repositories.reduce((n, r) => n + pick(r), 0);
  const applied = (pick: (a: Extract<RepositoryCleanup, { mode: 'apply' }>['applied']) => number) => sum((r) => (r.mode === 'apply' ? pick(r.applied) : 0));
  const archived = (pick: (a: NonNullable<Extract<RepositoryCleanup, { mode: 'apply' }>['archived']>) => number) =>
    sum((r) => (r.mode === 'apply' && r.archived ? pick(r.archived) : 0));
  return {
    mode,
    repositories: repositories.length,
    repositoriesWithGarbage: repositories.filter((r) => r.plan.delete.length > 0).length,
    images: sum((r) => r.plan.delete.length + r.plan.archive.length + r.plan.keep.length),
    planned: { count: sum((r) => r.plan.reclaim.count), bytes: sum((r) => r.plan.reclaim.bytes) },
    deleted: { count: applied((a) => a.deleted.count), bytes: applied((a) => a.deleted.bytes) },
    alreadyGone: applied((a) => a.alreadyGone),
    dropped: applied((a) => a.dropped.length),
    referenced: applied((a) => a.referenced.length),
    failed:
      run.failures.length + applied((a) => a.failures.length + (a.error ? 1 : 0)) + archived((a) => a.failures.length + (a.error ? 1 : 0)) + inUseFailures.length,
    capReached: sum((r) => r.plan.keep.filter((k) => k.reason === 'cap-reached').length),
    expired: sum((r) => r.plan.delete.filter((d) => d.reason === 'expired').length + r.plan.archive.length),
    archivePlanned: { count: sum((r) => r.plan.archiving.count), bytes: sum((r) => r.plan.archiving.bytes) },
    archived: { count: archived((a) => a.archived.count), bytes: archived((a) => a.archived.bytes) },
    inUse: sum((r) => r.plan.keep.filter((k) => k.reason === 'in-use').length),
    inUseFailures,
    orphanedSignatureTags: sum((r) => r.plan.orphanedSignatureTags.length),
    unreadableIndexes: sum((r) => r.plan.unreadableIndexes.length),
    excluded: run.excluded,
    complete: run.complete && repositories.every((r) => r.mode === 'dry-run' || (r.applied.complete && (r.archived?.complete ?? true))),
    ...(run.cursor ? { cursor: run.cursor } : {}),
  };
}

/**
 * A cleanup run over every repository the policy covers: read what is in use once (the policy's `inUse`
 * sources), read each repository once, plan untagged clean-up and retention together (every image with its
 * reason; an image in use is never deleted nor archived; a failed in-use source holds every plan: fail
 * closed), and in `apply` mode re-check, delete and archive. The policy's `maxDeletesPerRun` is one budget
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
  const retention = policy.retention.rules.length > 0 ? policy.retention : undefined;
  const region = await deps.ecr.config.region();
  // What is in use is read once per run, when the first repository names the registry, and shared by all.
  let inUseRead: Promise<InUseSet> | undefined;
  const inUseOf = (registryId: string) =>
    (inUseRead ??= readInUse({ ecr: deps.ecr, ...(deps.inUse ?? inUseClientsFor(deps.ecr)), now: () => now }, policy.inUse, { registryId, region }));
  let done = 0;

  const run = await mapRepositories(
    deps.ecr,
    walkOptionsFor(policy, options),
    async (repo): Promise<RepositoryCleanup> => {
      const images = await readRepositoryImages(deps.ecr, repo);
      const inUse = await inUseOf(repo.registryId);
      const plan = await planWalkedRepository(repo, images, {
        rules,
        now,
        budget,
        ...(retention ? { retention } : {}),
        inUse: usersByDigest(inUse, { registryId: repo.registryId, region, repositoryName: repo.name }, images.images),
        ...(inUse.failures.length > 0 ? { inUseFailures: inUse.failures.map((f) => f.source) } : {}),
      });
      let result: RepositoryCleanup;
      if (options.mode === 'apply') {
        const applied = await applyCleanupPlan({ ecr: deps.ecr, now: () => now }, plan, { rules, ...(options.deadline ? { deadline: options.deadline } : {}) });
        if (applied.error) log.warn('cleanup stopped in a repository', { repositoryName: repo.name, error: applied.error });
        for (const f of applied.failures) log.warn('image could not be deleted', { repositoryName: repo.name, ...f });
        const archived = plan.archive.length > 0 ? await applyArchivePlan({ ecr: deps.ecr }, plan, options.deadline ? { deadline: options.deadline } : {}) : undefined;
        for (const f of archived?.failures ?? []) log.warn('image could not be archived', { repositoryName: repo.name, ...f });
        result = { mode: 'apply', repositoryName: repo.name, plan, applied, ...(archived ? { archived } : {}) };
      } else {
        result = { mode: 'dry-run', repositoryName: repo.name, plan };
      }
      options.onProgress?.(++done, repo.name);
      return result;
    },
  );
  for (const f of run.failures) log.warn('repository could not be cleaned up', { repositoryName: f.repositoryName, error: f.error });
  const inUse = inUseRead ? await inUseRead : undefined;
  for (const f of inUse?.failures ?? []) log.warn('in-use source could not be read: nothing deleted or archived', { source: f.source, error: f.error });

  const repositories = run.results.map((r) => r.value);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    job: 'cleanup',
    mode: options.mode,
    generatedAt: now.toISOString(),
    rules: { ...rules, maxDeletesPerRun: policy.cleanup.maxDeletesPerRun, retentionRules: policy.retention.rules.length },
    inUse: { sources: inUse?.sources ?? [], images: inUse?.images.length ?? 0, failures: inUse?.failures ?? [] },
    repositories,
    failures: run.failures,
    missing: run.missing,
    summary: summarize(options.mode, repositories, run, [...new Set((inUse?.failures ?? []).map((f) => f.source))]),
  };
}
