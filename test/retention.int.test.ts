import { CreateRepositoryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CleanupReport } from '../lib/cleanup/types';
import { walkImages } from '../lib/walker';
import { imageManifest, pushImage, type BuiltImage } from '../scripts/seed/images';
import { countCalls } from './support/calls';
import { onlyTarget, runCli } from './support/cli';
import { faithfulClients, startFaithfulEcr, type FaithfulEcr } from './support/faithful-ecr';
import { ecsService, imageFunction, orphanTask, workloadClients } from './support/in-use-workloads';

// ECR through the faithful layer; ECS, Lambda (and IAM for the function's role) straight on moto, in the same account.
let proxy: FaithfulEcr;
beforeAll(async () => {
  proxy = await startFaithfulEcr({ upstream: inject('motoEndpoint'), seed: 21 });
});
afterAll(async () => {
  await proxy?.stop();
});

async function present(ecr: ECRClient, repositoryName: string): Promise<string[]> {
  const found: string[] = [];
  for await (const image of walkImages(ecr, repositoryName, { imageStatus: 'ANY' })) found.push(image.imageDigest ?? '');
  return found.sort();
}

const digests = (images: readonly BuiltImage[]) => images.map((i) => i.digest).sort();

function setup() {
  const clients = faithfulClients(proxy);
  const workloads = workloadClients(clients.accountId);
  const uri = (repositoryName: string) => `${clients.accountId}.dkr.ecr.us-east-1.amazonaws.com/${repositoryName}`;
  const cli = (argv: string[], policy: object) =>
    runCli(argv, { ...clients, inUse: { ecs: workloads.ecs, lambda: workloads.lambda } } as typeof clients, { ECR_KEEPER_POLICY: JSON.stringify(policy) });
  return { clients, workloads, uri, cli };
}

describe('cleanup with in-use protection and retention (moto: ECS, Lambda; ECR through the faithful layer)', () => {
  it('with --apply and age 0 keeps every image in use (service, orphaned running task, Lambda, a tag) and deletes the garbage', async () => {
    const { clients, workloads, uri, cli } = setup();
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/api' }));
    const [svc, task, fn, pr1, pr2, junk1, junk2] = ['svc', 'task', 'fn', 'pr1', 'pr2', 'junk1', 'junk2'].map((s) => imageManifest(`retention-${s}`));
    for (const image of [svc!, task!, fn!, junk1!, junk2!]) await pushImage(clients.ecr, 'app/api', image);
    await pushImage(clients.ecr, 'app/api', pr1!, 'pr-1');
    await pushImage(clients.ecr, 'app/api', pr2!, 'pr-2');
    const serviceArn = await ecsService(workloads, 'prod', 'api', `${uri('app/api')}@${svc!.digest}`);
    const taskArn = await orphanTask(workloads, 'prod', 'migrate', `${uri('app/api')}@${task!.digest}`);
    await imageFunction(workloads, 'thumbs', `${uri('app/api')}@${fn!.digest}`);
    await ecsService(workloads, 'preview', 'pr-1', `${uri('app/api')}:pr-1`);
    const policy = { cleanup: { untaggedOlderThanDays: 0 }, retention: { rules: [{ tags: ['pr-*'], olderThanDays: 0 }] } };

    const { code, stdout } = await cli(['cleanup', '--apply', '--format', 'json'], policy);

    expect(code).toBe(0);
    const report = onlyTarget(stdout) as CleanupReport;
    expect(report.inUse).toMatchObject({ sources: ['ecs', 'lambda'], failures: [] });
    expect(report.summary).toMatchObject({ deleted: { count: 3 }, expired: 1, inUse: 4, failed: 0 });
    expect(await present(clients.ecr, 'app/api')).toEqual(digests([svc!, task!, fn!, pr1!]));
    const keep = report.repositories[0]!.plan.keep;
    const usersOf = (image: BuiltImage) => keep.find((k) => k.image.digest === image.digest && k.reason === 'in-use') as { users?: string[] } | undefined;
    expect(usersOf(svc!)?.users).toEqual([serviceArn]);
    expect(usersOf(task!)?.users).toEqual([taskArn]);
    expect(usersOf(fn!)?.users).toEqual([expect.stringMatching(/:function:thumbs$/)]);
    expect(usersOf(pr1!)?.users).toEqual([expect.stringContaining(':service/preview/pr-1')]);
  });

  it('a pr-* rule with keepLast 2 keeps the newest two and deletes the rest, except those in use, protected or with a tag outside the rule', async () => {
    const { clients, workloads, uri, cli } = setup();
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/web' }));
    const images = Array.from({ length: 7 }, (_, i) => imageManifest(`web-pr-${i + 1}`));
    for (const [i, image] of images.entries()) {
      // ECR (and moto) record push times to the second: one push a second gives each its own age.
      if (i > 0) await sleep(1050);
      await pushImage(clients.ecr, 'app/web', image, `pr-${i + 1}`);
    }
    await pushImage(clients.ecr, 'app/web', images[2]!, 'v1.0');
    await ecsService(workloads, 'web', 'web', `${uri('app/web')}:pr-2`);
    const policy = { inUse: { lambda: false }, retention: { protectTags: ['pr-1'], rules: [{ tags: ['pr-*'], keepLast: 2, olderThanDays: 0 }] } };
    const calls = countCalls(workloads.ecs);

    const { code, stdout } = await cli(['cleanup', '--apply', '--format', 'json'], policy);

    expect(code).toBe(0);
    const [p1, p2, p3, p4, p5, p6, p7] = images;
    expect(await present(clients.ecr, 'app/web')).toEqual(digests([p1!, p2!, p3!, p6!, p7!]));
    const report = onlyTarget(stdout) as CleanupReport;
    const reason = (image: BuiltImage) => [...report.repositories[0]!.plan.delete, ...report.repositories[0]!.plan.keep].find((d) => d.image.digest === image.digest)?.reason;
    expect([p1, p2, p3, p4, p5, p6, p7].map((i) => reason(i!))).toEqual(['protected-tag', 'in-use', 'tagged', 'expired', 'expired', 'keep-last', 'keep-last']);
    // In-use reads cost the minimum: one page of each listing, one DescribeServices, one DescribeTaskDefinition.
    expect(Object.fromEntries([...calls].sort())).toEqual({ DescribeServices: 1, DescribeTaskDefinition: 1, ListClusters: 1, ListServices: 1, ListTasks: 1 });
  });

  it('deletes nothing when an in-use source cannot be read, and says which', async () => {
    const { clients } = setup();
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/closed' }));
    await pushImage(clients.ecr, 'app/closed', imageManifest('closed-junk'));
    const { ECSClient } = await import('@aws-sdk/client-ecs');
    const refusing = new ECSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });

    const { code, stdout } = await runCli(['cleanup', '--apply', '--format', 'json'], { ...clients, inUse: { ecs: refusing } } as typeof clients, {
      ECR_KEEPER_POLICY: JSON.stringify({ cleanup: { untaggedOlderThanDays: 0 }, inUse: { lambda: false } }),
    });

    expect(code).toBe(1);
    const report = onlyTarget(stdout) as CleanupReport;
    expect(report.summary).toMatchObject({ planned: { count: 0 }, deleted: { count: 0 }, inUseFailures: ['ecs'] });
    expect(report.inUse.failures[0]).toMatchObject({ source: 'ecs' });
    expect(report.repositories[0]!.plan.keep.map((k) => k.reason)).toEqual(['in-use-unknown']);
    expect(await present(clients.ecr, 'app/closed')).toHaveLength(1);
  });
});
