import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeImageScanFindingsCommand,
  DescribeRepositoriesCommand,
  ListImagesCommand,
  paginateDescribeImageScanFindings,
  paginateDescribeRepositories,
  StartImageScanCommand,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { walkImages, walkRepositories, walkScanFindings } from '../lib/walker';
import { imageIndex, imageManifest, MEDIA_TYPES, pushImage, referrerArtifact } from '../scripts/seed/images';
import { motoClients, pinMotoAccount } from './support/aws';
import { faithfulClients, startFaithfulEcr, type FaithfulEcr, type FaithfulEcrOptions } from './support/faithful-ecr';

const upstream = inject('motoEndpoint');
const running: FaithfulEcr[] = [];

async function layer(options: Omit<FaithfulEcrOptions, 'upstream'> = {}): Promise<FaithfulEcr> {
  const proxy = await startFaithfulEcr({ upstream, seed: 42, ...options });
  running.push(proxy);
  return proxy;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

async function createRepositories(accountId: string, names: string[]): Promise<void> {
  const { ecr } = motoClients(accountId);
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(names.slice(i, i + 25).map((repositoryName) => ecr.send(new CreateRepositoryCommand({ repositoryName }))));
  }
}

function names(count: number, prefix = 'svc'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}/r${String(i).padStart(3, '0')}`);
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

/** A repository with 3 tagged and 2 untagged images, seeded straight into moto. */
async function imageRepository(accountId: string, repositoryName = 'app/api'): Promise<void> {
  const { ecr } = motoClients(accountId);
  await ecr.send(new CreateRepositoryCommand({ repositoryName }));
  for (const i of [1, 2, 3]) await pushImage(ecr, repositoryName, imageManifest(`tagged-${i}`), `v${i}`);
  for (const i of [1, 2]) await pushImage(ecr, repositoryName, imageManifest(`untagged-${i}`));
}

describe('faithful ECR layer: paging DescribeRepositories', () => {
  const accountId = motoClients().accountId;
  const all = names(250);
  let proxy: FaithfulEcr;

  beforeAll(async () => {
    await createRepositories(accountId, all);
  });

  it('answers 100 repositories and a nextToken when no maxResults is given', async () => {
    proxy = await layer();
    const { ecr } = faithfulClients(proxy, accountId);
    const page = await ecr.send(new DescribeRepositoriesCommand({}));
    expect(page.repositories).toHaveLength(100);
    expect(page.nextToken).toEqual(expect.any(String));
  });

  it('serves pages of maxResults 100 and the SDK paginator gets every repository exactly once', async () => {
    proxy = await layer();
    const { ecr } = faithfulClients(proxy, accountId);
    const sizes: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeRepositories({ client: ecr, pageSize: 100 }, {})) {
      sizes.push(page.repositories?.length ?? 0);
      seen.push(...(page.repositories ?? []).map((r) => r.repositoryName!));
    }
    expect(sizes).toEqual([100, 100, 50]);
    expect(seen.sort()).toEqual([...all].sort());
  });

  it('lets walkRepositories see every repository across many pages', async () => {
    proxy = await layer();
    const { ecr } = faithfulClients(proxy, accountId);
    const walk = walkRepositories(ecr, { pageSize: 40 });
    const seen: string[] = [];
    for await (const repo of walk) seen.push(repo.name);
    expect(seen.sort()).toEqual([...all].sort());
    expect(walk.outcome.complete).toBe(true);
    expect(proxy.stats().byAction.DescribeRepositories).toBe(7);
  });

  it('lets a walk stopped at its deadline resume from its cursor, seeing every repository once', async () => {
    proxy = await layer();
    const { ecr } = faithfulClients(proxy, accountId);
    let ticks = 0;
    const first = walkRepositories(ecr, { pageSize: 40, deadline: { at: 55, now: () => ++ticks } });
    const seen: string[] = [];
    for await (const repo of first) seen.push(repo.name);
    expect(first.outcome.complete).toBe(false);
    const rest = walkRepositories(ecr, { pageSize: 40, cursor: first.outcome.cursor! });
    for await (const repo of rest) seen.push(repo.name);
    expect(seen.sort()).toEqual([...all].sort());
  });

  it('refuses a maxResults outside 1..1000 with InvalidParameterException', async () => {
    proxy = await layer();
    const { ecr } = faithfulClients(proxy, accountId, { maxAttempts: 1 });
    for (const maxResults of [0, 1001]) {
      const err = await rejection(ecr.send(new DescribeRepositoriesCommand({ maxResults })));
      expect(err.name).toBe('InvalidParameterException');
      expect(err.message).toContain('maxResults');
    }
  });

  it('refuses a tampered nextToken with InvalidParameterException', async () => {
    proxy = await layer();
    const { ecr } = faithfulClients(proxy, accountId, { maxAttempts: 1 });
    const { nextToken } = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 10 }));
    const flipped = nextToken!.slice(0, 20) + (nextToken![20] === 'A' ? 'B' : 'A') + nextToken!.slice(21);
    for (const token of [flipped, 'not-a-token', `${nextToken}x`]) {
      const err = await rejection(ecr.send(new DescribeRepositoriesCommand({ maxResults: 10, nextToken: token })));
      expect(err.name).toBe('InvalidParameterException');
    }
  });

  it('refuses a nextToken issued for another registry', async () => {
    proxy = await layer();
    const { nextToken } = await faithfulClients(proxy, accountId).ecr.send(new DescribeRepositoriesCommand({ maxResults: 10 }));
    const other = faithfulClients(proxy, undefined, { maxAttempts: 1 });
    const err = await rejection(other.ecr.send(new DescribeRepositoriesCommand({ maxResults: 10, nextToken })));
    expect(err.name).toBe('InvalidParameterException');
  });

  it('answers a lookup by repositoryNames whole and refuses maxResults beside it', async () => {
    proxy = await layer();
    const { ecr } = faithfulClients(proxy, accountId, { maxAttempts: 1 });
    const wanted = all.slice(0, 3);
    const found = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: wanted }));
    expect(found.repositories?.map((r) => r.repositoryName).sort()).toEqual(wanted);
    expect(found.nextToken).toBeUndefined();
    const err = await rejection(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: wanted, maxResults: 2 })));
    expect(err.name).toBe('InvalidParameterException');
  });
});

describe('faithful ECR layer: images', () => {
  const accountId = motoClients().accountId;
  beforeAll(() => imageRepository(accountId));

  it('applies the tagStatus filter to ListImages', async () => {
    const { ecr } = faithfulClients(await layer(), accountId);
    const tagged = await ecr.send(new ListImagesCommand({ repositoryName: 'app/api', filter: { tagStatus: 'TAGGED' } }));
    const untagged = await ecr.send(new ListImagesCommand({ repositoryName: 'app/api', filter: { tagStatus: 'UNTAGGED' } }));
    const any = await ecr.send(new ListImagesCommand({ repositoryName: 'app/api', filter: { tagStatus: 'ANY' } }));
    expect(tagged.imageIds?.map((i) => i.imageTag).sort()).toEqual(['v1', 'v2', 'v3']);
    expect(untagged.imageIds).toHaveLength(2);
    expect(untagged.imageIds?.every((i) => i.imageTag === undefined)).toBe(true);
    expect(any.imageIds).toHaveLength(5);
  });

  it('applies the tagStatus filter to DescribeImages', async () => {
    const { ecr } = faithfulClients(await layer(), accountId);
    const tagged = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app/api', filter: { tagStatus: 'TAGGED' } }));
    const untagged = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app/api', filter: { tagStatus: 'UNTAGGED' } }));
    expect(tagged.imageDetails?.flatMap((i) => i.imageTags ?? []).sort()).toEqual(['v1', 'v2', 'v3']);
    expect(untagged.imageDetails).toHaveLength(2);
    expect(untagged.imageDetails?.every((i) => (i.imageTags ?? []).length === 0)).toBe(true);
  });

  it('pages ListImages and DescribeImages at the requested maxResults', async () => {
    const { ecr } = faithfulClients(await layer(), accountId);
    const listed = await ecr.send(new ListImagesCommand({ repositoryName: 'app/api', maxResults: 2 }));
    const described = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app/api', maxResults: 2 }));
    expect(listed.imageIds).toHaveLength(2);
    expect(listed.nextToken).toEqual(expect.any(String));
    expect(described.imageDetails).toHaveLength(2);
    expect(described.nextToken).toEqual(expect.any(String));
  });

  it('lets walkImages see every image, page by page, and only the untagged ones when asked', async () => {
    const proxy = await layer();
    const { ecr } = faithfulClients(proxy, accountId);
    const all: ImageDetail[] = [];
    for await (const image of walkImages(ecr, 'app/api', { pageSize: 2 })) all.push(image);
    const untagged: ImageDetail[] = [];
    for await (const image of walkImages(ecr, 'app/api', { pageSize: 1, tagStatus: 'UNTAGGED' })) untagged.push(image);
    expect(new Set(all.map((i) => i.imageDigest)).size).toBe(5);
    expect(untagged).toHaveLength(2);
    expect(proxy.stats().byAction.DescribeImages).toBe(3 + 2);
  });
});

describe('faithful ECR layer: scan findings', () => {
  const finding = (i: number) => ({ name: `CVE-2024-${String(i).padStart(5, '0')}`, severity: 'HIGH', uri: 'https://example.com', attributes: [] });

  /** An image scanned by moto whose findings are `findings` (basic) or `enhancedFindings`. */
  async function scannedImage(proxy: FaithfulEcr, list: 'findings' | 'enhancedFindings', count: number) {
    const clients = motoClients();
    const image = imageManifest(`scanned-${list}`);
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/scanned' }));
    await pushImage(clients.ecr, 'app/scanned', image, 'v1');
    await clients.ecr.send(new StartImageScanCommand({ repositoryName: 'app/scanned', imageId: { imageDigest: image.digest } }));
    const result = {
      registryId: clients.accountId,
      repositoryName: 'app/scanned',
      imageId: { imageDigest: image.digest },
      imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
      imageScanFindings: { [list]: Array.from({ length: count }, (_, i) => finding(i)), findingSeverityCounts: { HIGH: count } },
    };
    // Through the layer: moto's own API is forwarded too.
    const res = await fetch(`${proxy.endpoint}/moto-api/static/ecr/scan-finding-results`, {
      method: 'POST',
      body: JSON.stringify({ results: [result], account_id: clients.accountId, region: 'us-east-1' }),
    });
    expect(res.status).toBe(201);
    return { clients: faithfulClients(proxy, clients.accountId), input: { repositoryName: 'app/scanned', imageId: { imageDigest: image.digest } } };
  }

  it('pages DescribeImageScanFindings findings at maxResults, keeping the severity counts on every page', async () => {
    const proxy = await layer();
    const { clients, input } = await scannedImage(proxy, 'findings', 250);
    const pages = [];
    for await (const page of paginateDescribeImageScanFindings({ client: clients.ecr, pageSize: 100 }, { ...input })) pages.push(page);
    expect(pages.map((p) => p.imageScanFindings?.findings?.length)).toEqual([100, 100, 50]);
    expect(new Set(pages.flatMap((p) => p.imageScanFindings!.findings!.map((f) => f.name))).size).toBe(250);
    expect(pages.every((p) => p.imageScanFindings?.findingSeverityCounts?.HIGH === 250)).toBe(true);
  });

  it('pages enhancedFindings, 100 by default, and walkScanFindings reads them all', async () => {
    const proxy = await layer();
    const { clients, input } = await scannedImage(proxy, 'enhancedFindings', 150);
    const first = await clients.ecr.send(new DescribeImageScanFindingsCommand({ ...input }));
    expect(first.imageScanFindings?.enhancedFindings).toHaveLength(100);
    expect(first.nextToken).toEqual(expect.any(String));
    const walked = [];
    for await (const page of walkScanFindings(clients.ecr, input)) walked.push(...(page.imageScanFindings?.enhancedFindings ?? []));
    expect(walked).toHaveLength(150);
  });
});

describe('faithful ECR layer: DescribeImages enrichment', () => {
  const accountId = motoClients().accountId;
  const image = imageManifest('enriched-app');
  const signature = referrerArtifact(image, 'enriched-app-sig');
  const sbom = referrerArtifact(image, 'enriched-app-sbom', MEDIA_TYPES.spdxSbom);
  const index = imageIndex([imageManifest('enriched-amd64', { platform: 'linux/amd64' })]);

  beforeAll(async () => {
    const { ecr } = motoClients(accountId);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/signed' }));
    await pushImage(ecr, 'app/signed', image, 'v1');
    await pushImage(ecr, 'app/signed', signature);
    await pushImage(ecr, 'app/signed', sbom);
    await pushImage(ecr, 'app/signed', imageManifest('enriched-amd64', { platform: 'linux/amd64' }));
    await pushImage(ecr, 'app/signed', index, 'multi');
  });

  async function describedByDigest(proxy: FaithfulEcr): Promise<Map<string, ImageDetail>> {
    const { ecr } = faithfulClients(proxy, accountId);
    const out = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app/signed' }));
    return new Map((out.imageDetails ?? []).map((d) => [d.imageDigest!, d]));
  }

  it('reports the subject and artifact type of a referrer artifact, as ECR does', async () => {
    const byDigest = await describedByDigest(await layer());
    expect(byDigest.get(signature.digest)).toMatchObject({ subjectManifestDigest: image.digest, artifactMediaType: MEDIA_TYPES.cosignSignature });
    expect(byDigest.get(sbom.digest)).toMatchObject({ subjectManifestDigest: image.digest, artifactMediaType: MEDIA_TYPES.spdxSbom });
  });

  it('reports no subject for a plain image, its config type as artifactMediaType, and neither for an index', async () => {
    const byDigest = await describedByDigest(await layer());
    const plain = byDigest.get(image.digest)!;
    expect(plain.subjectManifestDigest).toBeUndefined();
    expect(plain.artifactMediaType).toBe(MEDIA_TYPES.dockerConfig);
    expect(byDigest.get(index.digest)).not.toHaveProperty('subjectManifestDigest');
    expect(byDigest.get(index.digest)).not.toHaveProperty('artifactMediaType');
  });

  it('enriches a lookup by imageIds too', async () => {
    const { ecr } = faithfulClients(await layer(), accountId);
    const out = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app/signed', imageIds: [{ imageDigest: signature.digest }] }));
    expect(out.imageDetails?.[0]?.subjectManifestDigest).toBe(image.digest);
  });

  it('leaves moto answer as it is when enrichment is off', async () => {
    const byDigest = await describedByDigest(await layer({ enrich: false }));
    expect(byDigest.get(signature.digest)).not.toHaveProperty('subjectManifestDigest');
  });

  it('reads each manifest from moto once and never counts its own reads as client requests', async () => {
    const proxy = await layer();
    await describedByDigest(proxy);
    await describedByDigest(proxy);
    expect(proxy.stats().requests).toBe(2);
    expect(proxy.stats().byAction.BatchGetImage).toBeUndefined();
  });
});

describe('faithful ECR layer: faults', () => {
  const accountId = motoClients().accountId;
  beforeAll(() => createRepositories(accountId, names(30, 'chaos')));

  async function walkAll(proxy: FaithfulEcr, retryMode: 'adaptive' | 'standard' = 'adaptive'): Promise<number> {
    const { ecr } = faithfulClients(proxy, accountId, { retryMode });
    let count = 0;
    for await (const _repo of walkRepositories(ecr, { pageSize: 10 })) count++;
    return count;
  }

  type FaultKind = 'throttle' | 'serverError' | 'reset';
  type CallError = Awaited<ReturnType<typeof rejection>>;
  const failures: { kind: FaultKind; answer: string; check(err: CallError): void }[] = [
    {
      kind: 'throttle',
      answer: 'ThrottlingException (HTTP 400)',
      check: (err) => expect([err.name, err.$metadata?.httpStatusCode]).toEqual(['ThrottlingException', 400]),
    },
    {
      kind: 'serverError',
      answer: 'a 500 or 503',
      check: (err) => {
        expect([500, 503]).toContain(err.$metadata?.httpStatusCode);
        expect(['ServerException', 'ServiceUnavailable']).toContain(err.name);
      },
    },
    { kind: 'reset', answer: 'a connection reset', check: (err) => expect(err.code).toBe('ECONNRESET') },
  ];

  it.each(failures)('answers $answer at $kind rate 1.0, and the call fails with it after the SDK retries', async ({ kind, check }) => {
    const proxy = await layer({ faults: { [kind]: 1 } });
    // Standard retries: the adaptive limiter would hold the retry of a throttled call for 2 s.
    const { ecr } = faithfulClients(proxy, accountId, { maxAttempts: 2, retryMode: 'standard' });
    check(await rejection(ecr.send(new DescribeRepositoriesCommand({}))));
    expect(proxy.stats().injected).toEqual({ throttle: 0, serverError: 0, reset: 0, [kind]: 2 });
  });

  it.each(failures)('completes a walk at $kind rate 0.3 with adaptive retries', async ({ kind }) => {
    const proxy = await layer({ faults: { [kind]: 0.3 } });
    expect(await walkAll(proxy)).toBe(30);
    expect(proxy.stats().injected[kind]).toBeGreaterThan(0);
  });

  it('never lets a faulted request reach moto', async () => {
    const proxy = await layer({ faults: { throttle: 1 } });
    const { ecr } = faithfulClients(proxy, accountId, { maxAttempts: 1 });
    await rejection(ecr.send(new CreateRepositoryCommand({ repositoryName: 'chaos/never' })));
    const err = await rejection(motoClients(accountId).ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['chaos/never'] })));
    expect(err.name).toBe('RepositoryNotFoundException');
  });

  it('injects the same faults for the same seed and the same requests', async () => {
    const run = async () => {
      const proxy = await layer({ seed: 7, faults: { throttle: 0.2, serverError: 0.1, reset: 0.1 } });
      await walkAll(proxy, 'standard');
      return proxy.stats();
    };
    expect(await run()).toEqual(await run());
  });

  it('changes rates with setFaults for the requests that follow', async () => {
    const proxy = await layer();
    const { ecr } = faithfulClients(proxy, accountId, { maxAttempts: 1, retryMode: 'standard' });
    proxy.setFaults({ throttle: 1 });
    expect((await rejection(ecr.send(new DescribeRepositoriesCommand({})))).name).toBe('ThrottlingException');
    proxy.setFaults({});
    expect((await ecr.send(new DescribeRepositoriesCommand({}))).repositories).toHaveLength(30);
  });

  it('delays every request by the configured latency', async () => {
    const proxy = await layer({ faults: { latencyMs: [120, 120] } });
    const { ecr } = faithfulClients(proxy, accountId);
    const started = performance.now();
    await ecr.send(new DescribeRepositoriesCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('faults other services too, but never moto-api', async () => {
    const proxy = await layer({ faults: { serverError: 1 } });
    const { events } = faithfulClients(proxy, accountId, { maxAttempts: 1 });
    const err = await rejection(events.send(new PutEventsCommand({ Entries: [{ Source: 'test', DetailType: 't', Detail: '{}' }] })));
    expect([500, 503]).toContain(err.$metadata?.httpStatusCode);
    // The dashboard, not data.json: data.json fails (500) once any test has created a Lambda function in the
    // shared moto_server (moto then asks a Docker daemon, which test machines do not run).
    const res = await fetch(`${proxy.endpoint}/moto-api/`);
    expect(res.status).toBe(200);
    expect(proxy.stats().injected.serverError).toBe(1);
  });

  it('rejects a fault rate outside 0..1', async () => {
    await expect(startFaithfulEcr({ upstream, faults: { throttle: 1.5 } })).rejects.toThrow(/between 0 and 1/);
  });
});

describe('faithful ECR layer: other traffic', () => {
  it('forwards EventBridge and SQS unchanged, and counts requests by action', async () => {
    const proxy = await layer();
    const clients = faithfulClients(proxy);
    const sqs = pinMotoAccount(new SQSClient({ endpoint: proxy.endpoint, region: 'us-east-1', maxAttempts: 1 }), clients.accountId);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'through-layer' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await clients.events.send(new PutRuleCommand({ Name: 'to-queue', EventPattern: JSON.stringify({ source: ['faithful.test'] }) }));
    await clients.events.send(new PutTargetsCommand({ Rule: 'to-queue', Targets: [{ Id: 'q', Arn: Attributes!.QueueArn! }] }));
    const put = await clients.events.send(
      new PutEventsCommand({ Entries: [{ Source: 'faithful.test', DetailType: 'Hello', Detail: JSON.stringify({ n: 1 }) }] }),
    );
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));

    expect(put.FailedEntryCount).toBe(0);
    expect(got.Messages?.map((m) => JSON.parse(m.Body!) as { detail: unknown; 'detail-type': string })).toEqual([
      expect.objectContaining({ 'detail-type': 'Hello', detail: { n: 1 } }),
    ]);
    expect(proxy.stats().byAction).toEqual({ CreateQueue: 1, GetQueueAttributes: 1, PutRule: 1, PutTargets: 1, PutEvents: 1, ReceiveMessage: 1 });
  });

  it('passes moto errors through as they are', async () => {
    const { ecr } = faithfulClients(await layer(), undefined, { maxAttempts: 1 });
    const err = await rejection(ecr.send(new BatchDeleteImageCommand({ repositoryName: 'nope/none', imageIds: [{ imageTag: 'x' }] })));
    expect(err.name).toBe('RepositoryNotFoundException');
    const paged = await rejection(ecr.send(new DescribeImagesCommand({ repositoryName: 'nope/none' })));
    expect(paged.name).toBe('RepositoryNotFoundException');
  });

  it('answers 502 and counts it when moto cannot be reached', async () => {
    const proxy = await startFaithfulEcr({ upstream: 'http://127.0.0.1:1' });
    running.push(proxy);
    const { ecr } = faithfulClients(proxy, undefined, { maxAttempts: 1 });
    const err = await rejection(ecr.send(new DescribeRepositoriesCommand({})));
    expect(err.$metadata?.httpStatusCode).toBe(502);
    expect(proxy.stats().layerErrors).toBe(1);
  });
});
