/**
 * `npm run bench:verdicts`: the figures of issue 14, measured against moto (never asserted in tests).
 *
 *   npm run bench:verdicts                               # 20 pushes, one slow scan, rescan over 50 x (3 + 2)
 *   npm run bench:verdicts -- --pushes 50 --repos 200 --skip-slow
 *
 * - on-push per push at the policy's defaults (scan.waitSeconds 60), with the verdict table: wall time and
 *   calls when the scan is complete at once (moto), then one push whose scan stays IN_PROGRESS, which waits
 *   the whole default;
 * - the same scans judged again by on-scan-complete: calls, and how many verdicts were published in all;
 * - rescan: calls of a dry run and of an apply against the fewest calls possible (computed from the seed).
 */
import { CreateRepositoryCommand, StartImageScanCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { Logger } from '@aws-lambda-powertools/logger';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { onPushHandler } from '../functions/on-push';
import { onScanCompleteHandler } from '../functions/on-scan-complete';
import { createClients } from '../lib/aws/clients';
import { MAX_DESCRIBE_IMAGES_PAGE, MAX_DESCRIBE_REPOSITORIES_PAGE } from '../lib/limits';
import { parsePolicy } from '../lib/policy';
import { runRescan } from '../lib/rescan/run';
import type { ScanRun } from '../lib/scan/run';
import { startMotoServer } from '../scripts/moto-server';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { newAccountId, pinMotoAccount } from '../test/support/aws';
import { countCalls, type CallCounts } from '../test/support/calls';
import { faithfulClients, startFaithfulEcr } from '../test/support/faithful-ecr';
import { lambdaContext } from '../test/support/lambda';
import { setScanFindings } from '../test/support/scan-findings';
import { verdictTable } from '../test/support/verdict-table';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

const SILENT = new Logger({ logLevel: 'SILENT' });
/** The on-push Lambda's timeout at the default policy (scripts/serverless-policy.cjs: waitSeconds + 60). */
const ON_PUSH_TIMEOUT_MS = 120_000;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const perCall = (counts: CallCounts, n: number) => Object.fromEntries([...counts].sort().map(([a, c]) => [a, +(c / n).toFixed(2)]));
const total = (counts: CallCounts) => [...counts.values()].reduce((a, b) => a + b, 0);

function scanEvent(accountId: string, repositoryName: string, digest: string) {
  return {
    version: '0',
    id: `scan-${digest.slice(7, 19)}`,
    'detail-type': 'ECR Image Scan',
    source: 'aws.ecr',
    account: accountId,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`arn:aws:ecr:us-east-1:${accountId}:repository/${repositoryName}`],
    detail: { 'scan-status': 'COMPLETE', 'repository-name': repositoryName, 'image-digest': digest, 'image-tags': [] },
  };
}

function pushEvent(accountId: string, repositoryName: string, digest: string, tag: string) {
  return {
    version: '0',
    id: `push-${digest.slice(7, 19)}`,
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account: accountId,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: { result: 'SUCCESS', 'repository-name': repositoryName, 'image-digest': digest, 'action-type': 'PUSH', 'image-tag': tag },
  };
}

async function onPushBench(endpoint: string, pushes: number, slow: boolean) {
  process.env.AWS_ENDPOINT_URL = endpoint;
  const accountId = newAccountId();
  const clients = createClients({ region: 'us-east-1', maxAttempts: 3 });
  pinMotoAccount(clients.ecr, accountId);
  pinMotoAccount(clients.events, accountId);
  const verdicts = await verdictTable(accountId);
  await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'bench/api' }));
  const images = [];
  for (let i = 0; i < pushes; i++) {
    const image = imageManifest(`bench/api#${i}:${accountId}`);
    await pushImage(clients.ecr, 'bench/api', image, `v${i}`);
    images.push({ image, tag: `v${i}` });
  }
  const runtime = { clients, logger: SILENT, policy: () => parsePolicy({}) };
  const pushCalls = new Map<string, number>();
  countCalls(clients.ecr, pushCalls);
  countCalls(clients.events, pushCalls);
  countCalls(verdicts.dynamodb, pushCalls);
  const onPush = onPushHandler(runtime, verdicts);
  const walls: number[] = [];
  let published = 0;
  for (const { image, tag } of images) {
    const started = performance.now();
    const run = (await onPush(pushEvent(accountId, 'bench/api', image.digest, tag) as never, lambdaContext({ remainingMs: ON_PUSH_TIMEOUT_MS }))) as ScanRun;
    walls.push(performance.now() - started);
    if (run.events?.published) published += run.events.published;
  }
  const afterPush = new Map(pushCalls);
  pushCalls.clear();
  const onScan = onScanCompleteHandler(runtime, verdicts);
  for (const { image } of images) {
    const run = (await onScan(scanEvent(accountId, 'bench/api', image.digest) as never, lambdaContext())) as ScanRun;
    if (run.events?.published) published += run.events.published;
  }
  const result: Record<string, unknown> = {
    pushes,
    onPush: { wallMs: { median: +quantile(walls, 0.5).toFixed(1), p95: +quantile(walls, 0.95).toFixed(1) }, callsPerPush: perCall(afterPush, pushes), callsTotal: total(afterPush) },
    onScanComplete: { callsPerEvent: perCall(pushCalls, pushes) },
    verdictEventsPublished: published,
  };

  if (slow) {
    // A scan that stays IN_PROGRESS: on-push waits the whole default, then answers "pending".
    const image = imageManifest(`bench/api#slow:${accountId}`);
    await pushImage(clients.ecr, 'bench/api', image, 'slow');
    await clients.ecr.send(new StartImageScanCommand({ repositoryName: 'bench/api', imageId: { imageDigest: image.digest } }));
    await setScanFindings({ accountId }, [{ repositoryName: 'bench/api', imageId: { imageDigest: image.digest }, imageScanStatus: { status: 'IN_PROGRESS' }, imageScanFindings: { findings: [] } }]);
    pushCalls.clear();
    const started = performance.now();
    const run = (await onPush(pushEvent(accountId, 'bench/api', image.digest, 'slow') as never, lambdaContext({ remainingMs: ON_PUSH_TIMEOUT_MS }))) as ScanRun;
    result.slowScan = { outcome: run.outcome.kind, wallMs: Math.round(performance.now() - started), calls: Object.fromEntries(pushCalls) };
  }
  return result;
}

