import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { inUseMinimum } from '../bench/in-use-minimum';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { motoClients } from './support/aws';
import { callsByAction, countCalls } from './support/calls';
import { runCli } from './support/cli';
import { imageFunction, workloadClients } from './support/in-use-workloads';

describe('bench: in-use reads cost the minimum, once per run', () => {
  it('reads ECS and Lambda once for a cleanup over several repositories, each call no more often than needed', async () => {
    const clients = motoClients();
    const w = workloadClients(clients.accountId);
    const uri = `${clients.accountId}.dkr.ecr.us-east-1.amazonaws.com/bench/app`;
    for (const name of ['bench/app', 'bench/web', 'bench/api']) {
      await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
      await pushImage(clients.ecr, name, imageManifest(`bench-${name}`));
    }
    // Cluster a: 12 services over 2 task definitions (2 DescribeServices calls), 3 tasks of a third; cluster b: empty.
    await w.ecs.send(new CreateClusterCommand({ clusterName: 'a' }));
    await w.ecs.send(new CreateClusterCommand({ clusterName: 'b' }));
    const defs = [];
    for (const family of ['web', 'api', 'batch']) {
      const out = await w.ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: family, image: `${uri}:${family}`, memory: 128 }] }));
      defs.push(out.taskDefinition!.taskDefinitionArn!);
    }
    for (let i = 0; i < 12; i++) {
      await w.ecs.send(new CreateServiceCommand({ cluster: 'a', serviceName: `svc-${i}`, taskDefinition: defs[i % 2]!, desiredCount: 1 }));
    }
    await w.ecs.send(new RunTaskCommand({ cluster: 'a', taskDefinition: defs[2]!, launchType: 'FARGATE', count: 3 }));
    await imageFunction(w, 'thumbs', `${uri}:thumbs`, { publishAs: 'live' });
    await w.lambda.send(new CreateFunctionCommand({ FunctionName: 'zip', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: `arn:aws:iam::${clients.accountId}:role/thumbs-role`, Code: { ZipFile: Buffer.from('x') } }));
    const calls = countCalls(w.ecs);
    countCalls(w.lambda, calls);

    const { code } = await runCli(['cleanup', '--format', 'json'], { ...clients, inUse: { ecs: w.ecs, lambda: w.lambda } } as typeof clients, { ECR_KEEPER_POLICY: '{}' });

    expect(code).toBe(0);
    expect(callsByAction(calls)).toEqual(
      inUseMinimum({
        clusters: [
          { services: 12, tasks: 3 },
          { services: 0, tasks: 0 },
        ],
        taskDefinitions: 3,
        functions: [
          { image: true, versions: 1 },
          { image: false, versions: 0 },
        ],
      }),
    );
  });
});
