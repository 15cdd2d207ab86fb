import type { ImageDetail } from '@aws-sdk/client-ecr';
import picomatch from 'picomatch';
import { compileNameFilter } from '../glob';
import { isTagged } from '../registry';
import type { RetentionAction, RetentionPolicy } from './policy-schema';

const DAY_MS = 86_400_000;

/** What retention says about one tagged image (the plan adds in-use, the graph and the cap). */
export type RetentionVerdict =
  /** Selected by rule `rule` (index in `retention.rules`) and old enough: it goes, by `action`. */
  | { verdict: 'expire'; rule: number; action: RetentionAction }
  /** A tag matches `protectTags`. */
  | { verdict: 'keep'; reason: 'protected-tag' }
  /** No rule selects it: a tag falls outside every rule of the repository. */
  | { verdict: 'keep'; reason: 'not-selected' }
  /** Archived or being restored: retention acts on active images. */
  | { verdict: 'keep'; reason: 'not-active' }
  /** Among the newest `keepLast` images its rule selects; pushed within `olderThanDays` (or of unknown age); pulled within `notPulledForDays`. */
  | { verdict: 'keep'; reason: 'keep-last' | 'rule-young' | 'rule-recently-pulled'; rule: number };

function anyMatch(patterns: readonly string[]): (value: string) => boolean {
  return patterns.length > 0 ? picomatch([...patterns], { dot: true }) : () => false;
}

/** Newest first by push time (unknown last), then by digest, so that equal times rank the same way every run. */
function newestFirst(a: ImageDetail, b: ImageDetail): number {
  const at = a.imagePushedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const bt = b.imagePushedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (at !== bt) return bt - at;
  return (a.imageDigest ?? '') < (b.imageDigest ?? '') ? -1 : (a.imageDigest ?? '') > (b.imageDigest ?? '') ? 1 : 0;
}

/**
 * Judges the tagged images of one repository against the retention section, without any call. An image is
 * selected by the first rule that covers the repository and matches every one of its tags; `protectTags`
 * win over every rule; archived images are left alone. Among the active images a rule selects, the newest `keepLast` (by push time) stay; of the
 * rest, those pushed more than `olderThanDays` ago and (when `notPulledForDays` is set) not pulled within it
 * expire. Untagged images are the cleanup's: they get no verdict. Pure: same images, policy and clock, same
 * verdicts.
 *
 * @example
 * const verdicts = judgeTaggedImages(read.images, 'team-a/api', policy.retention, new Date());
 * verdicts.get(digest); // { verdict: 'expire', rule: 0, action: 'delete' }
 */
export function judgeTaggedImages(images: readonly ImageDetail[], repositoryName: string, retention: RetentionPolicy, now: Date): Map<string, RetentionVerdict> {
  const verdicts = new Map<string, RetentionVerdict>();
  const isProtected = anyMatch(retention.protectTags);
  const rules = retention.rules
    .map((rule, index) => ({ rule, index, tagMatches: anyMatch(rule.tags) }))
    .filter(({ rule }) => compileNameFilter(rule.repositories)(repositoryName));
  const selected = new Map<number, ImageDetail[]>();
  for (const image of images) {
    const digest = image.imageDigest;
    if (!digest || !isTagged(image) || verdicts.has(digest)) continue;
    const tags = image.imageTags ?? [];
    if (tags.some(isProtected)) {
      verdicts.set(digest, { verdict: 'keep', reason: 'protected-tag' });
      continue;
    }
    if ((image.imageStatus ?? 'ACTIVE') !== 'ACTIVE') {
      verdicts.set(digest, { verdict: 'keep', reason: 'not-active' });
      continue;
    }
    const match = rules.find(({ tagMatches }) => tags.every(tagMatches));
    if (!match) {
      verdicts.set(digest, { verdict: 'keep', reason: 'not-selected' });
      continue;
    }
    selected.set(match.index, [...(selected.get(match.index) ?? []), image]);
  }
  for (const [index, chosen] of selected) {
    const rule = retention.rules[index]!;
    chosen.sort(newestFirst).forEach((image, rank) => {
      const digest = image.imageDigest!;
      const pushed = image.imagePushedAt?.getTime();
      const pulled = image.lastRecordedPullTime?.getTime();
      if (rank < rule.keepLast) verdicts.set(digest, { verdict: 'keep', reason: 'keep-last', rule: index });
      else if (pushed === undefined || pushed > now.getTime() - rule.olderThanDays * DAY_MS) verdicts.set(digest, { verdict: 'keep', reason: 'rule-young', rule: index });
      else if (rule.notPulledForDays !== null && pulled !== undefined && pulled > now.getTime() - rule.notPulledForDays * DAY_MS) {
        verdicts.set(digest, { verdict: 'keep', reason: 'rule-recently-pulled', rule: index });
      } else verdicts.set(digest, { verdict: 'expire', rule: index, action: rule.action });
    });
  }
  return verdicts;
}
