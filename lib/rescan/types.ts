/** An image as the rescan job sees it: what DescribeImages tells of it, and whether it is in use. */
export interface RescanImage {
  repositoryName: string;
  /** The repository's ARN: the image's key in the verdict state, and its URI in reports. */
  repositoryArn?: string;
  imageDigest: string;
  imageTags: string[];
  /** ISO 8601. */
  pushedAt?: string;
  /** When its last scan completed (DescribeImages' `imageScanFindingsSummary.imageScanCompletedAt`), ISO 8601. */
  lastScanCompletedAt?: string;
  /** ECR's `imageScanStatus.status`: `COMPLETE`, `IN_PROGRESS`, `FAILED`, `UNSUPPORTED_IMAGE`... */
  scanStatus?: string;
  /** `imageManifestMediaType`: an image index is not scanned itself (its children are). */
  manifestMediaType?: string;
  /** Running somewhere (ECS, Lambda, Batch): in scope whatever its age (the in-use reader of the retention job). */
  inUse?: boolean;
}

/** One scan the rescan job starts (or, in a dry run, would start). */
export interface RescanItem {
  kind: 'start-scan';
  repositoryName: string;
  repositoryArn?: string;
  imageDigest: string;
  imageTags: string[];
  reason: string;
}

/** Why images were left out of a rescan, counted (a registry has too many to list). */
export interface RescanSkips {
  /** Scanned recently enough. */
  notDue: number;
  /** Neither in use nor tagged and pushed recently. */
  outOfScope: number;
  /** A scan is under way already. */
  scanning: number;
  /** ECR does not scan it (an image index, or ECR said UNSUPPORTED_IMAGE). */
  unsupported: number;
}

/** The rescan plan: the scans to start, what was left out, and, when nothing can be done, why. */
export interface RescanPlan {
  scanType: 'BASIC' | 'ENHANCED';
  items: RescanItem[];
  skipped: RescanSkips;
  /** Set when the job does nothing on purpose (enhanced scanning). */
  note?: string;
}

/** How one planned scan went. */
export type RescanOutcome =
  | { kind: 'started'; item: RescanItem }
  /** ECR's one-scan-a-day quota (LimitExceededException): the image was scanned today, which is what the job wanted. */
  | { kind: 'scanned-today'; item: RescanItem; reason: string }
  | { kind: 'skipped'; item: RescanItem; reason: string }
  | { kind: 'failed'; item: RescanItem; error: { code: string; message: string } };
