import { deadlineIn } from '../lib/deadline';
import { runScan } from '../lib/scan/run';
import { ScanCompleteEventSchema, scanRequestFromScanEvent } from '../lib/scan/scan-event';
import { verdictStoreFromEnv, type VerdictStore } from '../lib/scan/verdict-state';
import { keeperHandler } from './shared/middleware';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** ECR's `ECR Image Scan` or Inspector's `Inspector2 Scan` event: judge the findings (no polling), publish the verdict when it is news. */
export function onScanCompleteHandler({ clients, logger, policy }: HandlerRuntime, verdicts?: VerdictStore) {
  return keeperHandler(logger, ScanCompleteEventSchema, 'scan-complete event', async (event, context) =>
    runScan(
      { ecr: clients.ecr, events: clients.events, log: logger, ...(verdicts ? { verdicts } : {}) },
      policy(),
      scanRequestFromScanEvent(event, deadlineIn(context.getRemainingTimeInMillis())),
      { publish: true },
    ),
  );
}

export const handler = onScanCompleteHandler(lambdaRuntime(), verdictStoreFromEnv());
