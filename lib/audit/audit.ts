import {
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  type ECRClient,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import { planRepositorySettings, planReplication } from '../enforce/plan';
import { addToTally, isTagged, scanOnPushState, tagMutabilityOf } from '../registry';
import { isAwsError, toErrorInfo } from '../errors';
import { REPORT_SCHEMA_VERSION, type JobDeps } from '../job/types';
import { allSettledOrThrow } from '../settle';
import { silentLog } from '../log';
import type { Policy } from '../policy';
import { readRegistry, type RegistryState } from '../aws/registry';
import { readRepositoryImages } from '../cleanup/read';
import { planWalkedRepository } from '../cleanup/plan';
import { pullTimeNoiseWarnings, readPullTimeExclusions, type PullTimeNoiseWarning } from '../retention/pull-time-exclusions';
import { walkOptionsFor, type RunScope } from '../walk-options';
import { decodeCursor, mapRepositories, type WalkedRepository } from '../walker';
import { postureFindings } from '../posture/findings';
import { planPosture } from '../posture/plan';
import { analyseRepositoryPolicy } from './repository-policy';
import type { AuditReport, LastScan, RepositoryAudit } from './types';

/** What {@link runAudit} needs. */
export type AuditDeps = Pick<JobDeps, 'ecr' | 'now' | 'log'>;

/** Options of {@link runAudit}: the run's scope (names, cursor, deadline, concurrency) and a progress callback. */
export interface AuditOptions extends RunScope {
  /** Called after each repository, for a progress indicator. */
  onProgress?: (done: number, repositoryName: string) => void;
}

function toLastScan(image: ImageDetail): LastScan {
  const counts = image.imageScanFindingsSummary?.findingSeverityCounts ?? {};
  return {
    imageDigest: image.imageDigest ?? '',
    imageTags: image.imageTags ?? [],
    ...(image.imagePushedAt ? { pushedAt: image.imagePushedAt.toISOString() } : {}),
    ...(image.imageScanStatus?.status ? { status: image.imageScanStatus.status } : {}),
    ...(image.imageScanFindingsSummary?.imageScanCompletedAt
      ? { completedAt: image.imageScanFindingsSummary.imageScanCompletedAt.toISOString() }
      : {}),
    findingSeverityCounts: Object.fromEntries(Object.entries(counts).filter(([, n]) => typeof n === 'number')) as Record<string, number>,
  };
}

async function readLifecyclePolicy(ecr: ECRClient, repo: WalkedRepository): Promise<boolean> {
  try {
    await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: repo.name, registryId: repo.registryId || undefined }));
    return true;
  } catch (err) {
    if (isAwsError(err, 'LifecyclePolicyNotFoundException')) return false;
    throw err;
  }
}

async function readRepositoryPolicy(ecr: ECRClient, repo: WalkedRepository): Promise<string | undefined> {
  try {
    const out = await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: repo.name, registryId: repo.registryId || undefined }));
    return out.policyText;
  } catch (err) {
    if (isAwsError(err, 'RepositoryPolicyNotFoundException')) return undefined;
    throw err;
  }
}

/**
 * Audits one repository: settings against the policy, access, images and their last scan.
 * Read-only. The skip tag is looked up only when something is out of policy or there is garbage.
 *
 * Images are read once, by the cleanup's own reader, and "reclaimable" is what the cleanup plan would
 * delete, retention's expired tagged images included (not in-use protection, which the audit does not read): the same keep rules (multi-arch children and signatures of kept images stay), nothing in a
 * skipped repository, and without `maxDeletesPerRun`, which only spreads deletions over runs. The image
 * counts cover active images (archived ones are read for their references only).
 */
