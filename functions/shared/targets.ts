import type { Context } from 'aws-lambda';
import type { AwsClients } from '../../lib/aws/clients';
import { createStsClient } from '../../lib/aws/sts-client';
import { functionPlace, targetOfEvent, type PlacedEvent } from '../../lib/targets/event-target';
import { partitionOfRegion } from '../../lib/targets/regions';
import { createHandlerTargets, type HandlerTargets } from '../../lib/targets/session';
import type { Target } from '../../lib/targets/types';
import type { HandlerRuntime } from './runtime';

/** Where a handler's own clients act, and the targets it may act in. */
export interface RuntimeTargets {
  home: Target;
  handler: HandlerTargets;
  /** The target's clients: the runtime's own for the home target, the member role's elsewhere. */
  clientsFor(target: Target): AwsClients;
}

// One per runtime (a Lambda instance): the credential cache lives as long.
const cache = new WeakMap<HandlerRuntime, RuntimeTargets>();

/**
 * A handler's targets: home is the account and region the function runs in (its ARN; or the account its
 * clients are pinned to, in tests), the scope the policy's targets. Built once per runtime, no AWS call.
 *
 * @example
 * const { clientsFor, handler } = runtimeTargets(runtime, context);
 */
export function runtimeTargets(runtime: HandlerRuntime, context: Pick<Context, 'invokedFunctionArn'>): RuntimeTargets {
  let targets = cache.get(runtime);
  if (!targets) {
    const place = functionPlace(context.invokedFunctionArn);
    const region = place?.region ?? process.env.AWS_REGION ?? 'us-east-1';
    const accountId = runtime.clients.accountId ?? place?.accountId ?? '';
    const home: Target = { accountId, region, partition: partitionOfRegion(region) ?? 'aws' };
    const handler = createHandlerTargets(runtime.policy().targets, home, { sts: runtime.sts ?? createStsClient({ region }) });
    const isHome = (t: Target) => t.accountId === home.accountId && t.region === home.region;
    targets = { home, handler, clientsFor: (t) => (isHome(t) ? runtime.clients : handler.clients.clients(t)) };
    cache.set(runtime, targets);
  }
  return targets;
}

/**
 * The clients an event is handled with: those of the target the event happened in, or `undefined` (logged,
 * with the reason, and no AWS call) when that is not a target.
 *
 * @example
 * const clients = eventClients(runtime, event, context);
 * if (!clients) return { ignored: true };
 */
export function eventClients(runtime: HandlerRuntime, event: PlacedEvent, context: Pick<Context, 'invokedFunctionArn'>): { clients: AwsClients; target: Target } | { ignored: string } {
  const targets = runtimeTargets(runtime, context);
  const decision = targetOfEvent(event, targets.handler.scope);
  if (decision.kind === 'ignore') {
    runtime.logger.info('event ignored: not a target', { reason: decision.reason });
    return { ignored: decision.reason };
  }
  return { clients: targets.clientsFor(decision.target), target: decision.target };
}
