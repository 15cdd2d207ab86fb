import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, loadedAtStart } from '../../scripts/build-cli';

/**
 * Builds the CLI bundle, as `npm run build` does, into a temporary folder of its own (never the
 * checkout's dist/, which other test files may be reading); returns the entry's path and the sources
 * it loads before any command runs.
 *
 * @example
 * const { entry } = await buildCliBundle();
 * const r = await runProcess(process.execPath, [entry, '--help']);
 */
export async function buildCliBundle(): Promise<{ entry: string; loadedAtStart: string[] }> {
  const outdir = mkdtempSync(join(tmpdir(), 'ecr-keeper-bundle-'));
  const metafile = await buildCli(outdir);
  const entry = join(outdir, 'ecr-keeper.mjs');
  const output = Object.keys(metafile.outputs).find((o) => o.endsWith('/ecr-keeper.mjs'))!;
  return { entry, loadedAtStart: loadedAtStart(metafile, output) };
}

/** The environment of a machine with no AWS set-up at all: no region, no credentials, no profile, no files. */
export function bareEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'ecr-keeper-home-'));
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    // No instance metadata to ask on a laptop: the credential chain ends at once instead of timing out.
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** Runs a process to its end; `closeStdout` closes the reading end of its stdout before it writes (`| head`). */
export function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; closeStdout?: boolean } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
