import { renderCleanup } from '../../lib/cleanup/render';
import { runCleanup } from '../../lib/cleanup/run';
import { EXIT, WALK_HELP, WALK_OPTIONS, commandContext, parseCommandArgs, progress, type CliIo } from '../context';

export const cleanupHelp = `Usage: ecr-keeper cleanup [--apply] [--cursor CURSOR] [options]

Plans the deletion of untagged images that nothing needs any more, and prints every untagged image
with the reason it goes or stays. Without --apply nothing is changed. An image stays when it is tagged,
archived, younger than cleanup.untaggedOlderThanDays, pulled within cleanup.keepPulledWithinDays, listed
by an image index that stays (multi-arch), or an artifact (signature, SBOM) of an image that stays.
At most cleanup.maxDeletesPerRun images are deleted per run; repositories tagged with the skip tag
are left alone.

  --apply              delete: re-check each image just before, then delete (parents before children)
  --cursor CURSOR      resume a run that stopped at its deadline

Exit codes: 0 ok, 1 a repository or a deletion failed, 2 usage or policy error.

${WALK_HELP}`;

/** `ecr-keeper cleanup`: prints the plan; with --apply deletes it. Exit 1 when a deletion or a repository failed. */
export async function cleanupCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { ...WALK_OPTIONS, apply: { type: 'boolean' }, cursor: { type: 'string' } });
  if (values.help) {
    io.stdout.write(`${cleanupHelp}\n`);
    return EXIT.OK;
  }
  const ctx = await commandContext(io, values);
  const bar = progress(io, ctx.format === 'table');
  const report = await runCleanup({ ecr: ctx.clients.ecr, log: ctx.log }, ctx.policy, {
    mode: values.apply ? 'delete' : 'dry-run',
    ...(ctx.names ? { names: ctx.names } : {}),
    ...(ctx.concurrency ? { concurrency: ctx.concurrency } : {}),
    ...(values.cursor ? { cursor: values.cursor } : {}),
    onProgress: (done, name) => bar.update(`${values.apply ? 'cleaned up' : 'planned'} ${done} repositories (${name})`),
  });
  bar.done();
  io.stdout.write(renderCleanup(report, ctx.format));
  return report.summary.failed > 0 || report.missing.length > 0 ? EXIT.FAILURE : EXIT.OK;
}
