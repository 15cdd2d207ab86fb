import type { ScanVerdict } from './types';

/** What the verdict state keeps of one judgement: enough to tell whether the next one is news. */
export interface JudgedVerdict {
  verdictId: string;
  result: ScanVerdict['result'];
  /** The distinct ids of the counted findings at or above `failOn`, sorted. */
  failingIds: string[];
}

/** Whether a verdict is news, and why: the verdict state publishes only news. */
export type VerdictChange = { publish: true; reason: string } | { publish: false; reason: string };

const SHOWN_IDS = 5;

function listed(ids: string[]): string {
  return ids.length > SHOWN_IDS ? `${ids.slice(0, SHOWN_IDS).join(', ')} and ${ids.length - SHOWN_IDS} more` : ids.join(', ');
}

/**
 * Compares a verdict with the image's previous one. Pure. A verdict is news when there was none before,
 * when the result changed (pass -> fail, fail -> pass, a scan that failed), or when a failing image has a
 * failing finding it did not have before. A failing finding that went away, or any change below `failOn`,
 * is not news.
 *
 * @example
 * verdictChange({ verdictId: 'a', result: 'pass', failingIds: [] }, { verdictId: 'b', result: 'fail', failingIds: ['CVE-1'] });
 * // { publish: true, reason: 'the verdict changed: pass -> fail' }
 */
export function verdictChange(previous: JudgedVerdict | undefined, current: JudgedVerdict): VerdictChange {
  if (!previous) return { publish: true, reason: 'the first verdict for this image' };
  if (previous.result !== current.result) return { publish: true, reason: `the verdict changed: ${previous.result} -> ${current.result}` };
  const before = new Set(previous.failingIds);
  const added = current.failingIds.filter((id) => !before.has(id));
  if (current.result === 'fail' && added.length > 0) return { publish: true, reason: `new failing finding(s): ${listed(added)}` };
  return { publish: false, reason: `the verdict is unchanged (${current.result})` };
}
