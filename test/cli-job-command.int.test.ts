import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main';
import { EXIT } from '../cli/exit-codes';
import { REPORT_SCHEMA_VERSION } from '../lib/job/types';
import { motoClients } from './support/aws';
import { onlyTarget, textSink } from './support/cli';

type Clients = ReturnType<typeof motoClients>;

/** A registry of MUTABLE repositories: each is one change for enforce under the default policy (IMMUTABLE). */
async function registry(...names: string[]): Promise<Clients> {
  const clients = motoClients();
  for (const repositoryName of names) {
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName, imageTagMutability: 'MUTABLE', imageScanningConfiguration: { scanOnPush: true } }));
  }
  return clients;
}

async function mutability(clients: Clients): Promise<Record<string, string | undefined>> {
  const out = await clients.ecr.send(new DescribeRepositoriesCommand({}));
  return Object.fromEntries((out.repositories ?? []).map((r) => [r.repositoryName, r.imageTagMutability]));
}

/** Runs the CLI in-process; `terminal` makes stderr (and stdin, answering `answer`) a TTY. */
async function run(
  argv: string[],
  clients: Clients,
  options: { env?: NodeJS.ProcessEnv; terminal?: boolean; answer?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string; calls: number }> {
  const out = textSink();
  const err = textSink();
  let calls = 0;
  clients.ecr.middlewareStack.add((next) => (args) => {
    calls++;
    return next(args);
  }, { step: 'initialize', name: 'countForTest', override: true });
  const stdin = Object.assign(new PassThrough(), { isTTY: options.terminal === true });
  if (options.answer !== undefined) stdin.write(`${options.answer}\n`);
  if (options.terminal) Object.assign(err.stream, { isTTY: true });
  const code = await main(argv, { stdout: out.stream, stderr: err.stream, stdin, env: options.env ?? {}, clients });
  return { code, stdout: out.text(), stderr: err.text(), calls };
}

describe('job commands: exit codes', () => {
  it('exit 2 for a repository that does not exist, for audit, enforce and cleanup, naming it', async () => {
    const clients = await registry('svc/real');
    for (const command of [['audit'], ['enforce'], ['cleanup'], ['enforce', '--apply'], ['cleanup', '--apply']]) {
      const r = await run([...command, '--repository', 'does/not-exist', '--format', 'json'], clients);
      expect(r.code, command.join(' ')).toBe(EXIT.USAGE);
      expect(r.stderr).toContain('error: repository does/not-exist does not exist');
      expect(onlyTarget(r.stdout).missing).toEqual(['does/not-exist']);
    }
  });
});

describe('job commands: --output FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-cli-output-'));

  it('writes the report to the file, JSON by its name, and nothing to stdout', async () => {
    const clients = await registry('svc/a');
    const file = join(dir, 'audit.json');
    const r = await run(['audit', '--output', file], clients);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`wrote the report to ${file}\n`);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect([report.targets[0].schemaVersion, report.job, report.targets[0].repositories.length]).toEqual([REPORT_SCHEMA_VERSION, 'audit', 1]);
  });

  it('writes Markdown for a .md file, unless --format says otherwise', async () => {
    const clients = await registry('svc/a');
    const md = join(dir, 'plan.md');
    expect((await run(['enforce', '-o', md], clients)).code).toBe(0);
    expect(readFileSync(md, 'utf8')).toMatch(/^#/);
    expect((await run(['enforce', '-o', md, '--format', 'json'], clients)).code).toBe(0);
    expect(JSON.parse(readFileSync(md, 'utf8')).job).toBe('enforce');
  });

  it('refuses a file in a folder that does not exist before any AWS call, exit 2', async () => {
    const clients = await registry('svc/a');
    const r = await run(['cleanup', '--apply', '--output', join(dir, 'nope', 'cleanup.json')], clients);
    expect([r.code, r.calls]).toEqual([EXIT.USAGE, 0]);
    expect(r.stderr).toMatch(/^error: --output .*: folder .* does not exist\n$/);
  });
});

