import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../lib/aws/clients';
import { pinMotoAccount } from './aws';

/** An EventBridge event as delivered to a target. */
export interface CapturedEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  resources?: string[];
}

/**
 * Reads back what was published to moto's EventBridge: a rule on `source` routes the bus's events to an
 * SQS queue, which `drain()` empties.
 *
 * @example
 * const capture = await captureEvents(clients, 'ecr-keeper');
 * ...
 * const events = await capture.drain();
 */
export async function captureEvents(
  clients: AwsClients & { accountId: string },
  source: string,
  busName = 'default',
): Promise<{ drain(): Promise<CapturedEvent[]> }> {
  const sqs = pinMotoAccount(new SQSClient({ region: await clients.events.config.region(), maxAttempts: 3 }), clients.accountId);
  const name = `capture-${Math.random().toString(36).slice(2, 10)}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await clients.events.send(new PutRuleCommand({ Name: name, EventBusName: busName, EventPattern: JSON.stringify({ source: [source] }) }));
  await clients.events.send(new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn! }] }));
  return {
    async drain() {
      const events: CapturedEvent[] = [];
      for (;;) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (!out.Messages?.length) return events;
        for (const m of out.Messages) events.push(JSON.parse(m.Body ?? '{}') as CapturedEvent);
      }
    },
  };
}
