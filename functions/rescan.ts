import { rescanJob } from '../lib/rescan/job';
import { jobHandler } from './shared/job-handler';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/**
 * Scheduled rescan (basic scanning): starts a scan for every image in scope whose last scan is older than
 * the policy's `scan.rescanAfterDays`, when `scan.rescanMode` is `apply` (the default); `dry-run` only lists
 * them. Under enhanced scanning it does nothing and says why.
 */
export const rescanHandler = (runtime: HandlerRuntime) => jobHandler(rescanJob, runtime);

export const handler = rescanHandler(lambdaRuntime());
