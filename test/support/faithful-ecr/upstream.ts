import { Agent, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { HttpRequest, HttpResponse } from './types';

/** Headers that belong to one connection and are never passed on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

/** Copies headers without the hop-by-hop ones, with a `content-length` that matches `body`. */
export function forwardableHeaders(headers: IncomingHttpHeaders, body: Buffer): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'content-length') out[name] = value;
  }
  out['content-length'] = body.length;
  return out;
}

/** The moto_server the layer forwards to. */
export interface Upstream {
  /** Sends a request as it is (the `Host` header too, so moto builds URLs that point back at the layer). */
  send(request: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/**
 * Connects to moto_server at `endpoint`.
 *
 * @example
 * const upstream = createUpstream('http://127.0.0.1:5000');
 * const answer = await upstream.send({ method: 'POST', path: '/', headers, body });
 */
export function createUpstream(endpoint: string): Upstream {
  const url = new URL(endpoint);
  const agent = new Agent({ keepAlive: true });
  return {
    send(request) {
      return new Promise((resolve, reject) => {
        const outgoing = httpRequest(
          {
            agent,
            hostname: url.hostname,
            port: url.port,
            method: request.method,
            path: request.path,
            headers: forwardableHeaders(request.headers, request.body),
          },
          (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('error', reject);
            incoming.on('end', () => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: Buffer.concat(chunks) }));
          },
        );
        outgoing.on('error', reject);
        outgoing.end(request.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
