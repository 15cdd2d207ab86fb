import type { PublishResult } from '../events/publish';
import type { Executed } from '../job/types';
import { firstOf } from '../job/response';
import type { CleanupReport } from './types';

/** Repositories and failures listed in the summary; the totals always cover all of them. */
const MAX_LISTED = 50;

/** A repository's line in the summary: what was planned and what was deleted. */
export interface CleanupSummaryRepository {
  repositoryName: string;
  planned: { count: number; bytes: number };
  deleted?: { count: number; bytes: number };
  failed?: number;
}

/** One failure in the summary: a repository that could not be cleaned up, or an image that could not be deleted. */
export interface CleanupSummaryFailure {
  repositoryName: string;
  digest?: string;
  code: string;
  message: string;
}

/** The summary of a run, small enough for an event and a Lambda response whatever the registry's size. */
export function cleanupSummary(report: CleanupReport) {
  const touched = report.repositories.filter(
    (r) => r.plan.delete.length > 0 || r.plan.archive.length > 0 || (r.mode === 'apply' && (r.applied.failures.length > 0 || r.applied.error)),
  );
  const repositories: CleanupSummaryRepository[] = touched.map((r) => ({
    repositoryName: r.repositoryName,
    planned: r.plan.reclaim,
    ...(r.mode === 'apply' ? { deleted: r.applied.deleted, failed: r.applied.failures.length + (r.applied.error ? 1 : 0) } : {}),
  }));
  const failures: CleanupSummaryFailure[] = [
    ...report.failures.map((f) => ({ repositoryName: f.repositoryName, ...f.error })),
    ...report.repositories.flatMap((r) =>
      r.mode === 'apply'
        ? [
            ...(r.applied.error ? [{ repositoryName: r.repositoryName, ...r.applied.error }] : []),
            ...r.applied.failures.map((f) => ({ repositoryName: r.repositoryName, ...f })),
          ]
        : [],
    ),
  ];
  const listedRepositories = firstOf(repositories, MAX_LISTED);
  const listedFailures = firstOf(failures, MAX_LISTED);
  return {
    mode: report.mode,
    generatedAt: report.generatedAt,
    rules: report.rules,
    summary: report.summary,
    repositories: listedRepositories.items,
    repositoriesTruncated: listedRepositories.truncated,
    failures: listedFailures.items,
    failuresTruncated: listedFailures.truncated,
    missing: firstOf(report.missing, MAX_LISTED).items,
  };
}

/**
 * The cleanup Lambda's answer: its summary with the events it published.
 *
 * @example
 * return cleanupResponse(await executeJob(cleanupJob, deps, policy, request, { publish: true }));
 */
export function cleanupResponse(report: Executed<CleanupReport>): ReturnType<typeof cleanupSummary> & { events: PublishResult | null } {
  return { ...cleanupSummary(report), events: report.events };
}
