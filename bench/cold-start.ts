import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { parse } from 'yaml';
import { median } from './memory';

/** One function's bundle and its load time. */
export interface ColdStartResult {
  function: string;
  bundleBytes: number;
  /** Median milliseconds to load the bundle (its module scope builds the SDK clients). */
  medianLoadMs: number;
  runsMs: number[];
}

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, '.bench-build', 'functions');

/** The esbuild options serverless-esbuild uses, read from serverless.yml's custom.esbuild. */
export function serverlessEsbuildOptions(): BuildOptions {
  // CloudFormation tags (!Sub, !Ref) are not YAML's: only custom.esbuild is read, so their warnings are muted.
  const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'error' }) as { custom: { esbuild: Record<string, unknown> } };
  const e = config.custom.esbuild;
  return {
    bundle: e.bundle as boolean,
    minify: e.minify as boolean,
    keepNames: e.keepNames as boolean,
    sourcemap: e.sourcemap as boolean,
    target: e.target as string,
    platform: e.platform as 'node',
    format: e.format as 'cjs',
    external: (e.exclude as string[] | undefined) ?? [],
  };
}

/** Handlers under functions/ (every top-level .ts file exports `handler`). */
export function handlerFiles(): string[] {
  const dir = join(ROOT, 'functions');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && statSync(join(dir, f)).isFile())
    .map((f) => join(dir, f))
    .sort();
}

/** Loads a bundle in a fresh `node` process; returns the milliseconds from `require` to an exported handler. */
function loadOnce(outfile: string): number {
  const probe = `const t=performance.now();const m=require(${JSON.stringify(outfile)});if(typeof m.handler!=='function')throw new Error('no handler');process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(process.execPath, ['-e', probe], {
    cwd: ROOT,
    env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return Number(out.toString());
}

/**
 * Builds every function as serverless does, then loads each bundle `runs` times in a fresh `node`
 * process, timing the require (module scope: SDK clients, logger) from inside that process. The runs go
 * round the functions in turn, so that a burst of other work on the machine slows every function alike.
 */
export async function coldStart(options: { runs?: number } = {}): Promise<ColdStartResult[]> {
  const runs = options.runs ?? 9;
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const bundles: { name: string; outfile: string; times: number[] }[] = [];
  for (const file of handlerFiles()) {
    const name = basename(file, '.ts');
    const outfile = join(OUT, `${name}.cjs`);
    await build({ ...serverlessEsbuildOptions(), entryPoints: [file], outfile, logLevel: 'error' });
    bundles.push({ name, outfile, times: [] });
  }
  for (let i = 0; i < runs; i++) for (const bundle of bundles) bundle.times.push(loadOnce(bundle.outfile));
  return bundles.map((b) => ({ function: b.name, bundleBytes: statSync(b.outfile).size, medianLoadMs: median(b.times), runsMs: b.times }));
}
