import { CreateRepositoryCommand, PutRegistryScanningConfigurationCommand, StartImageScanCommand, TagResourceCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyRescan } from '../lib/rescan/apply';
import { planRescan } from '../lib/rescan/plan';
import { parsePolicy } from '../lib/policy';
import { readRescanImages } from '../lib/rescan/read';
import { runRescan } from '../lib/rescan/run';
import { imageManifest, pushImage, type BuiltImage } from '../scripts/seed/images';
import { countCalls } from './support/calls';
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

  it('rescan run: a dry run lists the due images by digest and starts nothing; apply starts them', async () => {
    const clients = faithfulClients(proxy);
    const pushed: Record<string, BuiltImage> = {};
    for (const repositoryName of ['team/api', 'team/web', 'team/optout']) {
      await clients.ecr.send(new CreateRepositoryCommand({ repositoryName }));
      pushed[repositoryName] = imageManifest(`${repositoryName}:${clients.accountId}`);
      await pushImage(clients.ecr, repositoryName, pushed[repositoryName]!, '1.0');
    }
    // A second, already scanned image in team/web is not due.
    const scanned = imageManifest(`team/web:scanned:${clients.accountId}`);
    await pushImage(clients.ecr, 'team/web', scanned, '0.9');
    await clients.ecr.send(new StartImageScanCommand({ repositoryName: 'team/web', imageId: { imageDigest: scanned.digest } }));
    const optout = (await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/optout2' }))).repository!;
    await clients.ecr.send(new TagResourceCommand({ resourceArn: optout.repositoryArn, tags: [{ Key: 'ecr-keeper:skip', Value: 'true' }] }));
    await pushImage(clients.ecr, 'team/optout2', imageManifest(`team/optout2:${clients.accountId}`), '1.0');
    const calls = countCalls(clients.ecr);
    const policy = parsePolicy({ repositories: { exclude: ['team/optout'] } });

    const dry = await runRescan(clients, policy, { mode: 'dry-run' });

    expect(dry.planned.map((i) => i.imageDigest).sort()).toEqual([pushed['team/api']!.digest, pushed['team/web']!.digest].sort());
    expect(dry.skipped).toMatchObject({ notDue: 1, optedOutRepositories: 1 });
    expect(dry.outcomes).toEqual([]);
    // The minimum: the scanning configuration, one listing page, one DescribeImages page per repository in
    // scope, the skip tag of each repository with due images; no StartImageScan.
    expect(Object.fromEntries(calls)).toEqual({ GetRegistryScanningConfiguration: 1, DescribeRepositories: 1, DescribeImages: 3, ListTagsForResource: 3 });

    calls.clear();
    const applied = await runRescan(clients, policy, { mode: 'apply' });

    expect(applied.outcomes.map((o) => o.kind)).toEqual(['started', 'started']);
    expect(calls.get('StartImageScan')).toBe(2);
  });

  it('rescan run: under enhanced scanning reads the scanning configuration only, and says why it does nothing', async () => {
    const clients = faithfulClients(proxy);
    await clients.ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] }));
    const calls = countCalls(clients.ecr);

    const report = await runRescan(clients, parsePolicy({}), { mode: 'apply' });

    expect(report).toMatchObject({ scanType: 'ENHANCED', planned: [], outcomes: [], note: expect.stringContaining('Amazon Inspector rescans') });
    expect(Object.fromEntries(calls)).toEqual({ GetRegistryScanningConfiguration: 1 });
  });
});
