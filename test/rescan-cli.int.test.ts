import { CreateRepositoryCommand, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageManifest, pushImage, type BuiltImage } from '../scripts/seed/images';
import { countCalls } from './support/calls';
import { onlyTarget, runCli } from './support/cli';
import { faithfulClients, startFaithfulEcr, type FaithfulEcr } from './support/faithful-ecr';
import { sarifValidator } from './support/sarif-schema';

describe('ecr-keeper rescan and scan --format sarif (moto, through the faithful layer)', () => {
  let proxy: FaithfulEcr;
  beforeAll(async () => {
    proxy = await startFaithfulEcr({ upstream: inject('motoEndpoint'), scanSummaries: true });
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  async function registry() {
    const clients = faithfulClients(proxy);
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/api' }));
    const push = async (name: string): Promise<BuiltImage> => {
      const image = imageManifest(`team/api:${name}:${clients.accountId}`);
      await pushImage(clients.ecr, 'team/api', image, name);
      return image;
    };
    const due = await push('due');
    const scanned = await push('scanned');
    await clients.ecr.send(new StartImageScanCommand({ repositoryName: 'team/api', imageId: { imageDigest: scanned.digest } }));
    return { clients, due, scanned };
  }

  it('lists the due images by digest without --apply, starting nothing; --apply starts them', async () => {
    const { clients, due } = await registry();
    const calls = countCalls(clients.ecr);

    const dry = await runCli(['rescan', '--format', 'json'], clients);

    expect(dry.code).toBe(0);
    const report = onlyTarget(dry.stdout);
    expect(report).toMatchObject({ job: 'rescan', mode: 'dry-run', outcomes: [], skipped: { notDue: 1 } });
    expect(report.planned.map((i: { imageDigest: string }) => i.imageDigest)).toEqual([due.digest]);
    expect(calls.get('StartImageScan')).toBeUndefined();

    const applied = await runCli(['rescan', '--apply', '--format', 'json'], clients);

    expect(applied.code).toBe(0);
    expect(onlyTarget(applied.stdout).outcomes.map((o: { kind: string }) => o.kind)).toEqual(['started']);
    expect(calls.get('StartImageScan')).toBe(1);
  });

  it('takes --older-than-days over the policy, and refuses a bad value with exit code 2', async () => {
    const { clients } = await registry();

    const { code, stdout } = await runCli(['rescan', '--older-than-days', '1', '--format', 'table'], clients, { ECR_KEEPER_POLICY: '{"scan":{"rescanAfterDays":30}}' });
    const bad = await runCli(['rescan', '--older-than-days', '0'], clients);

    expect(code).toBe(0);
    expect(stdout).toContain('1 image(s) would be scanned (dry-run: nothing started; --apply starts them); 1 scanned within 1 days');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--older-than-days must be a whole number of days from 1 to 3650');
  });

  it('prints scan REPO:TAG --format sarif as a valid SARIF 2.1.0 log, one result per finding at the image URI', async () => {
    const { clients, scanned } = await registry();

    const { code, stdout } = await runCli(['scan', 'team/api:scanned', '--format', 'sarif'], clients);

    // moto's scan has one HIGH finding, which fails the default policy (exit 4).
    expect(code).toBe(4);
    const log = JSON.parse(stdout);
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0].tool.driver.name).toBe('ecr-keeper');
    expect(log.runs[0].results).toEqual([
      expect.objectContaining({
        ruleId: 'CVE-9999-9999',
        level: 'error',
        locations: [{ physicalLocation: { artifactLocation: { uri: `${clients.accountId}.dkr.ecr.us-east-1.amazonaws.com/team/api@${scanned.digest}` } } }],
      }),
    ]);
  });

  it('prints rescan --format sarif with the verdicts of the images in scope that have a scan', async () => {
    const { clients, scanned } = await registry();

    const { code, stdout } = await runCli(['rescan', '--format', 'sarif'], clients);

    expect(code).toBe(0);
    const log = JSON.parse(stdout);
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0].results.map((r: { properties: { imageDigest: string } }) => r.properties.imageDigest)).toEqual([scanned.digest]);
  });
});
