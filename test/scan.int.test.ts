import { readFileSync } from 'node:fs';
import { CreateRepositoryCommand, StartImageScanCommand, TagResourceCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { onPushHandler } from '../functions/on-push';
import { onScanCompleteHandler } from '../functions/on-scan-complete';
import type { PolicyInput } from '../lib/policy';
import type { ScanRun } from '../lib/scan/run';
import type { ScanOutcome } from '../lib/scan/types';
import { imageManifest, pushImage, type BuiltImage } from '../scripts/seed/images';
import { motoClients } from './support/aws';
import { countCalls, totalCalls } from './support/calls';
import { captureEvents } from './support/event-capture';
import { runCli } from './support/cli';
import { lambdaContext, testRuntime } from './support/lambda';
import { setScanFindings } from './support/scan-findings';

type Clients = ReturnType<typeof motoClients>;

const SAMPLE_DIGEST = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678';

/** A sample event from events/, about `repositoryName`/`image` in the test's account. */
function sampleEvent(file: string, clients: Clients, repositoryName: string, image: BuiltImage): Record<string, unknown> {
  const text = readFileSync(new URL(`../events/${file}`, import.meta.url), 'utf8')
    .replaceAll(SAMPLE_DIGEST, image.digest)
    .replaceAll('123456789012', clients.accountId)
    .replaceAll('team/api', repositoryName);
  return JSON.parse(text) as Record<string, unknown>;
}

function runtime(clients: Clients, policy: PolicyInput = {}) {
  return testRuntime(clients, policy);
}

async function repositoryWithImage(clients: Clients, repositoryName = 'team/api', tag = '1.4.2'): Promise<BuiltImage> {
  await clients.ecr.send(new CreateRepositoryCommand({ repositoryName }));
  const image = imageManifest(`${repositoryName}:${tag}`);
  await pushImage(clients.ecr, repositoryName, image, tag);
  return image;
}

function verdictOf(outcome: ScanOutcome) {
  if (outcome.kind !== 'verdict') throw new Error(`expected a verdict, got ${outcome.kind}: ${outcome.reason}`);
  return outcome;
}

const cli = (argv: string[], clients: Clients, env: NodeJS.ProcessEnv = {}) => runCli(argv, clients, env);

describe('on-push handler against moto', () => {
  it('starts a scan of the pushed image, reads its findings and publishes one verdict event', async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients);
    const capture = await captureEvents(clients, 'ecr-keeper');
    const handler = onPushHandler(runtime(clients));

    const run = (await handler(sampleEvent('ecr-image-push.json', clients, 'team/api', image) as never, lambdaContext())) as ScanRun;

    const judged = verdictOf(run.outcome);
    expect(judged.origin).toBe('started');
    // moto's scan has one HIGH finding; the default policy fails on HIGH.
    expect(judged.verdict).toMatchObject({
      repositoryName: 'team/api',
      registryId: clients.accountId,
      imageDigest: image.digest,
      imageTags: ['1.4.2'],
      result: 'fail',
      counts: { HIGH: 1, CRITICAL: 0 },
      topFindings: [{ id: 'CVE-9999-9999', severity: 'HIGH', packageName: 'moto_fake', packageVersion: '9.9.9' }],
    });
    const events = await capture.drain();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'ecr-keeper',
      'detail-type': 'ECR Keeper Scan Verdict',
      resources: [`arn:aws:ecr:us-east-1:${clients.accountId}:repository/team/api`],
      detail: { repositoryName: 'team/api', imageDigest: image.digest, result: 'fail', verdictId: judged.verdict.verdictId },
    });
  });

  it('gives the same verdict, without error, when the same push event is delivered twice', async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients);
    const capture = await captureEvents(clients, 'ecr-keeper');
    const handler = onPushHandler(runtime(clients));
    const event = sampleEvent('ecr-image-push.json', clients, 'team/api', image);

    const first = (await handler(structuredClone(event) as never, lambdaContext())) as ScanRun;
    const second = (await handler(structuredClone(event) as never, lambdaContext())) as ScanRun;

    expect(verdictOf(second.outcome).verdict).toEqual(verdictOf(first.outcome).verdict);
    expect([verdictOf(first.outcome).origin, verdictOf(second.outcome).origin]).toEqual(['started', 'existing']);
    const events = await capture.drain();
    expect(events.map((e) => e.detail.verdictId)).toEqual([verdictOf(first.outcome).verdict.verdictId, verdictOf(first.outcome).verdict.verdictId]);
  });

  it('judges the findings ECR returns against the allow-list', async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients);
    await setScanFindings(clients, [
      {
        repositoryName: 'team/api',
        imageId: { imageDigest: image.digest },
        imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
        imageScanFindings: {
          imageScanCompletedAt: 1714557600,
          findingSeverityCounts: { CRITICAL: 1, LOW: 1 },
          findings: [
            { name: 'CVE-2024-0001', severity: 'CRITICAL', attributes: [{ key: 'package_name', value: 'openssl' }, { key: 'package_version', value: '3.0.1' }] },
            { name: 'CVE-2024-0002', severity: 'LOW', attributes: [{ key: 'package_name', value: 'zlib' }, { key: 'package_version', value: '1.2.11' }] },
          ],
        },
      },
    ]);
    const handler = onPushHandler(runtime(clients, { scan: { failOn: 'HIGH', ignore: ['CVE-2024-0001'] } }));

    const run = (await handler(sampleEvent('ecr-image-push.json', clients, 'team/api', image) as never, lambdaContext())) as ScanRun;

    expect(verdictOf(run.outcome).verdict).toMatchObject({
      result: 'pass',
      counts: { CRITICAL: 1, LOW: 1 },
      effectiveCounts: { CRITICAL: 0, LOW: 1 },
      ignored: { count: 1, ids: ['CVE-2024-0001'] },
      scan: { status: 'COMPLETE', completedAt: '2024-05-01T10:00:00.000Z' },
    });
  });

  it('leaves alone a repository tagged with the skip tag', async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients);
    await clients.ecr.send(
      new TagResourceCommand({ resourceArn: `arn:aws:ecr:us-east-1:${clients.accountId}:repository/team/api`, tags: [{ Key: 'ecr-keeper:skip', Value: 'true' }] }),
    );
    const handler = onPushHandler(runtime(clients));

    const run = (await handler(sampleEvent('ecr-image-push.json', clients, 'team/api', image) as never, lambdaContext())) as ScanRun;

    expect(run.outcome).toMatchObject({ kind: 'out-of-scope', reason: 'repository team/api is tagged ecr-keeper:skip=true' });
  });

  it('rejects a DELETE action naming the field, before any AWS call', async () => {
    const clients = motoClients();
    const calls = countCalls(clients.ecr);
    const handler = onPushHandler(runtime(clients));
    const event = sampleEvent('ecr-image-delete.json', clients, 'team/api', imageManifest('gone'));

    await expect(handler(event as never, lambdaContext())).rejects.toThrow(/detail\.action-type/);
    expect(totalCalls(calls)).toBe(0);
  });
});

