import {
  DescribeRegistryCommand,
  GetRegistryScanningConfigurationCommand,
  type ECRClient,
  type RegistryScanningRule,
  type ReplicationRule,
} from '@aws-sdk/client-ecr';
import type { RegistryScanning } from '../enforce/types';

/** The registry-wide settings every job needs once per run. */
export interface RegistryState {
  registryId: string;
  region: string;
  replicationRules: ReplicationRule[];
  scanning: RegistryScanning;
  /** GetRegistryScanningConfiguration's rules as ECR returned them, for the report. */
  scanningRules: RegistryScanningRule[];
}

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
 * Reads the registry's id, region, replication rules and scanning configuration (two calls).
 *
 * @example
 * const registry = await readRegistry(ecr);
 */
export async function readRegistry(ecr: ECRClient): Promise<RegistryState> {
  const [described, scanning, region] = await Promise.all([
    ecr.send(new DescribeRegistryCommand({})),
    ecr.send(new GetRegistryScanningConfigurationCommand({})),
    ecr.config.region(),
  ]);
  const scanningRules = scanning.scanningConfiguration?.rules ?? [];
  return {
    registryId: described.registryId ?? scanning.registryId ?? '',
    region,
    replicationRules: described.replicationConfiguration?.rules ?? [],
    scanning: toRegistryScanning(scanning.scanningConfiguration?.scanType, scanningRules),
    scanningRules,
  };
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
  const out = await ecr.send(new GetRegistryScanningConfigurationCommand({}));
  return toRegistryScanning(out.scanningConfiguration?.scanType, out.scanningConfiguration?.rules ?? []);
}
