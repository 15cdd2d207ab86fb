import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readEcsImageUses } from '../lib/inuse/ecs';

const ecsMock = mockClient(ECSClient);
const ecs = new ECSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api';
const DIGEST = `sha256:${'a'.repeat(64)}`;

beforeEach(() => ecsMock.reset());

describe('readEcsImageUses', () => {
  it('reads every deployment of every service, running tasks by digest, and each task definition once', async () => {
    ecsMock.on(ListClustersCommand).resolves({ clusterArns: ['arn:cluster/a'] });
    const services = Array.from({ length: 12 }, (_, i) => `arn:service/s${i}`);
    ecsMock.on(ListServicesCommand).resolves({ serviceArns: services });
    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services.map((serviceArn) => ({
        serviceArn,
        taskDefinition: 'arn:td/api:2',
        deployments: [{ taskDefinition: 'arn:td/api:2' }, { taskDefinition: 'arn:td/api:1' }],
      })),
    }));
    ecsMock.on(ListTasksCommand).resolves({ taskArns: ['arn:task/t1'] });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [{ taskArn: 'arn:task/t1', taskDefinitionArn: 'arn:td/old:7', containers: [{ image: `${REPO}:v7`, imageDigest: DIGEST }] }],
    });
    ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
      taskDefinition: { containerDefinitions: [{ image: `${REPO}:${input.taskDefinition.split('/')[1]!.replace(':', '-')}` }] },
    }));

    const uses = await readEcsImageUses(ecs);

    expect(ecsMock.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input.services?.length)).toEqual([10, 2]);
    expect(ecsMock.commandCalls(ListTasksCommand)[0]!.args[0].input).toMatchObject({ cluster: 'arn:cluster/a', desiredStatus: 'RUNNING' });
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input.taskDefinition).sort()).toEqual(['arn:td/api:1', 'arn:td/api:2', 'arn:td/old:7']);
    expect(uses).toContainEqual({ image: `${REPO}:api-1`, user: 'arn:service/s11' });
    expect(uses).toContainEqual({ image: `${REPO}@${DIGEST}`, user: 'arn:task/t1' });
    expect(uses).toContainEqual({ image: `${REPO}:old-7`, user: 'arn:task/t1' });
  });

  it('lets a failed call fail the whole source, so that the caller can fail closed', async () => {
    ecsMock.on(ListClustersCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(readEcsImageUses(ecs)).rejects.toThrow('not authorized');
  });
});
