import { auditJob } from '../lib/audit/job';
import { jobHandler } from './shared/job-handler';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** Manual audit (`serverless invoke -f audit`): returns the JSON report and publishes its summary event. */
export const auditHandler = (runtime: HandlerRuntime) => jobHandler(auditJob, runtime);

export const handler = auditHandler(lambdaRuntime());
