import { CreateRepositoryCommand, DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import type { CleanupReport } from '../lib/cleanup/types';
import { imageIndex, imageManifest, pushImage, referrerArtifact, type BuiltImage } from '../scripts/seed/images';
import { motoClients } from './support/aws';
import { countCalls } from './support/calls';
import { onlyTarget, runCli } from './support/cli';

// Raw moto, no faithful layer: its DescribeImages leaves out artifactMediaType and subjectManifestDigest, as
// LocalStack does and as ECR does for images pushed before it derived those fields.

async function present(ecr: ECRClient, repositoryName: string): Promise<string[]> {
  const out = await ecr.send(new DescribeImagesCommand({ repositoryName }));
  return (out.imageDetails ?? []).map((i) => i.imageDigest ?? '').sort();
}

const digests = (images: readonly BuiltImage[]) => images.map((i) => i.digest).sort();

describe('cleanup identifies before deleting (raw moto, which does not report subjects)', () => {
  it('with --apply and age 0 keeps the cosign signature of a kept multi-arch index and deletes the plain garbage', async () => {
    const clients = motoClients();
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/signed' }));
    const children = ['linux/amd64', 'linux/arm64'].map((platform) => imageManifest('signed', { format: 'oci', platform }));
    const index = imageIndex(children);
    const signature = referrerArtifact(index, 'cosign-sig-of-v1');
    const garbage = [imageManifest('old-1'), imageManifest('old-2')];
    for (const child of children) await pushImage(clients.ecr, 'app/signed', child);
    await pushImage(clients.ecr, 'app/signed', index, 'v1');
    for (const image of [signature, ...garbage]) await pushImage(clients.ecr, 'app/signed', image);
    const listed = await clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'app/signed' }));
    expect(listed.imageDetails?.some((i) => i.subjectManifestDigest || i.artifactMediaType)).toBe(false);
    const calls = countCalls(clients.ecr);

    const { code, stdout } = await runCli(['cleanup', '--apply', '--format', 'json'], clients, {
      ECR_KEEPER_POLICY: JSON.stringify({ cleanup: { untaggedOlderThanDays: 0 } }),
    });

    expect(code).toBe(0);
    const report = onlyTarget(stdout) as CleanupReport;
    const decisions = [...report.repositories[0]!.plan.delete, ...report.repositories[0]!.plan.keep];
    expect(decisions.find((d) => d.image.digest === signature.digest)).toMatchObject({ action: 'keep', reason: 'referrer-of-present-subject' });
    expect(report.summary).toMatchObject({ deleted: { count: 2 }, failed: 0 });
    expect(await present(clients.ecr, 'app/signed')).toEqual(digests([...children, index, signature]));
    // One BatchGetImage reads the index and identifies the five untagged images together.
    expect(calls.get('BatchGetImage')).toBe(1);
  });
});
