import type { KeeperEvent } from '../events/publish';
import { EVENT_DETAIL_VERSION } from '../events/version';
import type { PublishContext } from '../job/types';
import { rescanSummary } from './response';
import type { RescanReport } from './run';

/** The detail-type of the rescan's summary event. */
export const RESCAN_SUMMARY_DETAIL_TYPE = 'ECR Keeper Rescan Summary';

/**
 * The summary event of a rescan that started scans or failed somewhere: totals, the first images by digest,
 * the failures. The verdicts themselves come later, one `ECR Keeper Scan Verdict` per change, from the
 * scan-complete events.
 *
 * @example
 * rescanSummaryEvents(report); // [] for a run that started nothing and failed nowhere
 */
export function rescanSummaryEvents(report: RescanReport, context: PublishContext = {}): KeeperEvent[] {
  const failed = report.failures.length > 0 || report.outcomes.some((o) => o.kind === 'failed');
  const started = report.outcomes.some((o) => o.kind === 'started');
  if (!failed && !started) return [];
  return [{ detailType: RESCAN_SUMMARY_DETAIL_TYPE, detail: { version: EVENT_DETAIL_VERSION, ...rescanSummary(report), ...(context.fanOut ? { fanOut: context.fanOut } : {}) } }];
}
