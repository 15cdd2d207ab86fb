import { deadlineIn } from '../lib/deadline';
import { emitRunMetrics } from '../lib/metrics/emit';
import { scanRunOutcome } from '../lib/metrics/scan-outcome';
import { runScan } from '../lib/scan/run';
import { ScanCompleteEventSchema, scanRequestFromScanEvent } from '../lib/scan/scan-event';
import { verdictStoreFromEnv, type VerdictStore } from '../lib/scan/verdict-state';
import { keeperHandler } from './shared/middleware';
import { eventClients } from './shared/targets';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** ECR's `ECR Image Scan` or Inspector's `Inspector2 Scan` event: judge the findings (no polling), publish the verdict when it is news. */
export function onScanCompleteHandler(runtime: HandlerRuntime, verdicts?: VerdictStore) {
  const { logger, policy, metrics } = runtime;
  return keeperHandler(logger, ScanCompleteEventSchema, 'scan-complete event', async (event, context) => {
    // Inspector's events name the repository's ARN: a delegated administrator receives its members' scans.
    const place = eventClients(runtime, event, context);
    if ('ignored' in place) return { ignored: place.ignored };
    const { clients } = place;
    const run = await runScan(
      { ecr: clients.ecr, events: clients.events, log: logger, ...(verdicts ? { verdicts } : {}) },
      policy(),
      scanRequestFromScanEvent(event, deadlineIn(context.getRemainingTimeInMillis())),
      { publish: true },
    );
    // One verdict metric per verdict published: a scan another path judged already is not counted twice.
    const outcome = run.claim?.publish === false ? undefined : scanRunOutcome(run.outcome);
    if (metrics && outcome) emitRunMetrics(metrics, outcome);
    return run;
  });
}

export const handler = onScanCompleteHandler(lambdaRuntime(), verdictStoreFromEnv());
