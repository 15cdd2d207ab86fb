import type { Job, JobRequest } from '../job/types';
import { ScheduledJobRequestSchema } from '../job/request';
import { enforcedEvents } from './enforced-event';
import { renderEnforce } from './render';
import { enforceResponse } from './response';
import { runEnforce } from './run';
import type { EnforceReport, EnforceScope } from './types';

/** The part of the registry a request covers: named repositories, the registry's own settings only, or all. */
export function enforceScope(request: Pick<JobRequest, 'names' | 'registryOnly' | 'cursor'>): EnforceScope {
  const cursor = request.cursor !== undefined ? { cursor: request.cursor } : {};
  if (request.registryOnly) return { kind: 'replication' };
  if (request.names) return { kind: 'repositories', names: [...request.names], ...cursor };
  return { kind: 'registry', ...cursor };
}

/**
 * Enforce: repository settings (tag mutability, scan-on-push), posture (repository policies, the lifecycle
 * baseline) and the registry's replication, in line with
 * the policy. Its events: one `ECR Keeper Setting Enforced` per change applied or failed.
 *
 * @example
 * const report = await executeJob(enforceJob, { ecr, events }, policy, { mode: 'apply' }, { publish: true });
 */
export const enforceJob: Job<EnforceReport> = {
  name: 'enforce',
  description: 'bring tag mutability, scan-on-push, repository policies, lifecycle baseline and replication in line with the policy (--apply)',
  requestSchema: ScheduledJobRequestSchema,
  applies: true,
  cliPublishes: true,
  policyMode: (policy) => policy.enforce.mode,
  run: (deps, policy, request) =>
    runEnforce(deps, policy, {
      mode: request.mode,
      scope: enforceScope(request),
      ...(request.deadline ? { deadline: request.deadline } : {}),
      ...(request.concurrency !== undefined ? { concurrency: request.concurrency } : {}),
      ...(request.trigger ? { trigger: request.trigger } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    }),
  events: (report) =>
    enforcedEvents(report.registry.replication.outcome, report.repositories, {
      ...(report.registry.registryId ? { registryId: report.registry.registryId } : {}),
      region: report.registry.region,
      ...(report.trigger ? { trigger: report.trigger } : {}),
    }),
  response: enforceResponse,
  render: renderEnforce,
  failed: (report) => report.summary.failed > 0,
  planned: (report) => ({ count: report.summary.changes, what: report.summary.changes === 1 ? 'setting change' : 'setting changes' }),
  outcome: ({ summary }) => ({ repositoriesFailed: summary.failedRepositories, changesApplied: summary.applied, changesFailed: summary.failed }),
  fanOut: {
    kind: 'enforce',
    registryFirst: true,
    policyFor: (policy) => policy,
    rest: (item, _report, cursor) => ({ ...item, cursor }),
  },
};

/** The request part of a scope: the inverse of {@link enforceScope} (a drift event's scope as a job request). */
export function scopeRequest(scope: EnforceScope): { names?: string[]; registryOnly?: boolean; cursor?: string } {
  switch (scope.kind) {
    case 'replication':
      return { registryOnly: true };
    case 'repositories':
      return { names: scope.names, ...(scope.cursor !== undefined ? { cursor: scope.cursor } : {}) };
    case 'registry':
      return scope.cursor !== undefined ? { cursor: scope.cursor } : {};
  }
}
