import { ListTagsForResourceCommand, type ECRClient, type ReplicationRule } from '@aws-sdk/client-ecr';
import { readRegistry } from '../../lib/aws/registry';
import { walkImages, walkRepositories } from '../../lib/walker';

/** A repository's settings, as a comparison sees them. */
export interface RepositoryState {
  name: string;
  tagMutability: string;
  exclusions: string[];
  scanOnPush: boolean;
  encryption: string;
  tags: Record<string, string>;
}

/** An image: its digest, its tags (sorted), and whether ECR holds a scan for it. */
export interface ImageState {
  digest: string;
  tags: string[];
  scan?: string;
}

/** Everything ecr-keeper could change in a registry, in a stable order, ready for `toEqual`. */
export interface RegistrySnapshot {
  repositories: RepositoryState[];
  replication: ReplicationRule[];
  scanType: string;
  images: Record<string, ImageState[]>;
}

/**
 * Reads a registry's whole state through `ecr` (use clients straight to moto, not through faults):
 * every repository's settings and resource tags, the replication rules, the scanning type, and every
 * image (archived ones too) with its tags and scan status. Sorted, so two registries compare with `toEqual`.
 *
 * @example
 * expect(await snapshotRegistry(motoClients(chaos.accountId).ecr)).toEqual(await snapshotRegistry(motoClients(clean.accountId).ecr));
 */
export async function snapshotRegistry(ecr: ECRClient): Promise<RegistrySnapshot> {
  const registry = await readRegistry(ecr);
  const repositories: RepositoryState[] = [];
  const images: Record<string, ImageState[]> = {};
  for await (const repo of walkRepositories(ecr)) {
    const r = repo.repository;
    const tags = (await ecr.send(new ListTagsForResourceCommand({ resourceArn: repo.arn }))).tags ?? [];
    repositories.push({
      name: repo.name,
      tagMutability: r.imageTagMutability ?? '',
      exclusions: (r.imageTagMutabilityExclusionFilters ?? []).map((f) => f.filter ?? '').sort(),
      scanOnPush: r.imageScanningConfiguration?.scanOnPush === true,
      encryption: r.encryptionConfiguration?.encryptionType ?? '',
      tags: Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? ''])),
    });
    const list: ImageState[] = [];
    for await (const image of walkImages(ecr, repo.name, { imageStatus: 'ANY' })) {
      list.push({
        digest: image.imageDigest ?? '',
        tags: [...(image.imageTags ?? [])].sort(),
        ...(image.imageScanStatus?.status ? { scan: image.imageScanStatus.status } : {}),
      });
    }
    images[repo.name] = list.sort((a, b) => a.digest.localeCompare(b.digest));
  }
  return {
    repositories: repositories.sort((a, b) => a.name.localeCompare(b.name)),
    replication: registry.replicationRules,
    scanType: registry.scanning.scanType,
    images,
  };
}

/**
 * `value` with the account id written as `<account>`, so that what two registries (two moto accounts)
 * said can be compared: ARNs, registry ids, and anything else that names the account.
 *
 * @example
 * expect(withoutAccount(chaosReport, chaos.accountId)).toEqual(withoutAccount(cleanReport, clean.accountId));
 */
export function withoutAccount<T>(value: T, accountId: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll(accountId, '<account>')) as T;
}
