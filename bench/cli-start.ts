import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../scripts/build-cli';
import { median } from './memory';

/** The start-up of the built CLI against Node's own. */
export interface CliStartResult {
  /** Bytes of the entry file `--help` loads, and of the whole bundle with its lazily loaded chunks. */
  entryBytes: number;
  bundleBytes: number;
  runs: number;
  helpMs: number[];
  nodeMs: number[];
  medianHelpMs: number;
  medianNodeMs: number;
  /** medianHelpMs / medianNodeMs; the target is within 2. */
  ratio: number;
}

function wallMs(args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

function bytesUnder(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).reduce((n, f) => {
    const s = statSync(join(dir, f));
    return s.isFile() ? n + s.size : n;
  }, 0);
}

/**
 * Builds the CLI as `npm run build` does (into a temporary folder), then times `node <bundle> --help`
 * and `node -e 0` as whole processes (spawn to exit, what a user waits for), alternated run by run so that
 * other work on the machine slows both alike. A warm-up pair is not counted.
 *
 *   npm run bench -- --only cli-start --runs 21
 */
export async function cliStart(options: { runs?: number } = {}): Promise<CliStartResult> {
  const runs = options.runs ?? 21;
  const outdir = mkdtempSync(join(tmpdir(), 'ecr-keeper-cli-start-'));
  await buildCli(outdir);
  const entry = join(outdir, 'ecr-keeper.mjs');
  wallMs([entry, '--help']);
  wallMs(['-e', '0']);
  const helpMs: number[] = [];
  const nodeMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first as well, so neither always follows the other.
    if (i % 2 === 0) {
      helpMs.push(wallMs([entry, '--help']));
      nodeMs.push(wallMs(['-e', '0']));
    } else {
      nodeMs.push(wallMs(['-e', '0']));
      helpMs.push(wallMs([entry, '--help']));
    }
  }
  const medianHelpMs = median(helpMs);
  const medianNodeMs = median(nodeMs);
  return {
    entryBytes: statSync(entry).size,
    bundleBytes: bytesUnder(outdir),
    runs,
    helpMs,
    nodeMs,
    medianHelpMs,
    medianNodeMs,
    ratio: medianHelpMs / medianNodeMs,
  };
}
