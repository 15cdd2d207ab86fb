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
 * `filter.tagStatus`, and adds manifest facts to DescribeImages; every other action goes to moto as is.
 *
 * @example
 * const layer = createEcrLayer({ upstream, tokens: createPageTokens(), enricher: createEnricher(upstream) });
 * const answer = await layer.handle('DescribeImages', request);
 */
export function createEcrLayer(deps: { upstream: Upstream; tokens: PageTokens; enricher?: Enricher }): EcrLayer {
  const { upstream, tokens, enricher } = deps;

  async function enriched(answer: HttpResponse, output: Json, request: HttpRequest, input: Json): Promise<HttpResponse> {
    if (!enricher || !Array.isArray(output.imageDetails)) return jsonAnswer(output, answer.headers);
    const failed = await enricher.enrich(output.imageDetails as Json[], request, input);
    return failed ?? jsonAnswer(output, answer.headers);
  }

  return {
    async handle(action, request) {
      const input = isPagedAction(action) ? parseJson(request.body) : undefined;
      if (!input) return upstream.send(request);
      const plan = planPaging(action, input, request.headers, tokens);
      if (plan.kind === 'refuse') return plan.answer;
      if (plan.kind === 'whole') {
        const answer = await upstream.send(request);
        const output = answer.status === 200 && action === 'DescribeImages' ? parseJson(answer.body) : undefined;
        return output ? enriched(answer, output, request, input) : answer;
      }
      const answer = await upstream.send({ ...request, body: Buffer.from(JSON.stringify(plan.upstreamInput)) });
      const output = answer.status === 200 ? parseJson(answer.body) : undefined;
      if (!output) return answer;
      const page = servePage(plan, input, output, tokens);
      return action === 'DescribeImages' ? enriched(answer, page, request, input) : jsonAnswer(page, answer.headers);
    },
  };
}
