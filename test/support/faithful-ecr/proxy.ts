import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { disabledRegionAnswer, formParameters, refusedAssumeRole } from './target-faults';
import { createArchiveStore } from './archive';
import { createEcrLayer } from './ecr-layer';
import { createEnricher, ECR_TARGET_PREFIX } from './enrich';
import { createFaultInjector, faultAnswer, noFaults, seededRandom } from './faults';
import { createCoverageStore, LIST_COVERAGE_PATH } from './inspector-coverage';
import { jsonError } from './json-error';
import { readBody, serveOnLoopback } from './loopback';
import { createPageTokens } from './page-token';
import type { FaithfulEcr, FaithfulEcrOptions, FaithfulEcrStats, HttpRequest, HttpResponse } from './types';
import { createUpstream, forwardableHeaders } from './upstream';

/** moto's own control API (`/moto-api/...`): test plumbing, not AWS, so it is never faulted. */
const MOTO_API_PATH = '/moto-api/';

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The name a request is counted under: the operation of `X-Amz-Target`, else a query protocol's `Action` (STS), else `METHOD /path`. */
function actionOf(req: IncomingMessage, target: string | undefined, body: Buffer): string {
  if (target) return target.slice(target.lastIndexOf('.') + 1);
  const action = formParameters({ headers: req.headers, body })?.get('Action');
  if (action) return action;
  return `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`;
}

function answer(res: ServerResponse, response: HttpResponse): void {
  if (res.destroyed) return;
  res.writeHead(response.status, forwardableHeaders(response.headers, response.body));
  res.end(response.body);
}

/**
 * Starts a loopback HTTP layer in front of moto_server that makes it answer like ECR: paged listings
 * with opaque `nextToken`s, the `tagStatus` filter, `subjectManifestDigest` / `artifactMediaType` in
 * DescribeImages, the archive storage class (UpdateImageStorageClass, `imageStatus`), Inspector2 ListCoverage
 * (seeded with `setCoverage`), faults (throttling, 5xx, resets, latency) at seeded rates, an AssumeRole refused
 * into the accounts of `refuseAssumeRole` (moto lets any role be assumed), and calls to `disabledRegions` refused. Every other request
 * (EventBridge, SQS, moto-api, ...) is forwarded unchanged. Faults are injected before forwarding,
 * so a faulted request never reaches moto.
 *
 * @example
 * const proxy = await startFaithfulEcr({ upstream: inject('motoEndpoint'), faults: { throttle: 0.2 }, seed: 7 });
 * const clients = faithfulClients(proxy);
 * // ... run the code under test with clients ...
 * expect(proxy.stats().injected.throttle).toBeGreaterThan(0);
 * await proxy.stop();
 */
export async function startFaithfulEcr(options: FaithfulEcrOptions): Promise<FaithfulEcr> {
  const faults = createFaultInjector(options.faults ?? {}, seededRandom(options.seed ?? randomInt(2 ** 31)));
  const upstream = createUpstream(options.upstream);
  const ecr = createEcrLayer({
    upstream,
    tokens: createPageTokens(),
    ...(options.enrich === false ? {} : { enricher: createEnricher(upstream, { scanSummaries: options.scanSummaries ?? false }) }),
    archive: createArchiveStore(upstream),
  });
  const coverage = createCoverageStore();
  const counters: FaithfulEcrStats = { requests: 0, byAction: {}, injected: noFaults(), layerErrors: 0 };
  let refusedAccounts = new Set(options.refuseAssumeRole ?? []);
  const disabledRegions = new Set(options.disabledRegions ?? []);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = headerValue(req, 'x-amz-target');
    const action = actionOf(req, target, body);
    counters.requests++;
    counters.byAction[action] = (counters.byAction[action] ?? 0) + 1;

    const path = req.url ?? '/';
    if (!path.startsWith(MOTO_API_PATH)) {
      const { delayMs, fault } = faults.decide();
      if (delayMs > 0) await sleep(delayMs);
      if (fault) {
        counters.injected[fault.kind]++;
        if (fault.kind === 'reset') req.socket.destroy();
        else answer(res, faultAnswer(fault, target));
        return;
      }
    }

    const request: HttpRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
    const refusal = refusedAssumeRole(request, refusedAccounts) ?? (path.startsWith(MOTO_API_PATH) ? undefined : disabledRegionAnswer(request, disabledRegions));
    if (refusal) return answer(res, refusal);
    let response: HttpResponse;
    try {
      response = target?.startsWith(ECR_TARGET_PREFIX)
        ? await ecr.handle(action, request)
        : !target && path.split('?')[0] === LIST_COVERAGE_PATH
          ? coverage.handle(request)
          : await upstream.send(request);
    } catch (err) {
      // moto is unreachable or broke the connection: the client sees a 502 it may retry, and it is counted.
      counters.layerErrors++;
      response = jsonError(502, 'BadGateway', `faithful ECR layer could not reach moto: ${err instanceof Error ? err.message : String(err)}`);
    }
    answer(res, response);
  }

  const server = await serveOnLoopback(handle, (err, res) => {
    counters.layerErrors++;
    if (!res.headersSent) answer(res, jsonError(500, 'InternalFailure', `faithful ECR layer failed: ${err instanceof Error ? err.message : String(err)}`));
    else res.destroy();
  });

  return {
    endpoint: server.endpoint,
    setFaults: (rates) => faults.set(rates),
    refuseAssumeRole: (accounts) => {
      refusedAccounts = new Set(accounts);
    },
    setCoverage: (accountId, images) => coverage.set(accountId, images),
    stats: () => ({
      requests: counters.requests,
      byAction: { ...counters.byAction },
      injected: { ...counters.injected },
      layerErrors: counters.layerErrors,
    }),
    async stop() {
      await server.close();
      upstream.close();
    },
  };
}
