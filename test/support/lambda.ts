import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { HandlerRuntime } from '../../functions/shared/runtime';
import type { AwsClients } from '../../lib/aws/clients';
import { parsePolicy } from '../../lib/policy';

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

/** A Powertools Logger that writes nothing: handler tests assert on answers, calls and events, not log lines. */
export function silentLogger(): Logger {
  return new Logger({ logLevel: 'SILENT' });
}

/**
 * The runtime a handler factory takes in a test: the given clients, a silent logger, and `policy` (as a
 * policy file would hold it) validated on each use, as the deployed runtime does.
 *
 * @example
 * const handler = cleanupHandler(testRuntime(clients, { cleanup: { mode: 'delete' } }));
 * const worker = workerHandler(testRuntime(clients, FANNED_OUT, { workQueue: work.queue }));
 */
export function testRuntime(clients: AwsClients, policy: object = {}, extra: Pick<HandlerRuntime, 'workQueue'> = {}): HandlerRuntime {
  return { clients, logger: silentLogger(), policy: () => parsePolicy(policy), ...extra };
}
