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

/** The registry's replication configuration change (PutReplicationConfiguration replaces it whole). */
export interface ReplicationChange {
  kind: 'put-replication-configuration';
  from: ReplicationRule[];
  to: ReplicationRule[];
  /** Rules the change adds / removes, for the report. */
  added: ReplicationRule[];
  removed: ReplicationRule[];
  reason: string;
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
