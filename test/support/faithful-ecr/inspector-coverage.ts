import { MAX_INSPECTOR_COVERAGE_PAGE } from '../../../lib/limits';
import { jsonError } from './json-error';
import type { HttpRequest, HttpResponse } from './types';

/** Inspector2's ListCoverage route (REST JSON): moto has no Inspector coverage at all. */
export const LIST_COVERAGE_PATH = '/coverage/list';

/** An ECR image Inspector covers, as a test seeds it. */
export interface CoveredImage {
  /** `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO@sha256:...` is not needed: the parts are. */
  region: string;
  repositoryName: string;
  digest: string;
  tags?: string[];
  inUseCount?: number;
  lastInUseAt?: Date;
}

/** Inspector coverage per moto account, answered as Inspector2 ListCoverage answers it. */
export interface CoverageStore {
  set(accountId: string, images: CoveredImage[]): void;
  handle(request: HttpRequest): HttpResponse;
}

function resource(accountId: string, image: CoveredImage): Record<string, unknown> {
  return {
    resourceType: 'AWS_ECR_CONTAINER_IMAGE',
    resourceId: `arn:aws:ecr:${image.region}:${accountId}:repository/${image.repositoryName}/${image.digest}`,
    accountId,
    scanType: 'PACKAGE',
    scanStatus: { statusCode: 'ACTIVE', reason: 'SUCCESSFUL' },
    resourceMetadata: {
      ecrRepository: { name: image.repositoryName, scanFrequency: 'CONTINUOUS_SCAN' },
      ecrImage: {
        tags: image.tags ?? [],
        inUseCount: image.inUseCount ?? 0,
        // REST JSON timestamps travel as epoch seconds.
        ...(image.lastInUseAt ? { lastInUseAt: image.lastInUseAt.getTime() / 1000 } : {}),
      },
    },
  };
}

function matches(filter: { comparison?: string; value?: string }[] | undefined, value: string): boolean {
  if (!filter || filter.length === 0) return true;
  return filter.some((f) => (f.comparison === 'NOT_EQUALS' ? f.value !== value : f.value === value));
}

/**
 * A coverage store: pages of `maxResults` (1-200, 100 by default) with an opaque `nextToken`, and the
 * `resourceType` and `ecrRepositoryName` filters; other filters are ignored, as the reader never trusts them.
 *
 * @example
 * coverage.set(accountId, [{ region: 'us-east-1', repositoryName: 'app', digest, inUseCount: 1 }]);
 */
export function createCoverageStore(): CoverageStore {
  const byAccount = new Map<string, CoveredImage[]>();
  return {
    set(accountId, images) {
      byAccount.set(accountId, images);
    },
    handle(request) {
      const accountId = String(request.headers['x-moto-account-id'] ?? '123456789012');
      let input: { maxResults?: unknown; nextToken?: unknown; filterCriteria?: Record<string, { comparison?: string; value?: string }[]> };
      try {
        input = JSON.parse(request.body.toString('utf8') || '{}') as typeof input;
      } catch {
        return jsonError(400, 'ValidationException', 'body is not JSON');
      }
      const size = input.maxResults ?? 100;
      if (typeof size !== 'number' || size < 1 || size > MAX_INSPECTOR_COVERAGE_PAGE) return jsonError(400, 'ValidationException', 'maxResults must be 1-200');
      const start = input.nextToken === undefined ? 0 : Number.parseInt(Buffer.from(String(input.nextToken), 'base64url').toString('utf8'), 10);
      if (!Number.isInteger(start) || start < 0) return jsonError(400, 'ValidationException', 'invalid nextToken');
      const all = (byAccount.get(accountId) ?? [])
        .map((image) => resource(accountId, image))
        .filter((r) => matches(input.filterCriteria?.resourceType, String(r.resourceType)))
        .filter((r) => matches(input.filterCriteria?.ecrRepositoryName, String((r.resourceMetadata as { ecrRepository: { name: string } }).ecrRepository.name)));
      const page = all.slice(start, start + size);
      const more = start + size < all.length;
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ coveredResources: page, ...(more ? { nextToken: Buffer.from(String(start + size)).toString('base64url') } : {}) })),
      };
    },
  };
}
