import { DescribeRegistryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { ParseArgsConfig } from 'node:util';
import { UsageError, errorCode } from '../lib/errors';
import { runFailed } from '../lib/job/execute';
import type { AwsClients } from '../lib/aws/clients';
import type { Executed, Job, JobReport, JobRequest } from '../lib/job/types';
import { executeOverTargets } from '../lib/targets/execute';
import { renderByTarget, targetHeading } from '../lib/targets/render';
import type { Target } from '../lib/targets/types';
import { decodeCursor } from '../lib/walker/cursor';
import { canAsk, confirmApply, type ConfirmIo } from './confirm';
import { EXIT, WALK_HELP, WALK_OPTIONS, commandContext, emitReport, parseCommandArgs, type CliIo, type CommandContext } from './context';
import { createProgress } from './progress';
import { repositoryTotal } from './repository-total';
import { cliTargets } from './targets';
import { policyForTarget } from '../lib/targets/cap';

/** A CLI command: arguments after its name in, exit code out. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

/** A command as `ecr-keeper --help` lists it. */
export interface CommandEntry {
  run: Command;
  summary: string;
}

/** What one job's command adds to the shared ones: options of its own, and formats it renders itself. */
export interface JobCommandExtras<R extends JobReport> {
  /** Options of this command alone (`rescan --older-than-days`), with their usage text in the command's help. */
  options?: NonNullable<ParseArgsConfig['options']>;
  /** What those options add to the run's request; throws a UsageError for a bad value. */
  request?(values: Record<string, unknown>): Partial<JobRequest> & Record<string, unknown>;
  /**
   * Formats beyond table, json and markdown that need more than the report (`rescan --format sarif` reads each
   * image's findings), rendered by the command from the executed run; a job's own `formats` render the report alone.
   */
  formats?: Record<string, (report: Executed<R>, ctx: CommandContext) => Promise<string>>;
}

/** The usage line of a job's command: `--apply` where the job writes, `--check` where it judges. */
function usageLine<R extends JobReport>(job: Job<R>): string {
  return `Usage: ecr-keeper ${job.name}${job.applies ? ' [--apply [--yes]]' : ''}${job.outOfPolicy ? ' [--check]' : ''} [--cursor CURSOR] [options]`;
}

const YES_HELP = `  -y, --yes            apply without asking (on a terminal, --apply first shows the plan, the account, the
                       region and the number of changes, and asks; in a pipe or CI it never asks)`;

/** The full help of a job's command: usage, the command's own text, the shared options. */
export function jobHelp<R extends JobReport>(job: Job<R>, text: string): string {
  return `${usageLine(job)}\n\n${text}${job.applies ? `\n${YES_HELP}` : ''}\n\n${WALK_HELP}`;
}

/** The account a client works in (ECR's registry id), or why it could not be read. */
async function accountOf(ecr: ECRClient): Promise<string> {
  try {
    return (await ecr.send(new DescribeRegistryCommand({}))).registryId ?? 'unknown';
  } catch (err) {
    return `unknown (DescribeRegistry: ${errorCode(err)})`;
  }
}

/**
 * On a terminal, before `--apply`: plans first (a dry-run in every target), shows the plan on stderr with the
 * account, region and number of changes, and asks. True when the apply goes ahead: yes was answered, `--yes`
 * was given, nobody can be asked (a pipe, CI), or the plan is empty.
 */
async function confirmed<R extends JobReport>(
  job: Job<R>,
  ctx: CommandContext,
  request: JobRequest,
  yes: boolean,
  targets: readonly Target[],
  clientsFor: (target: Target) => AwsClients,
): Promise<boolean> {
  const io: ConfirmIo | undefined = ctx.io.stdin ? { stdin: ctx.io.stdin, stderr: ctx.io.stderr, env: ctx.io.env } : undefined;
  if (yes || !job.planned || !io || !canAsk(io)) return true;
  let count = 0;
  const whats: string[] = [];
  const accounts = new Set<string>();
  const regions = new Set<string>();
  for (const [index, target] of targets.entries()) {
    const clients = clientsFor(target);
    // What the run itself will do: each target within its share of the run's deletion cap.
    const policy = policyForTarget(ctx.policy, index, targets.length);
    const plan = await job.run({ ...clients, log: ctx.log }, policy, { ...request, mode: 'dry-run', onProgress: () => {} });
    const planned = job.planned(plan);
    if (planned.count === 0) continue;
    count += planned.count;
    whats.push(planned.what);
    accounts.add(targets.length > 1 ? target.accountId : await accountOf(clients.ecr));
    regions.add(target.region);
    if (targets.length > 1) ctx.io.stderr.write(`${targetHeading(target)}\n`);
    ctx.io.stderr.write(job.render(plan, 'table'));
  }
  if (count === 0) return true;
  const summary = { command: job.name, account: [...accounts].join(', '), regions: [...regions], changes: count, what: [...new Set(whats)].join('; ') };
  if ((await confirmApply(io, summary, { yes })) !== 'declined') return true;
  ctx.io.stderr.write(`${job.name}: not applied; nothing was changed\n`);
  return false;
}

/**
 * Builds the CLI command of a job: the shared options (policy, format, region, output, repositories,
 * concurrency, cursor), `--apply` (and `--yes`) for a job that writes (without it the run is a dry-run and
 * publishes nothing), `--check` for one that judges; progress on a terminal; one {@link executeJob}; the
 * report (an entry per target) rendered to stdout or `--output`; an exit code from the report: 1 when anything failed, 2 when a
 * named repository does not exist, 3 with `--check` when something is out of policy, 0 otherwise.
 *
 * @example
 * export const cleanupCommand = jobCommand(cleanupJob, cleanupHelpText, 'cleaned up');
 */
export function jobCommand<R extends JobReport>(job: Job<R>, helpText: string, doneVerb: string, extras: JobCommandExtras<R> = {}): CommandEntry {
  const flag = { type: 'boolean' } as const;
  const options = {
    ...WALK_OPTIONS,
    cursor: { type: 'string' } as const,
    ...(job.applies ? { apply: flag, yes: { type: 'boolean', short: 'y' } as const } : {}),
    ...(job.outOfPolicy ? { check: flag } : {}),
    ...extras.options,
  };
  const run: Command = async (args, io) => {
    const { values } = parseCommandArgs(args, options);
    const flags = values as { apply?: boolean; yes?: boolean; check?: boolean; cursor?: string };
    if (values.help) {
      io.stdout.write(`${jobHelp(job, helpText)}\n`);
      return EXIT.OK;
    }
    const ctx = await commandContext(io, values, [...Object.keys(job.formats ?? {}), ...Object.keys(extras.formats ?? {})]);
    const apply = job.applies && flags.apply === true;
    // A cursor ecr-keeper did not produce is the user's to fix, before any AWS call (the targets' too).
    if (flags.cursor !== undefined) decodeCursor(flags.cursor, ctx.names ? { names: ctx.names } : {});
    const { targets, clientsFor } = await cliTargets(
      { ...io, clients: ctx.clients },
      ctx.policy,
      { ...(values.account ? { accounts: values.account as string[] } : {}), ...(values.region ? { regions: values.region as string[] } : {}) },
      { ...(values.profile ? { profile: values.profile as string } : {}), ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}) },
    );
    // A format beyond table, json and markdown (SARIF, ...) is one document about one registry.
    if (ctx.extraFormat && targets.length !== 1) {
      throw new UsageError(`--format ${ctx.extraFormat} reports one target: name it with --account and --region (this run has ${targets.length} targets)`);
    }
    const request: JobRequest = {
      mode: apply ? 'apply' : 'dry-run',
      ...(ctx.names ? { names: ctx.names } : {}),
      ...(ctx.concurrency ? { concurrency: ctx.concurrency } : {}),
      ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}),
      trigger: { source: 'cli' },
      ...extras.request?.(values),
    };
    if (apply && !(await confirmed(job, ctx, request, flags.yes === true, targets, clientsFor))) return EXIT.FAILURE;

    // --verbose says each repository on a line of its own: no progress line redrawn between them.
    const progress = createProgress({ stream: io.stderr, env: io.env }, apply ? doneVerb : 'checked', ctx.verbose ? { mode: 'off' } : {});
    const only = targets.length === 1 ? targets[0] : undefined;
    const total = only && (progress.mode !== 'off' || ctx.verbose) ? repositoryTotal(clientsFor(only).ecr, ctx.policy, ctx.names) : undefined;
    const report = await executeOverTargets(
      job,
      targets,
      clientsFor,
      ctx.policy,
      {
        ...request,
        onProgress: (done, name) => {
          progress.update(done, total?.(), name);
          if (ctx.verbose) {
            const t = total?.();
            io.stderr.write(`repository ${name}: done (${done}${t ? `/${t.count}${t.more ? '+' : ''}` : ''})\n`);
          }
        },
      },
      // A change made from the CLI is published as a scheduled run's would be; a dry-run publishes nothing.
      { publish: apply && job.cliPublishes, log: ctx.log },
    );
    progress.done();
    // A command's own format may read more (rescan --format sarif judges the images); a job's renders the report.
    const own = ctx.extraFormat ? extras.formats?.[ctx.extraFormat] : undefined;
    const extra = ctx.extraFormat ? job.formats?.[ctx.extraFormat] : undefined;
    const single = report.targets.length === 1 && !report.targets[0]?.error ? report.targets[0] : undefined;
    if (single && own) emitReport(ctx, await own(single, ctx));
    else if (single && extra) emitReport(ctx, extra(single));
    else emitReport(ctx, renderByTarget(report, ctx.format, (entry, format) => job.render(entry, format)));
    for (const t of report.targets) {
      for (const name of t.missing ?? []) io.stderr.write(`error: repository ${name} does not exist${report.targets.length > 1 ? ` (${targetHeading(t)})` : ''}\n`);
    }
    if (report.targets.some((t) => t.error !== undefined || runFailed(job, t))) return EXIT.FAILURE;
    // A repository named on the command line that does not exist is the user's to fix.
    if (report.targets.some((t) => (t.missing ?? []).length > 0)) return EXIT.USAGE;
    if (flags.check && report.targets.some((t) => !t.error && job.outOfPolicy?.(t))) return EXIT.OUT_OF_POLICY;
    return EXIT.OK;
  };
  return { run, summary: job.description };
}
