import type { ImageTagMutability, ReplicationRule, ScanType } from '@aws-sdk/client-ecr';

/** A repository's tag mutability: the mode and its wildcard exclusion filters. */
export interface TagMutabilitySetting {
  mode: ImageTagMutability;
  exclusions: string[];
}

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
    };

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

/** The registry-level scanning configuration as the plans see it. */
export interface RegistryScanning {
  scanType: ScanType;
  /** Wildcard repository filters of BASIC `SCAN_ON_PUSH` rules. */
  scanOnPushFilters: string[];
  /** Wildcard repository filters of `CONTINUOUS_SCAN` rules. */
  continuousFilters: string[];
}

/** What the plan noticed and did not change, e.g. enhanced scanning it will not fight. */
export interface PlanNote {
  repositoryName?: string;
  note: string;
}
