import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBody, serveOnLoopback } from '../test/support/faithful-ecr/loopback';
import { createUpstream, forwardableHeaders } from '../test/support/faithful-ecr/upstream';
import type { HttpResponse } from '../test/support/faithful-ecr/types';

/**
 * `record`: every request goes to the upstream and its answer is kept. `replay`: a request seen while recording
 * is answered with the kept answer after the round trip time, without the upstream; any other goes upstream
 * (a miss, counted).
 */
export type ReplayMode = 'record' | 'replay';

/** What the proxy counted since it started. */
export interface ReplayStats {
  /** Requests by action (`X-Amz-Target`'s operation, else the query protocol's `Action`), as they reached the proxy. */
  byAction: Record<string, number>;
  /** Replay-mode requests no recorded answer matched: they went upstream. */
  misses: number;
  /** Answers kept. */
  recorded: number;
}

/** A replaying proxy on loopback. */
export interface ReplayProxy {
  endpoint: string;
  setMode(mode: ReplayMode): void;
  stats(): ReplayStats;
  stop(): Promise<void>;
}

/** Options of {@link startReplayProxy}. */
export interface ReplayProxyOptions {
  /** The server recorded (the faithful ECR layer in front of moto_server). */
  upstream: string;
  /** Added to every replayed answer: the network's round trip, which a real AWS endpoint always costs. */
  rttMs: number;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The SigV4 credential scope of a request: who signed it (access key id) and where it goes (region). */
function scopeOf(headers: IncomingHttpHeaders): string {
  const credential = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(first(headers.authorization) ?? '');
  return credential ? `${credential[1]}|${credential[2]}` : '-|-';
}

/** The action a request is counted under. */
export function actionOf(headers: IncomingHttpHeaders, body: Buffer): string {
  const target = first(headers['x-amz-target']);
  if (target) return target.slice(target.lastIndexOf('.') + 1);
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'unknown';
}

/**
 * What makes two requests the same question: the signer's access key and region, the path, the operation
 * and the body (the SDK serialises the same input to the same bytes; a page token is the recorded answer's).
 * Dates, signatures and invocation ids differ on every call and are left out.
 *
 * @example
 * replayKey({ authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261206/eu-west-1/ecr/aws4_request, ...', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeImages' }, '/', Buffer.from('{"repositoryName":"a"}'));
 * // 'AKID|eu-west-1|/|AmazonEC2ContainerRegistry_V20150921.DescribeImages|{"repositoryName":"a"}'
 */
export function replayKey(headers: IncomingHttpHeaders, path: string, body: Buffer): string {
  return `${scopeOf(headers)}|${path}|${first(headers['x-amz-target']) ?? ''}|${body.toString('utf8')}`;
}

/**
 * Starts a proxy that records the answers of a run against `upstream`, then replays them with a fixed round
 * trip time. The targets bench uses it to measure the client as it is against AWS, where every registry is
 * served by its own regional endpoint and the server's work is not on this machine: a replayed answer costs
 * this machine one loopback write after `rttMs`, whatever the number of targets.
 *
 * @example
 * const proxy = await startReplayProxy({ upstream: layer.endpoint, rttMs: 40 });
 * // ... run once (recorded) ...
 * proxy.setMode('replay');
 * // ... run again: same calls, answered from the recording ...
 */
export async function startReplayProxy(options: ReplayProxyOptions): Promise<ReplayProxy> {
  const upstream = createUpstream(options.upstream);
  const recorded = new Map<string, HttpResponse>();
  const stats: ReplayStats = { byAction: {}, misses: 0, recorded: 0 };
  let mode: ReplayMode = 'record';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = req.url ?? '/';
    const action = actionOf(req.headers, body);
    stats.byAction[action] = (stats.byAction[action] ?? 0) + 1;
    const key = replayKey(req.headers, path, body);
    let answer = mode === 'replay' ? recorded.get(key) : undefined;
    if (answer) {
      await sleep(options.rttMs);
    } else {
      if (mode === 'replay') stats.misses++;
      answer = await upstream.send({ method: req.method ?? 'GET', path, headers: req.headers, body });
      if (mode === 'record' && answer.status < 500) {
        recorded.set(key, answer);
        stats.recorded = recorded.size;
      }
    }
    res.writeHead(answer.status, forwardableHeaders(answer.headers, answer.body));
    res.end(answer.body);
  }

  const server = await serveOnLoopback(handle, (err, res) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`replay proxy: ${err instanceof Error ? err.message : String(err)}`);
  });
  return {
    endpoint: server.endpoint,
    setMode(next) {
      mode = next;
    },
    stats: () => ({ byAction: { ...stats.byAction }, misses: stats.misses, recorded: stats.recorded }),
    async stop() {
      await server.close();
      upstream.close();
    },
  };
}
