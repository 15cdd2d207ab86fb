import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { BASE_CLIENT_CONFIG } from './clients';

// Apart from clients.ts so that only the functions that keep verdict state load the DynamoDB client.
/**
 * Builds the DynamoDB client of the verdict-state table (adaptive retries, endpoint from the environment).
 *
 * @example
 * const verdicts = { dynamodb: createDynamoDbClient(), table: process.env.ECR_KEEPER_VERDICT_TABLE! };
 */
export function createDynamoDbClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ ...BASE_CLIENT_CONFIG, ...config });
}
