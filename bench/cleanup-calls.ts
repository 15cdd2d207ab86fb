/**
 * `npx tsx bench/cleanup-calls.ts`: the ECR calls a `cleanup --apply` makes, counted by command, against
 * moto behind the faithful ECR layer (paging as ECR does, subjectManifestDigest reported), next to the
 * target: per repository ⌈images/1000⌉ DescribeImages + ⌈indexes/100⌉ BatchGetImage + ⌈candidates/100⌉
 * re-check DescribeImages + ⌈deletes/100⌉ BatchDeleteImage, + one skip-tag lookup where there is garbage.
 */
import { CreateRepositoryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { runCleanup } from '../lib/cleanup/run';
import { parsePolicy } from '../lib/policy';
import { renderTable } from '../lib/report/table';
import { startMotoServer } from '../scripts/moto-server';
import { imageIndex, imageManifest, pushImage, referrerArtifact } from '../scripts/seed/images';
import { faithfulClients, startFaithfulEcr } from '../test/support/faithful-ecr';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';

const SHAPE = { keptIndexes: 30, garbageIndexes: 30, childrenPerIndex: 2, plainGarbage: 1200, taggedPlain: 100, cleanTagged: 50 };

async function seed(ecr: ECRClient): Promise<{ images: number; indexes: number; garbage: number }> {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'bench/multi' }));
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'bench/clean' }));
  let images = 0;
  const push = async (repo: string, image: Parameters<typeof pushImage>[2], tag?: string) => {
    await pushImage(ecr, repo, image, tag);
    images++;
  };
  for (let i = 0; i < SHAPE.keptIndexes + SHAPE.garbageIndexes; i++) {
    const kept = i < SHAPE.keptIndexes;
    const children = Array.from({ length: SHAPE.childrenPerIndex }, (_, c) => imageManifest(`idx-${i}`, { format: 'oci', platform: ['linux/amd64', 'linux/arm64'][c] ?? `linux/c${c}` }));
    for (const child of children) await push('bench/multi', child);
    const index = imageIndex(children);
    await push('bench/multi', index, kept ? `v${i}` : undefined);
    if (kept) await push('bench/multi', referrerArtifact(index, `sig-${i}`));
  }
  for (let i = 0; i < SHAPE.plainGarbage; i++) await push('bench/multi', imageManifest(`old-${i}`));
  for (let i = 0; i < SHAPE.taggedPlain; i++) await push('bench/multi', imageManifest(`rel-${i}`), `r${i}`);
  for (let i = 0; i < SHAPE.cleanTagged; i++) await push('bench/clean', imageManifest(`clean-${i}`), `c${i}`);
  const indexes = SHAPE.keptIndexes + SHAPE.garbageIndexes;
  return { images, indexes, garbage: SHAPE.garbageIndexes * (1 + SHAPE.childrenPerIndex) + SHAPE.plainGarbage };
}

async function bench(): Promise<void> {
  const moto = await startMotoServer();
  const proxy = await startFaithfulEcr({ upstream: moto.endpoint });
  try {
    const clients = faithfulClients(proxy);
    const shape = await seed(clients.ecr);
    const counts: Record<string, number> = {};
    clients.ecr.middlewareStack.add(
      (next, context) => (args) => {
        counts[context.commandName ?? '?'] = (counts[context.commandName ?? '?'] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const report = await runCleanup({ ecr: clients.ecr }, parsePolicy({ cleanup: { untaggedOlderThanDays: 0 } }), { mode: 'delete' });
    const multiImages = shape.images - SHAPE.cleanTagged;
    const up = (n: number, per: number) => Math.ceil(n / per);
    const target: Record<string, number> = {
      DescribeRepositoriesCommand: 1,
      DescribeImagesCommand: up(multiImages, 1000) + up(SHAPE.cleanTagged, 1000) + up(shape.garbage, 100),
      BatchGetImageCommand: up(shape.indexes, 100),
      BatchDeleteImageCommand: up(shape.garbage, 100),
      ListTagsForResourceCommand: 1,
    };
    console.log(
      `\n## Cleanup calls (2 repositories: ${multiImages} images with ${shape.indexes} indexes and ${shape.garbage} garbage; ${SHAPE.cleanTagged} tagged)\n`,
    );
    console.log(
      renderTable(
        [{ header: 'CALL' }, { header: 'MADE', align: 'right' }, { header: 'TARGET', align: 'right' }],
        Object.keys(target).map((k) => [k.replace(/Command$/, ''), String(counts[k] ?? 0), String(target[k])]),
      ),
    );
    console.log(`\ndeleted ${report.summary.deleted.count} of ${shape.garbage} garbage images, ${report.summary.failed} failed`);
  } finally {
    await proxy.stop();
    await moto.stop();
  }
}

await bench();
