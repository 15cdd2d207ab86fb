/**
 * The SDK retries some error codes as throttling that, for one particular call, are final answers:
 * StartImageScan's `LimitExceededException` is ECR's one-scan-per-image-per-day quota, and retrying it
 * for up to 8 attempts with throttling backoff only burns time and calls. `failFastOn` makes one
 * command give up at once on such codes; callers still see the error under its own name.
 */

const HIDDEN = 'EcrKeeperFailFast';

interface MiddlewareStackLike {
  addRelativeTo(middleware: unknown, options: { name: string; relation: 'before' | 'after'; toMiddleware: string }): void;
  add(middleware: unknown, options: { name: string; step: 'initialize'; priority?: 'high' | 'low' }): void;
}

type Next = (args: unknown) => Promise<unknown>;

/**
 * Makes `command` fail on the first answer with one of `codes` instead of retrying it.
 *
 * @example
 * await ecr.send(failFastOn(new StartImageScanCommand(input), ['LimitExceededException']));
 */
export function failFastOn<C extends { middlewareStack: unknown }>(command: C, codes: readonly string[]): C {
  const stack = command.middlewareStack as MiddlewareStackLike;
  // Inside the retry loop: give the error a name the retry strategy classifies as a client error.
  stack.addRelativeTo(
    (next: Next) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (err) {
        const e = err as { name?: string; [HIDDEN]?: string };
        if (e && typeof e.name === 'string' && codes.includes(e.name)) {
          e[HIDDEN] = e.name;
          e.name = `${e.name}.${HIDDEN}`;
        }
        throw err;
      }
    },
    { name: 'ecrKeeperFailFastInner', relation: 'after', toMiddleware: 'retryMiddleware' },
  );
  // Outside it: give the error its own name back for the caller.
  stack.add(
    (next: Next) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (err) {
        const e = err as { name?: string; [HIDDEN]?: string };
        if (e?.[HIDDEN]) {
          e.name = e[HIDDEN];
          delete e[HIDDEN];
        }
        throw err;
      }
    },
    { name: 'ecrKeeperFailFastOuter', step: 'initialize', priority: 'high' },
  );
  return command;
}
