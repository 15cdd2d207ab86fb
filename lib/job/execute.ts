import { publishEvents } from '../events/publish';
import { silentLog } from '../log';
import type { Policy } from '../policy';
import type { Executed, Job, JobDeps, JobReport, JobRequest, PublishContext } from './types';

/** Options of {@link executeJob}. */
export interface ExecuteOptions extends PublishContext {
  /** Publish the report's events (to the policy's bus, with `deps.events`). */
  publish: boolean;
}

/**
 * Runs a job and publishes its events: the one place every run goes through, whether it comes from a
 * schedule, a manual invoke, the CLI or a fanned-out work item. An event EventBridge did not take is kept in
 * `events.failed` (and logged), never dropped.
 *
 * @example
 * const report = await executeJob(enforceJob, { ecr, events, log }, policy, { mode: 'apply', deadline }, { publish: true });
 * if (report.events?.failed.length) process.exitCode = 1;
 */
export async function executeJob<R extends JobReport>(
  job: Job<R>,
  deps: JobDeps,
  policy: Policy,
  request: JobRequest,
  options: ExecuteOptions,
): Promise<Executed<R>> {
  const report = await job.run(deps, policy, request);
  const context: PublishContext = options.fanOut ? { fanOut: options.fanOut } : {};
  const events = options.publish && deps.events ? job.events(report, context) : [];
  const published = events.length > 0 && deps.events ? await publishEvents({ events: deps.events }, policy.events, events) : null;
  for (const f of published?.failed ?? []) (deps.log ?? silentLog).warn('event not published', { ...f });
  return { ...report, events: published };
}

/** True when a run failed anywhere: a repository, a change or deletion, or one of its events. */
export function runFailed<R extends JobReport>(job: Job<R>, report: Executed<R>): boolean {
  return report.failures.length > 0 || job.failed(report) || (report.events?.failed.length ?? 0) > 0;
}
