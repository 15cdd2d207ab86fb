import { CreateRepositoryCommand, DeleteRepositoryCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { cleanupHandler } from '../functions/cleanup';
import type { AuditReport } from '../lib/audit/types';
import type { cleanupSummary } from '../lib/cleanup/response';
import type { CleanupReport } from '../lib/cleanup/types';
import type { EnforceReport } from '../lib/enforce/types';
import { imageIndex, imageManifest, pushImage, referrerArtifact, type BuiltImage } from '../scripts/seed/images';
import { motoClients } from './support/aws';
import { beforeSend, deletionRequests, logCalls, repositoryOf } from './support/calls';
import { onlyTarget, runCli } from './support/cli';
import { faithfulClients } from './support/faithful-ecr';
import { useFaithfulEcr } from './support/faithful-layer';
import { lambdaContext, testRuntime } from './support/lambda';
import { snapshotRegistry } from './support/registry-state';

const POLICY = { cleanup: { untaggedOlderThanDays: 0 } };
const env = { ECR_KEEPER_POLICY: JSON.stringify(POLICY) };

const proxy = useFaithfulEcr();

/** A repository with a tagged image, three plain untagged ones, an untagged index over two children and an orphaned signature. */
async function repositoryWithGarbage(accountId: string, repositoryName: string) {
  const { ecr } = motoClients(accountId);
  await ecr.send(new CreateRepositoryCommand({ repositoryName, imageTagMutability: 'MUTABLE' }));
  const tagged = imageManifest(`${repositoryName}:v1`, { sizeBytes: 1000 });
  const plain = ['a', 'b', 'c'].map((n) => imageManifest(`${repositoryName}:${n}`, { sizeBytes: 1000 }));
  const children = ['linux/amd64', 'linux/arm64'].map((platform) => imageManifest(`${repositoryName}:multi`, { format: 'oci', platform, sizeBytes: 1000 }));
  const index = imageIndex(children);
  const orphan = referrerArtifact(imageManifest(`${repositoryName}:gone`), `${repositoryName}:sig`);
  await pushImage(ecr, repositoryName, tagged, 'v1');
  for (const image of [...plain, ...children, index, orphan]) await pushImage(ecr, repositoryName, image);
  return { tagged, plain, children, index, orphan, garbage: [...plain, ...children, index, orphan] };
}

const at = (repositoryName: string, images: readonly BuiltImage[]) => images.map((i) => `${repositoryName}@${i.digest}`).sort();

async function digestsIn(accountId: string, repositoryName: string): Promise<string[]> {
  const snapshot = await snapshotRegistry(motoClients(accountId).ecr);
  return (snapshot.images[repositoryName] ?? []).map((i) => `${repositoryName}@${i.digest}`).sort();
}

/** Resolves once `parties` callers have arrived (or after `ms`, so that a run that never arrives cannot hang the test). */
function barrier(parties: number, ms = 5000): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const open = new Promise<void>((resolve) => {
    release = resolve;
    setTimeout(resolve, ms).unref();
  });
  return () => {
    if (++arrived >= parties) release();
    return open;
  };
}

describe('races: a tag pushed between plan and apply', () => {
  it('keeps the image that gained a tag, and an index that gained one keeps its children', async () => {
    const clients = faithfulClients(proxy);
    const repo = await repositoryWithGarbage(clients.accountId, 'svc/api');
    const moto = motoClients(clients.accountId);
    const calls = logCalls(clients.ecr);
    let pushed = false;
    // The re-check (DescribeImages by id) is the last read before BatchDeleteImage: the tags land just before it.
    beforeSend(clients.ecr, async (action, input) => {
      if (action !== 'DescribeImages' || !input.imageIds || pushed) return;
      pushed = true;
      await pushImage(moto.ecr, 'svc/api', repo.plain[0]!, 'late');
      await pushImage(moto.ecr, 'svc/api', repo.index, 'late-multi');
    });

    const { code, stdout } = await runCli(['cleanup', '--apply', '--format', 'json'], clients, env);

    expect(code).toBe(0);
    const kept = [repo.tagged, repo.plain[0]!, repo.index, ...repo.children];
    expect(await digestsIn(clients.accountId, 'svc/api')).toEqual(at('svc/api', kept));
    const report = onlyTarget(stdout) as CleanupReport;
    const [applied] = report.repositories.map((r) => (r.mode === 'apply' ? r.applied : undefined));
    expect(report.summary).toMatchObject({ planned: { count: 7 }, deleted: { count: 3 }, dropped: 4, failed: 0 });
    expect(applied?.dropped.map((d) => `${d.reason} svc/api@${d.digest}`).sort()).toEqual(
      [
        `tagged ${at('svc/api', [repo.plain[0]!])[0]}`,
        `tagged ${at('svc/api', [repo.index])[0]}`,
        ...at('svc/api', repo.children).map((c) => `parent-kept ${c}`),
      ].sort(),
    );
    expect(deletionRequests(calls).sort()).toEqual(at('svc/api', [repo.plain[1]!, repo.plain[2]!, repo.orphan]));
  });
});

