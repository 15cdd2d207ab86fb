import type { ImageDetail } from '@aws-sdk/client-ecr';
import type { ImageTally } from '../registry';
import type { ErrorInfo } from '../errors';
import type { Mode } from '../job/mode';
import type { JobReport, JobSummary } from '../job/types';
import type { SourceFailure } from '../inuse/types';
import type { Policy } from '../policy';
import type { ArchiveResult } from '../retention/archive';

/** What a run does with its plan: `dry-run` plans and reports, `apply` plans, re-checks and deletes. */
export type CleanupMode = Mode;

/** The keep rules of the policy that a plan applies (the cap and the mode are the run's business). */
export type CleanupRules = Pick<Policy['cleanup'], 'untaggedOlderThanDays' | 'keepPulledWithinDays'>;

/** What {@link readRepositoryImages} found in one repository: every image and the children of every index. */
export interface RepositoryImages {
  repositoryName: string;
  registryId?: string;
  /** Every image, active and archived (archived images still hold references). */
  images: ImageDetail[];
  /** Index digest -> digests its manifest lists, for every image index / manifest list that could be read. */
  children: ReadonlyMap<string, readonly string[]>;
  /** Indexes whose manifest could not be read: their children are unknown, so the plan deletes nothing. */
  unreadable: UnreadableIndex[];
  /** Images that had to be identified (see `needsIdentity`) and could not be: the plan keeps them. */
  unidentified?: UnidentifiedImage[];
}

/** An image whose manifest had to be read to know what it is, and could not be. */
export type UnidentifiedImage = UnreadableIndex;

/** An image index BatchGetImage did not return (other than one that vanished). */
export interface UnreadableIndex {
  digest: string;
  code: string;
  message: string;
}

/** An image as a plan shows it: the DescribeImages facts it was decided on. */
export interface CleanupImage {
  digest: string;
  tags: string[];
  sizeBytes: number;
  /** `ACTIVE`, `ARCHIVED` or `ACTIVATING`; ACTIVE when the endpoint does not say. */
  status: string;
  mediaType?: string;
  artifactMediaType?: string;
  /** The digest of the image this artifact (signature, SBOM, attestation) refers to. */
  subject?: string;
  pushedAt?: string;
  lastPulledAt?: string;
}

/** Why an image stays. The first five are the image's own facts; the others come from the graph or the run. */
export type KeepReason =
  /** It has at least one tag: this job never deletes a tagged image. */
  | 'tagged'
  /** It is archived (or being restored): reported, never deleted by this job. */
  | 'not-active'
  /** Pushed less than `untaggedOlderThanDays` ago, or ECR does not say when. */
  | 'young'
  /** Pulled within `keepPulledWithinDays`. */
  | 'recently-pulled'
  /** Listed (transitively) by an image index that is kept. */
  | 'child-of-index'
  /** An artifact whose subject is present and kept. */
  | 'referrer-of-present-subject'
  /** An index of the repository could not be read, so nothing in it is known to be unreferenced. */
  | 'unreadable-index'
  /** Its manifest had to be read to know whether it is an artifact or an index, and could not be. */
  | 'unidentified'
  /** The repository opts out with the skip tag. */
  | 'skipped'
  /** Garbage, but the run's `maxDeletesPerRun` is used up (whole groups are chosen). */
  | 'cap-reached'
  /** Something uses it (an ECS service or task, a Lambda function, ...): `users` names them. */
  | 'in-use'
  /** An in-use source could not be read: nothing in the target is known to be unused, so nothing goes. */
  | 'in-use-unknown'
  /** A tag matches the retention section's `protectTags`. */
  | 'protected-tag'
  /** Among the newest `keepLast` images its retention rule selects. */
  | 'keep-last'
  /** Selected by a retention rule, but pushed within its `olderThanDays` (or of unknown age). */
  | 'rule-young'
  /** Selected by a retention rule, but pulled within its `notPulledForDays`. */
  | 'rule-recently-pulled';

/** Why an image goes. */
export type DeleteReason =
  /** Untagged, old enough, not pulled recently, and nothing kept refers to it. */
  | 'untagged'
  /** An untagged index that no kept index lists: deleted before its children. */
  | 'unreferenced-index'
  /** Listed by an index deleted in the same plan, and by no kept index. */
  | 'child-of-deleted-index'
  /** An artifact whose subject is deleted in the same plan. */
  | 'referrer-of-deleted-subject'
  /** An artifact whose subject is no longer in the repository. */
  | 'orphaned-artifact'
  /** A tagged image a retention rule expires (`rule` names it). */
  | 'expired';

/** Keep reasons that carry the retention rule they come from. */
export type RuleKeepReason = Extract<KeepReason, 'keep-last' | 'rule-young' | 'rule-recently-pulled'>;

/**
 * An image the plan keeps, with its reason; `keptBy` names the kept (or archived) index or subject that
 * protects it, `users` who uses it, `rule` the retention rule (index in `retention.rules`) that keeps it.
 */
export type KeepDecision =
  | { action: 'keep'; reason: 'child-of-index' | 'referrer-of-present-subject'; image: CleanupImage; keptBy: string }
  | { action: 'keep'; reason: 'in-use'; image: CleanupImage; users: string[] }
  | { action: 'keep'; reason: RuleKeepReason; image: CleanupImage; rule: number }
  | { action: 'keep'; reason: Exclude<KeepReason, 'child-of-index' | 'referrer-of-present-subject' | 'in-use' | RuleKeepReason>; image: CleanupImage };

