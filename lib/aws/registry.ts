import {
  DescribeRegistryCommand,
  GetRegistryScanningConfigurationCommand,
  type ECRClient,
  type RegistryScanningRule,
  type ReplicationRule,
} from '@aws-sdk/client-ecr';
import type { RegistryScanning } from '../registry';
import { allSettledOrThrow } from '../settle';

/** The registry's identity and replication rules: what DescribeRegistry tells. */
export interface RegistryReplication {
  registryId: string;
  region: string;
  replicationRules: ReplicationRule[];
}

/** The registry's scanning configuration: what GetRegistryScanningConfiguration tells. */
export interface RegistryScanningState {
  scanning: RegistryScanning;
  /** GetRegistryScanningConfiguration's rules as ECR returned them, for the report. */
  scanningRules: RegistryScanningRule[];
}

/** The registry-wide settings every job needs once per run. */
export interface RegistryState extends RegistryReplication, RegistryScanningState {}

/** Reduces ECR's registry scanning rules to the filters the plans need. */
export function toRegistryScanning(scanType: string | undefined, rules: readonly RegistryScanningRule[]): RegistryScanning {
  const filtersOf = (frequency: string) =>
    rules.filter((r) => r.scanFrequency === frequency).flatMap((r) => (r.repositoryFilters ?? []).map((f) => f.filter ?? ''));
  return {
    scanType: scanType === 'ENHANCED' ? 'ENHANCED' : 'BASIC',
    scanOnPushFilters: filtersOf('SCAN_ON_PUSH'),
    continuousFilters: filtersOf('CONTINUOUS_SCAN'),
  };
}

/**
 * Reads the registry's id, region (from the client) and replication rules: one DescribeRegistry.
 *
 * @example
 * const { registryId, region, replicationRules } = await readReplication(ecr);
 */
export async function readReplication(ecr: ECRClient): Promise<RegistryReplication> {
  const [described, region] = await Promise.all([ecr.send(new DescribeRegistryCommand({})), ecr.config.region()]);
  return {
    registryId: described.registryId ?? '',
    region,
    replicationRules: described.replicationConfiguration?.rules ?? [],
  };
}

/** Reads the registry's scanning configuration, with its rules as ECR returned them: one GetRegistryScanningConfiguration. */
async function readScanningConfiguration(ecr: ECRClient): Promise<RegistryScanningState> {
  const out = await ecr.send(new GetRegistryScanningConfigurationCommand({}));
  const scanningRules = out.scanningConfiguration?.rules ?? [];
  return { scanning: toRegistryScanning(out.scanningConfiguration?.scanType, scanningRules), scanningRules };
}

/**
 * Reads the registry's id, region, replication rules and scanning configuration (two calls).
 *
 * @example
 * const registry = await readRegistry(ecr);
 */
export async function readRegistry(ecr: ECRClient): Promise<RegistryState> {
  const [replication, scanning] = await allSettledOrThrow([readReplication(ecr), readScanningConfiguration(ecr)]);
  return { ...replication, ...scanning };
}

/**
 * Reads only the registry's scanning configuration (one call): what a scan needs to know before it
 * starts one (StartImageScan does not apply under ENHANCED scanning) or waits on one.
 *
 * @example
 * const scanning = await readRegistryScanning(ecr);
 * if (scanning.scanType === 'ENHANCED') return pending('Amazon Inspector scans this registry');
 */
export async function readRegistryScanning(ecr: ECRClient): Promise<RegistryScanning> {
  return (await readScanningConfiguration(ecr)).scanning;
}
