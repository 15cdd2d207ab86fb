import { CreateRepositoryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { SKIP_TAG, type SeededRepository } from './registry-shape';

/** How long seeding took and how many requests it made. */
export interface SeedResult {
  repositories: number;
  images: number;
  /** CreateRepository + PutImage requests. */
  requests: number;
  wallMs: number;
}

/** Runs `work` for every item, at most `limit` at a time; the first failure rejects once all workers stop. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Creates the repositories with their settings and skip tags, then pushes their images: a plain manifest
 * each (distinct content, so a distinct digest), tagged `v<i>` or untagged, with PutImage at most
 * `concurrency` requests at a time.
 *
 * @example
 * const seeded = await seedRegistry(ecr, seededRepositories({ repositories: 1000, tagged: 5, untagged: 5 }), { concurrency: 16 });
 */
export async function seedRegistry(ecr: ECRClient, repos: readonly SeededRepository[], options: { concurrency: number }): Promise<SeedResult> {
  const started = performance.now();
  await forEachBounded(repos, options.concurrency, async (repo) => {
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: repo.name,
        imageTagMutability: repo.imageTagMutability,
        imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
        ...(repo.skipTagged ? { tags: [{ Key: SKIP_TAG, Value: 'true' }] } : {}),
      }),
    );
  });
  const pushes = repos.flatMap((repo) =>
    Array.from({ length: repo.tagged + repo.untagged }, (_, i) => ({ repo: repo.name, i, tag: i < repo.tagged ? `v${i}` : undefined })),
  );
  await forEachBounded(pushes, options.concurrency, (p) => pushImage(ecr, p.repo, imageManifest(`${p.repo}#${p.i}`, { sizeBytes: 1_000_000 + p.i }), p.tag));
  return { repositories: repos.length, images: pushes.length, requests: repos.length + pushes.length, wallMs: performance.now() - started };
}
