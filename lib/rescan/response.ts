import { firstOf } from '../job/response';
import type { Executed } from '../job/types';
import type { RescanReport } from './run';

/** Planned images and failures listed in the summary; the totals always count all of them. */
const MAX_LISTED = 50;

/**
 * The summary of a rescan run, small enough for an event and a Lambda answer whatever the registry's size:
 * totals, the first planned images by digest, the failures.
 *
 * @example
 * rescanSummary(report); // { mode: 'apply', planned: { count: 12, images: [...] }, started: 11, scannedToday: 1, failed: 0, ... }
 */
export function rescanSummary(report: RescanReport) {
  const count = (kind: string) => report.outcomes.filter((o) => o.kind === kind).length;
  const images = firstOf(
    report.planned.map((i) => ({ repositoryName: i.repositoryName, imageDigest: i.imageDigest, reason: i.reason })),
    MAX_LISTED,
  );
  const failures = firstOf(
    [
      ...report.failures.map((f) => ({ repositoryName: f.repositoryName, ...f.error })),
      ...report.outcomes.flatMap((o) => (o.kind === 'failed' ? [{ repositoryName: o.item.repositoryName, imageDigest: o.item.imageDigest, ...o.error }] : [])),
    ],
    MAX_LISTED,
  );
  return {
    schemaVersion: report.schemaVersion,
    job: report.job,
    mode: report.mode,
    scanType: report.scanType,
    ...(report.note ? { note: report.note } : {}),
    rescanAfterDays: report.rescanAfterDays,
    planned: { count: report.planned.length, images: images.items, truncated: images.truncated },
    ...(report.mode === 'apply' ? { started: count('started'), scannedToday: count('scanned-today'), skippedOnStart: count('skipped'), failed: count('failed') } : {}),
    skipped: report.skipped,
    failures: failures.items,
    failuresTruncated: failures.truncated,
    summary: report.summary,
  };
}

/** The rescan's Lambda answer: its summary and what became of its event. */
export function rescanResponse(report: Executed<RescanReport>): object {
  return { ...rescanSummary(report), events: report.events };
}