describe('on-scan-complete handler against moto', () => {
  it('judges a completed scan from the ECR Image Scan event and publishes the verdict, starting nothing', async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients);
    await clients.ecr.send(new StartImageScanCommand({ repositoryName: 'team/api', imageId: { imageDigest: image.digest } }));
    const capture = await captureEvents(clients, 'ecr-keeper');
    const handler = onScanCompleteHandler(runtime(clients, { scan: { failOn: 'CRITICAL' } }));

    const run = (await handler(sampleEvent('ecr-image-scan-complete.json', clients, 'team/api', image) as never, lambdaContext())) as ScanRun;

    expect(verdictOf(run.outcome)).toMatchObject({ origin: 'existing', verdict: { result: 'pass', imageTags: ['1.4.2'] } });
    const events = await capture.drain();
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ result: 'pass', failOn: 'CRITICAL' });
  });

  it("judges Inspector's enhanced findings from the Inspector2 Scan event", async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients, 'team/web', 'v2');
    await clients.ecr.send(new StartImageScanCommand({ repositoryName: 'team/web', imageId: { imageDigest: image.digest } }));
    await setScanFindings(clients, [
      {
        repositoryName: 'team/web',
        imageId: { imageDigest: image.digest },
        imageScanStatus: { status: 'ACTIVE', description: 'Continuous scan is selected for image.' },
        imageScanFindings: {
          findingSeverityCounts: { CRITICAL: 1 },
          enhancedFindings: [
            {
              severity: 'CRITICAL',
              score: 9.8,
              status: 'ACTIVE',
              title: 'CVE-2024-3094 - xz',
              packageVulnerabilityDetails: {
                vulnerabilityId: 'CVE-2024-3094',
                sourceUrl: 'https://nvd.nist.gov/vuln/detail/CVE-2024-3094',
                vulnerablePackages: [{ name: 'xz', version: '5.6.0', fixedInVersion: '5.6.1' }],
              },
            },
          ],
        },
      },
    ]);
    const handler = onScanCompleteHandler(runtime(clients));

    const run = (await handler(sampleEvent('inspector2-scan-ecr.json', clients, 'team/web', image) as never, lambdaContext())) as ScanRun;

    expect(verdictOf(run.outcome).verdict).toMatchObject({
      repositoryName: 'team/web',
      result: 'fail',
      scan: { type: 'ENHANCED', status: 'ACTIVE' },
      topFindings: [{ id: 'CVE-2024-3094', severity: 'CRITICAL', packageName: 'xz', fixedInVersion: '5.6.1', score: 9.8 }],
    });
  });
});

