import {
  DescribeImageScanFindingsCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRegistryScanningConfigurationCommand,
  ListTagsForResourceCommand,
  StartImageScanCommand,
  type DescribeImageScanFindingsCommandInput,
  type DescribeImageScanFindingsCommandOutput,
  type ImageScanFinding,
} from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deadlineIn } from '../lib/deadline';
import { AwsCallError } from '../lib/errors';
import { parsePolicy } from '../lib/policy';
import { runScan, type ScanDeps } from '../lib/scan/run';
import type { ScanImage, ScanOutcome, ScanRequest } from '../lib/scan/types';
import { scanWaitBudget } from '../lib/scan/wait';

const ecrMock = mockClient(ECRClient);
const eventsMock = mockClient(EventBridgeClient);
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const ecr = new ECRClient({ region: 'us-east-1', credentials });
const events = new EventBridgeClient({ region: 'us-east-1', credentials });
const deps: ScanDeps = { ecr, events, waitTiming: { minDelay: 0.01, maxDelay: 0.02, minWaitSeconds: 0 } };

const image: ScanImage = {
  repositoryName: 'team/api',
  imageDigest: `sha256:${'b'.repeat(64)}`,
  imageTags: ['1.0'],
  repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team/api',
};
const request = (extra: Partial<ScanRequest> = {}): ScanRequest => ({ image, trigger: 'push', waitSeconds: 60, scope: 'any', ...extra });

function awsError(name: string, message = `${name} from ECR`): Error {
  return Object.assign(new Error(message), { name });
}

function basic(id: string, severity: string): ImageScanFinding {
  return { name: id, severity: severity as ImageScanFinding['severity'], attributes: [{ key: 'package_name', value: `pkg-${id}` }, { key: 'package_version', value: '1.0' }] };
}

function complete(findings: ImageScanFinding[], extra: Partial<DescribeImageScanFindingsCommandOutput> = {}): DescribeImageScanFindingsCommandOutput {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.severity!] = (counts[f.severity!] ?? 0) + 1;
  return {
    $metadata: {},
    registryId: '123456789012',
    imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
    imageScanFindings: { imageScanCompletedAt: new Date('2024-05-01T10:00:00Z'), findingSeverityCounts: counts, findings },
    ...extra,
  };
}

/** ECR's scan of one image: none until StartImageScan, which ECR allows once; then `answer` to every read. */
function serveScan(answer: (input: DescribeImageScanFindingsCommandInput) => DescribeImageScanFindingsCommandOutput, options: { scanned?: boolean } = {}) {
  let scanned = options.scanned ?? false;
  ecrMock.on(StartImageScanCommand).callsFake(() => {
    if (scanned) throw awsError('LimitExceededException', 'The scan quota per image has been exceeded. Wait and try again.');
    scanned = true;
    return { imageScanStatus: { status: 'IN_PROGRESS' } };
  });
  ecrMock.on(DescribeImageScanFindingsCommand).callsFake((input: DescribeImageScanFindingsCommandInput) => {
    if (!scanned) throw awsError('ScanNotFoundException', 'Image scan does not exist for the image');
    return answer(input);
  });
}

function basicRegistry(): void {
  ecrMock.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'BASIC', rules: [] } });
}

function enhancedRegistry(filter: string): void {
  ecrMock.on(GetRegistryScanningConfigurationCommand).resolves({
    scanningConfiguration: { scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter, filterType: 'WILDCARD' }] }] },
  });
}

function verdictOf(outcome: ScanOutcome) {
  if (outcome.kind !== 'verdict') throw new Error(`expected a verdict, got ${outcome.kind}: ${outcome.reason}`);
  return outcome;
}

beforeEach(() => {
  ecrMock.reset();
  eventsMock.reset();
  eventsMock.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })) }));
});