describe('job commands: --verbose', () => {
  it('writes each repository and each AWS call with its duration on stderr, the report alone on stdout', async () => {
    const clients = await registry('svc/a', 'svc/b');
    const r = await run(['audit', '--verbose', '--format', 'json'], clients);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).job).toBe('audit');
    expect(r.stderr).toMatch(/^aws: ecr DescribeRepositories \d+ ms$/m);
    expect(r.stderr).toMatch(/^aws: ecr DescribeRegistry \d+ ms$/m);
    const repositoryLines = r.stderr.split('\n').filter((l) => l.startsWith('repository '));
    expect(repositoryLines.map((l) => l.replace(/ \(\d\/2\)$/, '')).sort()).toEqual(['repository svc/a: done', 'repository svc/b: done']);
    expect(repositoryLines.map((l) => /\((\d)\/2\)$/.exec(l)?.[1]).sort()).toEqual(['1', '2']);
  });
});

describe('job commands: progress', () => {
  it('shows done/total on a terminal even with --format json, and clears it before the report', async () => {
    const clients = await registry('svc/a', 'svc/b', 'svc/c');
    const r = await run(['audit', '--format', 'json'], clients, { terminal: true, env: { TERM: 'xterm' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('checked 3/3 repositories (100%)');
    expect(r.stderr.endsWith('\r\x1b[2K')).toBe(true);
    expect(onlyTarget(r.stdout).repositories).toHaveLength(3);
  });

  it('shows nothing under CI, nor when stderr is not a terminal', async () => {
    const clients = await registry('svc/a');
    expect((await run(['audit', '--format', 'json'], clients, { terminal: true, env: { CI: 'true' } })).stderr).toBe('');
    expect((await run(['audit', '--format', 'json'], clients)).stderr).toBe('');
  });

  it('writes plain lines on a dumb terminal', async () => {
    const clients = await registry('svc/a', 'svc/b');
    const r = await run(['audit', '--format', 'json'], clients, { terminal: true, env: { TERM: 'dumb' } });
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).toMatch(/^checked 2\/2 repositories \(100%\) in \d+s$/m);
  });
});

describe('job commands: confirmation before --apply on a terminal', () => {
  it('shows the plan, account, region and number of changes, and changes nothing on no (exit 1)', async () => {
    const clients = await registry('svc/a', 'svc/b');
    const r = await run(['enforce', '--apply', '--format', 'json'], clients, { terminal: true, answer: 'n', env: {} });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toContain(`enforce: apply 2 setting changes in account ${clients.accountId}, region us-east-1? [y/N] `);
    expect(r.stderr).toContain('svc/a');
    expect(r.stderr).toContain('enforce: not applied; nothing was changed');
    expect(r.stdout).toBe('');
    expect(await mutability(clients)).toEqual({ 'svc/a': 'MUTABLE', 'svc/b': 'MUTABLE' });
  });

  it('applies on yes', async () => {
    const clients = await registry('svc/a');
    const r = await run(['enforce', '--apply', '--format', 'json'], clients, { terminal: true, answer: 'yes', env: {} });
    expect(r.code).toBe(0);
    expect(onlyTarget(r.stdout).summary.applied).toBe(1);
    expect(await mutability(clients)).toEqual({ 'svc/a': 'IMMUTABLE' });
  });

  it('does not ask with --yes, in a pipe, or under CI', async () => {
    for (const [options, extra] of [
      [{ terminal: true, answer: 'n', env: {} }, ['--yes']],
      [{ terminal: false, answer: 'n', env: {} }, []],
      [{ terminal: true, answer: 'n', env: { CI: 'true' } }, []],
    ] as const) {
      const clients = await registry('svc/a');
      const r = await run(['enforce', '--apply', '--format', 'json', ...extra], clients, options);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain('[y/N]');
      expect(await mutability(clients)).toEqual({ 'svc/a': 'IMMUTABLE' });
    }
  });

  it('does not ask when the plan is empty', async () => {
    const clients = await registry();
    const r = await run(['cleanup', '--apply', '--format', 'json'], clients, { terminal: true, answer: 'n', env: {} });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('[y/N]');
  });
});