describe('scan CLI against moto', () => {
  it('starts a scan, prints the verdict and exits 4 when it fails the policy', async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients);

    const { code, stdout } = await cli(['scan', 'team/api:1.4.2', '--format', 'json'], clients);

    expect(code).toBe(4);
    const outcome = JSON.parse(stdout) as ScanOutcome;
    expect(outcome).toMatchObject({ kind: 'verdict', origin: 'started', image: { imageDigest: image.digest, imageTags: ['1.4.2'] } });
    expect(verdictOf(outcome).verdict.result).toBe('fail');
  });

  it('exits 0 by digest when the policy tolerates the findings, and prints a table', async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients);

    const { code, stdout } = await cli(['scan', `team/api@${image.digest}`, '--format', 'table', '--wait', '30'], clients, {
      ECR_KEEPER_POLICY: '{"scan": {"failOn": "CRITICAL"}}',
    });

    expect(code).toBe(0);
    expect(stdout).toContain('verdict  PASS: no finding at or above CRITICAL (below it: HIGH 1)');
    expect(stdout).toMatch(/HIGH\s+CVE-9999-9999\s+moto_fake\s+9\.9\.9\s+-/);
  });

  it("exits 2 with ECR's message for a missing repository or image, without a stack trace", async () => {
    const clients = motoClients();
    await repositoryWithImage(clients);

    const noRepo = await cli(['scan', 'team/ghost:1'], clients);
    expect(noRepo.code).toBe(2);
    expect(noRepo.stderr).toBe(
      `error: repository team/ghost does not exist (The repository with name 'team/ghost' does not exist in the registry with id '${clients.accountId}')\n`,
    );

    const noTag = await cli(['scan', 'team/api:nope'], clients);
    expect(noTag.code).toBe(2);
    expect(noTag.stderr).toMatch(/^error: image team\/api:nope does not exist \(The image with imageId .* does not exist within the repository with name 'team\/api'.*\)\n$/);
    expect(noTag.stderr).not.toContain('    at ');
  });

  it('exits 2 for a malformed image reference', async () => {
    const { code, stderr } = await cli(['scan', 'team/api'], motoClients());
    expect(code).toBe(2);
    expect(stderr).toBe('error: name the image as REPOSITORY:TAG or REPOSITORY@sha256:DIGEST, not "team/api"\n');
  });
});
