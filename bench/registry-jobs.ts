import type { AuditReport } from '../lib/audit/types';
import { createEcrClient } from '../lib/aws/clients';
import type { CleanupReport } from '../lib/cleanup/types';
import type { EnforceReport } from '../lib/enforce/types';
import { startMotoServer } from '../scripts/moto-server';
import { newAccountId, pinMotoAccount } from '../test/support/aws';
import { callsByAction, countCalls } from '../test/support/calls';
import { runCli } from '../test/support/cli';
import { faithfulClients } from '../test/support/faithful-ecr';
import { startLayerProcess, type LayerProcess } from './faithful-layer-process';
import { peakRssMeter, type RssFigures } from './memory';
import { auditMinimum, cleanupMinimum, enforceMinimum, totalCalls, type Calls } from './minimum';
import { ownCpuMs, processCpuMs } from './process-cpu';
import { benchPolicy, isOutOfPolicy, seededRepositories, type RegistryShape, type SeededRepository } from './registry-shape';
import { seedRegistry, type SeedResult } from './seed-registry';

/** Options of {@link registryBench}. */
export interface RegistryBenchOptions {
  shape: RegistryShape;
  /** Repositories each job works on at once (the CLI's `--concurrency`). */
  concurrency: number;
  /** PutImage requests in flight while seeding. */
  seedConcurrency: number;
}

/** CPU time spent during a job, in milliseconds, by process; undefined where /proc could not be read. */
export interface JobCpu {
  /** This process: ecr-keeper's CLI code, the SDK, and the bench's call counter. */
  ecrKeeper: number;
  /** The faithful ECR layer's process (paging and enriching moto's answers). */
  layer?: number;
  moto?: number;
}

/** The figures of one job. */
export interface JobResult {
  job: string;
  argv: string[];
  exitCode: number;
  /** Calls the SDK sent, by action, counted by a middleware (one per `send`, retries not counted). */
  calls: Calls;
  /** The fewest calls the job can make on the seeded registry (bench/minimum.ts). */
  minimum: Calls;
  actual: number;
  minimumTotal: number;
  /** actual / minimum. */
  ratio: number;
  /** Requests that reached the layer: more than `actual` when the SDK retried. */
  wireRequests: number;
  wallMs: number;
  callsPerSecond: number;
  rss: RssFigures;
  cpuMs: JobCpu;
  /** The job's own summary (from its JSON report). */
  outcome: Record<string, unknown>;
  /** stderr of the CLI when it did not exit 0. */
  error?: string;
}

/** What {@link registryBench} measured. */
export interface RegistryBenchResult {
  /** What answered the calls. */
  target: string;
  shape: RegistryShape;
  concurrency: number;
  /** The seeded repositories: in scope, out of policy and not opted out, opted out with the skip tag, excluded. */
  repositories: { total: number; inScope: number; outOfPolicy: number; skipTagged: number; excluded: number };
  policy: Record<string, unknown>;
  seed: SeedResult;
  jobs: JobResult[];
}

interface Job {
  job: string;
  argv: string[];
  minimum: Calls;
  /** The figures of the job's own summary, read from its JSON report. */
  outcome: (json: string) => Record<string, unknown>;
}

function enforceOutcome(json: string): Record<string, unknown> {
  const { repositories, excluded, changes, applied, skipped, failed } = (JSON.parse(json) as EnforceReport).summary;
  return { repositories, excluded, changes, applied, skipped, failed };
}

/** The four jobs, as a user runs them one after the other, each with its minimum. */
function jobs(repos: readonly SeededRepository[], concurrency: number): Job[] {
  const common = ['--format', 'json', '--concurrency', String(concurrency)];
  return [
    {
      job: 'audit',
      argv: ['audit', ...common],
      minimum: auditMinimum(repos),
      outcome: (json) => {
        const { repositories, outOfPolicy, skipped, excluded, reclaimableImages, changes } = (JSON.parse(json) as AuditReport).summary;
        return { repositories, outOfPolicy, skipped, excluded, reclaimableImages, changes };
      },
    },
    { job: 'enforce --apply', argv: ['enforce', '--apply', ...common], minimum: enforceMinimum(repos, 'first'), outcome: enforceOutcome },
    { job: 'enforce --apply (again)', argv: ['enforce', '--apply', ...common], minimum: enforceMinimum(repos, 'again'), outcome: enforceOutcome },
    {
      job: 'cleanup --apply',
      argv: ['cleanup', '--apply', ...common],
      minimum: cleanupMinimum(repos),
      outcome: (json) => {
        const { repositories, planned, deleted, failed } = (JSON.parse(json) as CleanupReport).summary;
        return { repositories, planned: planned.count, deleted: deleted.count, failed };
      },
    },
  ];
}

