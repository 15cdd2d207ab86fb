import { deadlineIn } from '../lib/deadline';
import { emitRunMetrics } from '../lib/metrics/emit';
import { scanRunOutcome } from '../lib/metrics/scan-outcome';
import { runScan } from '../lib/scan/run';
import { ScanCompleteEventSchema, scanRequestFromScanEvent } from '../lib/scan/scan-event';
import { keeperHandler } from './shared/middleware';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** ECR's `ECR Image Scan` or Inspector's `Inspector2 Scan` event: judge the findings (no polling), publish the verdict. */
export function onScanCompleteHandler({ clients, logger, policy, metrics }: HandlerRuntime) {
  return keeperHandler(logger, ScanCompleteEventSchema, 'scan-complete event', async (event, context) => {
    const run = await runScan({ ecr: clients.ecr, events: clients.events, log: logger }, policy(), scanRequestFromScanEvent(event, deadlineIn(context.getRemainingTimeInMillis())), {
      publish: true,
    });
    const outcome = scanRunOutcome(run.outcome);
    if (metrics && outcome) emitRunMetrics(metrics, outcome);
    return run;
  });
}

export const handler = onScanCompleteHandler(lambdaRuntime());
