import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../lib/aws/dynamodb-client';
import type { VerdictStore } from '../../lib/scan/verdict-state';
import { pinMotoAccount } from './aws';

/**
 * A verdict-state table in moto's DynamoDB for one test's account, made as serverless.yml makes it
 * (`image` + `scan` keys, pay-per-request).
 *
 * @example
 * const verdicts = await verdictTable(clients.accountId);
 * await onPushHandler(runtime(clients), verdicts)(event, lambdaContext());
 */
export async function verdictTable(accountId: string, now?: () => number): Promise<VerdictStore> {
  const dynamodb = pinMotoAccount(createDynamoDbClient({ region: 'us-east-1', maxAttempts: 3 }), accountId);
  const table = `verdicts-${Math.random().toString(36).slice(2, 10)}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'image', AttributeType: 'S' },
        { AttributeName: 'scan', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'image', KeyType: 'HASH' },
        { AttributeName: 'scan', KeyType: 'RANGE' },
      ],
    }),
  );
  return { dynamodb, table, ...(now ? { now } : {}) };
}
