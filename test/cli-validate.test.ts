import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main';
import { defaultPolicy, parsePolicy } from '../lib/policy';
import { textSink } from './support/cli';

const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-validate-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `validate` in-process with no AWS clients at all: it must need none. */
async function validate(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out = textSink();
  const err = textSink();
  const code = await main(['validate', ...args], { stdout: out.stream, stderr: err.stream, env });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('validate', () => {
  it('prints the built-in default policy as YAML when there is no policy at all', async () => {
    const r = await validate([]);
    expect(r.code).toBe(0);
    expect(parseYaml(r.stdout)).toEqual(defaultPolicy());
    expect(r.stderr).toBe('the built-in default policy is valid\n');
  });

  it('prints a policy file with every default filled in, as JSON with --format json', async () => {
    const path = file('small.yaml', 'cleanup:\n  untaggedOlderThanDays: 14\nrepositories:\n  exclude: ["sandbox/**"]\n');
    const r = await validate(['--policy', path, '--format', 'json']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed).toEqual(parsePolicy({ cleanup: { untaggedOlderThanDays: 14 }, repositories: { exclude: ['sandbox/**'] } }));
    expect(printed.cleanup.maxDeletesPerRun).toBe(defaultPolicy().cleanup.maxDeletesPerRun);
    expect(r.stderr).toBe(`policy file ${path} is valid\n`);
  });

  it('prints what it prints as a policy that validates to itself', async () => {
    const path = file('demo.yaml', 'tagMutability:\n  mode: MUTABLE_WITH_EXCLUSION\n  exclusions: ["latest"]\n');
    const first = await validate(['--policy', path]);
    const again = await validate(['--policy', file('printed.yaml', first.stdout)]);
    expect(again.stdout).toBe(first.stdout);
  });

  it('reads $ECR_KEEPER_POLICY when no file is given', async () => {
    const r = await validate(['--format', 'json'], { ECR_KEEPER_POLICY: '{"scanOnPush": false}' });
    expect([r.code, JSON.parse(r.stdout).scanOnPush]).toEqual([0, false]);
    expect(r.stderr).toBe('policy in $ECR_KEEPER_POLICY is valid\n');
  });

  it('accepts a deprecated setting with a warning', async () => {
    const r = await validate(['--format', 'json'], { ECR_KEEPER_POLICY: '{"cleanup": {"mode": "delete"}}' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: cleanup\.mode "delete" is deprecated/);
    expect(r.stderr).toMatch(/is valid\n$/);
  });

  it('exits 2 naming every bad field, and prints no policy', async () => {
    const path = file('bad.json', JSON.stringify({ cleanup: { mode: 'nuke', maxDeletesPerRun: -1 }, scan: { failOn: 'SEVERE' }, colour: 'blue' }));
    const r = await validate(['--policy', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`error: invalid policy file ${path}:`);
    expect(lines.slice(1).map((l) => l.trim().split(':')[0]).sort()).toEqual(['(root)', 'cleanup.maxDeletesPerRun', 'cleanup.mode', 'scan.failOn']);
    expect(r.stderr).toContain('"colour"');
  });

  it('exits 2 for a policy that is not YAML, or a file that does not exist', async () => {
    const broken = await validate(['--policy', file('broken.yaml', 'cleanup: [unclosed\n')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/is not valid YAML/);
    const missing = await validate(['--policy', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });

  it('exits 2 for a format it does not print, or an option it does not take', async () => {
    const table = await validate(['--format', 'table']);
    expect(table.code).toBe(2);
    expect(table.stderr).toContain('--format must be one of yaml, json for validate, not "table"');
    const region = await validate(['--region', 'eu-west-1']);
    expect(region.code).toBe(2);
    expect(region.stderr).toContain("Unknown option '--region' for validate");
  });
});
