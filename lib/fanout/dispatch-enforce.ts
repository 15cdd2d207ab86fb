import type { Deadline } from '../deadline';
import { enforceResponse } from '../enforce/response';
import { policyEnforceMode, runEnforce } from '../enforce/run';
import type { Policy } from '../policy';
import { startDispatch, type DispatchReport, type FanOutDeps } from './dispatch';

/**
 * Enforce's fanned-out run: the registry's replication, registry-level work done once per run and here,
 * then every repository the policy covers handed out to the worker as work items. Kept apart from
 * lib/fanout/dispatch.ts so that the cleanup function's bundle, and so its role, holds no enforce call.
 *
 * @example
 * const report = await dispatchEnforce({ ecr, events, queue, log }, policy, { deadline: deadlineIn(context.getRemainingTimeInMillis()) });
 */
export async function dispatchEnforce(deps: FanOutDeps, policy: Policy, options: { deadline?: Deadline; run?: string } = {}): Promise<DispatchReport> {
  const replication = await runEnforce(deps, policy, {
    mode: policyEnforceMode(policy),
    scope: { kind: 'replication' },
    trigger: { source: 'schedule' },
    ...(options.deadline ? { deadline: options.deadline } : {}),
  });
  const report = await startDispatch(deps, policy, 'enforce', options);
  return { ...report, registry: enforceResponse(replication) };
}
