import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { EnforceReport } from '../lib/enforce/types';
import { motoClients } from './support/aws';
import { callsByAction, countCalls, writeCalls } from './support/calls';
import { onlyTarget, runCli } from './support/cli';
import { faithfulClients, startFaithfulEcr, type FaithfulEcr } from './support/faithful-ecr';

const upstream = inject('motoEndpoint');
const running: FaithfulEcr[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

const name = (i: number) => `team-${i % 5}/svc-${String(i).padStart(4, '0')}`;

/** Repositories straight into moto; every 10th is MUTABLE, the rest already as the default policy says. */
async function seed(accountId: string, total: number): Promise<void> {
  const { ecr } = motoClients(accountId);
  for (let i = 0; i < total; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, total - i) }, (_, j) =>
        ecr.send(
          new CreateRepositoryCommand({
            repositoryName: name(i + j),
            imageTagMutability: (i + j) % 10 === 0 ? 'MUTABLE' : 'IMMUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
          }),
        ),
      ),
    );
  }
}

async function mutableCount(accountId: string): Promise<number> {
  const out = await motoClients(accountId).ecr.send(new DescribeRepositoriesCommand({}));
  return (out.repositories ?? []).filter((r) => r.imageTagMutability === 'MUTABLE').length;
}

describe('enforce through the faithful ECR layer (paging, throttling)', () => {
  it('pages through 1050 repositories in two DescribeRepositories calls and writes only what differs', async () => {
    const proxy = await startFaithfulEcr({ upstream, seed: 3 });
    running.push(proxy);
    const clients = faithfulClients(proxy);
    await seed(clients.accountId, 1050);
    const calls = countCalls(clients.ecr);

    const { code, stdout } = await runCli(['enforce', '--apply', '--format', 'json'], clients);

    expect(code).toBe(0);
    expect(callsByAction(calls)).toEqual({
      DescribeRegistry: 1,
      DescribeRepositories: 2,
      GetRegistryScanningConfiguration: 1,
      ListTagsForResource: 105,
      PutImageTagMutability: 105,
    });
    expect((onlyTarget(stdout) as EnforceReport).summary).toMatchObject({ repositories: 1050, compliant: 945, applied: 105 });
    expect(await mutableCount(clients.accountId)).toBe(0);
  });

  it('ends compliant despite throttling and server errors, making each call once as far as it knows', async () => {
    const proxy = await startFaithfulEcr({ upstream, seed: 11, faults: { throttle: 0.1, serverError: 0.05 } });
    running.push(proxy);
    // Standard retries: the adaptive limiter would slow the test down after the first throttle.
    const clients = faithfulClients(proxy, undefined, { retryMode: 'standard', maxAttempts: 10 });
    await seed(clients.accountId, 300);
    const calls = countCalls(clients.ecr);

    const { code, stdout } = await runCli(['enforce', '--apply', '--format', 'json'], clients);

    expect(code).toBe(0);
    expect((onlyTarget(stdout) as EnforceReport).summary).toMatchObject({ applied: 30, failed: 0, failedRepositories: 0 });
    expect(writeCalls(calls)).toEqual({ PutImageTagMutability: 30 });
    expect(proxy.stats().injected.throttle).toBeGreaterThan(0);
    expect(await mutableCount(clients.accountId)).toBe(0);

    proxy.setFaults({});
    calls.clear();
    await runCli(['enforce', '--apply', '--format', 'json'], clients);
    expect(writeCalls(calls)).toEqual({});
  });
});
