import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MotoServerError, startMotoServer } from '../scripts/moto-server';

const run = promisify(execFile);

describe('local demo', () => {
  it('starts its own moto_server, seeds the registry, prints the audit and stops moto', async () => {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/demo.ts'], {
      env: { ...process.env, AWS_ENDPOINT_URL: '' },
      timeout: 120_000,
    });
    expect(stdout).toMatch(/payments\/api\s+ok/);
    expect(stdout).toMatch(/storefront\/jobs\s+OUT OF POLICY/);
    expect(stdout).toMatch(/legacy\/monolith\s+skipped/);
    // A repository policy that lets everyone in is out of policy (repositoryPolicy.public: report).
    expect(stdout).toMatch(/platform\/base-images\s+OUT OF POLICY/);
    expect(stdout).toContain('[public-access] repo platform/base-images: statement "pull" allows everyone (principal *), with no narrowing condition');
    expect(stdout).toContain('24 repositories: 13 ok, 11 out of policy, 3 skipped, 2 excluded, 0 failed');
    const pid = /moto_server \(pid (\d+)\)/.exec(stderr)?.[1];
    expect(pid).toBeDefined();
    expect(stderr).toContain('moto_server stopped');
    expect(() => process.kill(Number(pid), 0)).toThrow();
  });

  it('fails with a clear message when moto_server is missing', async () => {
    await expect(startMotoServer({ command: 'moto_server_that_is_not_installed' })).rejects.toThrow(MotoServerError);
    await expect(startMotoServer({ command: 'moto_server_that_is_not_installed' })).rejects.toThrow(/not found on PATH.*pip install 'moto\[server\]'/);
  });
});
