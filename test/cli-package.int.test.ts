import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { bareEnv, runProcess } from './support/cli-bundle';

const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** npm with a cache of its own: a dependency the tarball would need from a registry cannot be found offline. */
function npmEnv(cache: string): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_cache: cache, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

let tarball: string;
let files: string[];
let project: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'ecr-keeper-pack-'));
  const cache = join(work, 'npm-cache');
  // `npm pack` runs `prepack`, which builds the bundle.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: npmEnv(cache), maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed!.filename);
  files = packed!.files.map((f) => f.path).sort();
  project = join(work, 'empty-project');
  await run('mkdir', [project]);
  await run('npm', ['install', '--offline', tarball], { cwd: project, env: npmEnv(cache) });
  env = bareEnv({ PATH: process.env.PATH, npm_config_cache: cache, npm_config_offline: 'true', npm_config_update_notifier: 'false' });
}, 240_000);

describe('the packed CLI, installed into an empty folder with no network', () => {
  it('holds the bundle, the bin, the example policies with their schema, the contracts schemas, the licence and the changelog, and no sources', () => {
    expect(files).toContain('bin/ecr-keeper.mjs');
    expect(files).toContain('dist/ecr-keeper.mjs');
    expect(files).toEqual(
      expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'package.json', 'policy/schema.json', 'policy/default.yaml', 'schemas/audit-report.schema.json']),
    );
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('has no runtime dependency to fetch', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'ecr-keeper', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe('Apache-2.0');
  });

  it('runs `npx ecr-keeper --help` and `--version`', async () => {
    const help = await runProcess('npx', ['--no', '--', 'ecr-keeper', '--help'], { cwd: project, env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ecr-keeper <command>/);
    expect(help.stdout).toContain('validate');
    const version = await runProcess('npx', ['--no', '--', 'ecr-keeper', '--version'], { cwd: project, env });
    const { version: expected } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout).toBe(`ecr-keeper ${expected}\n`);
  });

  it('validates a policy with no AWS set-up, and names the bad field of a bad one with exit 2', async () => {
    writeFileSync(join(project, 'good.yaml'), '# yaml-language-server: $schema=./node_modules/ecr-keeper/policy/schema.json\ncleanup:\n  untaggedOlderThanDays: 30\n');
    const good = await runProcess('npx', ['--no', '--', 'ecr-keeper', 'validate', '--policy', 'good.yaml', '--format', 'json'], { cwd: project, env });
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).cleanup).toMatchObject({ untaggedOlderThanDays: 30, mode: 'dry-run' });
    writeFileSync(join(project, 'bad.yaml'), 'cleanup:\n  mode: nuke\n');
    const bad = await runProcess('npx', ['--no', '--', 'ecr-keeper', 'validate', '--policy', 'bad.yaml'], { cwd: project, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: invalid policy file bad\.yaml:\n {2}cleanup\.mode: /);
  });
});
