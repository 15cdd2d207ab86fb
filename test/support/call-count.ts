/** Calls a client made, by action name (`PutImageTagMutability`), counted as the SDK sends them. */
export type CallCounts = Map<string, number>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Stack = { middlewareStack: { add(mw: any, options: any): void } };

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
export function countCalls(client: Stack, counts: CallCounts = new Map()): CallCounts {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
      const action = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      counts.set(action, (counts.get(action) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize' },
  );
  return counts;
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
