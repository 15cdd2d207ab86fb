// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Stack = { middlewareStack: { add(mw: any, options: any): void } };

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
export function beforeSend(client: Stack, hook: (action: string, input: Record<string, unknown>) => Promise<void> | void): void {
  client.middlewareStack.add(
    (next: (args: { input: object }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: object }) => {
      await hook((context.commandName ?? 'Unknown').replace(/Command$/, ''), args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize' },
  );
}
