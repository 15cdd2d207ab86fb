import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { BASE_CLIENT_CONFIG } from './clients';

// Apart from clients.ts so that only the functions that fan out load the SQS client.
/**
 * Builds the SQS client of the fan-out's work queue (adaptive retries, endpoint from the environment).
 *
 * @example
 * const queue = { sqs: createSqsClient(), url: process.env.ECR_KEEPER_WORK_QUEUE_URL! };
 */
export function createSqsClient(config: SQSClientConfig = {}): SQSClient {
  return new SQSClient({ ...BASE_CLIENT_CONFIG, ...config });
}
