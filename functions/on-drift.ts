import { deadlineIn } from '../lib/deadline';
import { DriftEventSchema, driftAction } from '../lib/enforce/drift-event';
import { enforceJob, scopeRequest } from '../lib/enforce/job';
import { executeJob } from '../lib/job/execute';
import { keeperHandler } from './shared/middleware';
import { eventClients } from './shared/targets';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/**
 * Re-enforces at once what a CloudTrail-recorded ECR call may have moved: the one repository of a
 * CreateRepository / PutImageTagMutability / PutImageScanningConfiguration, or the registry's
 * replication after PutReplicationConfiguration. Its own writes come back as such events and find
 * nothing to change. A failed call (`errorCode`) is ignored.
 */
export function onDriftHandler(runtime: HandlerRuntime) {
  const { logger, policy } = runtime;
  return keeperHandler(logger, DriftEventSchema, 'CloudTrail ECR event', async (event, context) => {
    const action = driftAction(event);
    if (action.kind === 'ignore') {
      logger.info('drift event ignored', { reason: action.reason, eventName: event.detail.eventName });
      return { ignored: action.reason };
    }
    const current = policy();
    // The CloudTrail record's recipient account and region: the registry that changed.
    const place = eventClients(runtime, event, context);
    if ('ignored' in place) return { ignored: place.ignored };
    const { clients } = place;
    const report = await executeJob(
      enforceJob,
      { ...clients, log: logger },
      current,
      { mode: enforceJob.policyMode(current), ...scopeRequest(action.scope), trigger: action.trigger, deadline: deadlineIn(context.getRemainingTimeInMillis()) },
      { publish: true },
    );
    const response = enforceJob.response(report);
    logger.info('drift enforced', { trigger: action.trigger, ...response });
    return response;
  });
}

export const handler = onDriftHandler(lambdaRuntime());
