import { entrySize, type KeeperEvent } from '../events/publish';
import { EVENT_DETAIL_VERSION } from '../events/version';
import { MAX_PUT_EVENTS_BYTES } from '../limits';
import type { ScanVerdict } from './types';

/** The detail-type of the event ecr-keeper publishes for every verdict. */
export const SCAN_VERDICT_DETAIL_TYPE = 'ECR Keeper Scan Verdict';

/** The verdict event's detail: its version, the verdict, with the lists cut to fit and what was cut. */
export type ScanVerdictDetail = ScanVerdict & {
  version: typeof EVENT_DETAIL_VERSION;
  /** Present when lists were cut to fit EventBridge's entry size: how many items each lost. */
  truncated?: { topFindings: number; ignoredIds: number };
};

function sizeOf(source: string, detail: ScanVerdictDetail, resources: string[]): number {
  return entrySize({ Source: source, DetailType: SCAN_VERDICT_DETAIL_TYPE, Detail: JSON.stringify(detail), Resources: resources });
}

/** The largest `n` in [0, length] for which `fits(n)` holds, `fits` being monotone; -1 when none does. */
function largestFitting(length: number, fits: (n: number) => boolean): number {
  if (!fits(0)) return -1;
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The verdict as one EventBridge event (`ECR Keeper Scan Verdict`), kept under EventBridge's entry size
 * (256 KiB): when it would not fit, the top findings are cut from the least severe end (then the
 * ignored ids), never the counts, and `truncated` says how many went.
 *
 * @example
 * await publishEvents({ events }, policy.events, [scanVerdictEvent(verdict, { source: policy.events.source })]);
 */
export function scanVerdictEvent(
  verdict: ScanVerdict,
  options: { source: string; repositoryArn?: string; maxBytes?: number },
): KeeperEvent {
  const max = options.maxBytes ?? MAX_PUT_EVENTS_BYTES;
  const resources = options.repositoryArn ? [options.repositoryArn] : [];
  const event = (detail: ScanVerdictDetail): KeeperEvent => ({
    detailType: SCAN_VERDICT_DETAIL_TYPE,
    detail,
    ...(resources.length ? { resources } : {}),
  });
  const whole: ScanVerdictDetail = { version: EVENT_DETAIL_VERSION, ...verdict };
  if (sizeOf(options.source, whole, resources) <= max) return event(whole);

  const { topFindings, ignored } = verdict;
  const cut = (findings: number, ids: number): ScanVerdictDetail => ({
    ...whole,
    topFindings: topFindings.slice(0, findings),
    ignored: { count: ignored.count, ids: ignored.ids.slice(0, ids) },
    truncated: { topFindings: topFindings.length - findings, ignoredIds: ignored.ids.length - ids },
  });
  const fits = (detail: ScanVerdictDetail) => sizeOf(options.source, detail, resources) <= max;

  const findings = largestFitting(topFindings.length, (n) => fits(cut(n, 0)));
  if (findings >= 0) {
    const ids = largestFitting(ignored.ids.length, (n) => fits(cut(findings, n)));
    return event(cut(findings, Math.max(0, ids)));
  }
  // Not even the counts alone fit (it takes absurdly long names): publishEvents reports it as too large.
  return event(cut(0, 0));
}
