/**
 * `npm run build` (also run by `prepare` and `prepack`): bundles the CLI into dist/ with esbuild, every
 * dependency inside, so that the published package needs nothing at run time and starts fast. The command
 * modules are split into chunks loaded on demand: `--help` and `--version` never load the AWS SDK.
 *
 *   npm run build
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');

/** Where the bundle goes; bin/ecr-keeper.mjs runs `dist/ecr-keeper.mjs` when it exists. */
export const CLI_DIST = join(ROOT, 'dist');

/** The esbuild options of the CLI bundle. */
export function cliBuildOptions(outdir = CLI_DIST): BuildOptions {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return {
    entryPoints: { 'ecr-keeper': join(ROOT, 'cli', 'entry.ts') },
    absWorkingDir: ROOT,
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'linked',
    define: { __ECR_KEEPER_VERSION__: JSON.stringify(version) },
    // Some dependencies are CommonJS and `require` Node's own modules: give the ESM bundle a `require`.
    banner: { js: "import { createRequire as __ecrKeeperRequire } from 'node:module'; const require = __ecrKeeperRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * Builds the CLI bundle into `outdir` (dist/ by default), removing what an earlier build left there;
 * returns esbuild's metafile (which source went into which output file).
 *
 * @example
 * await buildCli();
 */
export async function buildCli(outdir = CLI_DIST): Promise<Metafile> {
  rmSync(outdir, { recursive: true, force: true });
  const { metafile } = await build(cliBuildOptions(outdir));
  return metafile!;
}

/**
 * The sources an output file runs at load, before any dynamic `import()`: its own and those of the
 * chunks it imports statically, transitively. What `--help` loads is `loadedAtStart(metafile, entry)`.
 */
export function loadedAtStart(metafile: Metafile, output: string): string[] {
  const seen = new Set<string>();
  const inputs = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const out = metafile.outputs[file];
    if (!out) return;
    for (const input of Object.keys(out.inputs)) inputs.add(input);
    for (const imported of out.imports) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(output);
  return [...inputs].sort();
}

if (import.meta.url === `file://${process.argv[1]}`) await buildCli();
