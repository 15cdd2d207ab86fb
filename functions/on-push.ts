import { deadlineIn } from '../lib/deadline';
import { EcrImagePushEventSchema, scanRequestFromPush } from '../lib/scan/push-event';
import { runScan } from '../lib/scan/run';
import { SCAN_SAFETY_MARGIN_MS } from '../lib/scan/wait';
import { keeperHandler } from './shared/middleware';
import { eventClients } from './shared/targets';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** ECR's push event: make sure the image has a scan, wait on it while time allows, publish the verdict. */
export function onPushHandler(runtime: HandlerRuntime) {
  const { logger, policy } = runtime;
  return keeperHandler(logger, EcrImagePushEventSchema, 'ECR push event', async (event, context) => {
    const current = policy();
    const place = eventClients(runtime, event, context);
    if ('ignored' in place) return { ignored: place.ignored };
    const { clients } = place;
    const deadline = deadlineIn(context.getRemainingTimeInMillis(), SCAN_SAFETY_MARGIN_MS);
    return runScan({ ecr: clients.ecr, events: clients.events, log: logger }, current, scanRequestFromPush(event, current, deadline), {
      publish: true,
    });
  });
}

export const handler = onPushHandler(lambdaRuntime());