describe('races: two cleanup runs at once on one repository', () => {
  it('both finish without a failure, each image is deleted once, and nothing outside the plan is touched', async () => {
    const cli = faithfulClients(proxy);
    const lambda = faithfulClients(proxy, cli.accountId);
    const repo = await repositoryWithGarbage(cli.accountId, 'svc/api');
    const calls = [logCalls(cli.ecr), logCalls(lambda.ecr)];
    // Both runs re-check, then meet before their first BatchDeleteImage: both ask to delete the same images.
    const meet = barrier(2);
    for (const clients of [cli, lambda]) {
      let first = true;
      beforeSend(clients.ecr, async (action) => {
        if (action === 'BatchDeleteImage' && first) {
          first = false;
          await meet();
        }
      });
    }
    const handler = cleanupHandler(testRuntime(lambda, { cleanup: { ...POLICY.cleanup, mode: 'apply' } }));

    const [byCli, byLambda] = await Promise.all([
      runCli(['cleanup', '--apply', '--format', 'json'], cli, env),
      handler({ publish: false } as never, lambdaContext()) as Promise<ReturnType<typeof cleanupSummary>>,
    ]);

    expect(byCli.code).toBe(0);
    const cliSummary = (onlyTarget(byCli.stdout) as CleanupReport).summary;
    for (const summary of [cliSummary, byLambda.summary]) expect(summary).toMatchObject({ planned: { count: 7 }, failed: 0, complete: true });
    // Whoever came second found the images gone (ImageNotFound), which is no failure.
    expect(cliSummary.deleted.count + byLambda.summary.deleted.count).toBe(7);
    expect(cliSummary.alreadyGone + byLambda.summary.alreadyGone).toBe(7);
    expect(await digestsIn(cli.accountId, 'svc/api')).toEqual(at('svc/api', [repo.tagged]));
    const plan = new Set(at('svc/api', repo.garbage));
    for (const log of calls) expect(deletionRequests(log).filter((id) => !plan.has(id))).toEqual([]);
    expect(deletionRequests(calls[0]!).length + deletionRequests(calls[1]!).length).toBe(14);
  });
});

describe('races: a repository deleted mid-walk is reported, not fatal', () => {
  /** Three repositories; `svc/b` is deleted just before the run's first call about it, after the walk listed it. */
  async function walkThatLosesOne() {
    const clients = faithfulClients(proxy);
    for (const name of ['svc/a', 'svc/b', 'svc/c']) await repositoryWithGarbage(clients.accountId, name);
    const moto = motoClients(clients.accountId);
    let deleted = false;
    beforeSend(clients.ecr, async (action, input) => {
      if (repositoryOf({ action, input }) !== 'svc/b' || deleted) return;
      deleted = true;
      await moto.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'svc/b', force: true }));
    });
    return clients;
  }

  it('audit: a failure entry for it with RepositoryNotFoundException, the others audited, exit code 1', async () => {
    const clients = await walkThatLosesOne();

    const { code, stdout } = await runCli(['audit', '--format', 'json'], clients, env);

    const report = onlyTarget(stdout) as AuditReport;
    expect(report.failures).toEqual([{ repositoryName: 'svc/b', error: { code: 'RepositoryNotFoundException', message: expect.stringContaining('svc/b') } }]);
    expect(report.repositories.map((r) => r.repositoryName)).toEqual(['svc/a', 'svc/c']);
    expect(report.summary).toMatchObject({ repositories: 2, failed: 1, reclaimableImages: 14 });
    expect(code).toBe(1);
  });

  it('enforce --apply: its changes fail with RepositoryNotFoundException, the others are applied, exit code 1', async () => {
    const clients = await walkThatLosesOne();

    const { code, stdout } = await runCli(['enforce', '--apply', '--format', 'json'], clients, env);

    const report = onlyTarget(stdout) as EnforceReport;
    const outcomes = Object.fromEntries(report.repositories.map((r) => [r.repositoryName, r.outcomes.map((o) => (o.status === 'failed' ? o.error.code : o.status))]));
    // Tag mutability and scan-on-push: the repository's skip-tag lookup fails, and with it both changes.
    expect(outcomes).toEqual({ 'svc/a': ['applied', 'applied'], 'svc/b': ['RepositoryNotFoundException', 'RepositoryNotFoundException'], 'svc/c': ['applied', 'applied'] });
    expect(report.summary).toMatchObject({ repositories: 3, applied: 4, failed: 2, complete: true });
    expect(code).toBe(1);
  });

  it('cleanup --apply: a failure entry for it with RepositoryNotFoundException, the others cleaned up, exit code 1', async () => {
    const clients = await walkThatLosesOne();

    const { code, stdout } = await runCli(['cleanup', '--apply', '--format', 'json'], clients, env);

    const report = onlyTarget(stdout) as CleanupReport;
    expect(report.failures).toEqual([{ repositoryName: 'svc/b', error: { code: 'RepositoryNotFoundException', message: expect.stringContaining('svc/b') } }]);
    expect(report.summary).toMatchObject({ repositories: 2, deleted: { count: 14 }, failed: 1 });
    expect(await digestsIn(clients.accountId, 'svc/a')).toHaveLength(1);
    expect(code).toBe(1);
  });
});
