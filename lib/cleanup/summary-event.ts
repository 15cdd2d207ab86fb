import type { KeeperEvent } from '../events/publish';
import type { CleanupReport } from './types';

export const CLEANUP_SUMMARY_DETAIL_TYPE = 'ECR Keeper Cleanup Summary';
/** Repositories and failures listed in the event; the totals always cover all of them. */
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
  const touched = report.repositories.filter((r) => r.plan.delete.length > 0 || (r.mode === 'delete' && (r.applied.failures.length > 0 || r.applied.error)));
  const repositories: CleanupSummaryRepository[] = touched.map((r) => ({
    repositoryName: r.repositoryName,
    planned: r.plan.reclaim,
    ...(r.mode === 'delete' ? { deleted: r.applied.deleted, failed: r.applied.failures.length + (r.applied.error ? 1 : 0) } : {}),
  }));
  const failures: CleanupSummaryFailure[] = [
    ...report.failures.map((f) => ({ repositoryName: f.repositoryName, ...f.error })),
    ...report.repositories.flatMap((r) =>
      r.mode === 'delete'
        ? [
            ...(r.applied.error ? [{ repositoryName: r.repositoryName, ...r.applied.error }] : []),
            ...r.applied.failures.map((f) => ({ repositoryName: r.repositoryName, ...f })),
          ]
        : [],
    ),
  ];
  return {
    mode: report.mode,
    generatedAt: report.generatedAt,
    rules: report.rules,
    summary: report.summary,
    repositories: repositories.slice(0, MAX_LISTED),
    repositoriesTruncated: repositories.length > MAX_LISTED,
    failures: failures.slice(0, MAX_LISTED),
    failuresTruncated: failures.length > MAX_LISTED,
    missing: report.missing.slice(0, MAX_LISTED),
  };
}

/** The summary event of a cleanup run: mode, totals planned and deleted, the repositories touched, failures. */
export function cleanupSummaryEvent(report: CleanupReport): KeeperEvent {
  return { detailType: CLEANUP_SUMMARY_DETAIL_TYPE, detail: cleanupSummary(report) };
}
