import type { Deadline } from '../deadline';
import type { Severity } from '../policy';
import type { SeverityCounts } from './severity';

/** The image a scan is about. */
export interface ScanImage {
  repositoryName: string;
  imageDigest: string;
  /** The tags known for the image (from the event or DescribeImages); may be empty. */
  imageTags: string[];
  /** The repository's ARN, when known: the verdict event names it in `resources`. */
  repositoryArn?: string;
}

/** What asked for the scan; it decides what the run may do. */
export type ScanTrigger =
  /** ECR's push event: start a scan where none exists, wait on it. */
  | 'push'
  /** ECR's or Inspector's scan-complete event: read the findings, never start or wait. */
  | 'scan-complete'
  /** Inspector's finding event (a new or changed finding of an image): judge the image again, never start or wait. */
  | 'finding'
  /** The CLI: start a scan where none exists, wait on it. */
  | 'cli';

/** One scan job: which image, why, and how long it may wait. */
export interface ScanRequest {
  image: ScanImage;
  trigger: ScanTrigger;
  /** Seconds the run may wait on a scan in progress; 0 answers "pending" at once. */
  waitSeconds: number;
  /**
   * `policy`: the policy's include/exclude globs and skip tag apply (events: every push arrives here);
   * `any`: scan what was named (the CLI, where the user names the image).
   */
  scope: 'policy' | 'any';
  /** The Lambda's deadline (remaining time minus a safety margin); also bounds the wait. */
  deadline?: Deadline;
  /** Aborts a wait in progress (the Lambda's timeout signal): the run answers "pending" instead of being killed. */
  signal?: AbortSignal;
}

/** One finding, reduced to what a verdict lists. */
export interface ScanFinding {
  /** The vulnerability id: `CVE-...`, `GHSA-...`, `ALAS...` (basic: `name`; enhanced: `vulnerabilityId`). */
  id: string;
  severity: Severity;
  /** The severity as ECR reported it when it differs (Inspector's `UNTRIAGED`). */
  reportedSeverity?: string;
  title?: string;
  packageName?: string;
  packageVersion?: string;
  /** Enhanced scanning only: the version that fixes it. */
  fixedInVersion?: string;
  uri?: string;
  /** Enhanced scanning only: Inspector's score. */
  score?: number;
  /** Enhanced scanning only: `ACTIVE`, `SUPPRESSED` or `CLOSED`. */
  status?: string;
}

/**
 * How the scan of an image stands, as the verdict reports it. ECR's `vulnerabilitySourceUpdatedAt` is left
 * out on purpose: it can change between reads of the same scan, and a verdict depends on the scan alone.
 */
export interface ScanSummary {
  type: 'BASIC' | 'ENHANCED';
  status: string;
  description?: string;
  completedAt?: string;
}

/** The judgement of one image's findings against the policy. */
export interface ScanVerdict {
  repositoryName: string;
  registryId?: string;
  imageDigest: string;
  imageTags: string[];
  /**
   * `pass`: no counted finding at or above `failOn`; `fail`: at least one; `scan-failed`: ECR could not
   * scan the image (its description says why), so nothing can be said about its findings.
   */
  result: 'pass' | 'fail' | 'scan-failed';
  reason: string;
  failOn: Severity;
  scan: ScanSummary;
  /** Every finding, as ECR counts them. */
  counts: SeverityCounts;
  /** The findings the verdict counts: without allow-listed ids and findings Inspector suppressed. */
  effectiveCounts: SeverityCounts;
  findingsTotal: number;
  /** Findings left out of `effectiveCounts`, with their distinct ids. */
  ignored: { count: number; ids: string[] };
  /** The most severe counted findings, at most the policy's `scan.topFindings`. */
  topFindings: ScanFinding[];
  /** Equal for equal judgements of the same scan: consumers de-duplicate verdict events on it. */
  verdictId: string;
}

/** Where a scan stands once the run got as far as it could. */
export type ScanOutcome =
  | { kind: 'verdict'; image: ScanImage; origin: ScanOrigin; verdict: ScanVerdict; reason: string }
  | { kind: 'pending'; image: ScanImage; origin?: ScanOrigin; status?: string; reason: string }
  | { kind: 'skipped-unsupported'; image: ScanImage; reason: string }
  | { kind: 'not-scanned'; image: ScanImage; status?: string; reason: string }
  | { kind: 'out-of-scope'; image: ScanImage; reason: string }
  | { kind: 'missing'; image: ScanImage; what: 'repository' | 'image'; reason: string };

/**
 * How the scan came to exist: found in place (scan-on-push, an earlier run, Inspector), started by
 * this run, or refused by ECR's one-scan-a-day quota (`LimitExceededException`), which means it was
 * already scanned today.
 */
export type ScanOrigin = 'existing' | 'started' | 'scanned-today';
