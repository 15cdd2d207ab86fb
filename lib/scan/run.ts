import type { ECRClient, Repository } from '@aws-sdk/client-ecr';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { readRegistryScanning } from '../aws/registry';
import type { RegistryScanning } from '../registry';
import { AwsCallError } from '../errors';
import { publishEvents, type PublishResult } from '../events/publish';
import { silentLog, type Log } from '../log';
import type { Policy } from '../policy';
import { walkRepositories } from '../walker';
import { ensureScan, missingState, type ScanState } from './ensure-scan';
import { readScanFindings } from './findings';
import type { ScanFinding, ScanImage, ScanOrigin, ScanOutcome, ScanRequest } from './types';
import { failingFindingIds, judgeScan } from './verdict';
import { scanVerdictEvent } from './verdict-event';
import { claimVerdict, markPublished, verdictCandidate, type VerdictClaim, type VerdictStore } from './verdict-state';
import { DEFAULT_SCAN_WAIT_TIMING, scanWaitBudget, waitForScan, type ScanWaitTiming } from './wait';

/** What {@link runScan} needs. */
export interface ScanDeps {
  ecr: ECRClient;
  /** Needed when the run publishes its verdict. */
  events?: EventBridgeClient;
  log?: Log;
  /** How the waiter polls (tests shorten it). */
  waitTiming?: Partial<ScanWaitTiming>;
  /**
   * The verdict state: with it, a run publishes a verdict only when no other run published the same news
   * (see {@link claimVerdict}); without it (the CLI, a local invoke), every verdict asked to be published is.
   */
  verdicts?: VerdictStore;
}

/** What {@link runScan} did: where the scan stands, and the verdict event it published (if asked to). */
export interface ScanRun {
  outcome: ScanOutcome;
  events: PublishResult | null;
  /** Every finding of the judged scan, ignored ones included (the SARIF renderer lists them all). */
  findings?: ScanFinding[];
  /** With a verdict state: how the judgement was recorded, and why it was (not) published. */
  claim?: VerdictClaim;
}

/** A scan's outcome and, for a verdict, every finding it judged. */
interface Judged {
  outcome: ScanOutcome;
  findings?: ScanFinding[];
}

/** Statuses whose findings can be judged: a basic scan COMPLETE, an enhanced scan ACTIVE (monitored). */
const JUDGEABLE = new Set(['COMPLETE', 'ACTIVE', 'FAILED']);
/** Statuses of a scan still under way. */
const UNDER_WAY = new Set(['IN_PROGRESS', 'PENDING']);

function once<T>(read: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= read());
}

/** The repository when the policy covers it, or the outcome that says why not. */
async function checkScope(ecr: ECRClient, policy: Policy, image: ScanImage): Promise<Repository | ScanOutcome> {
  const walk = walkRepositories(ecr, {
    names: [image.repositoryName],
    include: policy.repositories.include,
    exclude: policy.repositories.exclude,
    skipTag: policy.repositories.skipTag,
  });
  for await (const repo of walk) return repo.repository;
  const { outcome } = walk;
  if (outcome.missing.length > 0) {
    return { kind: 'missing', image, what: 'repository', reason: `repository ${image.repositoryName} does not exist` };
  }
  const why = outcome.skipped.length > 0 ? `tagged ${policy.repositories.skipTag}=true` : "left out by the policy's repositories.include/exclude";
  return { kind: 'out-of-scope', image, reason: `repository ${image.repositoryName} is ${why}` };
}

async function judge(deps: ScanDeps, policy: Policy, image: ScanImage, origin: ScanOrigin): Promise<Judged> {
  let read: Awaited<ReturnType<typeof readScanFindings>>;
  try {
    read = await readScanFindings(deps.ecr, image);
  } catch (err) {
    const missing = missingState(err);
    if (missing) return { outcome: { ...missing, image } };
    throw err;
  }
  if (JUDGEABLE.has(read.scan.status)) {
    const verdict = judgeScan(image, read, policy.scan);
    return { outcome: { kind: 'verdict', image, origin, verdict, reason: verdict.reason }, findings: read.findings };
  }
  return { outcome: settle(image, origin, read.scan.status, read.scan.description) };
}

/** The outcome for a scan status that gives no verdict. */
function settle(image: ScanImage, origin: ScanOrigin, status: string, description?: string): ScanOutcome {
  const said = description ? `: ${description}` : '';
  if (UNDER_WAY.has(status)) {
    return { kind: 'pending', image, origin, status, reason: `the scan is ${status}${said}; the scan-complete event finishes the job` };
  }
  if (status === 'UNSUPPORTED_IMAGE') return { kind: 'skipped-unsupported', image, reason: `ECR does not scan this artifact${said}` };
  return { kind: 'not-scanned', image, status, reason: `the scan is ${status}${said}` };
}

