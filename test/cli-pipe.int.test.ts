import { spawnSync } from 'node:child_process';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../lib/aws/clients';
import { buildCliBundle } from './support/cli-bundle';

// A region of its own in moto's default account: the built CLI runs as a process and cannot pin an account.
const REGION = 'ap-southeast-4';
const REPOSITORIES = 150;
let entry: string;

beforeAll(async () => {
  ({ entry } = await buildCliBundle());
  const { ecr } = createClients({ region: REGION, maxAttempts: 3 });
  const names = Array.from({ length: REPOSITORIES }, (_, i) => `pipe/repo-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(
      names.slice(i, i + 25).map((repositoryName) =>
        ecr.send(new CreateRepositoryCommand({ repositoryName })).catch((err: Error) => {
          if (err.name !== 'RepositoryAlreadyExistsException') throw err;
        }),
      ),
    );
  }
}, 120_000);

describe('the built CLI piped into head', () => {
  it('`audit --format json | head -1` prints the first line and ends quietly with exit 0', () => {
    // Far more than a pipe's 64 KiB: the CLI is still writing when head has gone.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash script, ${PIPESTATUS[0]} is bash's
    const r = spawnSync('bash', ['-c', 'set -o pipefail; node "$ENTRY" audit --format json 2>"$ERR" | head -1; echo "exit ${PIPESTATUS[0]}"; cat "$ERR"'], {
      env: { ...process.env, ENTRY: entry, ERR: `${entry}.stderr`, AWS_REGION: REGION },
      encoding: 'utf8',
    });
    const [first, status, ...stderr] = r.stdout.split('\n');
    expect(first).toBe('{');
    expect(status).toBe('exit 0');
    expect(stderr.join('\n').trim()).toBe('');
  });

  it('writes the whole report when nobody stops reading', () => {
    const r = spawnSync(process.execPath, [entry, 'audit', '--format', 'json'], { env: { ...process.env, AWS_REGION: REGION }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(128 * 1024);
    expect(JSON.parse(r.stdout).targets[0].repositories).toHaveLength(REPOSITORIES);
  });
});