/** An image the plan deletes, with its reason. */
export interface DeleteDecision {
  action: 'delete';
  reason: DeleteReason;
  image: CleanupImage;
  /** Digests deleted in this plan that refer to this image (its indexes, its subject): they go first. */
  after: string[];
  /** The digest that names this image's group: the cap takes or leaves a group whole. */
  group: string;
  /** For `expired`: the retention rule (index in `retention.rules`). */
  rule?: number;
}

/** A tagged image a retention rule with `action: archive` expires: moved to the ARCHIVE storage class (restorable). */
export interface ArchiveDecision {
  action: 'archive';
  reason: 'expired';
  image: CleanupImage;
  rule: number;
}

/** One decision per image. */
export type ImageDecision = KeepDecision | DeleteDecision | ArchiveDecision;

/** A tagged old-style cosign image (`sha256-<digest>.sig`) whose image is gone: reported, never deleted here. */
export interface OrphanedSignatureTag {
  tag: string;
  digest: string;
  /** The digest the tag names, no longer in the repository. */
  subject: string;
}

/** The cleanup plan of one repository. */
export interface RepositoryCleanupPlan {
  repositoryName: string;
  registryId?: string;
  /** What to delete, parents (indexes, subjects) before the images they refer to. */
  delete: DeleteDecision[];
  /** What to move to the archive storage class (retention rules with `action: archive`). */
  archive: ArchiveDecision[];
  /** Every other image, with the reason it stays. */
  keep: KeepDecision[];
  orphanedSignatureTags: OrphanedSignatureTag[];
  unreadableIndexes: UnreadableIndex[];
  /** Images and bytes the plan deletes. */
  reclaim: ImageTally;
  /** Images and bytes the plan archives. */
  archiving: ImageTally;
  /** In-use sources that failed: the plan deletes and archives nothing (fail closed). */
  inUseFailures?: string[];
}

/** Why apply left out an image the plan meant to delete. */
export type DropReason =
  /** The re-check found it tagged, archived or pulled since the plan. */
  | Extract<KeepReason, 'tagged' | 'not-active' | 'recently-pulled' | 'young'>
  /** An index or subject that refers to it was dropped, so it is protected again. */
  | 'parent-kept'
  /** An index or subject that refers to it could not be deleted. */
  | 'parent-not-deleted';

/** An image left out at apply time, and why. */
export interface DroppedImage {
  digest: string;
  reason: DropReason;
}

/** A BatchDeleteImage failure other than "already gone". */
export interface DeleteFailure {
  digest: string;
  code: string;
  message: string;
}

/** What applying one repository's plan did. */
export interface ApplyResult {
  deleted: ImageTally;
  /** Images the plan named that were already gone (vanished before the re-check or at delete time). */
  alreadyGone: number;
  /** Images the re-check or a failed parent took out of the deletion. */
  dropped: DroppedImage[];
  /** Images ECR refused to delete because an index still lists them: kept, and reported. */
  referenced: string[];
  /** Images ECR failed to delete for any other reason. */
  failures: DeleteFailure[];
  /** Images not attempted because the deadline passed. */
  notAttempted: number;
  /** Every candidate was attempted: false after the deadline or a failed call (see `error`). */
  complete: boolean;
  /** A call that failed as a whole (after the SDK's retries): the rest of this repository was not attempted. */
  error?: ErrorInfo;
}

/** One repository of a run: its plan, and in `apply` mode what applying it did. */
export type RepositoryCleanup =
  | { mode: 'dry-run'; repositoryName: string; plan: RepositoryCleanupPlan }
  | { mode: 'apply'; repositoryName: string; plan: RepositoryCleanupPlan; applied: ApplyResult; archived?: ArchiveResult };

/** Totals over a run. */
export interface CleanupSummary extends JobSummary {
  mode: CleanupMode;
  repositories: number;
  /** Repositories with something to delete. */
  repositoriesWithGarbage: number;
  /** Images in the repositories read. */
  images: number;
  planned: ImageTally;
  deleted: ImageTally;
  alreadyGone: number;
  dropped: number;
  referenced: number;
  /** Failed deletions plus repositories that could not be read or applied. */
  failed: number;
  /** Garbage left for a later run by `maxDeletesPerRun`. */
  capReached: number;
  /** Tagged images retention rules expire: deleted ones are in `planned`/`deleted` too; these are to archive. */
  expired: number;
  archivePlanned: ImageTally;
  archived: ImageTally;
  /** Images kept because something uses them. */
  inUse: number;
  /** In-use sources that failed: nothing was deleted or archived (counted in `failed`). */
  inUseFailures: string[];
  orphanedSignatureTags: number;
  unreadableIndexes: number;
  excluded: number;
  complete: boolean;
  cursor?: string;
}

/** What the run found in use, read once per run before any repository is planned. */
export interface InUseReport {
  /** The sources read (the policy's `inUse`). */
  sources: string[];
  /** Images in use found (in any repository, this registry's or not). */
  images: number;
  /** Sources that failed: the run deleted and archived nothing. */
  failures: SourceFailure[];
}

/** The result of a cleanup run (`--format json`). */
export interface CleanupReport extends JobReport {
  job: 'cleanup';
  rules: CleanupRules & { maxDeletesPerRun: number; retentionRules: number };
  inUse: InUseReport;
  repositories: RepositoryCleanup[];
  summary: CleanupSummary;
}
