import { ECRClient } from '@aws-sdk/client-ecr';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { main } from '../cli/main';
import { createClients } from '../lib/aws/clients';
import { startMotoServer } from '../scripts/moto-server';
import { newAccountId } from '../test/support/aws';
import { textSink } from '../test/support/cli';
import { startFaithfulEcr } from '../test/support/faithful-ecr';
import { auditMinimum, totalCalls, type Calls } from './minimum';
import { benchPolicy, seededRepositories, type RegistryShape } from './registry-shape';
import { startReplayProcess } from './replay-process';
import { seedRegistry } from './seed-registry';

/** Options of {@link targetsBench}. */
export interface TargetsBenchOptions {
  shape: RegistryShape;
  accounts: number;
  regions: string[];
  concurrency: number;
  seedConcurrency: number;
  /** Round trip time added to every replayed answer. */
  rttMs: number;
  /** Replayed runs of each kind (one target, every target, every repository in one target), alternated; the median is reported. */
  runs: number;
  /** The region, not one of `regions`, of the one target that holds as many repositories as all the targets together. */
  wholeRegion: string;
}

/** One run's figures: calls by action as the proxy in front of the server saw them, against the minimum, and the time. */
export interface TargetsRun {
  targets: number;
  calls: Calls;
  actual: number;
  minimum: Calls;
  minimumTotal: number;
  wallMs: number;
  /** CPU time of the bench's process (the CLI: ecr-keeper and the SDK; in the moto runs, the in-process faithful layer too). */
  cpuMs: number;
  exitCode: number;
}

/** One target, every target, and the same repositories as every target's in one target, served one way. */
export interface TargetsComparison {
  one: TargetsRun;
  all: TargetsRun;
  /** One target that holds every target's repositories (accounts x regions x the shape's repositories). */
  whole: TargetsRun;
  /** all.wallMs / one.wallMs: how far the targets overlap. */
  wallRatio: number;
  /** all.wallMs / whole.wallMs: the run over targets against the same repositories in one target. */
  wholeRatio: number;
}

/** What {@link targetsBench} measured: the audit over every target, and over one target of the same registries. */
export interface TargetsBenchResult {
  shape: RegistryShape;
  accounts: number;
  regions: string[];
  /** Served by moto_server behind the faithful layer, one process for every registry: the first (recorded) runs. */
  moto: TargetsComparison;
  /** Served from the recording after `rttMs`, as regional endpoints would: the medians of `runs` alternated runs. */
  replay: TargetsComparison & { rttMs: number; runs: number; misses: number; allWallMs: number[]; oneWallMs: number[]; wholeWallMs: number[] };
}

