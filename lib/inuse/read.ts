import type { BatchClient } from '@aws-sdk/client-batch';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Inspector2Client } from '@aws-sdk/client-inspector2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { isAwsError, toErrorInfo } from '../errors';
import { walkImages } from '../walker';
import { readBatchImageUses } from './batch';
import { readEcsImageUses } from './ecs';
import { parseEcrImageUri } from './image-uri';
import { readInspectorImageUses } from './inspector';
import { readLambdaImageUses } from './lambda';
import { readListImageUses } from './list';
import type { InUsePolicy } from './policy-schema';
import type { ImageUse, InUseImage, InUseSet, InUseSourceName, SourceFailure } from './types';

/** The clients the sources read with; a source enabled without its client fails (closed). */
export interface InUseDeps {
  ecr: ECRClient;
  ecs?: ECSClient;
  lambda?: LambdaClient;
  batch?: BatchClient;
  inspector?: Inspector2Client;
  s3?: S3Client;
  now?: () => Date;
}

/** The registry a run covers: references to it by tag are resolved to digests through ECR. */
export interface InUseTarget {
  registryId: string;
  region: string;
}

/** The sources a policy enables, in a fixed order. */
export function enabledSources(policy: InUsePolicy): InUseSourceName[] {
  const sources: InUseSourceName[] = [];
  if (policy.ecs) sources.push('ecs');
  if (policy.lambda) sources.push('lambda');
  if (policy.batch) sources.push('batch');
  if (policy.inspector) sources.push('inspector');
  if (policy.list !== null) sources.push('list');
  return sources;
}

function readSource(source: InUseSourceName, deps: InUseDeps, policy: InUsePolicy, now: Date): Promise<ImageUse[]> {
  const missing = (client: string) => Promise.reject(Object.assign(new Error(`no ${client} client was given to read in-use images`), { name: 'MissingClient' }));
  switch (source) {
    case 'ecs':
      return deps.ecs ? readEcsImageUses(deps.ecs) : missing('ECS');
    case 'lambda':
      return deps.lambda ? readLambdaImageUses(deps.lambda) : missing('Lambda');
    case 'batch':
      return deps.batch ? readBatchImageUses(deps.batch) : missing('Batch');
    case 'inspector':
      return deps.inspector ? readInspectorImageUses(deps.inspector, { now, withinDays: policy.inspectorWithinDays }) : missing('Inspector2');
    case 'list':
      return readListImageUses(deps.s3 ? { s3: deps.s3 } : {}, policy.list ?? '');
  }
}

const keyOf = (i: Pick<InUseImage, 'registryId' | 'region' | 'repositoryName'>) => `${i.registryId}/${i.region}/${i.repositoryName}`;

/** Gathers uses into one entry per image (by digest, else by tag), each with its users once. */
function gather(uses: readonly ImageUse[]): { images: InUseImage[]; foreign: number } {
  const byKey = new Map<string, InUseImage & { userSet: Set<string> }>();
  let foreign = 0;
  for (const use of uses) {
    const ref = parseEcrImageUri(use.image);
    if (!ref) {
      foreign++;
      continue;
    }
    const key = `${keyOf(ref)}@${ref.digest ?? `:${ref.tag}`}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { registryId: ref.registryId, region: ref.region, repositoryName: ref.repositoryName, ...(ref.digest ? { digest: ref.digest } : {}), tags: [], users: [], userSet: new Set() };
      byKey.set(key, entry);
    }
    if (ref.tag && !entry.tags.includes(ref.tag)) entry.tags.push(ref.tag);
    entry.userSet.add(use.user);
  }
  const images = [...byKey.values()].map(({ userSet, ...image }) => ({ ...image, users: [...userSet].sort() }));
  return { images, foreign };
}

/**
 * Resolves the tag references to the target's registry into digests, one listing per repository named by tag
 * (DescribeImages pages of 1000, through the walker: no BatchGetImage, which would count as a pull). A tag
 * that no image carries is left unresolved; a repository that does not exist holds nothing in use.
 */
async function resolveTags(ecr: ECRClient, images: InUseImage[], target: InUseTarget): Promise<void> {
  const byRepository = new Map<string, InUseImage[]>();
  for (const image of images) {
    if (image.digest || image.registryId !== target.registryId || image.region !== target.region) continue;
    byRepository.set(image.repositoryName, [...(byRepository.get(image.repositoryName) ?? []), image]);
  }
  for (const [repositoryName, refs] of byRepository) {
    const digestOfTag = new Map<string, string>();
    try {
      for await (const image of walkImages(ecr, repositoryName, { registryId: target.registryId, tagStatus: 'TAGGED', imageStatus: 'ANY' })) {
        for (const tag of image.imageTags ?? []) if (image.imageDigest) digestOfTag.set(tag, image.imageDigest);
      }
    } catch (err) {
      if (isAwsError(err, 'RepositoryNotFoundException')) continue;
      throw err;
    }
    for (const ref of refs) {
      const digest = ref.tags.map((t) => digestOfTag.get(t)).find((d) => d !== undefined);
      if (digest) ref.digest = digest;
    }
  }
}

/**
 * Reads what is in use in one target, once per run, from every source the policy enables (ECS, Lambda, Batch,
 * Inspector, a list), all at once; every source is waited for. References by tag to the target's registry are
 * resolved to digests through ECR. A source that fails is named in `failures` and the others still count:
 * callers must then delete and archive nothing in this target (fail closed).
 *
 * @example
 * const inUse = await readInUse({ ecr, ecs, lambda }, policy.inUse, { registryId: '123456789012', region: 'eu-west-1' });
 * if (inUse.failures.length > 0) log.warn('in-use sources failed: deleting nothing', { failures: inUse.failures });
 */
export async function readInUse(deps: InUseDeps, policy: InUsePolicy, target?: InUseTarget): Promise<InUseSet> {
  const now = (deps.now ?? (() => new Date()))();
  const sources = enabledSources(policy);
  const settled = await Promise.allSettled(sources.map((source) => readSource(source, deps, policy, now)));
  const failures: SourceFailure[] = [];
  const uses: ImageUse[] = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') uses.push(...result.value);
    else failures.push({ source: sources[i]!, error: toErrorInfo(result.reason) });
  });
  const { images, foreign } = gather(uses);
  if (target) {
    try {
      await resolveTags(deps.ecr, images, target);
    } catch (err) {
      failures.push({ source: 'tags', error: toErrorInfo(err) });
    }
  }
  return { sources, images, failures, foreign };
}
