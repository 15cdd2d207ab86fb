import { describe, expect, it } from 'vitest';
import { planRescan, type RescanPolicy } from '../lib/rescan/plan';
import type { RescanImage } from '../lib/rescan/types';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const daysAgo = (n: number) => new Date(NOW - n * 86_400_000).toISOString();
const policy: RescanPolicy = { scanType: 'BASIC', rescanAfterDays: 7, rescanPushedWithinDays: 90, now: NOW };

let n = 0;
function image(extra: Partial<RescanImage> = {}): RescanImage {
  n++;
  return { repositoryName: 'team/api', imageDigest: `sha256:${String(n).padStart(64, '0')}`, imageTags: ['1.0'], pushedAt: daysAgo(30), ...extra };
}

describe('planRescan', () => {
  it('rescans a tagged, recently pushed image whose last scan is older than rescanAfterDays', () => {
    const old = image({ lastScanCompletedAt: daysAgo(8), scanStatus: 'COMPLETE' });

    const plan = planRescan([old], policy);

    expect(plan.items).toEqual([
      { kind: 'start-scan', repositoryName: 'team/api', imageDigest: old.imageDigest, imageTags: ['1.0'], reason: 'tagged and pushed 30 days ago; last scanned 8 days ago (more than 7)' },
    ]);
  });

  it('rescans an image that was never scanned', () => {
    expect(planRescan([image()], policy).items[0]?.reason).toBe('tagged and pushed 30 days ago; never scanned');
  });

  it('leaves an image scanned within rescanAfterDays alone', () => {
    const plan = planRescan([image({ lastScanCompletedAt: daysAgo(6.9), scanStatus: 'COMPLETE' })], policy);

    expect(plan.items).toEqual([]);
    expect(plan.skipped.notDue).toBe(1);
  });

  it('keeps untagged images and images pushed before rescanPushedWithinDays out of scope, unless they are in use', () => {
    const plan = planRescan(
      [image({ imageTags: [] }), image({ pushedAt: daysAgo(91) }), image({ imageTags: [], pushedAt: daysAgo(400), inUse: true })],
      policy,
    );

    expect(plan.skipped.outOfScope).toBe(2);
    expect(plan.items.map((i) => i.reason)).toEqual(['in use; never scanned']);
  });

  it('does not start a scan while one is under way, nor for an image ECR does not scan', () => {
    const plan = planRescan(
      [
        image({ scanStatus: 'IN_PROGRESS' }),
        image({ scanStatus: 'UNSUPPORTED_IMAGE' }),
        image({ manifestMediaType: 'application/vnd.oci.image.index.v1+json' }),
      ],
      policy,
    );

    expect(plan.items).toEqual([]);
    expect(plan.skipped).toEqual({ notDue: 0, outOfScope: 0, scanning: 1, unsupported: 2 });
  });

  it('plans nothing under enhanced scanning, and says why', () => {
    const plan = planRescan([image()], { ...policy, scanType: 'ENHANCED' });

    expect(plan.items).toEqual([]);
    expect(plan.note).toMatch(/enhanced scanning: Amazon Inspector rescans images continuously/);
  });

  it('follows a shorter rescanAfterDays (ecr-keeper rescan --older-than-days 1)', () => {
    const scanned = image({ lastScanCompletedAt: daysAgo(2), scanStatus: 'COMPLETE' });

    expect(planRescan([scanned], policy).items).toHaveLength(0);
    expect(planRescan([scanned], { ...policy, rescanAfterDays: 1 }).items).toHaveLength(1);
  });
});
