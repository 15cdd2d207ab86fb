import type { KeeperEvent } from '../events/publish';
import { EVENT_DETAIL_VERSION } from '../events/version';
import type { PublishContext } from '../job/types';
import { cleanupSummary } from './response';
import type { CleanupReport } from './types';

export const CLEANUP_SUMMARY_DETAIL_TYPE = 'ECR Keeper Cleanup Summary';

/**
 * The summary event of a cleanup run: mode, totals planned and deleted, the repositories touched, failures.
 * A fanned-out run's work item says which run and item it is.
 */
export function cleanupSummaryEvent(report: CleanupReport, context: PublishContext = {}): KeeperEvent {
  return { detailType: CLEANUP_SUMMARY_DETAIL_TYPE, detail: { version: EVENT_DETAIL_VERSION, ...cleanupSummary(report), ...(context.fanOut ? { fanOut: context.fanOut } : {}) } };
}
