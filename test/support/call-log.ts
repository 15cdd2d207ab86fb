import { errorCode } from '../../lib/errors';

/** One call a client sent: one `send`, however many attempts the SDK's retries made inside it. */
export interface LoggedCall {
  /** The action, e.g. `BatchDeleteImage`. */
  action: string;
  /** A copy of the input as the code under test sent it. */
  input: Record<string, unknown>;
  /** The error code the call finally failed with, after the SDK's retries; absent when it succeeded. */
  error?: string;
  /** The answer of a call that succeeded. */
  output?: Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Stack = { middlewareStack: { add(mw: any, options: any): void } };

/**
 * Logs every call a client sends from now on, with its input and how it finally ended (after the SDK's
 * retries, which run further down the stack). The array is live: read it after the code under test ran.
 *
 * @example
 * const calls = logCalls(clients.ecr);
 * await main(['cleanup', '--apply'], { ..., clients });
 * const deleted = calls.filter((c) => c.action === 'BatchDeleteImage').flatMap((c) => imageIdsOf(c));
 */
export function logCalls(client: Stack): LoggedCall[] {
  const calls: LoggedCall[] = [];
  client.middlewareStack.add(
    (next: (args: { input: object }) => Promise<{ output: object }>, context: { commandName?: string }) =>
      async (args: { input: object }) => {
        const entry: LoggedCall = {
          action: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
          input: structuredClone(args.input) as Record<string, unknown>,
        };
        calls.push(entry);
        try {
          const result = await next(args);
          entry.output = result.output as Record<string, unknown>;
          return result;
        } catch (err) {
          entry.error = errorCode(err);
          throw err;
        }
      },
    { step: 'initialize' },
  );
  return calls;
}

/** The calls that have not ended yet: neither answered nor failed. */
export function inFlight(calls: readonly LoggedCall[]): LoggedCall[] {
  return calls.filter((c) => c.output === undefined && c.error === undefined);
}

/** The calls that failed for good (after the SDK's retries). */
export function failedCalls(calls: readonly LoggedCall[]): LoggedCall[] {
  return calls.filter((c) => c.error !== undefined);
}

/** The repository a call is about: its `repositoryName`, the one name of `repositoryNames`, or the name in `resourceArn`. */
export function repositoryOf(call: LoggedCall): string | undefined {
  const { repositoryName, repositoryNames, resourceArn } = call.input as { repositoryName?: string; repositoryNames?: string[]; resourceArn?: string };
  if (repositoryName) return repositoryName;
  if (repositoryNames?.length === 1) return repositoryNames[0];
  return resourceArn ? /:repository\/(.+)$/.exec(resourceArn)?.[1] : undefined;
}

/** Every image digest the logged BatchDeleteImage calls asked to delete, as `repository@digest`. */
export function deletionRequests(calls: readonly LoggedCall[]): string[] {
  return calls
    .filter((c) => c.action === 'BatchDeleteImage')
    .flatMap((c) => ((c.input.imageIds ?? []) as { imageDigest?: string }[]).map((id) => `${String(c.input.repositoryName)}@${id.imageDigest ?? '?'}`));
}
