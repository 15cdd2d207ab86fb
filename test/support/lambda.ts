import type { Context } from 'aws-lambda';

/** A Lambda context for invoking handlers in tests, with a settable remaining time. */
export function lambdaContext(options: { remainingMs?: number; functionName?: string } = {}): Context {
  const started = Date.now();
  const budget = options.remainingMs ?? 300_000;
  const functionName = options.functionName ?? 'ecr-keeper-test';
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, budget - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
