import type { Job, JobReport } from '../lib/job/types';
import { executeOverTargets, targetsRunFailed } from '../lib/targets/execute';
import { renderByTarget } from '../lib/targets/render';
import { EXIT, WALK_HELP, WALK_OPTIONS, commandContext, parseCommandArgs, progress, type CliIo } from './context';
import { cliTargets } from './targets';

/** A CLI command: arguments after its name in, exit code out. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

/** A command as `ecr-keeper --help` lists it. */
export interface CommandEntry {
  run: Command;
  summary: string;
}

/** The usage line of a job's command: `--apply` where the job writes, `--check` where it judges. */
function usageLine<R extends JobReport>(job: Job<R>): string {
  return `Usage: ecr-keeper ${job.name}${job.applies ? ' [--apply]' : ''}${job.outOfPolicy ? ' [--check]' : ''} [--cursor CURSOR] [options]`;
}

/** The full help of a job's command: usage, the command's own text, the shared options. */
export function jobHelp<R extends JobReport>(job: Job<R>, text: string): string {
  return `${usageLine(job)}\n\n${text}\n\n${WALK_HELP}`;
}

/**
 * Builds the CLI command of a job: the shared options (policy, format, region, repositories, concurrency,
 * cursor), `--apply` for a job that writes (without it the run is a dry-run and publishes nothing), `--check`
 * for one that judges; one {@link executeJob}; the report rendered; an exit code from the report:
 * 1 when anything failed or a named repository does not exist, 3 with `--check` when something is out of
 * policy, 0 otherwise.
 *
 * @example
 * export const cleanupCommand = jobCommand(cleanupJob, cleanupHelpText, 'cleaned up');
 */
export function jobCommand<R extends JobReport>(job: Job<R>, helpText: string, doneVerb: string): CommandEntry {
  const flag = { type: 'boolean' } as const;
  const options = {
    ...WALK_OPTIONS,
    cursor: { type: 'string' } as const,
    ...(job.applies ? { apply: flag } : {}),
    ...(job.outOfPolicy ? { check: flag } : {}),
  };
  const run: Command = async (args, io) => {
    const { values } = parseCommandArgs(args, options);
    const flags = values as { apply?: boolean; check?: boolean; cursor?: string };
    if (values.help) {
      io.stdout.write(`${jobHelp(job, helpText)}\n`);
      return EXIT.OK;
    }
    const ctx = await commandContext(io, values);
    const apply = job.applies && flags.apply === true;
    const { targets, clientsFor } = await cliTargets(
      { ...io, clients: ctx.clients },
      ctx.policy,
      { ...(values.account ? { accounts: values.account } : {}), ...(values.region ? { regions: values.region } : {}) },
      { ...(values.profile ? { profile: values.profile } : {}), ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}) },
    );
    const bar = progress(io, ctx.format === 'table');
    const report = await executeOverTargets(
      job,
      targets,
      clientsFor,
      ctx.policy,
      {
        mode: apply ? 'apply' : 'dry-run',
        ...(ctx.names ? { names: ctx.names } : {}),
        ...(ctx.concurrency ? { concurrency: ctx.concurrency } : {}),
        ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}),
        trigger: { source: 'cli' },
        onProgress: (done, name) => bar.update(`${apply ? doneVerb : 'checked'} ${done} repositories (${name})`),
      },
      // A change made from the CLI is published as a scheduled run's would be; a dry-run publishes nothing.
      { publish: apply && job.cliPublishes, log: ctx.log },
    );
    bar.done();
    io.stdout.write(renderByTarget(report, ctx.format, (entry, format) => job.render(entry, format)));
    if (targetsRunFailed(job, report)) return EXIT.FAILURE;
    if (flags.check && report.targets.some((t) => !t.error && job.outOfPolicy?.(t))) return EXIT.OUT_OF_POLICY;
    return EXIT.OK;
  };
  return { run, summary: job.description };
}
