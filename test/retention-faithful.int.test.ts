import { CreateRepositoryCommand, DescribeImagesCommand, ListImagesCommand, UpdateImageStorageClassCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { Inspector2Client, ListCoverageCommand } from '@aws-sdk/client-inspector2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { planRepositoryCleanup } from '../lib/cleanup/plan';
import { readRepositoryImages } from '../lib/cleanup/read';
import { readInspectorImageUses } from '../lib/inuse/inspector';
import { parsePolicy } from '../lib/policy';
import { applyArchivePlan } from '../lib/retention/archive';
import { walkImages } from '../lib/walker';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { pinMotoAccount } from './support/aws';
import { countCalls } from './support/calls';
import { faithfulClients, startFaithfulEcr, type FaithfulEcr } from './support/faithful-ecr';

let proxy: FaithfulEcr;
beforeAll(async () => {
  proxy = await startFaithfulEcr({ upstream: inject('motoEndpoint'), seed: 13 });
});
afterAll(async () => {
  await proxy?.stop();
});

async function statuses(ecr: ECRClient, repositoryName: string, imageStatus: 'ACTIVE' | 'ANY'): Promise<string[]> {
  const out: string[] = [];
  for await (const image of walkImages(ecr, repositoryName, { imageStatus })) out.push(`${image.imageTags?.[0] ?? '-'}:${image.imageStatus}`);
  return out.sort();
}

describe('faithful layer: the archive storage class (moto has none)', () => {
  it('archives an image: DescribeImages and ListImages hide it unless asked, and a restore brings it back', async () => {
    const { ecr } = faithfulClients(proxy);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/cold' }));
    const old = imageManifest('cold-old');
    await pushImage(ecr, 'app/cold', old, 'pr-1');
    await pushImage(ecr, 'app/cold', imageManifest('cold-new'), 'pr-2');

    const answer = await ecr.send(new UpdateImageStorageClassCommand({ repositoryName: 'app/cold', imageId: { imageDigest: old.digest }, targetStorageClass: 'ARCHIVE' }));

    expect(answer.imageStatus).toBe('ARCHIVED');
    expect(await statuses(ecr, 'app/cold', 'ACTIVE')).toEqual(['pr-2:ACTIVE']);
    expect(await statuses(ecr, 'app/cold', 'ANY')).toEqual(['pr-1:ARCHIVED', 'pr-2:ACTIVE']);
    expect((await ecr.send(new ListImagesCommand({ repositoryName: 'app/cold' }))).imageIds?.map((i) => i.imageTag)).toEqual(['pr-2']);
    const byId = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app/cold', imageIds: [{ imageDigest: old.digest }] }));
    expect(byId.imageDetails?.[0]?.imageStatus).toBe('ARCHIVED');

    const restored = await ecr.send(new UpdateImageStorageClassCommand({ repositoryName: 'app/cold', imageId: { imageDigest: old.digest }, targetStorageClass: 'STANDARD' }));
    expect(restored.imageStatus).toBe('ACTIVATING');
    expect(await statuses(ecr, 'app/cold', 'ACTIVE')).toEqual(['pr-1:ACTIVE', 'pr-2:ACTIVE']);
  });

  it('refuses to archive an image that does not exist, as ECR does', async () => {
    const { ecr } = faithfulClients(proxy);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/none' }));
    await expect(
      ecr.send(new UpdateImageStorageClassCommand({ repositoryName: 'app/none', imageId: { imageDigest: `sha256:${'0'.repeat(64)}` }, targetStorageClass: 'ARCHIVE' })),
    ).rejects.toMatchObject({ name: 'ImageNotFoundException' });
  });

  it('archives what an archive rule expires, one call an image, and keeps the newest', async () => {
    const { ecr } = faithfulClients(proxy);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/builds' }));
    for (const i of [1, 2, 3, 4]) await pushImage(ecr, 'app/builds', imageManifest(`build-${i}`), `sha-${i}`);
    const retention = parsePolicy({ retention: { rules: [{ tags: ['sha-*'], keepLast: 1, olderThanDays: 0, action: 'archive' }] } }).retention;
    const plan = planRepositoryCleanup(await readRepositoryImages(ecr, { name: 'app/builds' }), {
      rules: { untaggedOlderThanDays: 0, keepPulledWithinDays: null },
      now: new Date(),
      cap: Number.POSITIVE_INFINITY,
      retention,
    });
    const calls = countCalls(ecr);

    const result = await applyArchivePlan({ ecr }, plan);

    expect(plan.archive).toHaveLength(3);
    expect(result).toMatchObject({ archived: { count: 3 }, failures: [], complete: true });
    expect(calls.get('UpdateImageStorageClass')).toBe(3);
    expect((await statuses(ecr, 'app/builds', 'ANY')).filter((s) => s.endsWith('ARCHIVED'))).toHaveLength(3);
    expect(await statuses(ecr, 'app/builds', 'ACTIVE')).toHaveLength(1);
  });
});

describe('faithful layer: Inspector2 coverage (moto has none)', () => {
  it('pages the coverage it was seeded with, and the reader finds the images in use', async () => {
    const { accountId } = faithfulClients(proxy);
    const digest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;
    const now = new Date();
    proxy.setCoverage(accountId, [
      ...Array.from({ length: 250 }, (_, i) => ({ region: 'us-east-1', repositoryName: 'app/idle', digest: digest(i) })),
      { region: 'us-east-1', repositoryName: 'app/eks', digest: digest(1000), inUseCount: 3 },
      { region: 'us-east-1', repositoryName: 'app/eks', digest: digest(1001), lastInUseAt: new Date(now.getTime() - 2 * 86_400_000) },
    ]);
    const inspector = pinMotoAccount(new Inspector2Client({ endpoint: proxy.endpoint, region: 'us-east-1' }), accountId);
    const calls = countCalls(inspector);

    const uses = await readInspectorImageUses(inspector, { now, withinDays: 30 });

    expect(calls.get('ListCoverage')).toBe(2);
    expect(uses.map((u) => u.image).sort()).toEqual([
      `${accountId}.dkr.ecr.us-east-1.amazonaws.com/app/eks@${digest(1000)}`,
      `${accountId}.dkr.ecr.us-east-1.amazonaws.com/app/eks@${digest(1001)}`,
    ]);
    const first = await inspector.send(new ListCoverageCommand({ maxResults: 10 }));
    expect(first.coveredResources).toHaveLength(10);
    expect(first.nextToken).toEqual(expect.any(String));
  });
});
