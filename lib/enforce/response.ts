import { firstOf } from '../job/response';
import { reportOutcomes } from './outcomes';
import type { EnforceReport } from './types';

/** Changes listed in a Lambda's answer; the summary always counts all of them. */
export const MAX_RESPONSE_CHANGES = 100;

/** A change in a Lambda's answer: its reason and what became of it. */
export interface ChangeLine {
  reason: string;
  status: string;
  error?: string;
}

/** What the enforce Lambdas return and log: the summary, the first changes, failures and events. */
export interface EnforceResponse {
  mode: EnforceReport['mode'];
  scope: EnforceReport['scope'];
  summary: EnforceReport['summary'];
  changes: ChangeLine[];
  changesTruncated: boolean;
  failures: EnforceReport['failures'];
  missing: string[];
  events: { published: number; failed: number } | null;
}

/** Reduces a report to a Lambda's answer, small whatever the registry's size. */
export function enforceResponse(report: EnforceReport): EnforceResponse {
  const outcomes = firstOf(reportOutcomes(report), MAX_RESPONSE_CHANGES);
  return {
    mode: report.mode,
    scope: report.scope,
    summary: report.summary,
    changes: outcomes.items.map((o) => ({
      reason: o.change.reason,
      status: o.status === 'skipped' ? `skipped (${o.skipReason})` : o.status,
      ...(o.status === 'failed' ? { error: `${o.error.code}: ${o.error.message}` } : {}),
    })),
    changesTruncated: outcomes.truncated,
    failures: firstOf(report.failures, MAX_RESPONSE_CHANGES).items,
    missing: report.missing,
    events: report.events ? { published: report.events.published, failed: report.events.failed.length } : null,
  };
}
