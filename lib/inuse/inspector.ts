import { paginateListCoverage, type CoveredResource, type Inspector2Client } from '@aws-sdk/client-inspector2';
import { MAX_INSPECTOR_COVERAGE_PAGE } from '../limits';
import type { ImageUse } from './types';

const DAY_MS = 86_400_000;

/** Inspector's resource id of an ECR image: `arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME/sha256:HEX`. */
const ECR_IMAGE_RESOURCE = /^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)\/(sha256:[a-f0-9]{64})$/;

/** The ECR image URI (by digest) of a covered image, or undefined when its id is not an ECR image's. */
export function coveredImageUri(resource: Pick<CoveredResource, 'resourceId'>): string | undefined {
  const match = ECR_IMAGE_RESOURCE.exec(resource.resourceId ?? '');
  if (!match) return undefined;
  const [, region, account, repository, digest] = match;
  return `${account}.dkr.ecr.${region}.amazonaws.com/${repository}@${digest}`;
}

/**
 * True when Inspector says the image is in use: a running container counts it now (`inUseCount`), or it ran
 * within `withinDays` (`lastInUseAt`). Inspector sees ECS and EKS workloads, which covers clusters ecr-keeper
 * cannot read itself.
 */
export function inspectorSaysInUse(resource: CoveredResource, now: Date, withinDays: number): boolean {
  const image = resource.resourceMetadata?.ecrImage;
  if ((image?.inUseCount ?? 0) > 0) return true;
  const last = image?.lastInUseAt?.getTime();
  return last !== undefined && last >= now.getTime() - withinDays * DAY_MS;
}

/**
 * Every ECR image Amazon Inspector's coverage says is in use (see {@link inspectorSaysInUse}). The server is
 * asked for ECR images only; the in-use test is made here on every record, never trusted to a filter.
 * Users read `inspector:inUseCount=N,lastInUseAt=...`: Inspector does not name the workloads.
 *
 * Calls: ListCoverage pages (200 a page).
 *
 * @example
 * const uses = await readInspectorImageUses(new Inspector2Client({}), { now: new Date(), withinDays: 30 });
 */
export async function readInspectorImageUses(inspector: Inspector2Client, options: { now: Date; withinDays: number }): Promise<ImageUse[]> {
  const uses: ImageUse[] = [];
  const input = { filterCriteria: { resourceType: [{ comparison: 'EQUALS' as const, value: 'AWS_ECR_CONTAINER_IMAGE' }] } };
  for await (const page of paginateListCoverage({ client: inspector, pageSize: MAX_INSPECTOR_COVERAGE_PAGE }, input)) {
    for (const resource of page.coveredResources ?? []) {
      if (resource.resourceType !== 'AWS_ECR_CONTAINER_IMAGE' || !inspectorSaysInUse(resource, options.now, options.withinDays)) continue;
      const image = coveredImageUri(resource);
      if (!image) continue;
      const meta = resource.resourceMetadata?.ecrImage;
      uses.push({ image, user: `inspector:inUseCount=${meta?.inUseCount ?? 0},lastInUseAt=${meta?.lastInUseAt?.toISOString() ?? 'never'}` });
    }
  }
  return uses;
}