export async function auditRepository(
  deps: AuditDeps,
  repo: WalkedRepository,
  policy: Policy,
  registry: RegistryState,
): Promise<RepositoryAudit> {
  const now = (deps.now ?? (() => new Date()))();
  const { ecr } = deps;
  const [lifecyclePolicy, policyText, images] = await allSettledOrThrow([
    readLifecyclePolicy(ecr, repo),
    readRepositoryPolicy(ecr, repo),
    (async () => {
      const total = { count: 0, bytes: 0 };
      const tagged = { count: 0, bytes: 0 };
      const untagged = { count: 0, bytes: 0 };
      let newestScanned: ImageDetail | undefined;
      const read = await readRepositoryImages(ecr, repo);
      for (const image of read.images) {
        if ((image.imageStatus ?? 'ACTIVE') !== 'ACTIVE') continue;
        addToTally(total, image);
        addToTally(isTagged(image) ? tagged : untagged, image);
        if (image.imageScanStatus || image.imageScanFindingsSummary) {
          const t = image.imagePushedAt?.getTime() ?? 0;
          if (!newestScanned || t > (newestScanned.imagePushedAt?.getTime() ?? 0)) newestScanned = image;
        }
      }
      const plan = await planWalkedRepository(repo, read, {
        rules: policy.cleanup,
        now,
        budget: { remaining: Number.POSITIVE_INFINITY },
        ...(policy.retention.rules.length > 0 ? { retention: policy.retention } : {}),
      });
      return { total, tagged, untagged, reclaimable: plan.reclaim, lastScan: newestScanned ? toLastScan(newestScanned) : null };
    })(),
  ]);

  const settings = planRepositorySettings(repo.repository, policy, registry.scanning);
  const posture = planPosture({ repository: repo.repository, ownAccount: registry.registryId, policyText, hasLifecyclePolicy: lifecyclePolicy }, policy);
  const changes = [...settings.changes, ...posture.changes];
  const notes = [...settings.notes, ...posture.notes];
  const scan = scanOnPushState(repo.repository, registry.scanning);
  const actual = tagMutabilityOf(repo.repository);
  const expected = { mode: policy.tagMutability.mode, exclusions: [...policy.tagMutability.exclusions].sort() };
  const inPolicy = changes.length === 0 && !posture.unfixable;
  const skipped = inPolicy ? null : await repo.isSkipped();
  const repositoryPolicy = posture.repositoryPolicy;

  return {
    repositoryName: repo.name,
    repositoryArn: repo.arn,
    ...(repo.repository.createdAt ? { createdAt: repo.repository.createdAt.toISOString() } : {}),
    tagMutability: { actual, expected, compliant: !changes.some((c) => c.kind === 'set-tag-mutability') },
    scanOnPush: {
      ...scan,
      expected: policy.scanOnPush,
      compliant: !changes.some((c) => c.kind === 'set-scan-on-push'),
    },
    lifecyclePolicy,
    encryption: { type: posture.encryption.type, ...(posture.encryption.kmsKey ? { kmsKey: posture.encryption.kmsKey } : {}), compliant: posture.encryption.compliant },
    access: analyseRepositoryPolicy(policyText, registry.registryId),
    repositoryPolicy: {
      publicStatements: [...(repositoryPolicy?.change?.removals ?? []), ...(repositoryPolicy?.reported ?? [])].filter((r) => r.cause === 'public').map((r) => r.reason),
      disallowedAccounts: policy.repositoryPolicy.allowedAccounts === null ? null : (repositoryPolicy?.disallowedAccounts ?? []),
      unreadable: repositoryPolicy?.unreadable ?? false,
    },
    images: { total: images.total, tagged: images.tagged, untagged: images.untagged, reclaimable: images.reclaimable },
    lastScan: images.lastScan,
    skipped,
    changes: skipped ? [] : changes,
    findings: skipped ? [] : postureFindings(repo.name, changes, posture),
    notes,
    compliant: inPolicy || skipped === true,
  };
}