async function credentialsOf(sts: STSClient, accountId: string): Promise<AwsCredentialIdentity> {
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/seed`, RoleSessionName: 'seed' }));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

function add(a: Calls, b: Calls, times = 1): Calls {
  const out: Calls = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v * times;
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function compared(one: TargetsRun, all: TargetsRun, whole: TargetsRun): TargetsComparison {
  return { one, all, whole, wallRatio: all.wallMs / one.wallMs, wholeRatio: all.wallMs / whole.wallMs };
}

/**
 * The targets part of the bench: seeds `accounts` x `regions` registries of the same shape on one moto, then
 * seeds as many repositories as all of them together in one more registry (the first account's, in
 * `wholeRegion`), then runs `audit` through the CLI (as the first account, its credentials' region the first
 * region) over one target, over every target, and over that one registry, twice over:
 * - served by moto_server behind the faithful layer, every registry in that one Python process (these runs
 *   are recorded by a replay proxy in a child process);
 * - served from the recording after `rttMs`, `runs` times each, alternated: what AWS's regional endpoints
 *   cost the client (a round trip; their work is not on this machine), so the wall time shows how the run
 *   spreads over targets, not how fast moto is.
 * Every call is counted by the proxy. The minimum over targets is the audit's minimum per target, one
 * AssumeRole per other account and the one GetCallerIdentity of the run.
 *
 * @example
 * const r = await targetsBench({ shape: { repositories: 200, tagged: 1, untagged: 1 }, accounts: 2, regions: ['us-east-1', 'eu-west-1', 'ap-south-1'], concurrency: 8, seedConcurrency: 16, rttMs: 50, runs: 3, wholeRegion: 'us-west-2' });
 */
export async function targetsBench(options: TargetsBenchOptions): Promise<TargetsBenchResult> {
  if (options.regions.includes(options.wholeRegion)) throw new Error(`the one-target registry's region ${options.wholeRegion} must not be a target region`);
  const repos = seededRepositories(options.shape);
  const targetCount = options.accounts * options.regions.length;
  const wholeShape = { ...options.shape, repositories: options.shape.repositories * targetCount };
  const wholeRepos = seededRepositories(wholeShape);
  const moto = await startMotoServer();
  const layer = await startFaithfulEcr({ upstream: moto.endpoint });
  const proxy = await startReplayProcess(layer.endpoint, options.rttMs);
  const previous = process.env.AWS_ENDPOINT_URL;
  try {
    const accounts = Array.from({ length: options.accounts }, newAccountId);
    const seedSts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint });
    const credentials = await Promise.all(accounts.map((a) => credentialsOf(seedSts, a)));
    for (const c of credentials) {
      for (const region of options.regions) {
        await seedRegistry(new ECRClient({ region, credentials: c, endpoint: moto.endpoint }), repos, { concurrency: options.seedConcurrency });
      }
    }
    // The same number of repositories in one registry: the first account's, in a region of its own.
    await seedRegistry(new ECRClient({ region: options.wholeRegion, credentials: credentials[0]!, endpoint: moto.endpoint }), wholeRepos, {
      concurrency: options.seedConcurrency,
    });
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    const hub = credentials[0]!;
    const home = options.regions[0]!;

    const run = async (targets: { accounts: string[]; regions: string[] }): Promise<TargetsRun> => {
      const clients = createClients({ region: home });
      for (const c of [clients.ecr, clients.events]) c.config.credentials = async () => hub;
      const policy = { ...benchPolicy(accounts[0]!, options.shape), targets };
      const before = (await proxy.stats()).byAction;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const code = await main(['audit', '--format', 'json', '--concurrency', String(options.concurrency)], {
        stdout: textSink().stream,
        stderr: textSink().stream,
        env: { ECR_KEEPER_POLICY: JSON.stringify(policy) },
        clients,
        credentials: hub,
        sts: new STSClient({ region: home, credentials: hub }),
        organizations: new OrganizationsClient({ region: home, credentials: hub }),
      });
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const after = (await proxy.stats()).byAction;
      const calls = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]).filter(([, n]) => (n as number) > 0)) as Calls;
      const count = targets.accounts.length * targets.regions.length;
      const perTarget = targets.regions.includes(options.wholeRegion) ? auditMinimum(wholeRepos) : auditMinimum(repos);
      const minimum = add(add({}, perTarget, count), { AssumeRole: targets.accounts.length - 1, GetCallerIdentity: 1 });
      return { targets: count, calls, actual: totalCalls(calls), minimum, minimumTotal: totalCalls(minimum), wallMs, cpuMs: (cpu.user + cpu.system) / 1000, exitCode: code };
    };
    const oneTarget = { accounts: [accounts[0]!], regions: [home] };
    const everyTarget = { accounts, regions: options.regions };
    const wholeTarget = { accounts: [accounts[0]!], regions: [options.wholeRegion] };

    const motoRuns = compared(await run(oneTarget), await run(everyTarget), await run(wholeTarget));
    await proxy.setMode('replay');
    const ones: TargetsRun[] = [];
    const alls: TargetsRun[] = [];
    const wholes: TargetsRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      ones.push(await run(oneTarget));
      alls.push(await run(everyTarget));
      wholes.push(await run(wholeTarget));
    }
    const byWall = (runs: TargetsRun[]) => runs.find((r) => r.wallMs === median(runs.map((x) => x.wallMs)))!;
    return {
      shape: options.shape,
      accounts: options.accounts,
      regions: options.regions,
      moto: motoRuns,
      replay: {
        ...compared(byWall(ones), byWall(alls), byWall(wholes)),
        rttMs: options.rttMs,
        runs: options.runs,
        misses: (await proxy.stats()).misses,
        oneWallMs: ones.map((r) => r.wallMs),
        allWallMs: alls.map((r) => r.wallMs),
        wholeWallMs: wholes.map((r) => r.wallMs),
      },
    };
  } finally {
    process.env.AWS_ENDPOINT_URL = previous;
    await proxy.stop();
    await layer.stop();
    await moto.stop();
  }
}

/** The figures for people. */
export function renderTargets(r: TargetsBenchResult): string {
  const line = (name: string, t: TargetsRun) =>
    `${name.padEnd(14)} ${String(t.targets).padStart(3)} targets  ${String(t.actual).padStart(6)} calls  minimum ${String(t.minimumTotal).padStart(6)}  ratio ${(t.actual / t.minimumTotal).toFixed(2)}  ${(t.wallMs / 1000).toFixed(1)} s  cpu ${(t.cpuMs / 1000).toFixed(1)} s (${(t.cpuMs / t.actual).toFixed(2)} ms/call)  exit ${t.exitCode}`;
  const secs = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(', ');
  return [
    `audit over targets: ${r.accounts} accounts x ${r.regions.length} regions (${r.regions.join(', ')}) x ${r.shape.repositories} repositories`,
    'served by one moto_server behind the faithful layer (every registry in one Python process):',
    line('  one target', r.moto.one),
    line('  all targets', r.moto.all),
    line('  all in one', r.moto.whole),
    `  wall time all targets / the same repositories in one target: ${r.moto.wholeRatio.toFixed(2)}; all / one target: ${r.moto.wallRatio.toFixed(2)}`,
    `served from the recording after a ${r.replay.rttMs} ms round trip (median of ${r.replay.runs}; ${r.replay.misses} calls not in the recording):`,
    line('  one target', r.replay.one),
    line('  all targets', r.replay.all),
    line('  all in one', r.replay.whole),
    `  runs: one ${secs(r.replay.oneWallMs)} s; all ${secs(r.replay.allWallMs)} s; all in one ${secs(r.replay.wholeWallMs)} s`,
    `  wall time all targets / the same repositories in one target: ${r.replay.wholeRatio.toFixed(2)}; all / one target: ${r.replay.wallRatio.toFixed(2)}`,
    `calls by action (all): ${JSON.stringify(r.replay.all.calls)}`,
    `minimum by action (all): ${JSON.stringify(r.replay.all.minimum)}`,
  ].join('\n');
}
