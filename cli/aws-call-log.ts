import type { MiddlewareStack } from '@smithy/types';

/** Name of the call-log middleware in a client's stack. */
export const AWS_CALL_LOG_MIDDLEWARE = 'ecrKeeperAwsCallLog';

/** A client whose calls can be logged: any SDK v3 client. */
// biome-ignore lint/suspicious/noExplicitAny: any SDK client's stack, whatever its input and output types.
export interface LoggableClient { middlewareStack: MiddlewareStack<any, any> }

/**
 * `ecr DescribeImages 182 ms`, `ecr BatchDeleteImage 2.4 s, 3 attempts`, `events PutEvents 90 ms, failed: ThrottlingException`.
 */
export function awsCallLine(service: string, operation: string, ms: number, attempts: number, error?: string): string {
  const duration = ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
  const tries = attempts > 1 ? `, ${attempts} attempts` : '';
  return `aws: ${service} ${operation} ${duration}${tries}${error ? `, failed: ${error}` : ''}`;
}

function serviceOf(clientName: string | undefined): string {
  return (clientName ?? 'aws').replace(/Client$/, '').toLowerCase();
}

/**
 * Adds a middleware to `client` that writes one line per AWS call (`--verbose`): the operation, its
 * duration with every retry included, and the attempts it took. It sits at the outermost step, so it
 * sees a call once however often the SDK retries it.
 *
 * @example
 * logAwsCalls(clients.ecr, (line) => io.stderr.write(`${line}\n`));
 */
export function logAwsCalls(client: LoggableClient, write: (line: string) => void, now: () => number = () => performance.now()): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const started = now();
      const service = serviceOf(context.clientName);
      const operation = (context.commandName ?? 'call').replace(/Command$/, '');
      try {
        const result = await next(args);
        const attempts = (result.output as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1;
        write(awsCallLine(service, operation, now() - started, attempts));
        return result;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { attempts?: number } };
        write(awsCallLine(service, operation, now() - started, e.$metadata?.attempts ?? 1, e.name ?? 'Error'));
        throw err;
      }
    },
    { step: 'initialize', name: AWS_CALL_LOG_MIDDLEWARE, override: true },
  );
}
