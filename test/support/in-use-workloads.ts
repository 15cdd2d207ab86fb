import { BatchClient, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { CreateClusterCommand, CreateServiceCommand, DeregisterTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { pinMotoAccount } from './aws';

/** ECS, Lambda, Batch and IAM clients for moto, pinned to one account, for seeding workloads that use images. */
export function workloadClients(accountId: string, region = 'us-east-1') {
  return {
    ecs: pinMotoAccount(new ECSClient({ region }), accountId),
    lambda: pinMotoAccount(new LambdaClient({ region }), accountId),
    batch: pinMotoAccount(new BatchClient({ region }), accountId),
    iam: pinMotoAccount(new IAMClient({ region }), accountId),
  };
}

type Workloads = ReturnType<typeof workloadClients>;

/** An ECS service in cluster `cluster` running `image`; returns the service ARN. */
export async function ecsService(c: Workloads, cluster: string, name: string, image: string): Promise<string> {
  await c.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const def = await c.ecs.send(new RegisterTaskDefinitionCommand({ family: name, containerDefinitions: [{ name, image, memory: 128 }] }));
  const out = await c.ecs.send(new CreateServiceCommand({ cluster, serviceName: name, taskDefinition: def.taskDefinition!.taskDefinitionArn!, desiredCount: 1 }));
  return out.service!.serviceArn!;
}

/** A Fargate task running `image` whose task definition is then deregistered; returns the task ARN. */
export async function orphanTask(c: Workloads, cluster: string, family: string, image: string): Promise<string> {
  await c.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const def = await c.ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: family, image, memory: 128 }] }));
  const run = await c.ecs.send(new RunTaskCommand({ cluster, taskDefinition: def.taskDefinition!.taskDefinitionArn!, launchType: 'FARGATE', count: 1 }));
  await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: def.taskDefinition!.taskDefinitionArn! }));
  return run.tasks![0]!.taskArn!;
}

/** A container-image Lambda function on `image` (with a role moto accepts), optionally published with an alias. */
export async function imageFunction(c: Workloads, name: string, image: string, options: { publishAs?: string } = {}): Promise<void> {
  const role = await c.iam
    .send(new CreateRoleCommand({ RoleName: `${name}-role`, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }))
    .then((out) => out.Role!.Arn!);
  await c.lambda.send(new CreateFunctionCommand({ FunctionName: name, PackageType: 'Image', Code: { ImageUri: image }, Role: role }));
  if (options.publishAs) {
    const version = await c.lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await c.lambda.send(new CreateAliasCommand({ FunctionName: name, Name: options.publishAs, FunctionVersion: version.Version! }));
  }
}

/** An ACTIVE container job definition on `image`. */
export async function jobDefinition(c: Workloads, name: string, image: string): Promise<void> {
  await c.batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: name, type: 'container', containerProperties: { image, vcpus: 1, memory: 128 } }));
}
