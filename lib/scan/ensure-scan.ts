import { DescribeImageScanFindingsCommand, StartImageScanCommand, type ECRClient, type Repository } from '@aws-sdk/client-ecr';
import { failFastOn } from '../aws/fail-fast';
import { scanOnPushState, wildcardMatch } from '../registry';
import type { RegistryScanning } from '../registry';
import { errorCode, isAwsError } from '../errors';
import type { ScanImage, ScanOrigin } from './types';

/** Whether an image has a scan, after {@link ensureScan} did what it may. */
export type ScanState =
  /** A scan exists (found, started now, or done earlier today); `status` is ECR's. */
  | { kind: 'scan'; origin: ScanOrigin; status: string; description?: string; reason: string }
  /** ECR does not scan this kind of artifact (signatures, attestations, image indexes...). */
  | { kind: 'unsupported'; reason: string }
  /** No scan, and none started: `awaiting` when Amazon Inspector will scan it on its own. */
  | { kind: 'no-scan'; awaiting: boolean; reason: string }
  /** The repository or the image is gone; `reason` is ECR's message. */
  | { kind: 'missing'; what: 'repository' | 'image'; reason: string };

/** What {@link ensureScan} needs. */
export interface EnsureScanDeps {
  ecr: ECRClient;
  /** The registry's scanning configuration, read once and only when needed (memoise it). */
  registryScanning: () => Promise<RegistryScanning>;
}

/** `start-if-missing` (push, CLI) may call StartImageScan; `read-only` (scan-complete events) never does. */
export type EnsureMode = 'start-if-missing' | 'read-only';

type Found = { found: true; status: string; description?: string } | { found: false; reason: string } | ScanState;

/** A RepositoryNotFound / ImageNotFound error as a `missing` state; undefined for any other error. */
export function missingState(err: unknown): Extract<ScanState, { kind: 'missing' }> | undefined {
  const reason = err instanceof Error ? err.message : String(err);
  if (isAwsError(err, 'RepositoryNotFoundException')) return { kind: 'missing', what: 'repository', reason };
  if (isAwsError(err, 'ImageNotFoundException')) return { kind: 'missing', what: 'image', reason };
  return undefined;
}

function unsupported(err: unknown): ScanState {
  return { kind: 'unsupported', reason: `ECR does not scan this artifact: ${(err as Error).message || errorCode(err)}` };
}

/** One light DescribeImageScanFindings call (a single finding) for the scan's status. */
async function describeStatus(ecr: ECRClient, image: ScanImage): Promise<Found> {
  try {
    const out = await ecr.send(
      new DescribeImageScanFindingsCommand({ repositoryName: image.repositoryName, imageId: { imageDigest: image.imageDigest }, maxResults: 1 }),
    );
    const status = out.imageScanStatus?.status ?? 'UNKNOWN';
    return { found: true, status, ...(out.imageScanStatus?.description ? { description: out.imageScanStatus.description } : {}) };
  } catch (err) {
    if (isAwsError(err, 'ScanNotFoundException')) return { found: false, reason: (err as Error).message };
    if (isAwsError(err, 'UnsupportedImageTypeException')) return unsupported(err);
    const missing = missingState(err);
    if (missing) return missing;
    throw err;
  }
}

function scanFound(origin: ScanOrigin, found: { status: string; description?: string }, reason: string): ScanState {
  return { kind: 'scan', origin, status: found.status, ...(found.description ? { description: found.description } : {}), reason };
}

function enhancedRuleFor(repositoryName: string, scanning: RegistryScanning): string | undefined {
  return [...scanning.scanOnPushFilters, ...scanning.continuousFilters].find((f) => wildcardMatch(f, repositoryName));
}

/**
 * Makes sure an image has a scan, with the fewest calls:
 *
 * 1. DescribeImageScanFindings: a scan that exists (in progress, complete, failed) is used as it is,
 *    whoever started it (scan-on-push, an earlier delivery of the same event, Amazon Inspector).
 * 2. No scan (`ScanNotFoundException`): under ENHANCED scanning StartImageScan does not apply, so the
 *    image waits for Inspector (when a rule covers it); under BASIC a scan is started, also when
 *    scan-on-push covers the repository (the image was pushed before it was turned on).
 * 3. `LimitExceededException` (one scan per image per day) means it was scanned today: not throttling,
 *    not an error. `UnsupportedImageTypeException` is a recorded skip.
 *
 * A missing repository or image is returned as a `missing` state, never thrown.
 *
 * @example
 * const state = await ensureScan({ ecr, registryScanning: once(() => readRegistryScanning(ecr)) }, image, 'start-if-missing');
 */
export async function ensureScan(
  deps: EnsureScanDeps,
  image: ScanImage,
  mode: EnsureMode,
  repository?: Repository,
): Promise<ScanState> {
  const first = await describeStatus(deps.ecr, image);
  if ('kind' in first) return first;
  if (first.found) return scanFound('existing', first, `a scan exists (${first.status})`);
  if (mode === 'read-only') return { kind: 'no-scan', awaiting: false, reason: `no scan exists for this image: ${first.reason}` };

  const scanning = await deps.registryScanning();
  if (scanning.scanType === 'ENHANCED') {
    const rule = enhancedRuleFor(image.repositoryName, scanning);
    return rule !== undefined
      ? {
          kind: 'no-scan',
          awaiting: true,
          reason: `the registry uses enhanced scanning (Amazon Inspector, rule "${rule}"): StartImageScan does not apply, Inspector scans the image itself`,
        }
      : {
          kind: 'no-scan',
          awaiting: false,
          reason: `the registry uses enhanced scanning and no scanning rule covers repository ${image.repositoryName}`,
        };
  }

  const onPush = scanOnPushState(repository ?? { repositoryName: image.repositoryName }, scanning).effective;
  try {
    // LimitExceededException here is the daily scan quota, an answer: not retried as throttling.
    const start = new StartImageScanCommand({ repositoryName: image.repositoryName, imageId: { imageDigest: image.imageDigest } });
    const out = await deps.ecr.send(failFastOn(start, ['LimitExceededException']));
    return {
      kind: 'scan',
      origin: 'started',
      status: out.imageScanStatus?.status ?? 'IN_PROGRESS',
      reason: onPush ? 'no scan existed although scan-on-push covers the repository (pushed before it was on): started one' : 'no scan existed: started one',
    };
  } catch (err) {
    if (isAwsError(err, 'UnsupportedImageTypeException')) return unsupported(err);
    const missing = missingState(err);
    if (missing) return missing;
    if (!isAwsError(err, 'LimitExceededException')) throw err;
  }

  // Refused by the daily quota: the scan ECR counts must be visible now (a race with scan-on-push).
  const again = await describeStatus(deps.ecr, image);
  if ('kind' in again) return again;
  if (again.found) {
    return scanFound('scanned-today', again, `already scanned today (LimitExceededException: one scan per image per day); using that scan (${again.status})`);
  }
  return {
    kind: 'no-scan',
    awaiting: false,
    reason: 'ECR refuses another scan today (LimitExceededException: one scan per image per day) and has none for this image (deleted and pushed again?); it can be scanned again tomorrow',
  };
}
