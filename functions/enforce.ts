import { enforceJob } from '../lib/enforce/job';
import { lambdaHandOn } from './shared/hand-on';
import { jobHandler } from './shared/job-handler';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';
import { lambdaWorkQueue } from './shared/work-queue';

/**
 * Scheduled enforcement of the whole registry. The policy's `enforce.mode` decides: `apply` writes,
 * `dry-run` plans only. With the policy's `runtime.fanOut` it enforces the replication and dispatches the
 * repositories to the worker instead (lib/fanout/dispatch.ts).
 */
export const enforceHandler = (runtime: HandlerRuntime) => jobHandler(enforceJob, runtime);

export const handler = enforceHandler({ ...lambdaRuntime(), workQueue: lambdaWorkQueue(), handOn: lambdaHandOn() });
