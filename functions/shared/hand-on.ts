import { LambdaClient } from '@aws-sdk/client-lambda';
import { BASE_CLIENT_CONFIG } from '../../lib/aws/clients';
import type { HandOnInvoker } from '../../lib/hand-on/continue-run';
import { invokeContinuation } from '../../lib/hand-on/invoke';

/**
 * How a scheduled function hands a run on at its deadline: an asynchronous invocation of itself (its role may
 * invoke only itself, deploy/roles.yml). Only the scheduled functions load the Lambda client.
 */
export function lambdaHandOn(): HandOnInvoker {
  const lambda = new LambdaClient({ ...BASE_CLIENT_CONFIG });
  return (functionArn, request) => invokeContinuation({ lambda }, functionArn, request);
}
