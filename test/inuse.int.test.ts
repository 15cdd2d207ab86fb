import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { readInUse } from '../lib/inuse/read';
import { parsePolicy } from '../lib/policy';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { motoClients, pinMotoAccount } from './support/aws';
import { countCalls } from './support/calls';
import { ecsService, imageFunction, jobDefinition, orphanTask, workloadClients } from './support/in-use-workloads';

const REGION = 'us-east-1';

describe('readInUse against moto (ECS, Lambda, Batch)', () => {
  it('finds a service\'s task definition, a running task of a deregistered definition, a Lambda function and an ACTIVE job definition, each once', async () => {
    const { ecr, accountId } = motoClients();
    const w = workloadClients(accountId, REGION);
    const { ecs, lambda, batch } = w;
    const repo = `${accountId}.dkr.ecr.${REGION}.amazonaws.com/app/api`;
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app/api' }));
    const [svc, task, fn, job, tagged] = ['svc', 'task', 'fn', 'job', 'tagged'].map((s) => imageManifest(`inuse-${s}`));
    for (const image of [svc!, task!, fn!, job!]) await pushImage(ecr, 'app/api', image);
    await pushImage(ecr, 'app/api', tagged!, 'pr-1');

    await ecsService(w, 'prod', 'api', `${repo}@${svc!.digest}`);
    const taskArn = await orphanTask(w, 'prod', 'job', `${repo}@${task!.digest}`);
    await imageFunction(w, 'thumbs', `${repo}@${fn!.digest}`, { publishAs: 'live' });
    await imageFunction(w, 'preview', `${repo}:pr-1`);
    await jobDefinition(w, 'nightly', `${repo}@${job!.digest}`);
    const calls = countCalls(ecs);
    countCalls(lambda, calls);
    countCalls(batch, calls);

    const set = await readInUse({ ecr, ecs, lambda, batch }, parsePolicy({ inUse: { batch: true } }).inUse, { registryId: accountId, region: REGION });

    expect(set.failures).toEqual([]);
    const usersOf = (digest: string) => set.images.filter((i) => i.repositoryName === 'app/api' && i.digest === digest).flatMap((i) => i.users);
    expect(usersOf(svc!.digest)).toEqual([expect.stringContaining(':service/prod/api')]);
    expect(usersOf(task!.digest)).toEqual([taskArn]);
    expect(usersOf(fn!.digest)).toEqual(expect.arrayContaining([expect.stringMatching(/function:thumbs$/), expect.stringMatching(/function:thumbs:1$/), expect.stringMatching(/function:thumbs:live$/)]));
    expect(usersOf(job!.digest)).toEqual([expect.stringContaining(':job-definition/nightly:1')]);
    // The tag reference is resolved through ECR.
    expect(usersOf(tagged!.digest)).toEqual([expect.stringMatching(/function:preview$/)]);
    // One DescribeTaskDefinition per distinct definition (the service's, the deregistered one of the task).
    expect(calls.get('DescribeTaskDefinition')).toBe(2);
    expect(calls.get('ListClusters')).toBe(1);
  });

  it('reports the source that failed: a Lambda endpoint that refuses', async () => {
    const { ecr, accountId } = motoClients();
    const ecs = pinMotoAccount(new ECSClient({ region: REGION }), accountId);
    const lambda = pinMotoAccount(new LambdaClient({ region: REGION, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }), accountId);
    const set = await readInUse({ ecr, ecs, lambda }, parsePolicy({}).inUse, { registryId: accountId, region: REGION });
    expect(set.failures.map((f) => f.source)).toEqual(['lambda']);
  });
});
