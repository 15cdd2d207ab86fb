import type { RescanImage, RescanItem, RescanPlan, RescanSkips } from './types';

const DAY_MS = 86_400_000;

/** Manifest media types of image indexes (multi-arch): ECR scans the children, never the index. */
const INDEX_MEDIA_TYPES = new Set(['application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json']);

/** What {@link planRescan} decides by. */
export interface RescanPolicy {
  /** The registry's scan type: nothing is rescanned under ENHANCED (Amazon Inspector rescans continuously). */
  scanType: 'BASIC' | 'ENHANCED';
  /** An image is due once its last scan completed more than this many days ago (or it never was scanned). */
  rescanAfterDays: number;
  /** Tagged images pushed within this many days are in scope (images in use are, whatever their age). */
  rescanPushedWithinDays: number;
  now: number;
}

function ageDays(iso: string | undefined, now: number): number | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : (now - at) / DAY_MS;
}

function days(n: number): string {
  return `${Math.floor(n)} day${Math.floor(n) === 1 ? '' : 's'}`;
}

type Decision = { due: RescanItem } | { skip: keyof RescanSkips };

function decide(image: RescanImage, policy: RescanPolicy): Decision {
  const pushed = ageDays(image.pushedAt, policy.now);
  const recent = image.imageTags.length > 0 && pushed !== undefined && pushed <= policy.rescanPushedWithinDays;
  if (!image.inUse && !recent) return { skip: 'outOfScope' };
  if (image.scanStatus === 'UNSUPPORTED_IMAGE' || (image.manifestMediaType && INDEX_MEDIA_TYPES.has(image.manifestMediaType))) return { skip: 'unsupported' };
  if (image.scanStatus === 'IN_PROGRESS' || image.scanStatus === 'PENDING') return { skip: 'scanning' };
  const scanned = ageDays(image.lastScanCompletedAt, policy.now);
  if (scanned !== undefined && scanned <= policy.rescanAfterDays) return { skip: 'notDue' };
  const why = image.inUse ? 'in use' : `tagged and pushed ${days(pushed!)} ago`;
  const when = scanned === undefined ? 'never scanned' : `last scanned ${days(scanned)} ago (more than ${policy.rescanAfterDays})`;
  return {
    due: {
      kind: 'start-scan',
      repositoryName: image.repositoryName,
      ...(image.repositoryArn ? { repositoryArn: image.repositoryArn } : {}),
      imageDigest: image.imageDigest,
      imageTags: [...image.imageTags],
      reason: `${why}; ${when}`,
    },
  };
}

/**
 * Plans a rescan (basic scanning). Pure: the same images, policy and clock give the same plan.
 *
 * - In scope: images in use, and tagged images pushed within `rescanPushedWithinDays`.
 * - Due: never scanned, or last scanned more than `rescanAfterDays` ago; not while a scan is under way,
 *   never an image ECR does not scan (an index, UNSUPPORTED_IMAGE).
 * - Under ENHANCED scanning nothing is planned, and `note` says why: Amazon Inspector rescans continuously and
 *   StartImageScan does not apply.
 *
 * @example
 * const plan = planRescan(images, { scanType: 'BASIC', rescanAfterDays: 7, rescanPushedWithinDays: 90, now: Date.now() });
 * plan.items; // [{ kind: 'start-scan', repositoryName: 'team/api', imageDigest, reason: 'tagged and pushed 3 days ago; never scanned' }]
 */
export function planRescan(images: Iterable<RescanImage>, policy: RescanPolicy): RescanPlan {
  const skipped: RescanSkips = { notDue: 0, outOfScope: 0, scanning: 0, unsupported: 0 };
  if (policy.scanType === 'ENHANCED') {
    return {
      scanType: 'ENHANCED',
      items: [],
      skipped,
      note: 'the registry uses enhanced scanning: Amazon Inspector rescans images continuously and StartImageScan does not apply, so the rescan job has nothing to do',
    };
  }
  const items: RescanItem[] = [];
  for (const image of images) {
    const decision = decide(image, policy);
    if ('due' in decision) items.push(decision.due);
    else skipped[decision.skip]++;
  }
  return { scanType: 'BASIC', items, skipped };
}
