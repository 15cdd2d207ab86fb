import { toErrorInfo } from '../errors';
import { silentLog, type Log } from '../log';
import type { RunEnd } from '../metrics/job-outcome';
import { decideHandOn, type InvocationEnd } from './decide';

/** Starts a continuation of the running function with the next request (functions/shared/hand-on.ts). */
export type HandOnInvoker = (functionArn: string, request: object) => Promise<void>;

/**
 * The end of a scheduled run's invocation: when it stopped at its deadline, the continuation is started with
 * `next(cursor, handOn)` as its request, and the run is handed on; when it cannot be (no invoker, no progress,
 * too many hands-on, Lambda refused), the run is incomplete, and the log says why.
 *
 * @example
 * const end = await continueRun({ invoke, log }, context.invokedFunctionArn, { cursor, invocationId, now }, (cursor, handOn) => ({ cursor, handOn }));
 */
export async function continueRun(
  deps: { invoke?: HandOnInvoker | undefined; log?: Log },
  functionArn: string,
  end: InvocationEnd,
  next: (cursor: string, handOn: NonNullable<InvocationEnd['handOn']>) => object,
): Promise<RunEnd & { reason?: string }> {
  const log = deps.log ?? silentLog;
  const decision = decideHandOn(end);
  if (decision.kind === 'complete') return { handedOn: false, incomplete: false };
  const incomplete = (reason: string, extra: object = {}) => {
    log.error('run incomplete: repositories were left out of this schedule', { reason, cursor: decision.cursor, ...extra });
    return { handedOn: false, incomplete: true, reason };
  };
  if (decision.kind === 'incomplete') return incomplete(decision.reason);
  if (!deps.invoke) return incomplete('this function cannot hand its cursor on');
  try {
    await deps.invoke(functionArn, next(decision.cursor, decision.handOn));
  } catch (err) {
    return incomplete('the continuation was not started', { error: toErrorInfo(err) });
  }
  log.info('run handed on at its deadline', { cursor: decision.cursor, handOn: decision.handOn });
  return { handedOn: true, incomplete: false };
}
