import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type * as z from 'zod';
import type { Deadline } from '../deadline';
import type { InUseClients } from '../inuse/clients';
import type { KeeperEvent, PublishResult } from '../events/publish';
import type { Log } from '../log';
import type { Policy } from '../policy';
import type { OutputFormat } from '../report/table';
import type { RepositoryFailure } from '../walker';
import type { FanOutJob, RepositoriesWorkItem } from '../fanout/work-item';
import type { HandOn } from '../hand-on/schema';
import type { JobCounts } from '../metrics/run-outcome';
import type { Mode } from './mode';

/** The version of every JSON report's shape (`schemaVersion`); bumped, with a CHANGELOG line, when it changes. */
export const REPORT_SCHEMA_VERSION = 1;

/** What every job's run takes as its first argument: the clients of the registry it works on. */
export interface JobDeps {
  ecr: ECRClient;
  /** Where the job's events go; without it nothing is published. */
  events?: EventBridgeClient;
  now?: () => Date;
  log?: Log;
  /** The clients of the in-use sources (ECS, Lambda, ...); those of `ecr`'s region and identity by default. */
  inUse?: InUseClients;
}

/** What set a run off, carried into its report and events. */
export type Trigger =
  | { source: 'schedule' }
  | { source: 'cli' }
  | { source: 'manual' }
  | { source: 'drift'; eventName: string; eventId?: string; actor?: string };

/** What a run is asked to do: its mode and its scope. */
export interface JobRequest {
  mode: Mode;
  /** Only these repositories (still subject to the policy's include/exclude); registry-level work is left out. */
  names?: readonly string[];
  /** Only the registry-level work (enforce: replication), no repository. */
  registryOnly?: boolean;
  /** Resume a run that stopped at its deadline. */
  cursor?: string;
  deadline?: Deadline;
  /** Repositories worked on at once; the policy's `runtime.concurrency` by default. */
  concurrency?: number;
  trigger?: Trigger;
  /** Called after each repository, for a progress indicator. */
  onProgress?: (done: number, repositoryName: string) => void;
}

/** The totals every job's summary has. */
export interface JobSummary {
  /** Repositories processed. */
  repositories: number;
  /** Repositories left out by the policy's include/exclude. */
  excluded: number;
  /** False when the run stopped at its deadline; `cursor` resumes it. */
  complete: boolean;
  cursor?: string;
}

/** What every job's report has. */
export interface JobReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  job: JobName;
  mode: Mode;
  generatedAt: string;
  /** Repositories that could not be processed, each with its error. */
  failures: RepositoryFailure[];
  /** Names asked for that do not exist. */
  missing: string[];
  summary: JobSummary;
  /** What became of the run's events, once published (null: none were to be published). */
  events?: PublishResult | null;
}

/** The jobs there are. */
export type JobName = 'audit' | 'enforce' | 'cleanup' | 'rescan';

/** Where a run's events are published from, for the events' detail. */
export interface PublishContext {
  /** A fanned-out run's work item. */
  fanOut?: { run: string; index: number };
}

/** How a job runs fanned out over the work queue (policy `runtime.fanOut`). */
export interface FanOutSpec<R extends JobReport> {
  kind: FanOutJob;
  /** Registry-level work is done once, by the dispatcher, before the repositories are handed out. */
  registryFirst: boolean;
  /** The policy a work item runs under (cleanup: the item's share of the run's cap). */
  policyFor(policy: Policy, item: RepositoriesWorkItem): Policy;
  /** What is left of an item that stopped at `cursor`. */
  rest(item: RepositoriesWorkItem, report: R, cursor: string): RepositoriesWorkItem;
}

/**
 * One job: audit, enforce, cleanup (and every job added later). The handler factory, the CLI command
 * builder, the fan-out worker and the publisher take a `Job` and need nothing else of it.
 *
 * @example
 * const report = await executeJob(cleanupJob, { ecr, events }, policy, { mode: 'dry-run' }, { publish: false });
 * process.stdout.write(cleanupJob.render(report, 'table'));
 */
export interface Job<R extends JobReport = JobReport> {
  readonly name: JobName;
  /** One line for `ecr-keeper --help`. */
  readonly description: string;
  /** The Lambda payload the job's function accepts. */
  readonly requestSchema: z.ZodType<LambdaJobRequest, unknown>;
  /** Whether the job writes in `apply` mode (the audit never does). */
  readonly applies: boolean;
  /**
   * Whether a CLI run with `--apply` publishes the job's events: true for a job whose events each record a
   * change (enforce), so that consumers hear of every change; false for a job whose event is a run summary,
   * which the scheduled runs publish.
   */
  readonly cliPublishes: boolean;
  /** The mode of a Lambda run (the CLI needs `--apply` instead). */
  policyMode(policy: Policy): Mode;
  /** Reads, plans and, in `apply` mode, applies; a failure in one repository is an entry, never a throw. */
  run(deps: JobDeps, policy: Policy, request: JobRequest): Promise<R>;
  /** The events the report leads to (none in a dry-run that changed nothing). */
  events(report: R, context?: PublishContext): KeeperEvent[];
  /** The report (with its published events) reduced to a Lambda's answer: small whatever the registry's size. */
  response(report: Executed<R>): object;
  render(report: R, format: OutputFormat): string;
  /** Output formats only this job renders, beyond table, json and markdown, by name (audit: `asff`). */
  readonly formats?: Readonly<Record<string, (report: R) => string>>;
  /** True when something in the run failed (a change, a deletion, an event): exit code 1, a failed run. */
  failed(report: R): boolean;
  /**
   * The changes a dry-run report plans and what they are (`{ count: 12, what: 'image deletions' }`): what the
   * CLI's confirmation before `--apply` on a terminal states. Every job that applies has it.
   */
  planned?(report: R): { count: number; what: string };
  /** True when the report shows something out of policy (`--check`: exit 3). */
  outOfPolicy?(report: R): boolean;
  readonly fanOut?: FanOutSpec<R>;
  /** What the job counts in its metrics beyond repositories processed and failed (lib/metrics). */
  outcome?(report: R): JobCounts;
  /** How a scheduled run carries its budgets into the continuation it hands its cursor on to. */
  readonly handOn?: HandOnSpec<R>;
}

/** A job's budgets across the invocations of one scheduled run (cleanup: `maxDeletesPerRun`). */
export interface HandOnSpec<R extends JobReport> {
  /** The policy a continuation runs under, given what its hand-on carries. */
  policyFor(policy: Policy, handOn: HandOn): Policy;
  /** What is left of the budget after this invocation (carried as the hand-on's `maxDeletes`). */
  maxDeletesLeft(policy: Policy, report: R): number;
}

/** The Lambda payload every job function takes (a schedule event, or a manual invoke). */
export interface LambdaJobRequest {
  repositories?: string[] | undefined;
  cursor?: string | undefined;
  publish: boolean;
  /** Present on a schedule's event: the run must visit everything, handing its cursor on at the deadline. */
  'detail-type'?: 'Scheduled Event' | undefined;
  /** Present on a continuation of a scheduled run (lib/hand-on). */
  handOn?: HandOn | undefined;
  /** One of the policy's targets: the run works it only (a manual invoke, a continuation over targets). */
  target?: { accountId: string; region: string } | undefined;
}

/** A published run: the job's report and what became of its events (null when none were to be published). */
export type Executed<R extends JobReport> = R & { events: PublishResult | null };

/** Any job, whatever its report. */
// biome-ignore lint/suspicious/noExplicitAny: a registry of jobs holds jobs of every report type
export type AnyJob = Job<any>;
