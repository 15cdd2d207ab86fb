import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditReport } from '../lib/audit/types';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { onlyTarget, runCli } from './support/cli';
import { faithfulClients, startFaithfulEcr, type FaithfulEcr } from './support/faithful-ecr';

let proxy: FaithfulEcr;
beforeAll(async () => {
  proxy = await startFaithfulEcr({ upstream: inject('motoEndpoint'), seed: 34 });
});
afterAll(async () => {
  await proxy?.stop();
});

describe('audit with retention rules', () => {
  it('counts expired tagged images as reclaimable and warns about notPulledForDays without a pull-time exclusion', async () => {
    const clients = faithfulClients(proxy);
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/ci' }));
    for (const i of [1, 2, 3]) await pushImage(clients.ecr, 'app/ci', imageManifest(`ci-${i}`, { sizeBytes: 1000 }), `pr-${i}`);
    await pushImage(clients.ecr, 'app/ci', imageManifest('ci-release', { sizeBytes: 1000 }), 'v1');
    const policy = { retention: { rules: [{ tags: ['pr-*'], olderThanDays: 0, notPulledForDays: 30 }] } };

    const { stdout } = await runCli(['audit', '--format', 'json'], clients, { ECR_KEEPER_POLICY: JSON.stringify(policy) });
    const table = await runCli(['audit', '--format', 'table'], clients, { ECR_KEEPER_POLICY: JSON.stringify(policy) });

    const report = onlyTarget(stdout) as AuditReport;
    expect(report.summary).toMatchObject({ reclaimableImages: 3, reclaimableBytes: 3000 });
    expect(report.warnings?.map((w) => [w.code, w.rule])).toEqual([['pull-time-noise', 0]]);
    expect(table.stdout).toContain('retention.rules[0].notPulledForDays is used but the registry excludes no principal');
  });

  it('gives no warning when the policy names an exclusion', async () => {
    const clients = faithfulClients(proxy);
    const policy = {
      retention: {
        rules: [{ tags: ['pr-*'], olderThanDays: 0, notPulledForDays: 30 }],
        pullTimeUpdateExclusions: { principals: ['arn:aws:iam::123456789012:role/inspector-scanner'] },
      },
    };
    const { stdout } = await runCli(['audit', '--format', 'json'], clients, { ECR_KEEPER_POLICY: JSON.stringify(policy) });
    expect((onlyTarget(stdout) as AuditReport).warnings).toBeUndefined();
  });
});
