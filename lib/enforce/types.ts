import type { ReplicationRule } from '@aws-sdk/client-ecr';
import type { TagMutabilitySetting } from '../registry';
import type { ErrorInfo } from '../errors';
import type { JobReport, JobSummary, Trigger } from '../job/types';
import type { Mode } from '../job/mode';
import type { PostureChange } from '../posture/types';


/** One change to one repository's settings, with the reason it is needed. */
export type RepositoryChange =
  | {
      kind: 'set-tag-mutability';
      repositoryName: string;
      repositoryArn: string;
      from: TagMutabilitySetting;
      to: TagMutabilitySetting;
      reason: string;
    }
  | {
      kind: 'set-scan-on-push';
      repositoryName: string;
      repositoryArn: string;
      from: boolean;
      to: boolean;
      reason: string;
    }
  /** Repository policy and lifecycle safety net (lib/posture). */
  | PostureChange;

/** What a replication change is computed from and leads to (PutReplicationConfiguration replaces it whole). */
interface ReplicationChangeBase {
  /** The rules as ECR reported them. */
  from: ReplicationRule[];
  /** The whole configuration to write. */
  to: ReplicationRule[];
  /** Destinations the change adds / removes, grouped by repository filters, for the report. */
  added: ReplicationRule[];
  removed: ReplicationRule[];
  reason: string;
}

/** The registry's replication configuration change, within ECR's limits. */
export interface PutReplicationChange extends ReplicationChangeBase {
  kind: 'put-replication-configuration';
}

/**
 * A replication change ECR would refuse: the configuration it leads to breaks ECR's limits (rules,
 * destinations, filters). It is never sent; applying it records a failure naming the limits.
 */
export interface BlockedReplicationChange extends ReplicationChangeBase {
  kind: 'replication-over-limit';
  problems: string[];
}

/** The registry's replication change, makeable or blocked by ECR's limits. */
export type ReplicationChange = PutReplicationChange | BlockedReplicationChange;

/** The registry a replication plan is for: ECR cannot replicate a registry to itself. */
export interface RegistryIdentity {
  registryId: string;
  region: string;
}

/** Any change an enforcement plan holds. */
export type SettingChange = RepositoryChange | ReplicationChange;

/** What the plan noticed and did not change, e.g. enhanced scanning it will not fight. */
export interface PlanNote {
  repositoryName?: string;
  note: string;
}

/** What an enforcement run does: `dry-run` reads and reports only, `apply` writes. */
export type EnforceMode = Mode;

/** Why a planned change was not made: a dry-run, or the repository's skip tag found at apply time. */
export type SkipReason = 'dry-run' | 'skip-tag';

/** What became of one planned change. */
export type ChangeOutcome =
  | { status: 'applied'; change: SettingChange }
  | { status: 'failed'; change: SettingChange; error: ErrorInfo }
  | { status: 'skipped'; change: SettingChange; skipReason: SkipReason };

/** Which part of the registry a run enforces. */
export type EnforceScope =
  /** Every repository the policy covers, then the replication configuration (not again when resuming at `cursor`). */
  | { kind: 'registry'; cursor?: string }
  /** Only these repositories' settings (still subject to the policy's include/exclude); `cursor` resumes among them. */
  | { kind: 'repositories'; names: string[]; cursor?: string }
  /** Only the registry's replication configuration. */
  | { kind: 'replication' };

/** What set a run off, carried into the events it publishes. */
export type EnforceTrigger = Trigger;

/** One repository whose settings the run changed, would change, or has notes on. */
export interface RepositoryEnforcement {
  repositoryName: string;
  repositoryArn: string;
  registryId: string;
  outcomes: ChangeOutcome[];
  notes: PlanNote[];
}

/** Totals of an enforcement run. */
export interface EnforceSummary extends JobSummary {
  mode: EnforceMode;
  /** Repositories checked against the policy. */
  repositories: number;
  /** Repositories that needed no change. */
  compliant: number;
  /** Repositories left out by the policy's include/exclude. */
  excluded: number;
  /** Changes planned, the registry's included. */
  changes: number;
  applied: number;
  failed: number;
  skipped: number;
  /** Repositories that could not be processed at all (see `failures`). */
  failedRepositories: number;
  /** False when the run stopped at its deadline; `cursor` resumes it. */
  complete: boolean;
  cursor?: string;
}

/** The result of an enforcement run (`--format json`). */
export interface EnforceReport extends JobReport {
  job: 'enforce';
  scope: EnforceScope['kind'];
  trigger?: EnforceTrigger;
  registry: {
    /** Known when the replication configuration was read. */
    registryId?: string;
    region: string;
    replication: {
      /** False when the run's scope left replication out. */
      checked: boolean;
      mode: 'merge' | 'replace';
      /** The change and what became of it; null when compliant or not checked. */
      outcome: ChangeOutcome | null;
    };
  };
  /** Repositories with changes or notes; compliant ones are only counted. */
  repositories: RepositoryEnforcement[];
  summary: EnforceSummary;
}
