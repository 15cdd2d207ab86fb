import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  MAX_DESCRIBE_IMAGES_PAGE,
  MAX_DESCRIBE_REPOSITORIES_PAGE,
  MAX_SCAN_FINDINGS_PAGE,
} from '../../../lib/limits';
import { invalidParameter } from './json-error';
import type { PageTokens } from './page-token';
import { matchesTagStatus, type Json } from './tag-status';
import type { HttpResponse } from './types';

/** ECR's page size when a request gives no `maxResults` (documented for each of the paged actions). */
export const ECR_DEFAULT_PAGE_SIZE = 100;
/** ECR's ListImages `maxResults` (1-1000). */
export const MAX_LIST_IMAGES_PAGE = 1000;

/** One item of a list ECR pages, with the key that orders it. */
interface Keyed {
  key: string;
  item: unknown;
  /** The output field it came from (findings come in two lists). */
  list: string;
}

/** How ECR pages one action. */
interface PagedAction {
  maxPageSize: number;
  /** The input field that asks for named items, which ECR answers whole and never pages. */
  lookup?: 'repositoryNames' | 'imageIds';
  /** The answer's items, filtered and keyed; undefined when the answer has nothing to page. */
  split(output: Json, input: Json): Keyed[] | undefined;
  /** The answer with `page` as its items. */
  join(output: Json, page: Keyed[]): Json;
}

