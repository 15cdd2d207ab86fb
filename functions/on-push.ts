import { deadlineIn } from '../lib/deadline';
import { emitRunMetrics } from '../lib/metrics/emit';
import { scanRunOutcome } from '../lib/metrics/scan-outcome';
import { EcrImagePushEventSchema, scanRequestFromPush } from '../lib/scan/push-event';
import { runScan } from '../lib/scan/run';
import { SCAN_SAFETY_MARGIN_MS } from '../lib/scan/wait';
import { keeperHandler } from './shared/middleware';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** ECR's push event: make sure the image has a scan, wait on it while time allows, publish the verdict. */
export function onPushHandler({ clients, logger, policy, metrics }: HandlerRuntime) {
  return keeperHandler(logger, EcrImagePushEventSchema, 'ECR push event', async (event, context) => {
    const current = policy();
    const deadline = deadlineIn(context.getRemainingTimeInMillis(), SCAN_SAFETY_MARGIN_MS);
    const run = await runScan({ ecr: clients.ecr, events: clients.events, log: logger }, current, scanRequestFromPush(event, current, deadline), {
      publish: true,
    });
    const outcome = scanRunOutcome(run.outcome);
    if (metrics && outcome) emitRunMetrics(metrics, outcome);
    return run;
  });
}

export const handler = onPushHandler(lambdaRuntime());
