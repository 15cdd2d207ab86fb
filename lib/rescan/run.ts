import { readRegistryScanning } from '../aws/registry';
import { REPORT_SCHEMA_VERSION, type JobDeps, type JobReport, type JobRequest } from '../job/types';
import type { Policy } from '../policy';
import { walkOptionsFor } from '../walk-options';
import { mapRepositories } from '../walker';
import { applyRescan } from './apply';
import { planRescan, type RescanPolicy } from './plan';
import { readRescanImages } from './read';
import type { RescanImage, RescanItem, RescanOutcome, RescanSkips } from './types';

/** A rescan run's request: the job request, and `--older-than-days`. */
export interface RescanRequest extends JobRequest {
  /** Overrides the policy's `scan.rescanAfterDays`. */
  olderThanDays?: number;
}

/** An image in scope whose last scan can be judged (the SARIF form of the report judges these). */
export type JudgeableImage = Pick<RescanImage, 'repositoryName' | 'repositoryArn' | 'imageDigest' | 'imageTags'>;

/** What a rescan run found and did. */
export interface RescanReport extends JobReport {
  job: 'rescan';
  scanType: 'BASIC' | 'ENHANCED';
  /** Set when the run did nothing on purpose (enhanced scanning). */
  note?: string;
  rescanAfterDays: number;
  rescanPushedWithinDays: number;
  /** The images due for a scan, by digest, each with its reason. */
  planned: RescanItem[];
  /** How each planned scan went (`apply` only). */
  outcomes: RescanOutcome[];
  /** Images in scope with a completed scan. */
  judgeable: JudgeableImage[];
  skipped: RescanSkips & { optedOutRepositories: number };
}

function emptySkips(): RescanReport['skipped'] {
  return { notDue: 0, outOfScope: 0, scanning: 0, unsupported: 0, optedOutRepositories: 0 };
}

/**
 * Rescans (basic scanning): reads every in-scope repository's images (DescribeImages pages only), plans the
 * due ones ({@link planRescan}), and in `apply` mode starts their scans ({@link applyRescan}); the verdicts
 * follow from the scan-complete events. Under enhanced scanning it reads the registry's scanning
 * configuration and stops there, saying why. A repository opted out with the skip tag is looked up only when
 * it has due images. A failure in one repository is an entry in the report, never a crash.
 *
 * @example
 * const report = await runRescan({ ecr }, policy, { mode: 'dry-run' });
 * for (const item of report.planned) console.log(item.repositoryName, item.imageDigest, item.reason);
 */
export async function runRescan(deps: JobDeps, policy: Policy, request: RescanRequest): Promise<RescanReport> {
  const now = deps.now?.() ?? new Date();
  const rescanAfterDays = request.olderThanDays ?? policy.scan.rescanAfterDays;
  const scanning = await readRegistryScanning(deps.ecr);
  const decide: RescanPolicy = {
    scanType: scanning.scanType === 'ENHANCED' ? 'ENHANCED' : 'BASIC',
    rescanAfterDays,
    rescanPushedWithinDays: policy.scan.rescanPushedWithinDays,
    now: now.getTime(),
  };
  const base = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    job: 'rescan',
    mode: request.mode,
    generatedAt: now.toISOString(),
    rescanAfterDays,
    rescanPushedWithinDays: policy.scan.rescanPushedWithinDays,
  } as const;
  if (decide.scanType === 'ENHANCED') {
    const { note } = planRescan([], decide);
    return {
      ...base,
      scanType: 'ENHANCED',
      ...(note ? { note } : {}),
      planned: [],
      outcomes: [],
      judgeable: [],
      skipped: emptySkips(),
      failures: [],
      missing: [],
      summary: { repositories: 0, excluded: 0, complete: true },
    };
  }

  let done = 0;
  const run = await mapRepositories(deps.ecr, walkOptionsFor(policy, request), async (repo) => {
    const images = await readRescanImages(deps.ecr, { name: repo.name, arn: repo.arn });
    const plan = planRescan(images, decide);
    // The skip tag is read only where it changes something: a repository with due images.
    const optedOut = plan.items.length > 0 && (await repo.isSkipped());
    request.onProgress?.(++done, repo.name);
    const judgeable = optedOut ? [] : images.filter((i) => i.lastScanCompletedAt !== undefined && i.scanStatus !== 'UNSUPPORTED_IMAGE');
    return { plan: optedOut ? { ...plan, items: [] } : plan, optedOut, judgeable };
  });

  const skipped = emptySkips();
  for (const { value } of run.results) {
    for (const key of ['notDue', 'outOfScope', 'scanning', 'unsupported'] as const) skipped[key] += value.plan.skipped[key];
    if (value.optedOut) skipped.optedOutRepositories++;
  }
  const planned = run.results.flatMap((r) => r.value.plan.items);
  const outcomes = request.mode === 'apply' ? await applyRescan(deps, { items: planned }) : [];
  return {
    ...base,
    scanType: 'BASIC',
    planned,
    outcomes,
    judgeable: run.results.flatMap((r) =>
      r.value.judgeable.map((i) => ({ repositoryName: i.repositoryName, ...(i.repositoryArn ? { repositoryArn: i.repositoryArn } : {}), imageDigest: i.imageDigest, imageTags: i.imageTags })),
    ),
    skipped,
    failures: run.failures,
    missing: run.missing,
    summary: {
      repositories: run.results.length + run.failures.length,
      excluded: run.excluded,
      complete: run.complete,
      ...(run.cursor ? { cursor: run.cursor } : {}),
    },
  };
}