/** Findings by Security Hub control id, in control order. */
function countByControl(repositories: readonly RepositoryAudit[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const f of repositories.flatMap((r) => r.findings)) for (const c of f.controls) counts.set(c, (counts.get(c) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

/**
 * The read-only audit of the registry and every repository the policy covers: the plans of every
 * job, not applied, plus access, encryption, lifecycle and scan facts.
 *
 * @example
 * const report = await runAudit({ ecr }, policy, { deadline: deadlineIn(context.getRemainingTimeInMillis()) });
 * if (report.summary.outOfPolicyFound) process.exitCode = 3;
 */
export async function runAudit(
  deps: AuditDeps,
  policy: Policy,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const log = deps.log ?? silentLog;
  const now = (deps.now ?? (() => new Date()))();
  const walk = walkOptionsFor(policy, options);
  // A cursor that cannot resume this walk is the caller's mistake: refused before the first call.
  if (walk.cursor !== undefined) decodeCursor(walk.cursor, walk);
  const registry = await readRegistry(deps.ecr);
  const warnings = await retentionWarnings(deps.ecr, policy);
  const replicationChange = planReplication(registry.replicationRules, policy, registry) ?? null;
  let done = 0;
  const run = await mapRepositories(
    deps.ecr,
    walk,
    async (repo) => {
      const audit = await auditRepository({ ...deps, now: () => now }, repo, policy, registry);
      options.onProgress?.(++done, repo.name);
      return audit;
    },
  );
  for (const f of run.failures) log.warn('repository could not be audited', { repositoryName: f.repositoryName, error: f.error });

  const repositories = run.results.map((r) => r.value);
  const sum = (pick: (r: RepositoryAudit) => number) => repositories.reduce((n, r) => n + pick(r), 0);
  const outOfPolicy = repositories.filter((r) => !r.compliant).length;
  const changes = sum((r) => r.changes.length) + (replicationChange ? 1 : 0);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    job: 'audit',
    mode: 'dry-run',
    generatedAt: now.toISOString(),
    registry: {
      registryId: registry.registryId,
      region: registry.region,
      replication: {
        mode: policy.replication.mode,
        rules: registry.replicationRules,
        change: replicationChange,
        compliant: replicationChange === null,
      },
      scanning: { scanType: registry.scanning.scanType, rules: registry.scanningRules },
    },
    repositories,
    failures: run.failures,
    missing: run.missing,
    summary: {
      repositories: repositories.length,
      compliant: repositories.length - outOfPolicy,
      outOfPolicy,
      skipped: repositories.filter((r) => r.skipped === true).length,
      excluded: run.excluded,
      failed: run.failures.length,
      images: sum((r) => r.images.total.count),
      bytes: sum((r) => r.images.total.bytes),
      untaggedImages: sum((r) => r.images.untagged.count),
      untaggedBytes: sum((r) => r.images.untagged.bytes),
      reclaimableImages: sum((r) => r.images.reclaimable.count),
      reclaimableBytes: sum((r) => r.images.reclaimable.bytes),
      changes,
      findings: sum((r) => r.findings.length),
      findingsByControl: countByControl(repositories),
      complete: run.complete,
      ...(run.cursor ? { cursor: run.cursor } : {}),
      outOfPolicyFound: outOfPolicy > 0 || replicationChange !== null,
    },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/**
 * The retention section's risks against the registry: a rule on `notPulledForDays` while no principal is
 * excluded from pull-time updates. The registry's exclusions are read only when a rule needs them; a
 * registry that cannot say (an endpoint without the API) counts as excluding none.
 */
async function retentionWarnings(ecr: ECRClient, policy: Policy): Promise<PullTimeNoiseWarning[]> {
  if (!policy.retention.rules.some((r) => r.notPulledForDays !== null) || policy.retention.pullTimeUpdateExclusions.principals.length > 0) return [];
  try {
    return pullTimeNoiseWarnings(policy.retention, await readPullTimeExclusions(ecr));
  } catch (err) {
    // Warning too much is the safe side; the warning says why it could not tell.
    const { code } = toErrorInfo(err);
    return pullTimeNoiseWarnings(policy.retention, []).map((w) => ({ ...w, message: `${w.message} (the registry's exclusions could not be read: ${code})` }));
  }
}
