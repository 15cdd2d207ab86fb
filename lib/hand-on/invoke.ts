import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { HandOnError } from '../errors';
import { MAX_ASYNC_INVOKE_PAYLOAD_BYTES } from '../limits';

/** HTTP status Lambda answers an asynchronous invocation it accepted with. */
const ACCEPTED = 202;

/**
 * Starts the continuation of a run: an asynchronous invocation (`InvocationType: Event`) of the same function
 * (its ARN from the Lambda context, so the same version or alias runs on) with the next request. Lambda keeps
 * the event and retries it by the function's own settings; a refusal is a {@link HandOnError}.
 *
 * @example
 * await invokeContinuation({ lambda }, context.invokedFunctionArn, { cursor, handOn });
 */
export async function invokeContinuation(deps: { lambda: LambdaClient }, functionArn: string, request: unknown): Promise<void> {
  const payload = JSON.stringify(request);
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_ASYNC_INVOKE_PAYLOAD_BYTES) {
    throw new HandOnError(`the continuation's request is ${bytes} bytes, over Lambda's ${MAX_ASYNC_INVOKE_PAYLOAD_BYTES} for an asynchronous invocation`);
  }
  let status: number | undefined;
  try {
    const out = await deps.lambda.send(new InvokeCommand({ FunctionName: functionArn, InvocationType: 'Event', Payload: Buffer.from(payload) }));
    status = out.StatusCode;
  } catch (err) {
    throw new HandOnError(`the continuation of ${functionArn} was not started: ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
  }
  if (status !== ACCEPTED) throw new HandOnError(`the continuation of ${functionArn} was not accepted (status ${status})`);
}
