import { CreateRepositoryCommand, PutRegistryScanningConfigurationCommand, StartImageScanCommand, TagResourceCommand } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyRescan } from '../lib/rescan/apply';
import { planRescan } from '../lib/rescan/plan';
import { parsePolicy } from '../lib/policy';
import { readRescanImages } from '../lib/rescan/read';
import { rescanJob } from '../lib/rescan/job';
import { runRescan } from '../lib/rescan/run';
import { imageManifest, pushImage, type BuiltImage } from '../scripts/seed/images';
import { countCalls } from './support/calls';
import { faithfulClients, startFaithfulEcr, type FaithfulEcr } from './support/faithful-ecr';
import { ecsService, workloadClients } from './support/in-use-workloads';
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

  it('rescan run: an old image an ECS service uses is in scope whatever its push age; one nobody uses is not', async () => {
    const clients = faithfulClients(proxy);
    const workloads = workloadClients(clients.accountId);
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/old' }));
    const used = imageManifest(`app/old:used:${clients.accountId}`);
    const unused = imageManifest(`app/old:unused:${clients.accountId}`);
    await pushImage(clients.ecr, 'app/old', used, '2019');
    await pushImage(clients.ecr, 'app/old', unused, '2018');
    await ecsService(workloads, 'prod', 'legacy', `${clients.accountId}.dkr.ecr.us-east-1.amazonaws.com/app/old@${used.digest}`);
    const policy = parsePolicy({ scan: { rescanPushedWithinDays: 90 }, inUse: { lambda: false } });
    // A year on, neither tagged image was pushed within 90 days: only the one in use is in scope.
    const aYearOn = () => new Date(Date.now() + 365 * DAY);

    const report = await runRescan({ ...clients, inUse: { ecs: workloads.ecs }, now: aYearOn } as typeof clients, policy, { mode: 'apply' });

    expect(report.planned.map((i) => [i.imageDigest, i.reason])).toEqual([[used.digest, expect.stringMatching(/^in use; never scanned/)]]);
    expect(report.skipped).toMatchObject({ outOfScope: 1 });
    expect(report.inUse).toMatchObject({ sources: ['ecs'], inScope: 1, failures: [] });
    expect(report.outcomes.map((o) => [o.item.imageDigest, o.kind])).toEqual([[used.digest, 'started']]);
  });

  it('rescan run: a failed in-use source is reported and fails the run, and the recently pushed images are still scanned', async () => {
    const clients = faithfulClients(proxy);
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/new' }));
    const recent = imageManifest(`app/new:recent:${clients.accountId}`);
    await pushImage(clients.ecr, 'app/new', recent, '1.0');
    const refusing = new ECSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });

    const report = await runRescan({ ...clients, inUse: { ecs: refusing } } as typeof clients, parsePolicy({ inUse: { lambda: false } }), { mode: 'apply' });

    expect(report.inUse.failures.map((f) => f.source)).toEqual(['ecs']);
    expect(rescanJob.failed(report)).toBe(true);
    expect(report.outcomes.map((o) => [o.item.imageDigest, o.kind])).toEqual([[recent.digest, 'started']]);
  });
});
