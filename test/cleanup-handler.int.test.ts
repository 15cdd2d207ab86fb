import { readFileSync } from 'node:fs';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { cleanupHandler } from '../functions/cleanup';
import type { cleanupSummary } from '../lib/cleanup/response';
import type { PolicyInput } from '../lib/policy';
import { walkImages } from '../lib/walker';
import { imageIndex, imageManifest, pushImage } from '../scripts/seed/images';
import { motoClients } from './support/aws';
import { countCalls, totalCalls } from './support/calls';
import { captureEvents } from './support/event-capture';
import { lambdaContext, testRuntime } from './support/lambda';

const scheduledEvent = JSON.parse(readFileSync(new URL('../events/schedule-cleanup.json', import.meta.url), 'utf8')) as Record<string, unknown>;

type Clients = ReturnType<typeof motoClients>;
type HandlerResult = ReturnType<typeof cleanupSummary> & { events: { published: number } | null };

/** A repository with a tagged multi-arch index over two untagged children, and two plain untagged images. */
async function seed(clients: Clients): Promise<void> {
  await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/api' }));
  const children = ['linux/amd64', 'linux/arm64'].map((platform) => imageManifest('api', { format: 'oci', platform }));
  for (const child of children) await pushImage(clients.ecr, 'svc/api', child);
  await pushImage(clients.ecr, 'svc/api', imageIndex(children), 'v1');
  for (const seedName of ['old-1', 'old-2']) await pushImage(clients.ecr, 'svc/api', imageManifest(seedName));
}

async function digests(clients: Clients): Promise<number> {
  let count = 0;
  for await (const _image of walkImages(clients.ecr, 'svc/api', { imageStatus: 'ANY' })) count++;
  return count;
}

function handlerFor(clients: Clients, policy: PolicyInput) {
  return cleanupHandler(testRuntime(clients, policy));
}

describe('cleanup Lambda handler', () => {
  it('on the sample scheduled event, in the default dry-run mode, plans, deletes nothing and publishes the summary', async () => {
    const clients = motoClients();
    await seed(clients);
    const capture = await captureEvents(clients, 'ecr-keeper');

    const result = (await handlerFor(clients, { cleanup: { untaggedOlderThanDays: 0 } })(scheduledEvent, lambdaContext())) as HandlerResult;

    expect(result.summary).toMatchObject({ mode: 'dry-run', planned: { count: 2 }, deleted: { count: 0 }, complete: true });
    expect(await digests(clients)).toBe(5);
    const events = await capture.drain();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      'detail-type': 'ECR Keeper Cleanup Summary',
      detail: { mode: 'dry-run', summary: { planned: { count: 2 } }, repositories: [{ repositoryName: 'svc/api', planned: { count: 2 } }] },
    });
  });

  it("in the policy's delete mode deletes the garbage and keeps the multi-arch children", async () => {
    const clients = motoClients();
    await seed(clients);

    const result = (await handlerFor(clients, { cleanup: { untaggedOlderThanDays: 0, mode: 'apply' } })(scheduledEvent, lambdaContext())) as HandlerResult;

    expect(result.summary).toMatchObject({ mode: 'apply', deleted: { count: 2 }, failed: 0 });
    expect(result.repositories).toEqual([{ repositoryName: 'svc/api', planned: { count: 2, bytes: 20_000_000 }, deleted: { count: 2, bytes: 20_000_000 }, failed: 0 }]);
    expect(await digests(clients)).toBe(3);
  });

  it('stops at the deadline and returns a cursor to resume with', async () => {
    const clients = motoClients();
    await seed(clients);
    const result = (await handlerFor(clients, { cleanup: { mode: 'apply' } })({ publish: false }, lambdaContext({ remainingMs: 1000 }))) as HandlerResult;
    expect(result.summary).toMatchObject({ complete: false, repositories: 0 });
    expect(result.summary.cursor).toEqual(expect.any(String));
    expect(result.events).toBeNull();
  });

  it('rejects a malformed request naming the field, before any AWS call', async () => {
    const clients = motoClients();
    const calls = countCalls(clients.ecr);
    await expect(handlerFor(clients, {})({ repositories: ['Not A Repo'] } as never, lambdaContext())).rejects.toThrow(/repositories\[0\]: must be an ECR repository name/);
    expect(totalCalls(calls)).toBe(0);
  });
});
