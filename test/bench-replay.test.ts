import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayKey, startReplayProxy, type ReplayProxy } from '../bench/replay-proxy';

const sign = (akid: string, region: string, date = '20261206T190000Z') => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${akid}/${date.slice(0, 8)}/${region}/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=${date}`,
  'x-amz-date': date,
  'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeImages',
  'content-type': 'application/x-amz-json-1.1',
});

function post(endpoint: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}/`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the replay proxy of the targets bench', () => {
  let upstreamCalls: IncomingHttpHeaders[];
  let answers: number;
  let upstream: ReturnType<typeof createServer>;
  let proxy: ReplayProxy;

  beforeEach(async () => {
    upstreamCalls = [];
    answers = 0;
    // A stand-in server whose every answer differs, so a replayed answer is told from a fresh one.
    upstream = createServer((req, res) => {
      upstreamCalls.push(req.headers);
      req.resume();
      req.on('end', () => {
        answers++;
        res.writeHead(answers === 3 ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ answer: answers }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    proxy = await startReplayProxy({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, rttMs: 0 });
  });

  afterEach(async () => {
    await proxy.stop();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  it('answers a request seen while recording from the recording, signed again at another time, without the upstream', async () => {
    const recorded = await post(proxy.endpoint, sign('AKIDHUB', 'eu-west-1'), '{"repositoryName":"a"}');
    proxy.setMode('replay');
    const replayed = await post(proxy.endpoint, sign('AKIDHUB', 'eu-west-1', '20261206T193000Z'), '{"repositoryName":"a"}');
    expect(replayed).toEqual(recorded);
    expect(upstreamCalls).toHaveLength(1);
    expect(proxy.stats()).toEqual({ byAction: { DescribeImages: 2 }, misses: 0, recorded: 1 });
  });

  it('tells apart the signer, the region and the body, and sends a request it has not recorded upstream as a miss', async () => {
    await post(proxy.endpoint, sign('AKIDHUB', 'eu-west-1'), '{"repositoryName":"a"}');
    proxy.setMode('replay');
    const otherRegion = await post(proxy.endpoint, sign('AKIDHUB', 'us-east-1'), '{"repositoryName":"a"}');
    const otherSigner = await post(proxy.endpoint, sign('AKIDMEMBER', 'eu-west-1'), '{"repositoryName":"a"}');
    expect(JSON.parse(otherRegion.body)).toEqual({ answer: 2 });
    expect(otherSigner.status).toBe(503);
    expect(proxy.stats().misses).toBe(2);
    // Misses are not recorded: a replayed run answers only what the recorded runs were answered.
    expect(proxy.stats().recorded).toBe(1);
  });

  it('does not record a server error: the next request of the same question goes upstream again', async () => {
    await post(proxy.endpoint, sign('A', 'eu-west-1'), '1');
    await post(proxy.endpoint, sign('A', 'eu-west-1'), '2');
    const failed = await post(proxy.endpoint, sign('A', 'eu-west-1'), '3');
    expect(failed.status).toBe(503);
    proxy.setMode('replay');
    expect(JSON.parse((await post(proxy.endpoint, sign('A', 'eu-west-1'), '3')).body)).toEqual({ answer: 4 });
    expect(proxy.stats().misses).toBe(1);
  });

  it('keys a query-protocol call (STS) by its body, and counts it under its Action', async () => {
    const headers = { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDHUB/20261206/us-east-1/sts/aws4_request', 'content-type': 'application/x-www-form-urlencoded' };
    await post(proxy.endpoint, headers, 'Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fm');
    expect(proxy.stats().byAction).toEqual({ AssumeRole: 1 });
    expect(replayKey(headers, '/', Buffer.from('Action=AssumeRole'))).toBe('AKIDHUB|us-east-1|/||Action=AssumeRole');
  });
});
