import type { Repository, ScanType } from '@aws-sdk/client-ecr';
import { wildcardMatch } from './tags';

/** The registry-level scanning configuration as the plans see it. */
export interface RegistryScanning {
  scanType: ScanType;
  /** Wildcard repository filters of BASIC `SCAN_ON_PUSH` rules. */
  scanOnPushFilters: string[];
  /** Wildcard repository filters of `CONTINUOUS_SCAN` rules. */
  continuousFilters: string[];
}

/** How scan-on-push stands for a repository, from its own flag and the registry's configuration. */
export interface ScanOnPushState {
  /** The repository-level flag (deprecated by ECR in favour of registry-level rules). */
  repository: boolean;
  /** True when a BASIC registry rule with SCAN_ON_PUSH covers the repository. */
  registryRule: boolean;
  /** True when the registry uses enhanced (Inspector) scanning, which covers scanning on its own terms. */
  enhanced: boolean;
  /** Whether pushed images get scanned. */
  effective: boolean;
}

/** Scan-on-push for one repository, from both the repository flag and the registry configuration. */
export function scanOnPushState(repository: Repository, registry: RegistryScanning): ScanOnPushState {
  const name = repository.repositoryName ?? '';
  const own = repository.imageScanningConfiguration?.scanOnPush === true;
  const enhanced = registry.scanType === 'ENHANCED';
  const registryRule = !enhanced && registry.scanOnPushFilters.some((f) => wildcardMatch(f, name));
  return { repository: own, registryRule, enhanced, effective: enhanced || own || registryRule };
}
