import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../lib/errors';
import { lambdaPolicy, packagedPolicyText } from '../lib/packaged-policy';
import { defaultPolicy } from '../lib/policy';

describe('lambdaPolicy', () => {
  it('reads the policy packaged with the function before anything in the environment', () => {
    const policy = lambdaPolicy({ ECR_KEEPER_POLICY: '{"scan":{"failOn":"LOW"}}' }, '{"scan":{"failOn":"CRITICAL"}}');
    expect(policy.scan.failOn).toBe('CRITICAL');
  });

  it('falls back to ECR_KEEPER_POLICY, then the defaults, outside a bundle', () => {
    expect(packagedPolicyText()).toBeUndefined();
    expect(lambdaPolicy({ ECR_KEEPER_POLICY: '{"scanOnPush":false}' }).scanOnPush).toBe(false);
    expect(lambdaPolicy({})).toEqual(defaultPolicy());
  });

  it('names the field and says the policy is the packaged one when it is bad', () => {
    expect(() => lambdaPolicy({}, '{"cleanup":{"mode":"nuke"}}')).toThrow(PolicyError);
    expect(() => lambdaPolicy({}, '{"cleanup":{"mode":"nuke"}}')).toThrow(/^invalid policy packaged with the function:\n {2}cleanup\.mode: /);
  });
});

describe('a bundle built with the policy defined', () => {
  it('reads the whole policy from its own code, however long the allow-list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packaged-policy-'));
    try {
      const ignore = Array.from({ length: 300 }, (_, i) => `CVE-2024-${10000 + i}`);
      const entry = join(dir, 'entry.ts');
      writeFileSync(entry, `export { lambdaPolicy } from ${JSON.stringify(join(import.meta.dirname, '..', 'lib', 'packaged-policy.ts'))};\n`);
      const outfile = join(dir, 'bundle.cjs');
      // The define scripts/serverless-policy.cjs gives serverless-esbuild.
      const define = { __ECR_KEEPER_POLICY__: JSON.stringify(JSON.stringify({ scan: { ignore } })) };
      await build({ entryPoints: [entry], bundle: true, minify: true, platform: 'node', format: 'cjs', outfile, define, logLevel: 'silent' });

      const bundled = createRequire(import.meta.url)(outfile) as { lambdaPolicy: typeof lambdaPolicy };

      expect(bundled.lambdaPolicy({ ECR_KEEPER_POLICY: '{"scan":{"ignore":[]}}' }).scan.ignore).toEqual(ignore);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
