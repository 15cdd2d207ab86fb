/**
 * `npm run bench`: the figures that matter in production, measured (never asserted in tests).
 *
 *   npm run bench                                   # everything with the defaults (1000 x (5 + 5))
 *   npm run bench -- --only registry --repos 200 --tagged 5 --untagged 5 --concurrency 8
 *   npm run bench -- --only walker,cold-start
 *   npm run bench -- --only targets --tagged 1 --untagged 1     # audit over 2 accounts x 3 regions x 200 repositories
 *   npm run bench -- --only targets --tagged 1 --untagged 1 --rtt-ms 20 --target-runs 5
 *   npm run bench -- --only cli-start --runs 21
 *   npm run bench -- --only walker --walker-node-options=--max-semi-space-size=4
 *
 * Parts: `registry` (seed moto, then audit, enforce --apply twice and cleanup --apply through the CLI, calls
 * against the minimum), `walker` (200,000 images on a stubbed transport), `cold-start` (every function bundle),
 * `cli-start` (the built CLI's `--help` against `node -e 0`, alternated), `targets` (audit over every target
 * against one, served by moto and then from its recording after `--rtt-ms`, `--target-runs` times each).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cliStart } from './cli-start';
import { coldStart } from './cold-start';
import { registryBench } from './registry-jobs';
import { renderCliStart, renderColdStart, renderRegistry, renderWalker } from './render';
import { renderTargets, targetsBench } from './targets-bench';
import { walkerScaleInChild } from './walker-scale';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// moto takes any credentials; never sign with real ones, nor reach AWS.
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

const PARTS = ['registry', 'walker', 'cold-start', 'targets', 'cli-start'] as const;

function count(values: Record<string, unknown>, name: string, min: number): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, not "${String(values[name])}"`);
  return n;
}

async function bench(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      repos: { type: 'string', default: '1000' },
      tagged: { type: 'string', default: '5' },
      untagged: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '8' },
      'seed-concurrency': { type: 'string', default: '16' },
      'walker-repos': { type: 'string', default: '2000' },
      'walker-images': { type: 'string', default: '100' },
      'walker-node-options': { type: 'string', multiple: true },
      runs: { type: 'string', default: '9' },
      'target-accounts': { type: 'string', default: '2' },
      'target-regions': { type: 'string', default: 'us-east-1,eu-west-1,ap-south-1' },
      'target-repos': { type: 'string', default: '200' },
      'rtt-ms': { type: 'string', default: '50' },
      'target-runs': { type: 'string', default: '3' },
    },
  });
  const only = new Set((values.only ?? PARTS.join(',')).split(','));
  const unknown = [...only].filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--only takes ${PARTS.join(', ')}, not ${unknown.join(', ')}`);
  // Other work on the machine slows moto and the timings with it (never the call counts): say how busy it was.
  const machine = { cpus: cpus().length, loadAverageAtStart: loadavg()[0] ?? 0 };
  const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, argv: process.argv.slice(2), machine };
  console.log(`node ${process.version}, ${machine.cpus} CPUs, load average ${machine.loadAverageAtStart.toFixed(2)} at start`);

  if (only.has('registry')) {
    const r = await registryBench({
      shape: { repositories: count(values, 'repos', 1), tagged: count(values, 'tagged', 0), untagged: count(values, 'untagged', 0) },
      concurrency: count(values, 'concurrency', 1),
      seedConcurrency: count(values, 'seed-concurrency', 1),
    });
    results.registry = r;
    console.log(`\n${renderRegistry(r)}`);
  }

  if (only.has('walker')) {
    const r = await walkerScaleInChild({
      repositories: count(values, 'walker-repos', 1),
      imagesPerRepository: count(values, 'walker-images', 1),
      concurrency: count(values, 'concurrency', 1),
      nodeOptions: values['walker-node-options'] ?? [],
    });
    results.walker = r;
    console.log(`\n${renderWalker(r)}`);
  }

  if (only.has('cold-start')) {
    const runs = count(values, 'runs', 1);
    const r = await coldStart({ runs });
    results.coldStart = r;
    console.log(`\n${renderColdStart(r, runs)}`);
  }

  if (only.has('targets')) {
    const r = await targetsBench({
      shape: { repositories: count(values, 'target-repos', 1), tagged: count(values, 'tagged', 0), untagged: count(values, 'untagged', 0) },
      accounts: count(values, 'target-accounts', 1),
      regions: String(values['target-regions']).split(','),
      concurrency: count(values, 'concurrency', 1),
      seedConcurrency: count(values, 'seed-concurrency', 1),
      rttMs: count(values, 'rtt-ms', 0),
      runs: count(values, 'target-runs', 1),
      wholeRegion: 'us-west-2',
    });
    results.targets = r;
    console.log(`\n${renderTargets(r)}`);
  }
  if (only.has('cli-start')) {
    const r = await cliStart({ runs: count(values, 'runs', 1) });
    results.cliStart = r;
    console.log(`\n${renderCliStart(r)}`);
  }

  const loadAverageAtEnd = loadavg()[0] ?? 0;
  results.machine = { ...machine, loadAverageAtEnd };
  console.log(`\nload average ${loadAverageAtEnd.toFixed(2)} at the end (1 minute)`);
  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
}

await bench();