function array(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function only(page: Keyed[], list: string): unknown[] {
  return page.filter((k) => k.list === list).map((k) => k.item);
}

/** Findings keep their order: the key is the position, padded so that keys sort as numbers. */
function position(i: number): string {
  return String(i).padStart(10, '0');
}

const PAGED_ACTIONS: Record<string, PagedAction> = {
  DescribeRepositories: {
    maxPageSize: MAX_DESCRIBE_REPOSITORIES_PAGE,
    lookup: 'repositoryNames',
    split: (output) => array(output.repositories).map((r) => ({ key: String(r.repositoryName), item: r, list: 'repositories' })),
    join: (output, page) => ({ ...output, repositories: only(page, 'repositories') }),
  },
  ListImages: {
    maxPageSize: MAX_LIST_IMAGES_PAGE,
    // ECR lists one id per tag, and one tag-less id per untagged image.
    split: (output, input) =>
      array(output.imageIds)
        .filter((id) => matchesTagStatus(input, typeof id.imageTag === 'string'))
        .map((id) => ({ key: `${String(id.imageDigest)} ${typeof id.imageTag === 'string' ? id.imageTag : ''}`, item: id, list: 'imageIds' })),
    join: (output, page) => ({ ...output, imageIds: only(page, 'imageIds') }),
  },
  DescribeImages: {
    maxPageSize: MAX_DESCRIBE_IMAGES_PAGE,
    lookup: 'imageIds',
    split: (output, input) =>
      array(output.imageDetails)
        .filter((image) => matchesTagStatus(input, array(image.imageTags).length > 0))
        .map((image) => ({ key: String(image.imageDigest), item: image, list: 'imageDetails' })),
    join: (output, page) => ({ ...output, imageDetails: only(page, 'imageDetails') }),
  },
  DescribeImageScanFindings: {
    maxPageSize: MAX_SCAN_FINDINGS_PAGE,
    split: (output) => {
      const findings = output.imageScanFindings as Json | undefined;
      if (!findings) return undefined;
      return [
        ...array(findings.findings).map((item, i) => ({ key: `b${position(i)}`, item, list: 'findings' })),
        ...array(findings.enhancedFindings).map((item, i) => ({ key: `e${position(i)}`, item, list: 'enhancedFindings' })),
      ];
    },
    join: (output, page) => {
      const findings = { ...(output.imageScanFindings as Json) };
      for (const list of ['findings', 'enhancedFindings']) {
        if (Array.isArray(findings[list])) findings[list] = only(page, list);
      }
      return { ...output, imageScanFindings: findings };
    },
  },
};

/** True for the actions ECR pages. */
export function isPagedAction(action: string): boolean {
  return action in PAGED_ACTIONS;
}

/** What to do with a request for a paged action. */
export type PagingPlan =
  /** A lookup by names or ids: ECR answers it whole. */
  | { kind: 'whole' }
  /** Read everything from moto with `upstreamInput`, then serve the page after `after`. */
  | { kind: 'page'; action: string; scope: string; pageSize: number; after?: string; upstreamInput: Json }
  /** ECR refuses the request with `answer`. */
  | { kind: 'refuse'; answer: HttpResponse; reason: string };

function withoutPaging(input: Json): Json {
  const { maxResults: _m, nextToken: _t, ...rest } = input;
  return rest;
}

/** The region a request is signed for (its SigV4 credential scope), which is also moto's region. */
export function signedRegion(headers: IncomingHttpHeaders): string {
  return /Credential=[^/]+\/\d+\/([^/]+)\//.exec(headers.authorization ?? '')?.[1] ?? '';
}

/** A fingerprint of what a request lists: a token is only good for the listing it came from. */
export function requestScope(action: string, headers: IncomingHttpHeaders, input: Json): string {
  const account = headers['x-moto-account-id'] ?? '';
  return createHash('sha256')
    .update(JSON.stringify([action, account, signedRegion(headers), withoutPaging(input)]))
    .digest('base64url');
}

/**
 * Decides how to answer a request for a paged action the way ECR does: refuses a `maxResults` out of
 * range, a forged or foreign `nextToken`, and paging fields on a lookup by names or ids.
 */
export function planPaging(action: string, input: Json, headers: IncomingHttpHeaders, tokens: PageTokens): PagingPlan {
  const spec = PAGED_ACTIONS[action];
  if (!spec) throw new Error(`${action} is not an action ECR pages`);
  const { maxResults, nextToken } = input;
  const lookup = spec.lookup !== undefined && array(input[spec.lookup]).length > 0;
  if (lookup) {
    if (maxResults !== undefined || nextToken !== undefined) {
      const field = maxResults !== undefined ? 'maxResults' : 'nextToken';
      return { kind: 'refuse', answer: invalidParameter(field, `cannot be used with ${spec.lookup}`), reason: `${field} with ${spec.lookup}` };
    }
    return { kind: 'whole' };
  }
  if (maxResults !== undefined && !(typeof maxResults === 'number' && Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= spec.maxPageSize)) {
    const constraint =
      typeof maxResults === 'number' && maxResults > spec.maxPageSize
        ? `Member must have value less than or equal to ${spec.maxPageSize}`
        : 'Member must have value greater than or equal to 1';
    return { kind: 'refuse', answer: invalidParameter('maxResults', constraint), reason: `maxResults ${String(maxResults)}` };
  }
  const scope = requestScope(action, headers, input);
  let after: string | undefined;
  if (nextToken !== undefined) {
    const at = typeof nextToken === 'string' ? tokens.read(nextToken, action, scope) : undefined;
    if (!at) return { kind: 'refuse', answer: invalidParameter('nextToken', 'Invalid NextToken'), reason: 'unknown nextToken' };
    after = at.after;
  }
  return {
    kind: 'page',
    action,
    scope,
    pageSize: typeof maxResults === 'number' ? maxResults : ECR_DEFAULT_PAGE_SIZE,
    ...(after !== undefined ? { after } : {}),
    upstreamInput: withoutPaging(input),
  };
}

/**
 * Cuts moto's whole answer down to the page `plan` asks for, in key order, with a `nextToken` when
 * more items follow. Answers that have nothing to page (a scan still in progress) pass unchanged.
 */
export function servePage(plan: Extract<PagingPlan, { kind: 'page' }>, input: Json, output: Json, tokens: PageTokens): Json {
  const spec = PAGED_ACTIONS[plan.action]!;
  const items = spec.split(output, input);
  const { nextToken: _ignored, ...rest } = output;
  if (!items) return rest;
  const after = plan.after;
  const remaining = items
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .filter((k) => after === undefined || k.key > after);
  const page = remaining.slice(0, plan.pageSize);
  const last = page[page.length - 1];
  const more = remaining.length > page.length && last !== undefined;
  return {
    ...spec.join(rest, page),
    ...(more ? { nextToken: tokens.issue({ action: plan.action, scope: plan.scope, after: last.key }) } : {}),
  };
}
