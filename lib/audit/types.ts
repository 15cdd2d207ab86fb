import type { PullTimeNoiseWarning } from '../retention/pull-time-exclusions';
import type { RegistryScanningRule, ReplicationRule } from '@aws-sdk/client-ecr';
import type { PlanNote, RepositoryChange, ReplicationChange } from '../enforce/types';
import type { ImageTally, TagMutabilitySetting } from '../registry';
import type { ErrorInfo } from '../errors';
import type { JobReport, JobSummary } from '../job/types';
import type { PostureFinding } from '../posture/findings';
import type { RepositoryAccess } from './repository-policy';


/** The newest image that carries scan information. */
export interface LastScan {
  imageDigest: string;
  imageTags: string[];
  pushedAt?: string;
  status?: string;
  completedAt?: string;
  findingSeverityCounts: Record<string, number>;
}

/** One repository in the audit. */
export interface RepositoryAudit {
  repositoryName: string;
  repositoryArn: string;
  createdAt?: string;
  tagMutability: { actual: TagMutabilitySetting; expected: TagMutabilitySetting; compliant: boolean };
  scanOnPush: {
    /** Repository-level flag (deprecated by ECR, reported for completeness). */
    repository: boolean;
    /** A BASIC registry rule scans this repository on push. */
    registryRule: boolean;
    /** The registry uses enhanced scanning. */
    enhanced: boolean;
    effective: boolean;
    expected: boolean;
    compliant: boolean;
  };
  lifecyclePolicy: boolean;
  /** `compliant`: against the policy's `encryption.require`. */
  encryption: { type: string; kmsKey?: string; compliant: boolean };
  access: RepositoryAccess;
  /** The repository policy against the policy's `repositoryPolicy` section. */
  repositoryPolicy: {
    /** Why each Allow statement open to everyone with no narrowing condition is public. */
    publicStatements: string[];
    /** Accounts named that `allowedAccounts` leaves out; null when the policy allows any account. */
    disallowedAccounts: string[] | null;
    /** True when the policy text is not a JSON policy document (then `access.public` is true). */
    unreadable: boolean;
  };
  images: {
    total: ImageTally;
    tagged: ImageTally;
    untagged: ImageTally;
    /** What the cleanup plan would delete now (same keep rules, skip tag honoured, without the per-run cap). */
    reclaimable: ImageTally;
  };
  lastScan: LastScan | null;
  /** Opt-out by the skip tag; `null` when it was not looked up because nothing is out of policy. */
  skipped: boolean | null;
  /** The enforcement plan for this repository (empty when compliant). */
  changes: RepositoryChange[];
  /**
   * What is out of policy, each with the Security Hub controls it matches: the planned changes, and what
   * enforce cannot fix (public statements under `public: report`, encryption). Empty when skipped.
   */
  findings: PostureFinding[];
  notes: PlanNote[];
  /** True when nothing is out of policy (or the repository is skipped). */
  compliant: boolean;
}

/** A repository the audit could not read, with the reason. */
export interface RepositoryAuditFailure {
  repositoryName: string;
  error: ErrorInfo;
}

/** The registry in the audit. */
export interface RegistryAudit {
  registryId: string;
  region: string;
  replication: {
    mode: 'merge' | 'replace';
    rules: ReplicationRule[];
    change: ReplicationChange | null;
    compliant: boolean;
  };
  scanning: { scanType: string; rules: RegistryScanningRule[] };
}

/** Totals over the whole audit. */
export interface AuditSummary extends JobSummary {
  repositories: number;
  compliant: number;
  outOfPolicy: number;
  skipped: number;
  excluded: number;
  failed: number;
  images: number;
  bytes: number;
  untaggedImages: number;
  untaggedBytes: number;
  reclaimableImages: number;
  reclaimableBytes: number;
  /** Planned setting changes, registry included. */
  changes: number;
  /** Findings over all repositories (see `RepositoryAudit.findings`). */
  findings: number;
  /** Findings by the Security Hub control they match (`{ "ECR.2": 3 }`); ecr-keeper's own checks are not counted here. */
  findingsByControl: Record<string, number>;
  /** False when the walk stopped at its deadline; `cursor` resumes it. */
  complete: boolean;
  cursor?: string;
  /** True when anything at all is out of policy (drives `--check`). */
  outOfPolicyFound: boolean;
}

/** The audit document (`--format json`). */
export interface AuditReport extends JobReport {
  job: 'audit';
  /** The audit never writes: always `dry-run`. */
  mode: 'dry-run';
  registry: RegistryAudit;
  repositories: RepositoryAudit[];
  failures: RepositoryAuditFailure[];
  summary: AuditSummary;
  /** What the audit found risky in the policy against the registry (e.g. `pull-time-noise`). */
  warnings?: PullTimeNoiseWarning[];
}
