import type { IncomingHttpHeaders } from 'node:http';
import { ECR_TARGET_PREFIX } from './enrich';
import { jsonAnswer, jsonError } from './json-error';
import { signedRegion } from './paging';
import type { Json } from './tag-status';
import type { HttpRequest, HttpResponse } from './types';
import type { Upstream } from './upstream';

/**
 * The archive storage class moto lacks: which images are ARCHIVED, per account, region and repository.
 * ECR hides archived images from DescribeImages and ListImages unless `filter.imageStatus` asks for them.
 */
export interface ArchiveStore {
  /** UpdateImageStorageClass: ARCHIVE archives an image moto holds; STANDARD restores it (answered ACTIVATING). */
  update(request: HttpRequest, input: Json): Promise<HttpResponse>;
  /** Sets `imageStatus` on DescribeImages details and drops those the request's status filter excludes. */
  describe(headers: IncomingHttpHeaders, input: Json, details: Json[]): Json[];
  /** Drops ListImages ids of archived images unless the request's status filter asks for them. */
  list(headers: IncomingHttpHeaders, input: Json, ids: Json[]): Json[];
}

function repositoryKey(headers: IncomingHttpHeaders, input: Json): string {
  return JSON.stringify([headers['x-moto-account-id'] ?? '', signedRegion(headers), input.registryId ?? '', input.repositoryName]);
}

/** ACTIVE unless asked otherwise; ANY includes everything. */
function wanted(input: Json, status: string): boolean {
  const asked = (input.filter as { imageStatus?: unknown } | undefined)?.imageStatus ?? 'ACTIVE';
  return asked === 'ANY' || asked === status;
}

/**
 * An archive store in front of moto.
 *
 * @example
 * const archive = createArchiveStore(upstream);
 * if (action === 'UpdateImageStorageClass') return archive.update(request, input);
 */
export function createArchiveStore(upstream: Upstream): ArchiveStore {
  const archived = new Map<string, Set<string>>();
  const setOf = (key: string) => archived.get(key) ?? archived.set(key, new Set()).get(key)!;

  return {
    async update(request, input) {
      const digest = (input.imageId as { imageDigest?: unknown } | undefined)?.imageDigest;
      const target = input.targetStorageClass;
      if (typeof digest !== 'string') return jsonError(400, 'InvalidParameterException', 'imageId.imageDigest is required');
      if (target !== 'ARCHIVE' && target !== 'STANDARD') return jsonError(400, 'InvalidParameterException', 'targetStorageClass must be ARCHIVE or STANDARD');
      // The image must exist: moto answers the lookup as ECR would (RepositoryNotFound, ImageNotFound).
      const lookup = await upstream.send({
        ...request,
        headers: { ...request.headers, 'x-amz-target': `${ECR_TARGET_PREFIX}DescribeImages` },
        body: Buffer.from(JSON.stringify({ repositoryName: input.repositoryName, ...(input.registryId ? { registryId: input.registryId } : {}), imageIds: [{ imageDigest: digest }] })),
      });
      if (lookup.status !== 200) return lookup;
      const set = setOf(repositoryKey(request.headers, input));
      if (target === 'ARCHIVE') set.add(digest);
      else set.delete(digest);
      const registryId = (JSON.parse(lookup.body.toString('utf8')) as { imageDetails?: { registryId?: string }[] }).imageDetails?.[0]?.registryId;
      return jsonAnswer(
        { registryId, repositoryName: input.repositoryName, imageId: { imageDigest: digest }, imageStatus: target === 'ARCHIVE' ? 'ARCHIVED' : 'ACTIVATING' },
        { 'content-type': 'application/x-amz-json-1.1' },
      );
    },
    describe(headers, input, details) {
      const set = archived.get(repositoryKey(headers, input));
      const lookup = Array.isArray(input.imageIds) && input.imageIds.length > 0;
      return details
        .map((d) => ({ ...d, imageStatus: set?.has(String(d.imageDigest)) ? 'ARCHIVED' : 'ACTIVE' }))
        .filter((d) => lookup || wanted(input, d.imageStatus));
    },
    list(headers, input, ids) {
      const set = archived.get(repositoryKey(headers, input));
      return ids.filter((id) => wanted(input, set?.has(String(id.imageDigest)) ? 'ARCHIVED' : 'ACTIVE'));
    },
  };
}
