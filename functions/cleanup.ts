import { cleanupJob } from '../lib/cleanup/job';
import { lambdaHandOn } from './shared/hand-on';
import { jobHandler } from './shared/job-handler';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';
import { lambdaWorkQueue } from './shared/work-queue';

/**
 * Scheduled cleanup: plans every repository and, when the policy's `cleanup.mode` is `apply`, deletes the
 * garbage; `dry-run` (the default) only reports. With the policy's `runtime.fanOut` it dispatches the
 * repositories to the worker instead, each work item with its share of `maxDeletesPerRun` (lib/fanout/).
 */
export const cleanupHandler = (runtime: HandlerRuntime) => jobHandler(cleanupJob, runtime);

export const handler = cleanupHandler({ ...lambdaRuntime(), workQueue: lambdaWorkQueue(), handOn: lambdaHandOn() });
