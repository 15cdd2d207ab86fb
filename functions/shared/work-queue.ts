import { createSqsClient } from '../../lib/aws/sqs-client';
import { WORK_QUEUE_URL_ENV, type WorkQueue } from '../../lib/fanout/work-queue';

/**
 * The work queue of a deployed function that dispatches or works: its URL from `ECR_KEEPER_WORK_QUEUE_URL`
 * (set by serverless.yml), its SQS client built once per instance. Kept apart from `lambdaRuntime` so the
 * functions that never fan out do not load the SQS client.
 */
export function lambdaWorkQueue(env: NodeJS.ProcessEnv = process.env): WorkQueue | undefined {
  const url = env[WORK_QUEUE_URL_ENV];
  return url ? { sqs: createSqsClient(), url } : undefined;
}
