import { readRegistryScanning, readReplication } from '../aws/registry';
import { walkOptionsFor } from '../walk-options';
import type { Deadline } from '../deadline';
import { REPORT_SCHEMA_VERSION, type JobDeps } from '../job/types';
import { silentLog } from '../log';
import { allSettledOrThrow } from '../settle';
import type { Policy } from '../policy';
import { decodeCursor, mapRepositories, type RepositoryRun } from '../walker';
import { planPosture, postureReadsForEnforce } from '../posture/plan';
import { readPosture } from '../posture/read';
import { applyChanges } from './apply';
import { countOutcomes, runOutcomes } from './outcomes';
import { planReplication, planRepositorySettings } from './plan';
import type { RegistryScanning } from '../registry';
import type { EnforceMode, EnforceReport, EnforceScope, EnforceTrigger, RepositoryEnforcement } from './types';

/** What {@link runEnforce} needs. */
export type EnforceDeps = JobDeps;

/** Options of {@link runEnforce}. */
export interface EnforceOptions {
  mode: EnforceMode;
  scope: EnforceScope;
  deadline?: Deadline;
  /** Repositories worked on at once; the policy's `runtime.concurrency` by default. */
  concurrency?: number;
  trigger?: EnforceTrigger;
  /** Called after each repository, for a progress indicator. */
  onProgress?: (done: number, repositoryName: string) => void;
}

/** The account of a walked repository: its registry id, or the account in its ARN. */
function ownAccountOf(repo: { registryId: string; arn: string }): string {
  return repo.registryId || (/^arn:[^:]+:ecr:[^:]*:(\d{12}):/.exec(repo.arn)?.[1] ?? '');
}

const NO_REPOSITORIES: RepositoryRun<RepositoryEnforcement> = {
  complete: true,
  listed: 0,
  excluded: 0,
  skipped: [],
  missing: [],
  results: [],
  failures: [],
};

/**
 * Enforces the policy's repository settings, posture (repository policies, the lifecycle baseline; see
 * lib/posture) and replication: reads the registry once, walks the
 * repositories in scope (each one's skip tag looked up only when its plan has changes), plans, applies
 * in `apply` mode. Its events (one `ECR Keeper Setting Enforced` per change applied or failed) are the job's
 * to publish (lib/enforce/job.ts). A failure in one repository is recorded, never thrown; a policy that cannot hold on this registry
 * (replication to itself) throws a PolicyError before any write.
 *
 * @example
 * const report = await runEnforce({ ecr, events }, policy, { mode: 'apply', scope: { kind: 'registry' }, deadline });
 * if (!report.summary.complete) log.info('resume with', { cursor: report.summary.cursor });
 */
export async function runEnforce(deps: EnforceDeps, policy: Policy, options: EnforceOptions): Promise<EnforceReport> {
  const { ecr } = deps;
  const log = deps.log ?? silentLog;
  const now = (deps.now ?? (() => new Date()))();
  const { mode, scope } = options;
  const checksReplication = scope.kind === 'replication' || (scope.kind === 'registry' && scope.cursor === undefined);
  const checksRepositories = scope.kind !== 'replication';
  // A cursor that cannot resume a registry walk is the caller's mistake: refused before the first call.
  if (scope.kind === 'registry' && scope.cursor !== undefined) decodeCursor(scope.cursor, {});

  // Named repositories read the scanning configuration only once one of them is found and in scope;
  // a registry-wide run reads it up front, so that a registry it cannot read fails the run as a whole.
  let scanning: Promise<RegistryScanning> | undefined;
  const scanningState = () => (scanning ??= readRegistryScanning(ecr));
  const [replicationState, region] = await allSettledOrThrow([
    checksReplication ? readReplication(ecr) : undefined,
    ecr.config.region(),
    scope.kind === 'registry' ? scanningState() : undefined,
  ]);

  const replicationChange = replicationState && planReplication(replicationState.replicationRules, policy, replicationState);
  const [replication = null] = replicationChange ? await applyChanges({ ecr }, [replicationChange], { mode }) : [];

  // Posture reads only what the policy asks of it: none under the defaults.
  const reads = postureReadsForEnforce(policy);
  let done = 0;
  const run = checksRepositories
    ? await mapRepositories(
        ecr,
        walkOptionsFor(policy, {
          ...(scope.kind === 'repositories' ? { names: scope.names } : {}),
          ...(scope.cursor !== undefined ? { cursor: scope.cursor } : {}),
          ...(options.deadline ? { deadline: options.deadline } : {}),
          ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        }),
        async (repo): Promise<RepositoryEnforcement> => {
          const [scanningNow, read] = await allSettledOrThrow([scanningState(), readPosture(ecr, repo.name, reads, repo.registryId || undefined)]);
          const settings = planRepositorySettings(repo.repository, policy, scanningNow);
          const posture = planPosture({ repository: repo.repository, ownAccount: ownAccountOf(repo), ...read }, policy);
          const changes = [...settings.changes, ...posture.changes];
          const notes = [...settings.notes, ...posture.notes];
          const outcomes = await applyChanges({ ecr }, changes, { mode, isSkipped: () => repo.isSkipped() });
          options.onProgress?.(++done, repo.name);
          return { repositoryName: repo.name, repositoryArn: repo.arn, registryId: repo.registryId, outcomes, notes };
        },
      )
    : NO_REPOSITORIES;
  for (const f of run.failures) log.warn('repository could not be enforced', { repositoryName: f.repositoryName, error: f.error });

  const repositories = run.results.map((r) => r.value);
  const all = runOutcomes(replication, repositories);
  for (const o of all) if (o.status === 'failed') log.warn('change failed', { reason: o.change.reason, error: o.error });

  const registryId = replicationState?.registryId;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    job: 'enforce',
    mode,
    scope: scope.kind,
    ...(options.trigger ? { trigger: options.trigger } : {}),
    generatedAt: now.toISOString(),
    registry: {
      ...(registryId ? { registryId } : {}),
      region,
      replication: { checked: checksReplication, mode: policy.replication.mode, outcome: replication },
    },
    repositories: repositories.filter((r) => r.outcomes.length > 0 || r.notes.length > 0),
    failures: run.failures,
    missing: run.missing,
    summary: {
      mode,
      repositories: repositories.length,
      compliant: repositories.filter((r) => r.outcomes.length === 0).length,
      excluded: run.excluded,
      changes: all.length,
      ...countOutcomes(all),
      failedRepositories: run.failures.length,
      complete: run.complete,
      ...(run.cursor ? { cursor: run.cursor } : {}),
    },
  };
}
