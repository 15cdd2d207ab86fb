import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createSqsClient } from '../../lib/aws/sqs-client';
import type { WorkQueue } from '../../lib/fanout/work-queue';
import { pinMotoAccount } from './aws';

/** A work queue in moto for one test's account, and a way to read what was sent to it as the worker's event. */
export interface MotoWorkQueue {
  queue: WorkQueue;
  /** Receives every message now in the queue (removing them from view) as one SQS event for the worker. */
  drain(): Promise<SQSEvent>;
}

function toRecord(message: Message, queueArn: string): SQSEvent['Records'][number] {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

/**
 * Creates a work queue in moto's SQS for `accountId`, as serverless.yml does in AWS.
 *
 * @example
 * const work = await motoWorkQueue(clients.accountId);
 * await enforceHandler({ ...runtime, workQueue: work.queue })(event, lambdaContext());
 * await workerHandler({ ...runtime, workQueue: work.queue })(await work.drain(), lambdaContext());
 */
export async function motoWorkQueue(accountId: string): Promise<MotoWorkQueue> {
  const sqs = pinMotoAccount(createSqsClient({ region: 'us-east-1', maxAttempts: 3 }), accountId);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `work-${Math.random().toString(36).slice(2, 10)}` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = Attributes?.QueueArn ?? '';
  return {
    queue: { sqs, url: QueueUrl! },
    async drain() {
      const records: SQSEvent['Records'] = [];
      for (;;) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 600 }));
        if (!out.Messages?.length) return { Records: records };
        records.push(...out.Messages.map((m) => toRecord(m, queueArn)));
      }
    },
  };
}