function sumByAction(stats: Record<string, number>): number {
  return Object.values(stats).reduce((n, c) => n + c, 0);
}

const minus = (after: number | undefined, before: number | undefined) => (after !== undefined && before !== undefined ? after - before : undefined);

/** Runs `work` and measures its wall time, this process's peak RSS, and the CPU time of this process and of the others. */
async function measured<T>(others: { layer: number; moto: number }, work: () => Promise<T>): Promise<{ value: T; wallMs: number; rss: RssFigures; cpuMs: JobCpu }> {
  const before = { ecrKeeper: ownCpuMs(), layer: processCpuMs(others.layer), moto: processCpuMs(others.moto) };
  const meter = peakRssMeter();
  const started = performance.now();
  const value = await work();
  const wallMs = performance.now() - started;
  const rss = meter.stop();
  const cpuMs: JobCpu = { ecrKeeper: ownCpuMs() - before.ecrKeeper };
  const layer = minus(processCpuMs(others.layer), before.layer);
  const moto = minus(processCpuMs(others.moto), before.moto);
  if (layer !== undefined) cpuMs.layer = layer;
  if (moto !== undefined) cpuMs.moto = moto;
  return { value, wallMs, rss, cpuMs };
}

/**
 * The registry part of the bench: starts moto_server on loopback with the faithful ECR layer in front of it
 * (in a process of its own, no faults: paging and subjectManifestDigest as ECR), seeds the registry, then
 * runs audit, enforce --apply twice and cleanup --apply through the CLI's `main`, each with every ECR and
 * EventBridge call counted by action, next to the minimum for the seeded registry, with wall time, peak
 * RSS of this process and the CPU time of this process, the layer and moto.
 *
 * @example
 * const result = await registryBench({ shape: { repositories: 3, tagged: 1, untagged: 1 }, concurrency: 8, seedConcurrency: 16 });
 * result.jobs.map((j) => j.ratio); // [1, 1, 1, 1]
 */
export async function registryBench(options: RegistryBenchOptions): Promise<RegistryBenchResult> {
  const repos = seededRepositories(options.shape);
  const accountId = newAccountId();
  const policy = benchPolicy(accountId, options.shape);
  const moto = await startMotoServer();
  let layer: LayerProcess | undefined;
  try {
    layer = await startLayerProcess(moto.endpoint);
    // Seeding goes to moto straight; the jobs go through the layer.
    const seeder = pinMotoAccount(createEcrClient({ endpoint: moto.endpoint, region: 'us-east-1' }), accountId);
    const seed = await seedRegistry(seeder, repos, { concurrency: options.seedConcurrency });

    const clients = faithfulClients(layer, accountId);
    const counted = countCalls(clients.ecr);
    countCalls(clients.events, counted);
    const env = { ECR_KEEPER_POLICY: JSON.stringify(policy) };

    const results: JobResult[] = [];
    for (const job of jobs(repos, options.concurrency)) {
      counted.clear();
      const wireBefore = sumByAction((await layer.stats()).byAction);
      const { value: cli, wallMs, rss, cpuMs } = await measured({ layer: layer.pid, moto: moto.pid }, () => runCli(job.argv, clients, env));
      const wireRequests = sumByAction((await layer.stats()).byAction) - wireBefore;

      const calls = callsByAction(counted);
      const actual = totalCalls(calls);
      const minimumTotal = totalCalls(job.minimum);
      results.push({
        job: job.job,
        argv: job.argv,
        exitCode: cli.code,
        calls,
        minimum: job.minimum,
        actual,
        minimumTotal,
        ratio: actual / minimumTotal,
        wireRequests,
        wallMs,
        callsPerSecond: actual / (wallMs / 1000),
        rss,
        cpuMs,
        outcome: cli.code === 0 ? job.outcome(cli.stdout) : {},
        ...(cli.code !== 0 ? { error: cli.stderr.trim() } : {}),
      });
    }

    const inScope = repos.filter((r) => !r.excluded);
    return {
      target: `moto_server (pid ${moto.pid}) on loopback behind the faithful ECR layer (test/support/faithful-ecr, no faults: ECR's paging, tagStatus and subjectManifestDigest)`,
      shape: options.shape,
      concurrency: options.concurrency,
      repositories: {
        total: repos.length,
        inScope: inScope.length,
        outOfPolicy: inScope.filter((r) => isOutOfPolicy(r) && !r.skipTagged).length,
        skipTagged: inScope.filter((r) => r.skipTagged).length,
        excluded: repos.length - inScope.length,
      },
      policy,
      seed,
      jobs: results,
    };
  } finally {
    await layer?.stop();
    await moto.stop();
  }
}