describe('runScan', () => {
  it('starts a scan for an image that has none, waits on it and judges its findings', async () => {
    basicRegistry();
    let reads = 0;
    serveScan(() => (++reads === 1 ? { $metadata: {}, imageScanStatus: { status: 'IN_PROGRESS' } } : complete([basic('CVE-1', 'HIGH')])));

    const { outcome } = await runScan(deps, parsePolicy({}), request());

    const judged = verdictOf(outcome);
    expect(judged.origin).toBe('started');
    expect(judged.verdict).toMatchObject({ result: 'fail', counts: { HIGH: 1 }, topFindings: [{ id: 'CVE-1', packageName: 'pkg-CVE-1' }] });
    expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(1);
  });

  it('treats LimitExceededException as already scanned today, not as an error', async () => {
    basicRegistry();
    let reads = 0;
    ecrMock.on(StartImageScanCommand).rejects(awsError('LimitExceededException'));
    ecrMock.on(DescribeImageScanFindingsCommand).callsFake(() => {
      if (++reads === 1) throw awsError('ScanNotFoundException');
      return complete([basic('CVE-1', 'LOW')]);
    });

    const { outcome } = await runScan(deps, parsePolicy({}), request());

    expect(verdictOf(outcome)).toMatchObject({ origin: 'scanned-today', verdict: { result: 'pass' } });
  });

  it('gives the same verdict, without error, when the same push arrives twice', async () => {
    basicRegistry();
    serveScan(() => complete([basic('CVE-1', 'CRITICAL'), basic('CVE-2', 'MEDIUM')]));

    const first = verdictOf((await runScan(deps, parsePolicy({}), request(), { publish: true })).outcome);
    const second = verdictOf((await runScan(deps, parsePolicy({}), request(), { publish: true })).outcome);

    expect(second.verdict).toEqual(first.verdict);
    expect([first.origin, second.origin]).toEqual(['started', 'existing']);
    expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(1);
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('records an artifact ECR cannot scan as a skip, not an error', async () => {
    basicRegistry();
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(awsError('ScanNotFoundException'));
    ecrMock.on(StartImageScanCommand).rejects(awsError('UnsupportedImageTypeException', 'The image type is not supported for image scanning'));

    const { outcome, events: published } = await runScan(deps, parsePolicy({}), request(), { publish: true });

    expect(outcome).toMatchObject({ kind: 'skipped-unsupported', reason: 'ECR does not scan this artifact: The image type is not supported for image scanning' });
    expect(published).toBeNull();
  });

  it('never calls StartImageScan under enhanced scanning and leaves the image to Inspector', async () => {
    enhancedRegistry('team/*');
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(awsError('ScanNotFoundException'));

    const { outcome } = await runScan(deps, parsePolicy({}), request());

    expect(outcome).toMatchObject({ kind: 'pending' });
    expect(outcome.reason).toContain('enhanced scanning');
    expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(0);
  });

  it('says an image is not scanned when enhanced scanning rules do not cover its repository', async () => {
    enhancedRegistry('other/*');
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(awsError('ScanNotFoundException'));

    const { outcome } = await runScan(deps, parsePolicy({}), request());

    expect(outcome).toMatchObject({ kind: 'not-scanned', reason: 'the registry uses enhanced scanning and no scanning rule covers repository team/api' });
  });

  it('judges enhanced findings with fixed-in versions and UNTRIAGED counted as UNDEFINED', async () => {
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({
      imageScanStatus: { status: 'ACTIVE' },
      imageScanFindings: {
        findingSeverityCounts: { HIGH: 1, UNTRIAGED: 1 } as Record<string, number>,
        enhancedFindings: [
          {
            severity: 'HIGH',
            score: 7.5,
            status: 'ACTIVE',
            packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2024-7', vulnerablePackages: [{ name: 'openssl', version: '3.0.1', fixedInVersion: '3.0.7' }] },
          },
          { severity: 'UNTRIAGED', status: 'ACTIVE', packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2024-8' } },
        ],
      },
    });

    const { outcome } = await runScan(deps, parsePolicy({ scan: { failOn: 'CRITICAL' } }), request());

    const { verdict } = verdictOf(outcome);
    expect(verdict).toMatchObject({ result: 'pass', scan: { type: 'ENHANCED', status: 'ACTIVE' }, counts: { HIGH: 1, UNDEFINED: 1 } });
    expect(verdict.topFindings[0]).toEqual({ id: 'CVE-2024-7', severity: 'HIGH', packageName: 'openssl', packageVersion: '3.0.1', fixedInVersion: '3.0.7', score: 7.5, status: 'ACTIVE' });
  });

  it('answers pending when the waiter times out', async () => {
    basicRegistry();
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({ imageScanStatus: { status: 'IN_PROGRESS' } });

    const { outcome } = await runScan(deps, parsePolicy({}), request({ waitSeconds: 0.2 }));

    expect(outcome).toMatchObject({ kind: 'pending', origin: 'existing', status: 'IN_PROGRESS' });
    expect(outcome.reason).toContain('not complete after');
    expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand).length).toBeGreaterThan(1);
  });

  it('answers pending without waiting when the Lambda has too little time left', async () => {
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({ imageScanStatus: { status: 'IN_PROGRESS' } });
    const lambdaDeps = { ...deps, waitTiming: {} };

    const { outcome } = await runScan(lambdaDeps, parsePolicy({}), request({ waitSeconds: 600, deadline: deadlineIn(20_000, 10_000) }));

    expect(outcome).toMatchObject({ kind: 'pending', status: 'IN_PROGRESS' });
    expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand)).toHaveLength(1);
  });

  it('makes a scan that FAILED while waited on a verdict with ECR description', async () => {
    basicRegistry();
    let reads = 0;
    ecrMock.on(DescribeImageScanFindingsCommand).callsFake(() =>
      ++reads === 1
        ? { imageScanStatus: { status: 'IN_PROGRESS' } }
        : { imageScanStatus: { status: 'FAILED', description: 'UnsupportedImageError: The operating system and/or package manager are not supported.' } },
    );

    const { outcome } = await runScan(deps, parsePolicy({}), request());

    expect(verdictOf(outcome).verdict).toMatchObject({
      result: 'scan-failed',
      reason: 'the scan FAILED: UnsupportedImageError: The operating system and/or package manager are not supported.',
    });
  });

  it('reads every page of findings, following nextToken', async () => {
    const pages = [
      { findings: [basic('CVE-1', 'CRITICAL'), basic('CVE-2', 'HIGH')], next: 't1' },
      { findings: [basic('CVE-3', 'HIGH')], next: 't2' },
      { findings: [basic('CVE-4', 'LOW')], next: undefined },
    ];
    const tokens: (string | undefined)[] = [];
    ecrMock.on(DescribeImageScanFindingsCommand).callsFake((input: DescribeImageScanFindingsCommandInput) => {
      tokens.push(input.nextToken);
      const at = input.nextToken === undefined ? 0 : Number(input.nextToken.slice(1));
      const page = pages[at]!;
      return complete(page.findings, {
        ...(page.next ? { nextToken: page.next } : {}),
        imageScanFindings: { findingSeverityCounts: { CRITICAL: 1, HIGH: 2, LOW: 1 }, findings: page.findings },
      });
    });

    const { outcome } = await runScan(deps, parsePolicy({ scan: { ignore: ['CVE-1'] } }), request());

    const { verdict } = verdictOf(outcome);
    expect(verdict.findingsTotal).toBe(4);
    expect(verdict.effectiveCounts).toMatchObject({ CRITICAL: 0, HIGH: 2, LOW: 1 });
    expect(verdict.topFindings.map((f) => f.id)).toEqual(['CVE-2', 'CVE-3', 'CVE-4']);
    // The status check, then the three pages.
    expect(tokens).toEqual([undefined, undefined, 't1', 't2']);
  });

  it('records a repository that no longer exists instead of failing', async () => {
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(awsError('RepositoryNotFoundException', "The repository with name 'team/api' does not exist"));

    const { outcome } = await runScan(deps, parsePolicy({}), request());

    expect(outcome).toMatchObject({ kind: 'missing', what: 'repository', reason: "The repository with name 'team/api' does not exist" });
    expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(0);
  });

  it('leaves a repository the policy excludes alone, without a scan call', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'team/api', repositoryArn: image.repositoryArn! }] });

    const { outcome } = await runScan(deps, parsePolicy({ repositories: { exclude: ['team/**'] } }), request({ scope: 'policy' }));

    expect(outcome).toMatchObject({ kind: 'out-of-scope', reason: "repository team/api is left out by the policy's repositories.include/exclude" });
    expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand)).toHaveLength(0);
    expect(ecrMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
  });

  it('never starts a scan for a scan-complete event', async () => {
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(awsError('ScanNotFoundException'));

    const { outcome } = await runScan(deps, parsePolicy({}), request({ trigger: 'scan-complete', waitSeconds: 0 }));

    expect(outcome.kind).toBe('not-scanned');
    expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(0);
    expect(ecrMock.commandCalls(GetRegistryScanningConfigurationCommand)).toHaveLength(0);
  });

  it('publishes one verdict event naming the repository, and fails the run when EventBridge refuses it', async () => {
    serveScan(() => complete([basic('CVE-1', 'HIGH')]), { scanned: true });

    const run = await runScan(deps, parsePolicy({ events: { source: 'acme.ecr-keeper' } }), request(), { publish: true });

    expect(run.events).toMatchObject({ published: 1, failed: [] });
    const entry = eventsMock.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ Source: 'acme.ecr-keeper', DetailType: 'ECR Keeper Scan Verdict', Resources: [image.repositoryArn] });
    expect(JSON.parse(entry.Detail!)).toMatchObject({ repositoryName: 'team/api', imageDigest: image.imageDigest, imageTags: ['1.0'], result: 'fail' });

    eventsMock.on(PutEventsCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform events:PutEvents'));
    await expect(runScan(deps, parsePolicy({}), request(), { publish: true })).rejects.toThrow(AwsCallError);
  });
});

describe('scanWaitBudget', () => {
  const at = (remainingMs: number) => ({ at: 1_000_000 + remainingMs, now: () => 1_000_000 });

  it('waits as long as asked when the deadline leaves more time', () => {
    expect(scanWaitBudget(600, at(700_000))).toBe(600);
    expect(scanWaitBudget(30, undefined)).toBe(30);
  });

  it('cuts the wait to the time left before the deadline', () => {
    expect(scanWaitBudget(600, at(120_000))).toBe(120);
  });

  it('does not start a wait when the deadline leaves less than the minimum', () => {
    expect(scanWaitBudget(600, at(14_000), 15)).toBe(0);
    expect(scanWaitBudget(0, at(700_000))).toBe(0);
  });
});
