import { CreateRepositoryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { callsByAction, countCalls } from './support/calls';
import { onlyTarget, runCli } from './support/cli';
import type { CleanupReport } from '../lib/cleanup/types';
import { walkImages } from '../lib/walker';
import { imageIndex, imageManifest, pushImage, referrerArtifact, type BuiltImage } from '../scripts/seed/images';
import { faithfulClients } from './support/faithful-ecr';
import { useFaithfulEcr } from './support/faithful-layer';

// moto's DescribeImages does not report subjectManifestDigest; the faithful ECR proxy in front of it does,
// and pages like ECR, so signatures are recognised here exactly as on AWS.
// Seeded: the faults of the fault test are the same on every run (unseeded, it now and then drew no throttle).
const proxy = useFaithfulEcr({ seed: 5 });

type Clients = ReturnType<typeof faithfulClients>;

function cli(argv: string[], clients: Clients, policy: object = {}) {
  return runCli(argv, clients, { ECR_KEEPER_POLICY: JSON.stringify(policy) });
}

/**
 * `app/multi`: a tagged multi-arch index over two untagged children, an untagged signature of the index,
 * an untagged signature whose image never existed here, four plain untagged images and a tagged one.
 * `app/bulk`: 250 untagged images (more than two delete batches).
 */
async function seed(ecr: ECRClient) {
  for (const repositoryName of ['app/multi', 'app/bulk']) await ecr.send(new CreateRepositoryCommand({ repositoryName }));
  const children = ['linux/amd64', 'linux/arm64'].map((platform) => imageManifest('multi', { format: 'oci', platform }));
  const index = imageIndex(children);
  const signature = referrerArtifact(index, 'sig-of-v1');
  const orphan = referrerArtifact(imageManifest('never-pushed'), 'orphan');
  const plain = Array.from({ length: 4 }, (_, i) => imageManifest(`old-${i}`));
  const latest = imageManifest('latest');
  for (const child of children) await pushImage(ecr, 'app/multi', child);
  await pushImage(ecr, 'app/multi', index, 'v1');
  for (const image of [signature, orphan, ...plain]) await pushImage(ecr, 'app/multi', image);
  await pushImage(ecr, 'app/multi', latest, 'latest');
  const bulk = Array.from({ length: 250 }, (_, i) => imageManifest(`bulk-${i}`, { sizeBytes: 1000 }));
  for (const image of bulk) await pushImage(ecr, 'app/bulk', image);
  return { children, index, signature, orphan, plain, latest, bulk };
}

/** Every image digest of the repository, read through every page. */
async function present(ecr: ECRClient, repositoryName: string): Promise<string[]> {
  const found: string[] = [];
  for await (const image of walkImages(ecr, repositoryName, { imageStatus: 'ANY' })) found.push(image.imageDigest ?? '');
  return found.sort();
}

const digests = (images: readonly BuiltImage[]) => images.map((i) => i.digest).sort();

describe('cleanup against moto (through the faithful ECR proxy)', () => {
  it('with --apply and age 0 deletes exactly the garbage and keeps every child and signature of the tagged index', async () => {
    const clients = faithfulClients(proxy);
    const s = await seed(clients.ecr);
    const calls = countCalls(clients.ecr);

    const { code, stdout } = await cli(['cleanup', '--apply', '--format', 'json'], clients, { cleanup: { untaggedOlderThanDays: 0 } });
    const made = callsByAction(calls);

    expect(code).toBe(0);
    const report = onlyTarget(stdout) as CleanupReport;
    expect(report.summary).toMatchObject({ mode: 'apply', repositories: 2, planned: { count: 255 }, deleted: { count: 255 }, failed: 0, complete: true });
    expect(await present(clients.ecr, 'app/multi')).toEqual(digests([...s.children, s.index, s.signature, s.latest]));
    expect(await present(clients.ecr, 'app/bulk')).toEqual([]);
    // Per repository: one listing page, one index read, ⌈candidates/100⌉ re-checks and deletes, one skip-tag lookup.
    expect(made).toEqual({
      BatchDeleteImage: 1 + 3,
      BatchGetImage: 1,
      DescribeImages: 2 + 1 + 3,
      DescribeRepositories: 1,
      ListTagsForResource: 2,
    });
  });

  it('without --apply deletes nothing and prints every untagged image with its reason', async () => {
    const clients = faithfulClients(proxy);
    const s = await seed(clients.ecr);
    const calls = countCalls(clients.ecr);

    const { code, stdout } = await cli(['cleanup', '--format', 'table'], clients, { cleanup: { untaggedOlderThanDays: 0 } });

    expect(code).toBe(0);
    expect(calls.get('BatchDeleteImage')).toBeUndefined();
    expect(await present(clients.ecr, 'app/multi')).toHaveLength(10);
    expect(await present(clients.ecr, 'app/bulk')).toHaveLength(250);
    const short = (image: BuiltImage) => image.digest.slice(0, 19);
    expect(stdout).toMatch(new RegExp(`keep\\s+${short(s.children[0]!)}.*listed by kept index ${short(s.index)}`));
    expect(stdout).toMatch(new RegExp(`keep\\s+${short(s.signature)}.*artifact of kept image ${short(s.index)}`));
    expect(stdout).toMatch(new RegExp(`delete\\s+${short(s.orphan)}.*artifact whose subject .* is gone`));
    expect(stdout).toMatch(new RegExp(`delete\\s+${short(s.plain[0]!)}.*untagged, pushed today`));
    expect(stdout).toContain('2 repositories, 260 images: 255 image(s)');
    expect(stdout).toContain('Run `ecr-keeper cleanup --apply` to delete.');
  });

  it('with --apply and the default age of 7 days deletes nothing: every image is too young', async () => {
    const clients = faithfulClients(proxy);
    await seed(clients.ecr);
    const calls = countCalls(clients.ecr);

    const { code, stdout } = await cli(['cleanup', '--apply', '--format', 'json'], clients);

    expect(code).toBe(0);
    expect((onlyTarget(stdout) as CleanupReport).summary).toMatchObject({ planned: { count: 0 }, deleted: { count: 0 } });
    expect(calls.get('BatchDeleteImage')).toBeUndefined();
    expect(calls.get('ListTagsForResource')).toBeUndefined();
    expect(await present(clients.ecr, 'app/multi')).toHaveLength(10);
  });

  it('lists the reasons in the JSON plan', async () => {
    const clients = faithfulClients(proxy);
    const s = await seed(clients.ecr);
    const { stdout } = await cli(['cleanup', '--format', 'json'], clients, { cleanup: { untaggedOlderThanDays: 0 } });
    const multi = (onlyTarget(stdout) as CleanupReport).repositories.find((r) => r.repositoryName === 'app/multi')!;
    const reason = (image: BuiltImage) => [...multi.plan.delete, ...multi.plan.keep].find((d) => d.image.digest === image.digest)?.reason;
    expect(reason(s.children[0]!)).toBe('child-of-index');
    expect(reason(s.signature)).toBe('referrer-of-present-subject');
    expect(reason(s.index)).toBe('tagged');
    expect(reason(s.orphan)).toBe('orphaned-artifact');
    expect(reason(s.plain[0]!)).toBe('untagged');
  });

  it('deletes exactly the garbage while ECR throttles and fails now and then', async () => {
    const clients = faithfulClients(proxy, undefined, { retryMode: 'standard', maxAttempts: 10 });
    const s = await seed(clients.ecr);
    const before = proxy.stats().injected;
    proxy.setFaults({ throttle: 0.15, serverError: 0.05 });
    let result: Awaited<ReturnType<typeof cli>>;
    try {
      result = await cli(['cleanup', '--apply', '--format', 'json'], clients, { cleanup: { untaggedOlderThanDays: 0 } });
    } finally {
      proxy.setFaults({});
    }

    expect(result.code).toBe(0);
    expect((onlyTarget(result.stdout) as CleanupReport).summary).toMatchObject({ deleted: { count: 255 }, failed: 0 });
    expect(proxy.stats().injected.throttle).toBeGreaterThan(before.throttle);
    expect(await present(clients.ecr, 'app/multi')).toEqual(digests([...s.children, s.index, s.signature, s.latest]));
    expect(await present(clients.ecr, 'app/bulk')).toEqual([]);
  });
});
