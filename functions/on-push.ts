import { deadlineIn } from '../lib/deadline';
import { emitRunMetrics } from '../lib/metrics/emit';
import { scanRunOutcome } from '../lib/metrics/scan-outcome';
import { ImageArrivalEventSchema, scanRequestFromArrival } from '../lib/scan/arrival-event';
import { runScan } from '../lib/scan/run';
import { verdictStoreFromEnv, type VerdictStore } from '../lib/scan/verdict-state';
import { SCAN_SAFETY_MARGIN_MS, deadlineSignal } from '../lib/scan/wait';
import { keeperHandler } from './shared/middleware';
import { eventClients } from './shared/targets';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/**
 * An image arrived (ECR's push, replication or pull-through cache event): make sure it has a scan, wait on it
 * briefly (`scan.waitSeconds`, aborted at the deadline), publish the verdict when it is news. The event's
 * account and region name the target it acts in.
 */
export function onPushHandler(runtime: HandlerRuntime, verdicts?: VerdictStore) {
  const { logger, policy, metrics } = runtime;
  return keeperHandler(logger, ImageArrivalEventSchema, 'image arrival event (push, replication, pull through cache)', async (event, context) => {
    const current = policy();
    const place = eventClients(runtime, event, context);
    if ('ignored' in place) return { ignored: place.ignored };
    const { clients } = place;
    const deadline = deadlineIn(context.getRemainingTimeInMillis(), SCAN_SAFETY_MARGIN_MS);
    const request = { ...scanRequestFromArrival(event, current, deadline), signal: deadlineSignal(deadline) };
    const run = await runScan({ ecr: clients.ecr, events: clients.events, log: logger, ...(verdicts ? { verdicts } : {}) }, current, request, { publish: true });
    // One verdict metric per verdict published: a scan another path judged already is not counted twice.
    const outcome = run.claim?.publish === false ? undefined : scanRunOutcome(run.outcome);
    if (metrics && outcome) emitRunMetrics(metrics, outcome);
    return run;
  });
}

export const handler = onPushHandler(lambdaRuntime(), verdictStoreFromEnv());
