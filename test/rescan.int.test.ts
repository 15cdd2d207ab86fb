import { CreateRepositoryCommand, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyRescan } from '../lib/rescan/apply';
import { planRescan } from '../lib/rescan/plan';
import { readRescanImages } from '../lib/rescan/read';
import { imageManifest, pushImage, type BuiltImage } from '../scripts/seed/images';
import { countCalls } from './support/call-count';
import { faithfulClients, startFaithfulEcr, type FaithfulEcr } from './support/faithful-ecr';
import { setScanFindings } from './support/scan-findings';

const DAY = 86_400_000;

describe('rescan on moto (through the faithful layer, which reports each image last scan as ECR does)', () => {
  let proxy: FaithfulEcr;
  beforeAll(async () => {
    proxy = await startFaithfulEcr({ upstream: inject('motoEndpoint'), scanSummaries: true });
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it('plans scans for due images only, starts them, and takes the daily quota as done', async () => {
    const clients = faithfulClients(proxy);
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/api' }));
    const push = async (name: string, tag?: string): Promise<BuiltImage> => {
      const image = imageManifest(`team/api:${name}:${clients.accountId}`);
      await pushImage(clients.ecr, 'team/api', image, tag);
      return image;
    };
    const scan = (image: BuiltImage) => clients.ecr.send(new StartImageScanCommand({ repositoryName: 'team/api', imageId: { imageDigest: image.digest } }));
    const never = await push('never', 'never-scanned');
    const stale = await push('stale', 'scanned-long-ago');
    const fresh = await push('fresh', 'scanned-today');
    await push('untagged');
    await scan(stale);
    await scan(fresh);
    // ECR reports the stale image's last scan 10 days back (moto counts today's StartImageScan against its quota).
    await setScanFindings(clients, [
      {
        repositoryName: 'team/api',
        imageId: { imageDigest: stale.digest },
        imageScanStatus: { status: 'COMPLETE' },
        imageScanFindings: { imageScanCompletedAt: Math.floor((Date.now() - 10 * DAY) / 1000), findings: [], findingSeverityCounts: {} },
      },
    ]);
    const calls = countCalls(clients.ecr);

    const images = await readRescanImages(clients.ecr, { name: 'team/api' });
    const plan = planRescan(images, { scanType: 'BASIC', rescanAfterDays: 7, rescanPushedWithinDays: 90, now: Date.now() });

    expect(plan.items.map((i) => i.imageDigest).sort()).toEqual([never.digest, stale.digest].sort());
    expect(plan.skipped).toEqual({ notDue: 1, outOfScope: 1, scanning: 0, unsupported: 0 });
    expect(Object.fromEntries(calls)).toEqual({ DescribeImages: 1 });

    const outcomes = await applyRescan(clients, plan);

    expect(Object.fromEntries(outcomes.map((o) => [o.item.imageDigest, o.kind]))).toEqual({ [never.digest]: 'started', [stale.digest]: 'scanned-today' });
    expect(calls.get('StartImageScan')).toBe(2);
  });
});
