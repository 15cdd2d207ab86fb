import { deadlineIn } from '../lib/deadline';
import { emitRunMetrics } from '../lib/metrics/emit';
import { scanRunOutcome } from '../lib/metrics/scan-outcome';
import { Inspector2FindingEventSchema, judgeFindingEvent } from '../lib/scan/finding-event';
import { verdictStoreFromEnv, type VerdictStore } from '../lib/scan/verdict-state';
import { keeperHandler } from './shared/middleware';
import { eventClients } from './shared/targets';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/**
 * Inspector's `Inspector2 Finding` event for an ECR image: judge the image again, publish the verdict when it is
 * news. The finding's repository ARN names the target it acts in (a delegated administrator receives its members').
 */
export function onFindingHandler(runtime: HandlerRuntime, verdicts?: VerdictStore) {
  const { logger, policy, metrics } = runtime;
  return keeperHandler(logger, Inspector2FindingEventSchema, 'Inspector2 Finding event', async (event, context) => {
    const place = eventClients(runtime, event, context);
    if ('ignored' in place) return { ignored: place.ignored };
    const { clients } = place;
    const run = await judgeFindingEvent(
      { ecr: clients.ecr, events: clients.events, log: logger, ...(verdicts ? { verdicts } : {}) },
      policy(),
      event,
      deadlineIn(context.getRemainingTimeInMillis()),
    );
    // One verdict metric per verdict published: Inspector sends an event per finding, most of them no news.
    const outcome = run.claim?.publish === false ? undefined : scanRunOutcome(run.outcome);
    if (metrics && outcome) emitRunMetrics(metrics, outcome);
    return run;
  });
}

export const handler = onFindingHandler(lambdaRuntime(), verdictStoreFromEnv());