function fromState(image: ScanImage, state: Exclude<ScanState, { kind: 'scan' }>): ScanOutcome {
  switch (state.kind) {
    case 'unsupported':
      return { kind: 'skipped-unsupported', image, reason: state.reason };
    case 'missing':
      return { kind: 'missing', image, what: state.what, reason: state.reason };
    case 'no-scan':
      return state.awaiting ? { kind: 'pending', image, reason: state.reason } : { kind: 'not-scanned', image, reason: state.reason };
  }
}

/**
 * Scans one image and judges it: checks the policy's scope (events), makes sure a scan exists
 * ({@link ensureScan}), waits on a basic scan in progress within `waitSeconds` and the deadline, reads every
 * finding and judges it ({@link judgeScan}). With `publish`, a verdict becomes one `ECR Keeper Scan Verdict`
 * event; an event EventBridge refuses fails the run (an AwsCallError), so the invocation is retried.
 *
 * Idempotent: a second run over the same image finds the scan in place and gives the same verdict.
 *
 * @example
 * const { outcome } = await runScan({ ecr, events, log }, policy, scanRequestFromPush(event, policy, deadline), { publish: true });
 */
export async function runScan(deps: ScanDeps, policy: Policy, request: ScanRequest, options: { publish?: boolean } = {}): Promise<ScanRun> {
  const log = deps.log ?? silentLog;
  const { outcome, findings } = await scanOutcome(deps, policy, request);
  const level = outcome.kind === 'missing' || outcome.kind === 'not-scanned' ? 'warn' : 'info';
  log[level]('scan outcome', { kind: outcome.kind, repositoryName: request.image.repositoryName, imageDigest: request.image.imageDigest, reason: outcome.reason });
  const judged = findings ? { findings } : {};
  if (!options.publish || outcome.kind !== 'verdict') return { outcome, events: null, ...judged };
  if (!deps.events) throw new Error('runScan: publishing a verdict needs an EventBridge client (deps.events)');

  const candidate = deps.verdicts
    ? verdictCandidate(request.image, outcome.verdict, failingFindingIds(findings ?? [], policy.scan), request.trigger)
    : undefined;
  const claim = deps.verdicts && candidate ? await claimVerdict(deps.verdicts, candidate) : undefined;
  if (claim && !claim.publish) {
    log.info('verdict not published', { repositoryName: request.image.repositoryName, imageDigest: request.image.imageDigest, reason: claim.reason });
    return { outcome, events: null, claim, ...judged };
  }

  const event = scanVerdictEvent(outcome.verdict, {
    source: policy.events.source,
    ...(request.image.repositoryArn ? { repositoryArn: request.image.repositoryArn } : {}),
  });
  const events = await publishEvents({ events: deps.events }, policy.events, [event]);
  const failure = events.failed[0];
  if (failure) throw new AwsCallError('PutEvents', failure.code, `verdict event not published: ${failure.message}`);
  if (deps.verdicts && candidate) await markPublished(deps.verdicts, candidate);
  return { outcome, events, ...(claim ? { claim } : {}), ...judged };
}

/** Triggers that only read what is there: a scan event or a finding event never starts a scan. */
const READ_ONLY_TRIGGERS = new Set<ScanRequest['trigger']>(['scan-complete', 'finding']);

async function scanOutcome(deps: ScanDeps, policy: Policy, request: ScanRequest): Promise<Judged> {
  const { image } = request;
  let repository: Repository | undefined;
  if (request.scope === 'policy') {
    const scoped = await checkScope(deps.ecr, policy, image);
    if ('kind' in scoped) return { outcome: scoped };
    repository = scoped;
  }

  const registryScanning = once<RegistryScanning>(() => readRegistryScanning(deps.ecr));
  const mode = READ_ONLY_TRIGGERS.has(request.trigger) ? 'read-only' : 'start-if-missing';
  const state = await ensureScan({ ecr: deps.ecr, registryScanning }, image, mode, repository);
  if (state.kind !== 'scan') return { outcome: fromState(image, state) };
  if (!UNDER_WAY.has(state.status)) return judge(deps, policy, image, state.origin);

  // A scan under way: wait on it when it is a basic scan and there is time; Inspector's own event finishes enhanced scans.
  const timing = { ...DEFAULT_SCAN_WAIT_TIMING, ...deps.waitTiming };
  const budget = scanWaitBudget(request.waitSeconds, request.deadline, timing.minWaitSeconds);
  const pending = (reason: string): Judged => ({ outcome: { kind: 'pending', image, origin: state.origin, status: state.status, reason } });
  if (budget === 0 || request.signal?.aborted) {
    return pending(`the scan is ${state.status}; not waiting (no time budget); the scan-complete event finishes the job`);
  }
  if ((await registryScanning()).scanType === 'ENHANCED') {
    return pending(`the enhanced scan is ${state.status}; Amazon Inspector's scan event finishes the job`);
  }
  const end = await waitForScan(deps.ecr, image, budget, timing, request.signal);
  if (end.kind === 'timed-out') return pending(`${end.reason}; the scan-complete event finishes the job`);
  return judge(deps, policy, image, state.origin);
}
