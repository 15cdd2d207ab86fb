import { CreateRepositoryCommand, type ECRClient, type ImageTagMutability } from '@aws-sdk/client-ecr';
import type { PolicyInput } from '../../lib/policy';
import { imageIndex, imageManifest, pushImage, referrerArtifact, type BuiltImage } from '../../scripts/seed/images';
import { sampleEvent } from './sample-events';

/** A repository of the sample registry and how it starts out. */
interface SampleRepository {
  name: string;
  mutability: ImageTagMutability;
  scanOnPush: boolean;
  /** Tagged with the policy's skip tag. */
  skip?: boolean;
}

const REPOSITORIES: SampleRepository[] = [
  { name: 'svc/api', mutability: 'MUTABLE', scanOnPush: false },
  { name: 'svc/web', mutability: 'IMMUTABLE', scanOnPush: true },
  { name: 'svc/worker', mutability: 'MUTABLE', scanOnPush: true },
  { name: 'svc/batch', mutability: 'IMMUTABLE', scanOnPush: false },
  { name: 'team/tools', mutability: 'MUTABLE', scanOnPush: false },
  { name: 'team/docs', mutability: 'IMMUTABLE', scanOnPush: true },
  { name: 'svc/frozen', mutability: 'MUTABLE', scanOnPush: false, skip: true },
  { name: 'legacy/app', mutability: 'MUTABLE', scanOnPush: false },
];

/**
 * The policy the reliability tests maintain the sample registry with: cleanup of anything untagged (moto
 * cannot backdate a push), a replication rule to add, `legacy/**` left out.
 */
export const SAMPLE_POLICY: PolicyInput = {
  repositories: { exclude: ['legacy/**'] },
  cleanup: { untaggedOlderThanDays: 0 },
  replication: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: '111122223333' }], repositoryFilters: [{ filter: 'svc' }] }] },
  scan: { waitSeconds: 60 },
};

/** What the sample registry holds, by role. */
export interface SampleRegistry {
  /** The tagged `v1` image of each repository, by repository name. */
  tagged: Record<string, BuiltImage>;
  /** The untagged images nothing refers to, by repository name: the sample policy deletes them, except in `svc/frozen` (skip tag) and `legacy/app` (excluded). */
  garbage: Record<string, BuiltImage[]>;
}

/**
 * Seeds the sample registry, the same in every account (the same manifests give the same digests):
 * eight repositories with mixed settings; in each, two tagged images and three untagged ones; in `svc/web`
 * a tagged multi-arch index with its children and signature, an untagged index with its children and an
 * orphaned signature; `svc/frozen` opted out by the skip tag; `legacy/app` outside the policy.
 *
 * @example
 * const sample = await seedSampleRegistry(motoClients(accountId).ecr);
 */
export async function seedSampleRegistry(ecr: ECRClient): Promise<SampleRegistry> {
  const tagged: Record<string, BuiltImage> = {};
  const garbage: Record<string, BuiltImage[]> = {};
  await Promise.all(
    REPOSITORIES.map(async (repo) => {
      await ecr.send(
        new CreateRepositoryCommand({
          repositoryName: repo.name,
          imageTagMutability: repo.mutability,
          imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
          ...(repo.skip ? { tags: [{ Key: 'ecr-keeper:skip', Value: 'true' }] } : {}),
        }),
      );
      const v1 = imageManifest(`${repo.name}:v1`, { sizeBytes: 1000 });
      tagged[repo.name] = v1;
      await pushImage(ecr, repo.name, v1, 'v1');
      await pushImage(ecr, repo.name, imageManifest(`${repo.name}:v2`, { sizeBytes: 1000 }), 'v2');
      garbage[repo.name] = Array.from({ length: 3 }, (_, i) => imageManifest(`${repo.name}:old-${i}`, { sizeBytes: 1000 }));
      for (const image of garbage[repo.name]!) await pushImage(ecr, repo.name, image);
    }),
  );

  const platforms = ['linux/amd64', 'linux/arm64'];
  const keptChildren = platforms.map((platform) => imageManifest('svc/web:multi', { format: 'oci', platform, sizeBytes: 1000 }));
  const keptIndex = imageIndex(keptChildren);
  const oldChildren = platforms.map((platform) => imageManifest('svc/web:multi-old', { format: 'oci', platform, sizeBytes: 1000 }));
  const oldIndex = imageIndex(oldChildren);
  const signature = referrerArtifact(keptIndex, 'svc/web:multi-sig');
  const orphan = referrerArtifact(imageManifest('svc/web:never-pushed'), 'svc/web:orphan-sig');
  for (const child of [...keptChildren, ...oldChildren]) await pushImage(ecr, 'svc/web', child);
  await pushImage(ecr, 'svc/web', keptIndex, 'multi');
  for (const image of [oldIndex, signature, orphan]) await pushImage(ecr, 'svc/web', image);
  garbage['svc/web']!.push(oldIndex, ...oldChildren, orphan);
  return { tagged, garbage };
}

/** ECR's push event for `image` pushed as `tag` to `repositoryName` in `accountId` (events/ecr-image-push.json). */
// biome-ignore lint/suspicious/noExplicitAny: a sample event, as sampleEvent returns it
export function pushEvent(accountId: string, repositoryName: string, image: BuiltImage, tag = 'v1'): any {
  return sampleEvent('ecr-image-push.json', (e) => {
    e.account = accountId;
    e.detail['repository-name'] = repositoryName;
    e.detail['image-digest'] = image.digest;
    e.detail['image-tag'] = tag;
  });
}
