import { runEnforce } from '../../lib/enforce/run';
import { renderEnforce } from '../../lib/enforce/render';
import type { EnforceScope } from '../../lib/enforce/types';
import { UsageError } from '../../lib/errors';
import { EXIT, WALK_HELP, WALK_OPTIONS, commandContext, parseCommandArgs, progress, type CliIo } from '../context';

export const enforceHelp = `Usage: ecr-keeper enforce [--apply] [--cursor CURSOR] [options]

Brings repository settings and the registry's replication in line with the policy: tag mutability
(every mode ECR has, exclusion filters compared as sets), scan-on-push (left alone under enhanced
scanning), and replication rules (merge or replace). Repositories tagged with the skip tag, or left out
by include/exclude, are not touched. Without --apply it prints the plan and changes nothing. With
--repository only those repositories' settings are enforced and replication is left out.

  --apply              make the changes (default: print the plan only, no write call)
  --cursor CURSOR      resume a run that stopped at its deadline (replication is not checked again)

Exit codes: 0 done (or planned), 1 a change, a repository or an event failed, 2 bad usage or policy.

${WALK_HELP}`;

/** `ecr-keeper enforce`: prints the plan, or applies it with --apply; exit 1 when any change or event failed. */
export async function enforceCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { ...WALK_OPTIONS, apply: { type: 'boolean' }, cursor: { type: 'string' } });
  if (values.help) {
    io.stdout.write(`${enforceHelp}\n`);
    return EXIT.OK;
  }
  if (values.cursor !== undefined && values.repository?.length) {
    throw new UsageError('--cursor resumes a whole-registry run; it cannot be combined with --repository');
  }
  const ctx = await commandContext(io, values);
  const scope: EnforceScope = ctx.names
    ? { kind: 'repositories', names: ctx.names }
    : { kind: 'registry', ...(values.cursor !== undefined ? { cursor: values.cursor } : {}) };
  const bar = progress(io, ctx.format === 'table');
  const report = await runEnforce({ ecr: ctx.clients.ecr, events: ctx.clients.events, log: ctx.log }, ctx.policy, {
    mode: values.apply ? 'apply' : 'plan',
    scope,
    trigger: { source: 'cli' },
    ...(ctx.concurrency ? { concurrency: ctx.concurrency } : {}),
    onProgress: (done, name) => bar.update(`checked ${done} repositories (${name})`),
  });
  bar.done();
  io.stdout.write(renderEnforce(report, ctx.format));
  // An event EventBridge did not take after the retries is a failure too: its consumers never hear of the change.
  const failed = report.summary.failed > 0 || report.failures.length > 0 || report.missing.length > 0 || (report.events?.failed.length ?? 0) > 0;
  return failed ? EXIT.FAILURE : EXIT.OK;
}
