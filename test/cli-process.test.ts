import { beforeAll, describe, expect, it } from 'vitest';
import { MISSING_CREDENTIALS, MISSING_REGION } from '../cli/aws-setup';
import { bareEnv, buildCliBundle, runProcess } from './support/cli-bundle';

let entry: string;
let atStart: string[];
beforeAll(async () => {
  ({ entry, loadedAtStart: atStart } = await buildCliBundle());
});

const cli = (args: string[], options: Parameters<typeof runProcess>[2] = {}) => runProcess(process.execPath, [entry, ...args], options);

describe('the built CLI as a process', () => {
  it('loads neither the AWS SDK nor any other dependency before a command runs (--help, --version)', () => {
    expect(atStart.length).toBeGreaterThan(3);
    expect(atStart.filter((source) => source.includes('node_modules'))).toEqual([]);
    expect(atStart).toContain('cli/main.ts');
    expect(atStart).not.toContain('cli/context.ts');
  });

  it('says in one line to set a region when there is none, exits 2, and prints no stack trace', async () => {
    const r = await cli(['audit'], { env: bareEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${MISSING_REGION}\n`);
    expect(r.stdout).toBe('');
  });

  it('says in one line to set credentials when there are none, exits 2, before any request leaves', async () => {
    // An endpoint nobody listens on: were a request sent, the error would be a connection error instead.
    const r = await cli(['enforce'], { env: bareEnv({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${MISSING_CREDENTIALS}\n`);
  });

  it('adds the stack trace with --verbose', async () => {
    // The first call is STS's (who the caller is, for the targets), which --verbose does not log yet.
    const r = await cli(['audit', '--verbose'], { env: bareEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${MISSING_REGION}\n`);
    expect(r.stderr).toMatch(/\n {4}at /);
  });

  it('ends quietly with exit 0 when the reader of its output has gone (| head)', async () => {
    const r = await cli(['validate', '--format', 'json'], { env: bareEnv(), closeStdout: true });
    expect([r.code, r.signal]).toEqual([0, null]);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });

  it('validates a policy with no region, no credentials and no network', async () => {
    const r = await cli(['validate', '--format', 'json'], { env: bareEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).cleanup.mode).toBe('dry-run');
  });

  it('prints its version and help without any AWS set-up', async () => {
    const version = await cli(['--version'], { env: bareEnv() });
    expect(version.stdout).toMatch(/^ecr-keeper \d+\.\d+\.\d+/);
    const help = await cli(['help', 'cleanup'], { env: bareEnv() });
    expect([help.code, help.stdout.split('\n')[0]]).toEqual([0, 'Usage: ecr-keeper cleanup [--apply [--yes]] [--cursor CURSOR] [options]']);
  });
});
