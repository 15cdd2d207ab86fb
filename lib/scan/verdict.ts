import { createHash } from 'node:crypto';
import { SEVERITIES, type Policy } from '../policy';
import { formatCounts } from '../report/format';
import type { ScanFindings } from './findings';
import { atOrAbove, emptyCounts, severityRank, totalCount, type SeverityCounts } from './severity';
import type { ScanFinding, ScanImage, ScanVerdict } from './types';

/** Inspector finding states that no longer count against an image. */
const NOT_COUNTED_STATUSES = new Set(['SUPPRESSED', 'CLOSED']);

function countOf(findings: readonly ScanFinding[]): SeverityCounts {
  const counts = emptyCounts();
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Most severe first, then the highest Inspector score, then by id and package: the same order every time. */
export function compareFindings(a: ScanFinding, b: ScanFinding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    (b.score ?? -1) - (a.score ?? -1) ||
    a.id.localeCompare(b.id) ||
    (a.packageName ?? '').localeCompare(b.packageName ?? '') ||
    (a.packageVersion ?? '').localeCompare(b.packageVersion ?? '')
  );
}

type JudgePolicy = Pick<Policy['scan'], 'failOn' | 'ignore' | 'topFindings'>;

/**
 * Whether a finding is left out of the verdict: an allow-listed id, or a finding Inspector suppressed or closed.
 *
 * @example
 * const ignored = read.findings.filter(ignoredBy(policy.scan));
 */
export function ignoredBy(policy: Pick<Policy['scan'], 'ignore'>): (f: ScanFinding) => boolean {
  const allow = new Set(policy.ignore.map((id) => id.toUpperCase()));
  return (f) => allow.has(f.id.toUpperCase()) || (f.status !== undefined && NOT_COUNTED_STATUSES.has(f.status.toUpperCase()));
}

/**
 * The distinct ids of every counted finding at or above `failOn`, sorted: what makes an image fail. The
 * verdict lists only the top findings; the verdict state compares these to tell a new failing finding.
 *
 * @example
 * failingFindingIds(read.findings, policy.scan); // ['CVE-2024-1234', 'GHSA-xxxx-yyyy-zzzz']
 */
export function failingFindingIds(findings: readonly ScanFinding[], policy: Pick<Policy['scan'], 'failOn' | 'ignore'>): string[] {
  const isIgnored = ignoredBy(policy);
  return [...new Set(findings.filter((f) => !isIgnored(f) && atOrAbove(f.severity, policy.failOn)).map((f) => f.id))].sort();
}

function verdictIdOf(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/**
 * Judges an image's findings against the policy's `scan` section. Pure: the same findings and policy
 * always give the same verdict, `verdictId` included.
 *
 * - `failOn` is a threshold in the order CRITICAL > HIGH > MEDIUM > LOW > INFORMATIONAL > UNDEFINED:
 *   the image fails when any counted finding is at or above it.
 * - `ignore` lists vulnerability ids (case-insensitive) that are never counted; findings Amazon Inspector
 *   reports as SUPPRESSED or CLOSED are not counted either. `counts` keeps ECR's numbers for all findings,
 *   `effectiveCounts` those the verdict counted (recomputed from the findings when any was left out).
 * - A FAILED scan is a verdict of its own, `scan-failed`, with ECR's description.
 *
 * @example
 * const verdict = judgeScan(image, await readScanFindings(ecr, image), policy.scan);
 * if (verdict.result === 'fail') process.exitCode = 4;
 */
export function judgeScan(
  image: ScanImage,
  read: ScanFindings,
  policy: JudgePolicy,
): ScanVerdict {
  const isIgnored = ignoredBy(policy);
  const counted = read.findings.filter((f) => !isIgnored(f));
  const ignored = read.findings.filter(isIgnored);
  const counts = read.reportedCounts ?? countOf(read.findings);
  const effectiveCounts = ignored.length > 0 ? countOf(counted) : counts;
  const ignoredIds = [...new Set(ignored.map((f) => f.id))].sort();

  const failed = read.scan.status === 'FAILED';
  const blocking = SEVERITIES.filter((s) => atOrAbove(s, policy.failOn)).reduce((n, s) => n + effectiveCounts[s], 0);
  const result: ScanVerdict['result'] = failed ? 'scan-failed' : blocking > 0 ? 'fail' : 'pass';
  const below = Object.fromEntries(SEVERITIES.filter((s) => !atOrAbove(s, policy.failOn)).map((s) => [s, effectiveCounts[s]]));
  const above = Object.fromEntries(SEVERITIES.filter((s) => atOrAbove(s, policy.failOn)).map((s) => [s, effectiveCounts[s]]));
  const ignoredNote = ignored.length > 0 ? `; ${ignored.length} finding(s) not counted (allow-list or suppressed)` : '';
  const reason =
    result === 'scan-failed'
      ? `the scan FAILED: ${read.scan.description ?? 'ECR gave no description'}`
      : result === 'fail'
        ? `${blocking} finding(s) at or above ${policy.failOn}: ${formatCounts(above, SEVERITIES)}${ignoredNote}`
        : totalCount(effectiveCounts) === 0
          ? `no findings${ignoredNote}`
          : `no finding at or above ${policy.failOn} (below it: ${formatCounts(below, SEVERITIES)})${ignoredNote}`;

  const verdict: Omit<ScanVerdict, 'verdictId'> = {
    repositoryName: image.repositoryName,
    ...(read.registryId ? { registryId: read.registryId } : {}),
    imageDigest: image.imageDigest,
    imageTags: [...image.imageTags],
    result,
    reason,
    failOn: policy.failOn,
    scan: read.scan,
    counts,
    effectiveCounts,
    findingsTotal: read.findings.length,
    ignored: { count: ignored.length, ids: ignoredIds },
    topFindings: [...counted].sort(compareFindings).slice(0, policy.topFindings),
  };
  return {
    ...verdict,
    verdictId: verdictIdOf([
      verdict.registryId ?? '',
      verdict.repositoryName,
      verdict.imageDigest,
      verdict.scan.status,
      verdict.scan.completedAt ?? '',
      result,
      policy.failOn,
      effectiveCounts,
      ignoredIds,
    ]),
  };
}
