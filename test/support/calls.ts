import { errorCode } from '../../lib/errors';

/**
 * Watching the calls a client sends, for tests and the bench: count them by action, log them with their
 * input and outcome, or run a hook just before each one. All three sit at the start of the client's
 * middleware stack (`initialize`), so one `send` is one call however many attempts the SDK's retries
 * make inside it, and the input is the one the code under test passed.
 */

/** Any SDK v3 client: the middleware types differ from client to client, and every one fits here. */
// biome-ignore lint/suspicious/noExplicitAny: the clients' middleware stacks have incompatible generic types
export type MiddlewareClient = { middlewareStack: { add(mw: any, options: any): void } };

/** The action of a command, as ECR and the other services name it (`PutImageTagMutability`). */
function actionOf(context: { commandName?: string }): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}

/**
 * Runs `around` for every call the client sends from now on, with the call's action and input, and
 * `send` to let it go on. The one middleware the helpers below are built on.
 */
function aroundEachCall(
  client: MiddlewareClient,
  around: (action: string, input: Record<string, unknown>, send: () => Promise<{ output: object }>) => Promise<{ output: object }>,
): void {
  client.middlewareStack.add(
    (next: (args: { input: object }) => Promise<{ output: object }>, context: { commandName?: string }) => (args: { input: object }) =>
      around(actionOf(context), args.input as Record<string, unknown>, () => next(args)),
    { step: 'initialize' },
  );
}

/** Calls a client made, by action name (`PutImageTagMutability`), counted as the SDK sends them. */
export type CallCounts = Map<string, number>;

/**
 * Counts every call a client sends from now on, by action, one per `send` (the SDK's own retries of a
 * call are not counted again). The map is live: read it after the code under test has run. Pass the
 * map of another client as `counts` to count both clients' calls in one.
 *
 * @example
 * const calls = countCalls(clients.ecr);
 * countCalls(clients.events, calls);
 * await main(['enforce', '--apply'], { ..., clients });
 * expect(writeCalls(calls)).toEqual({});
 */
export function countCalls(client: MiddlewareClient, counts: CallCounts = new Map()): CallCounts {
  aroundEachCall(client, (action, _input, send) => {
    counts.set(action, (counts.get(action) ?? 0) + 1);
    return send();
  });
  return counts;
}

/** All the calls counted, whatever their action. */
export function totalCalls(counts: CallCounts): number {
  return [...counts.values()].reduce((sum, n) => sum + n, 0);
}

/** True for actions that only read (Describe*, Get*, List*, BatchGet*, BatchCheck*). */
export function isReadAction(action: string): boolean {
  return /^(Describe|Get|List|BatchGet|BatchCheck)/.test(action);
}

/** The counts as a plain object, sorted by action, optionally only some actions. */
export function callsByAction(counts: CallCounts, keep: (action: string) => boolean = () => true): Record<string, number> {
  return Object.fromEntries([...counts].filter(([action]) => keep(action)).sort(([a], [b]) => a.localeCompare(b)));
}

/** The write calls only (everything that is not a read), as a plain object. */
export function writeCalls(counts: CallCounts): Record<string, number> {
  return callsByAction(counts, (action) => !isReadAction(action));
}

/**
 * Runs `hook` just before each call the client sends (before the SDK's retries and signing), and lets the
 * call go on once it resolves. Tests use it to change the world at an exact point of a run: push a tag
 * before the re-check, delete a repository once the walk has listed it, turn faults on.
 *
 * @example
 * beforeSend(clients.ecr, async (action, input) => {
 *   if (action === 'DescribeImages' && input.imageIds) await pushImage(moto.ecr, 'svc/api', image, 'late');
 * });
 */
export function beforeSend(client: MiddlewareClient, hook: (action: string, input: Record<string, unknown>) => Promise<void> | void): void {
  aroundEachCall(client, async (action, input, send) => {
    await hook(action, input);
    return send();
  });
}

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

/**
 * Logs every call a client sends from now on, with its input and how it finally ended (after the SDK's
 * retries, which run further down the stack). The array is live: read it after the code under test ran.
 *
 * @example
 * const calls = logCalls(clients.ecr);
 * await main(['cleanup', '--apply'], { ..., clients });
 * const deleted = calls.filter((c) => c.action === 'BatchDeleteImage').flatMap((c) => imageIdsOf(c));
 */
export function logCalls(client: MiddlewareClient): LoggedCall[] {
  const calls: LoggedCall[] = [];
  aroundEachCall(client, async (action, input, send) => {
    const entry: LoggedCall = { action, input: structuredClone(input) };
    calls.push(entry);
    try {
      const result = await send();
      entry.output = result.output as Record<string, unknown>;
      return result;
    } catch (err) {
      entry.error = errorCode(err);
      throw err;
    }
  });
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
