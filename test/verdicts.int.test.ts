import { readFileSync } from 'node:fs';
import { CreateRepositoryCommand, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { onFindingHandler } from '../functions/on-finding';
import { onPushHandler } from '../functions/on-push';
import { onScanCompleteHandler } from '../functions/on-scan-complete';
import { parsePolicy, type PolicyInput } from '../lib/policy';
import type { ScanRun } from '../lib/scan/run';
import { imageManifest, pushImage, type BuiltImage } from '../scripts/seed/images';
import { motoClients, newAccountId } from './support/aws';
import { captureEvents } from './support/event-capture';
import { lambdaContext } from './support/lambda';
import { setScanFindings } from './support/scan-findings';
import { verdictTable } from './support/verdict-table';

type Clients = ReturnType<typeof motoClients>;

const SAMPLE_DIGEST = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678';

/** A sample event from events/, about `image` in the test's account and region. */
function sampleEvent(file: string, clients: Clients, image: BuiltImage, region = 'us-east-1'): Record<string, unknown> {
  const text = readFileSync(new URL(`../events/${file}`, import.meta.url), 'utf8')
    .replaceAll(SAMPLE_DIGEST, image.digest)
    .replaceAll('123456789012', clients.accountId)
    .replaceAll('us-east-1', region);
  return JSON.parse(text) as Record<string, unknown>;
}

function runtime(clients: Clients, policy: PolicyInput = {}) {
  return { clients, logger: new Logger({ logLevel: 'SILENT' }), policy: () => parsePolicy(policy) };
}

async function repositoryWithImage(clients: Clients, repositoryName = 'team/api', tag = '1.4.2'): Promise<BuiltImage> {
  await clients.ecr.send(new CreateRepositoryCommand({ repositoryName }));
  const image = imageManifest(`${repositoryName}:${tag}:${clients.accountId}`);
  await pushImage(clients.ecr, repositoryName, image, tag);
  return image;
}

const invoke = async (handler: (event: never, context: never) => Promise<unknown>, event: unknown) =>
  (await handler(structuredClone(event) as never, lambdaContext() as never)) as ScanRun;

describe('one verdict per scan, whichever path judges it', () => {
  it('publishes one verdict for a push judged by on-push and then by on-scan-complete', async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients);
    const verdicts = await verdictTable(clients.accountId);
    const capture = await captureEvents(clients, 'ecr-keeper');

    const pushed = await invoke(onPushHandler(runtime(clients), verdicts), sampleEvent('ecr-image-push.json', clients, image));
    const completed = await invoke(onScanCompleteHandler(runtime(clients), verdicts), sampleEvent('ecr-image-scan-complete.json', clients, image));

    expect([pushed.outcome.kind, completed.outcome.kind]).toEqual(['verdict', 'verdict']);
    expect(pushed.claim).toMatchObject({ publish: true, state: 'recorded' });
    expect(completed.claim).toMatchObject({ publish: false, state: 'seen' });
    const events = await capture.drain();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ 'detail-type': 'ECR Keeper Scan Verdict', detail: { imageDigest: image.digest, result: 'fail' } });
  });

  it('publishes a failing verdict when Inspector reports a new CRITICAL finding of a passing image, and nothing for the same event again', async () => {
    const clients = motoClients();
    const image = await repositoryWithImage(clients);
    await clients.ecr.send(new StartImageScanCommand({ repositoryName: 'team/api', imageId: { imageDigest: image.digest } }));
    const verdicts = await verdictTable(clients.accountId);
    const policy = { scan: { failOn: 'CRITICAL' } } as const;
    // moto's own findings (one HIGH) pass under failOn CRITICAL.
    await invoke(onScanCompleteHandler(runtime(clients, policy), verdicts), sampleEvent('ecr-image-scan-complete.json', clients, image));
    const capture = await captureEvents(clients, 'ecr-keeper');
    await setScanFindings(clients, [
      {
        repositoryName: 'team/api',
        imageId: { imageDigest: image.digest },
        imageScanStatus: { status: 'ACTIVE', description: 'Continuous scan is selected for image.' },
        imageScanFindings: {
          imageScanCompletedAt: Math.floor(Date.now() / 1000),
          findingSeverityCounts: { CRITICAL: 1 },
          enhancedFindings: [
            {
              severity: 'CRITICAL',
              status: 'ACTIVE',
              title: 'CVE-2026-1111 - openssl',
              packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2026-1111', vulnerablePackages: [{ name: 'openssl', version: '3.0.1' }] },
            },
          ],
        },
      },
    ]);
    const onFinding = onFindingHandler(runtime(clients, policy), verdicts);
    const finding = sampleEvent('inspector2-finding-ecr.json', clients, image);

    const first = await invoke(onFinding, finding);
    const second = await invoke(onFinding, finding);

    expect(first.claim).toMatchObject({ publish: true, reason: 'the verdict changed: pass -> fail' });
    expect(second.claim).toMatchObject({ publish: false });
    const events = await capture.drain();
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ result: 'fail', failOn: 'CRITICAL', topFindings: [{ id: 'CVE-2026-1111', severity: 'CRITICAL' }] });
  });

  it('scans a replicated image and publishes its verdict in the destination registry', async () => {
    const clients = motoClients(newAccountId(), 'eu-west-1');
    const image = await repositoryWithImage(clients);
    const verdicts = await verdictTable(clients.accountId);
    const capture = await captureEvents(clients, 'ecr-keeper');

    // The function runs in the destination's region: the event is in its own target (lib/targets/event-target.ts).
    const context = { ...lambdaContext(), invokedFunctionArn: `arn:aws:lambda:eu-west-1:${clients.accountId}:function:ecr-keeper-test` };
    const event = sampleEvent('ecr-replication.json', clients, image, 'eu-west-1');
    const run = (await onPushHandler(runtime(clients), verdicts)(event as never, context as never)) as ScanRun;

    expect(run.outcome).toMatchObject({ kind: 'verdict', origin: 'started' });
    const events = await capture.drain();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      resources: [`arn:aws:ecr:eu-west-1:${clients.accountId}:repository/team/api`],
      detail: { imageDigest: image.digest, registryId: clients.accountId },
    });
  });
});
