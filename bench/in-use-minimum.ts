import { MAX_ECS_DESCRIBE_SERVICES, MAX_ECS_DESCRIBE_TASKS, MAX_ECS_LIST_PAGE, MAX_LAMBDA_LIST_FUNCTIONS_PAGE } from '../lib/limits';
import type { Calls } from './minimum';

/** The workloads of one target, as seeded: what the in-use sources must read. */
export interface SeededWorkloads {
  /** Per cluster: services, running or pending tasks. */
  clusters: { services: number; tasks: number }[];
  /** Distinct task definitions named by services' deployments and tasks. */
  taskDefinitions: number;
  /** Lambda functions: each with its package type and published versions. */
  functions: { image: boolean; versions: number }[];
}

const up = (n: number, per: number) => Math.ceil(n / per);
const pages = (n: number, per: number) => Math.max(1, up(n, per));

/**
 * The fewest calls reading what is in use in one target can make, by action: ECS listings at 100 a page,
 * DescribeServices at 10 and DescribeTasks at 100 a call, one DescribeTaskDefinition per distinct definition;
 * ListFunctions (every version) at 50 a page, one GetFunction per image function version (ListFunctions does
 * not return the image) and one ListAliases per image function. Read once per target and run, whatever the
 * number of repositories.
 *
 * @example
 * expect(callsByAction(calls)).toEqual(inUseMinimum({ clusters: [{ services: 12, tasks: 3 }], taskDefinitions: 3, functions: [] }));
 */
export function inUseMinimum(w: SeededWorkloads): Calls {
  const calls: Calls = {
    ListClusters: pages(w.clusters.length, MAX_ECS_LIST_PAGE),
    ListServices: w.clusters.reduce((n, c) => n + pages(c.services, MAX_ECS_LIST_PAGE), 0),
    DescribeServices: w.clusters.reduce((n, c) => n + up(c.services, MAX_ECS_DESCRIBE_SERVICES), 0),
    ListTasks: w.clusters.reduce((n, c) => n + pages(c.tasks, MAX_ECS_LIST_PAGE), 0),
    DescribeTasks: w.clusters.reduce((n, c) => n + up(c.tasks, MAX_ECS_DESCRIBE_TASKS), 0),
    DescribeTaskDefinition: w.taskDefinitions,
    ListFunctions: pages(w.functions.reduce((n, f) => n + 1 + f.versions, 0), MAX_LAMBDA_LIST_FUNCTIONS_PAGE),
    GetFunction: w.functions.filter((f) => f.image).reduce((n, f) => n + 1 + f.versions, 0),
    ListAliases: w.functions.filter((f) => f.image).length,
  };
  return Object.fromEntries(Object.entries(calls).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b)));
}
