import { describe, expect, it } from 'vitest';
import { motoClients } from './support/aws';
import { countCalls, totalCalls } from './support/calls';
import { runCli } from './support/cli';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const clients = motoClients();
  const calls = countCalls(clients.ecr);
  return { ...(await runCli(argv, clients, env)), calls: totalCalls(calls) };
}

describe('cli', () => {
  it('prints usage and exits 2 without a command', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: ecr-keeper <command>');
  });

  it('exits 2 for an unknown command', async () => {
    const r = await run(['purge']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "purge"');
  });

  it('exits 2 for an unknown option, naming it', async () => {
    const r = await run(['audit', '--colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--colour'/);
  });

  it('exits 2 for a bad format or concurrency without calling AWS', async () => {
    const format = await run(['audit', '--format', 'xml']);
    expect([format.code, format.calls]).toEqual([2, 0]);
    expect(format.stderr).toContain('--format must be one of table, json, markdown');
    const concurrency = await run(['audit', '--concurrency', '0']);
    expect([concurrency.code, concurrency.calls]).toEqual([2, 0]);
  });

  it('exits 2 for a bad policy, naming the field, without calling AWS', async () => {
    const r = await run(['audit'], { ECR_KEEPER_POLICY: '{"cleanup":{"mode":"nuke"}}' });
    expect([r.code, r.calls]).toEqual([2, 0]);
    expect(r.stderr).toMatch(/^error: invalid policy in \$ECR_KEEPER_POLICY:\n {2}cleanup\.mode: /);
  });

  it('exits 2 for a missing policy file', async () => {
    const r = await run(['audit', '--policy', 'nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('policy file nope.yaml does not exist');
  });

  it('refuses the repository options on scan, which works on one image', async () => {
    const r = await run(['scan', 'team/api:v1', '--repository', 'team/api']);
    expect([r.code, r.calls]).toEqual([2, 0]);
    expect(r.stderr).toMatch(/Unknown option '--repository'/);
  });

  it('shows a command\'s help', async () => {
    const r = await run(['audit', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--check');
  });

  it('reports a target that fails as a whole with its AWS code in the report, and exits 1', async () => {
    const r = await run(['audit', '--format', 'json'], {});
    expect(r.code).toBe(0);
    const clients = motoClients();
    clients.ecr.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('User is not authorized to perform: ecr:DescribeRegistry'), { name: 'AccessDeniedException' });
      },
      { step: 'initialize' },
    );
    const { code, stdout, stderr } = await runCli(['audit', '--format', 'json'], clients);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.targets).toEqual([
      expect.objectContaining({
        accountId: clients.accountId,
        region: 'us-east-1',
        error: { code: 'AccessDeniedException', message: 'User is not authorized to perform: ecr:DescribeRegistry' },
      }),
    ]);
    expect(report.summary).toMatchObject({ targets: 1, failedTargets: 1 });
    expect(stderr).toContain('target failed');
  });
});
