import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonError } from './faithful-ecr/json-error';
import { createUpstream, forwardableHeaders } from './faithful-ecr/upstream';

/** How the endpoint refuses a call. */
export type Denial = 'signature' | 'access-denied';

/** A running denying endpoint. */
export interface DenyingEndpoint {
  endpoint: string;
  /** Calls refused so far. */
  denied(): number;
  stop(): Promise<void>;
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The credential scope of the request's signature (`20240101/us-east-1/ecr/aws4_request`), without the access key id. */
function scope(req: IncomingMessage): string {
  return /Credential=[^/]+\/([^,]+)/.exec(header(req, 'authorization'))?.[1] ?? '';
}

/**
 * AWS's answer to a request whose signature does not match: the canonical request it expected, which
 * carries every signed header, the session token (`x-amz-security-token`) among them.
 */
function signatureMismatch(req: IncomingMessage, target: string) {
  const signed = ['content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target'];
  const canonical = ['POST', '/', '', ...signed.map((h) => `${h}:${h === 'x-amz-target' ? target : header(req, h)}`), '', signed.join(';'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'].join('\n');
  return jsonError(
    403,
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
      `Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'\n\n` +
      `The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n${header(req, 'x-amz-date')}\n${scope(req)}\n${'0'.repeat(64)}'\n`,
  );
}

function accessDenied(target: string) {
  const action = target.slice(target.lastIndexOf('.') + 1);
  return jsonError(
    400,
    'AccessDeniedException',
    `User: arn:aws:sts::123456789012:assumed-role/ecr-keeper/session is not authorized to perform: ecr:${action} because no identity-based policy allows the ecr:${action} action`,
  );
}

/**
 * A loopback endpoint in front of moto that refuses the calls `deny` picks, the way AWS refuses them: a
 * signature mismatch whose message quotes the canonical request (session token included), or an
 * AccessDeniedException. Every other call goes on to moto unchanged. For tests of what reaches logs and events.
 *
 * @example
 * const denying = await startDenyingEndpoint(inject('motoEndpoint'), (action) => action.startsWith('Put'), 'signature');
 */
export async function startDenyingEndpoint(upstream: string, deny: (action: string) => boolean, how: Denial): Promise<DenyingEndpoint> {
  const moto = createUpstream(upstream);
  let denied = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = header(req, 'x-amz-target');
      const action = target.slice(target.lastIndexOf('.') + 1);
      const body = Buffer.concat(chunks);
      const refused = Boolean(target) && deny(action);
      if (refused) denied++;
      const answer = refused
        ? Promise.resolve(how === 'signature' ? signatureMismatch(req, target) : accessDenied(target))
        : moto.send({ method: req.method ?? 'POST', path: req.url ?? '/', headers: req.headers, body });
      answer
        .then((a) => {
          res.writeHead(a.status, forwardableHeaders(a.headers, a.body));
          res.end(a.body);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    denied: () => denied,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      moto.close();
    },
  };
}
