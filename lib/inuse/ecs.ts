import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  paginateListClusters,
  paginateListServices,
  paginateListTasks,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { MAX_ECS_DESCRIBE_SERVICES, MAX_ECS_DESCRIBE_TASKS, MAX_ECS_LIST_PAGE } from '../limits';
import type { ImageUse } from './types';

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Adds `user` to the users of a task definition, in the map of definitions to read. */
function note(definitions: Map<string, Set<string>>, arn: string | undefined, user: string | undefined): void {
  if (!arn || !user) return;
  const users = definitions.get(arn) ?? new Set<string>();
  users.add(user);
  definitions.set(arn, users);
}

/**
 * Every image ECS uses, in every cluster: the task definitions of every deployment of every service (the
 * primary one and those still draining, and external task sets), and the images of every running or pending
 * task, by the digest ECS resolved and through the task's own definition, deregistered or not (a task keeps
 * running after its definition is deregistered). Users are service and task ARNs.
 *
 * Calls: ListClusters pages; per cluster ListServices pages, ⌈services/10⌉ DescribeServices, ListTasks pages
 * (desired status RUNNING, which covers PENDING), ⌈tasks/100⌉ DescribeTasks; then one DescribeTaskDefinition
 * per distinct task definition, however many services and tasks share it.
 *
 * @example
 * const uses = await readEcsImageUses(new ECSClient({}));
 */
export async function readEcsImageUses(ecs: ECSClient): Promise<ImageUse[]> {
  const uses: ImageUse[] = [];
  const definitions = new Map<string, Set<string>>();
  for await (const page of paginateListClusters({ client: ecs, pageSize: MAX_ECS_LIST_PAGE }, {})) {
    for (const cluster of page.clusterArns ?? []) {
      const serviceArns: string[] = [];
      for await (const services of paginateListServices({ client: ecs, pageSize: MAX_ECS_LIST_PAGE }, { cluster })) {
        serviceArns.push(...(services.serviceArns ?? []));
      }
      for (const batch of chunks(serviceArns, MAX_ECS_DESCRIBE_SERVICES)) {
        const out = await ecs.send(new DescribeServicesCommand({ cluster, services: batch }));
        for (const service of out.services ?? []) {
          note(definitions, service.taskDefinition, service.serviceArn);
          for (const deployment of service.deployments ?? []) note(definitions, deployment.taskDefinition, service.serviceArn);
          for (const taskSet of service.taskSets ?? []) note(definitions, taskSet.taskDefinition, service.serviceArn);
        }
      }

      const taskArns: string[] = [];
      for await (const tasks of paginateListTasks({ client: ecs, pageSize: MAX_ECS_LIST_PAGE }, { cluster, desiredStatus: 'RUNNING' })) {
        taskArns.push(...(tasks.taskArns ?? []));
      }
      for (const batch of chunks(taskArns, MAX_ECS_DESCRIBE_TASKS)) {
        const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
        for (const task of out.tasks ?? []) {
          const user = task.taskArn ?? '';
          note(definitions, task.taskDefinitionArn, user);
          for (const container of task.containers ?? []) {
            if (container.image) uses.push({ image: container.image, user });
            // ECS reports the digest it resolved a tag to: that image runs, whatever the tag names now.
            if (container.image && container.imageDigest) uses.push({ image: `${container.image.replace(/[:@].*$/, '')}@${container.imageDigest}`, user });
          }
        }
      }
    }
  }
  for (const [taskDefinition, users] of definitions) {
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    for (const container of out.taskDefinition?.containerDefinitions ?? []) {
      if (!container.image) continue;
      for (const user of users) uses.push({ image: container.image, user });
    }
  }
  return uses;
}