/** The fewest calls of a rescan over `repos` repositories of `due + scanned` images each (none opted out). */
function rescanMinimum(repos: number, due: number, scanned: number, apply: boolean): Record<string, number> {
  return {
    DescribeImages: repos * Math.max(1, Math.ceil((due + scanned) / MAX_DESCRIBE_IMAGES_PAGE)),
    DescribeRepositories: Math.max(1, Math.ceil(repos / MAX_DESCRIBE_REPOSITORIES_PAGE)),
    GetRegistryScanningConfiguration: 1,
    // The skip tag of each repository with due images (nothing else needs it).
    ListTagsForResource: due > 0 ? repos : 0,
    ...(apply ? { StartImageScan: repos * due } : {}),
  };
}

async function rescanBench(endpoint: string, repos: number, due: number, scanned: number) {
  const proxy = await startFaithfulEcr({ upstream: endpoint, scanSummaries: true });
  try {
    const clients = faithfulClients(proxy, newAccountId(), { maxAttempts: 3 });
    const seed = async (ecr: ECRClient, r: number) => {
      const name = `bench/r${String(r).padStart(4, '0')}`;
      await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
      for (let i = 0; i < due + scanned; i++) {
        const image = imageManifest(`${name}#${i}:${clients.accountId}`);
        await pushImage(ecr, name, image, `v${i}`);
        if (i >= due) await ecr.send(new StartImageScanCommand({ repositoryName: name, imageId: { imageDigest: image.digest } }));
      }
    };
    for (let r = 0; r < repos; r += 8) await Promise.all(Array.from({ length: Math.min(8, repos - r) }, (_, k) => seed(clients.ecr, r + k)));
    const policy = parsePolicy({});
    const out: Record<string, unknown> = { repos, imagesPerRepository: { due, scanned } };
    for (const mode of ['dry-run', 'apply'] as const) {
      const calls = countCalls(clients.ecr);
      const started = performance.now();
      const report = await runRescan(clients, policy, { mode });
      const minimum = rescanMinimum(repos, due, scanned, mode === 'apply');
      const actual = Object.fromEntries([...calls].sort());
      const minTotal = Object.values(minimum).reduce((a, b) => a + b, 0);
      out[mode] = { planned: report.planned.length, calls: actual, minimum, actual: total(calls), minimumTotal: minTotal, ratio: +(total(calls) / minTotal).toFixed(3), wallMs: Math.round(performance.now() - started) };
      // Calls are counted from here on by a fresh counter: stop counting this mode's.
      calls.clear();
    }
    return out;
  } finally {
    await proxy.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pushes: { type: 'string', default: '20' },
      repos: { type: 'string', default: '50' },
      due: { type: 'string', default: '3' },
      scanned: { type: 'string', default: '2' },
      'skip-slow': { type: 'boolean', default: false },
    },
  });
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${(loadavg()[0] ?? 0).toFixed(2)} at start`);
  const moto = await startMotoServer();
  try {
    const push = await onPushBench(moto.endpoint, Number(values.pushes), !values['skip-slow']);
    console.log(JSON.stringify({ onPush: push }, null, 2));
    const rescan = await rescanBench(moto.endpoint, Number(values.repos), Number(values.due), Number(values.scanned));
    console.log(JSON.stringify({ rescan }, null, 2));
  } finally {
    await moto.stop();
  }
}

await main();
