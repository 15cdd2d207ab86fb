import { deadlineIn } from '../lib/deadline';
import { runScan } from '../lib/scan/run';
import { ScanCompleteEventSchema, scanRequestFromScanEvent } from '../lib/scan/scan-event';
import { keeperHandler } from './shared/middleware';
import { eventClients } from './shared/targets';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** ECR's `ECR Image Scan` or Inspector's `Inspector2 Scan` event: judge the findings (no polling), publish the verdict. */
export function onScanCompleteHandler(runtime: HandlerRuntime) {
  const { logger, policy } = runtime;
  return keeperHandler(logger, ScanCompleteEventSchema, 'scan-complete event', async (event, context) => {
    const current = policy();
    // Inspector's events name the repository's ARN: a delegated administrator receives its members' scans.
    const place = eventClients(runtime, event, context);
    if ('ignored' in place) return { ignored: place.ignored };
    const { clients } = place;
    return runScan({ ecr: clients.ecr, events: clients.events, log: logger }, current, scanRequestFromScanEvent(event, deadlineIn(context.getRemainingTimeInMillis())), {
      publish: true,
    });
  });
}

export const handler = onScanCompleteHandler(lambdaRuntime());
