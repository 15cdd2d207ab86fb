import type { ArchiveStore } from './archive';
import type { Enricher } from './enrich';
import { jsonAnswer } from './json-error';
import type { PageTokens } from './page-token';
import { isPagedAction, planPaging, servePage } from './paging';
import type { Json } from './tag-status';
import type { HttpRequest, HttpResponse } from './types';
import type { Upstream } from './upstream';

/** Answers ECR JSON-protocol requests through moto, the way real ECR answers them. */
export interface EcrLayer {
  handle(action: string, request: HttpRequest): Promise<HttpResponse>;
}

function parseJson(body: Buffer): Json | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    // Not JSON: moto answers it with its own error, as ECR would.
    return undefined;
  }
}

/**
 * Pages DescribeRepositories / ListImages / DescribeImages / DescribeImageScanFindings, applies
 * `filter.tagStatus`, adds manifest facts to DescribeImages, and with an archive store answers
 * UpdateImageStorageClass and applies `imageStatus` (and its filter) to DescribeImages and ListImages;
 * every other action goes to moto as is.
 *
 * @example
 * const layer = createEcrLayer({ upstream, tokens: createPageTokens(), enricher: createEnricher(upstream) });
 * const answer = await layer.handle('DescribeImages', request);
 */
export function createEcrLayer(deps: { upstream: Upstream; tokens: PageTokens; enricher?: Enricher; archive?: ArchiveStore }): EcrLayer {
  const { upstream, tokens, enricher, archive } = deps;

  /** Applies the archive storage class to moto's answer, before it is paged. */
  function withStatus(action: string, request: HttpRequest, input: Json, output: Json): Json {
    if (!archive) return output;
    if (action === 'DescribeImages' && Array.isArray(output.imageDetails)) return { ...output, imageDetails: archive.describe(request.headers, input, output.imageDetails as Json[]) };
    if (action === 'ListImages' && Array.isArray(output.imageIds)) return { ...output, imageIds: archive.list(request.headers, input, output.imageIds as Json[]) };
    return output;
  }

  async function enriched(answer: HttpResponse, output: Json, request: HttpRequest, input: Json): Promise<HttpResponse> {
    if (!enricher || !Array.isArray(output.imageDetails)) return jsonAnswer(output, answer.headers);
    const failed = await enricher.enrich(output.imageDetails as Json[], request, input);
    return failed ?? jsonAnswer(output, answer.headers);
  }

  return {
    async handle(action, request) {
      if (archive && action === 'UpdateImageStorageClass') {
        const body = parseJson(request.body);
        return body ? archive.update(request, body) : upstream.send(request);
      }
      const input = isPagedAction(action) ? parseJson(request.body) : undefined;
      if (!input) return upstream.send(request);
      const plan = planPaging(action, input, request.headers, tokens);
      if (plan.kind === 'refuse') return plan.answer;
      if (plan.kind === 'whole') {
        const answer = await upstream.send(request);
        const output = answer.status === 200 && action === 'DescribeImages' ? parseJson(answer.body) : undefined;
        return output ? enriched(answer, withStatus(action, request, input, output), request, input) : answer;
      }
      const answer = await upstream.send({ ...request, body: Buffer.from(JSON.stringify(plan.upstreamInput)) });
      const output = answer.status === 200 ? parseJson(answer.body) : undefined;
      if (!output) return answer;
      const page = servePage(plan, input, withStatus(action, request, input, output), tokens);
      return action === 'DescribeImages' ? enriched(answer, page, request, input) : jsonAnswer(page, answer.headers);
    },
  };
}
