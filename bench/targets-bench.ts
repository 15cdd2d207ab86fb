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
import { seedRegistry } from './seed-registry';

/** Options of {@link targetsBench}. */
export interface TargetsBenchOptions {
  shape: RegistryShape;
  accounts: number;
  regions: string[];
  concurrency: number;
  seedConcurrency: number;
}

/** One run's figures: calls by action as the layer saw them, against the minimum, and the wall time. */
export interface TargetsRun {
  targets: number;
  calls: Calls;
  actual: number;
  minimum: Calls;
  minimumTotal: number;
  wallMs: number;
  exitCode: number;
}

/** What {@link targetsBench} measured: the audit over every target, and over one target of the same registries. */
export interface TargetsBenchResult {
  shape: RegistryShape;
  accounts: number;
  regions: string[];
  all: TargetsRun;
  one: TargetsRun;
  /** all.wallMs / one.wallMs. */
  wallRatio: number;
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

/**
 * The targets part of the bench: seeds `accounts` x `regions` registries of the same shape on one moto, then
 * runs `audit` through the CLI (as the first account, its credentials' region the first region) over every
 * target and over one target, every call counted by the faithful layer. The minimum over targets is the
 * audit's minimum per target, one AssumeRole per other account and the one GetCallerIdentity of the run.
 *
 * @example
 * const r = await targetsBench({ shape: { repositories: 200, tagged: 1, untagged: 1 }, accounts: 2, regions: ['us-east-1', 'eu-west-1', 'ap-south-1'], concurrency: 8, seedConcurrency: 16 });
 */
export async function targetsBench(options: TargetsBenchOptions): Promise<TargetsBenchResult> {
  const repos = seededRepositories(options.shape);
  const moto = await startMotoServer();
  const layer = await startFaithfulEcr({ upstream: moto.endpoint });
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
    process.env.AWS_ENDPOINT_URL = layer.endpoint;
    const hub = credentials[0]!;
    const home = options.regions[0]!;

    const run = async (targets: { accounts: string[]; regions: string[] }): Promise<TargetsRun> => {
      const clients = createClients({ region: home });
      for (const c of [clients.ecr, clients.events]) c.config.credentials = async () => hub;
      const policy = { ...benchPolicy(accounts[0]!, options.shape), targets };
      const before = layer.stats().byAction;
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
      const after = layer.stats().byAction;
      const calls = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]).filter(([, n]) => (n as number) > 0)) as Calls;
      const count = targets.accounts.length * targets.regions.length;
      const minimum = add(add({}, auditMinimum(repos), count), { AssumeRole: targets.accounts.length - 1, GetCallerIdentity: 1 });
      return { targets: count, calls, actual: totalCalls(calls), minimum, minimumTotal: totalCalls(minimum), wallMs, exitCode: code };
    };

    const one = await run({ accounts: [accounts[0]!], regions: [home] });
    const all = await run({ accounts, regions: options.regions });
    return { shape: options.shape, accounts: options.accounts, regions: options.regions, all, one, wallRatio: all.wallMs / one.wallMs };
  } finally {
    process.env.AWS_ENDPOINT_URL = previous;
    await layer.stop();
    await moto.stop();
  }
}

/** The figures for people. */
export function renderTargets(r: TargetsBenchResult): string {
  const line = (name: string, t: TargetsRun) =>
    `${name.padEnd(14)} ${String(t.targets).padStart(3)} targets  ${String(t.actual).padStart(6)} calls  minimum ${String(t.minimumTotal).padStart(6)}  ratio ${(t.actual / t.minimumTotal).toFixed(2)}  ${(t.wallMs / 1000).toFixed(1)} s  exit ${t.exitCode}`;
  return [
    `audit over targets: ${r.accounts} accounts x ${r.regions.length} regions (${r.regions.join(', ')}) x ${r.shape.repositories} repositories`,
    line('one target', r.one),
    line('all targets', r.all),
    `wall time all/one: ${r.wallRatio.toFixed(2)}`,
    `calls by action (all): ${JSON.stringify(r.all.calls)}`,
    `minimum by action (all): ${JSON.stringify(r.all.minimum)}`,
  ].join('\n');
}
