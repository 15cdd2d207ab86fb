import { runAudit } from '../../lib/audit/audit';
import { renderAudit } from '../../lib/audit/render';
import { EXIT, WALK_HELP, WALK_OPTIONS, commandContext, parseCommandArgs, progress, type CliIo } from '../context';

export const auditHelp = `Usage: ecr-keeper audit [--check] [--cursor CURSOR] [options]

Read-only report of every repository the policy covers and of the registry: tag mutability and
scan-on-push against the policy, lifecycle policy, encryption, repository-policy access, image counts,
untagged and reclaimable bytes, last scan; replication and scanning configuration.

  --check              exit 3 when anything is out of policy (for CI gates)
  --cursor CURSOR      resume an audit that stopped at its deadline

${WALK_HELP}`;

/** `ecr-keeper audit`: prints the audit; exit 3 with --check when anything is out of policy. */
export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { ...WALK_OPTIONS, check: { type: 'boolean' }, cursor: { type: 'string' } });
  if (values.help) {
    io.stdout.write(`${auditHelp}\n`);
    return EXIT.OK;
  }
  const ctx = await commandContext(io, values);
  const bar = progress(io, ctx.format === 'table');
  const report = await runAudit({ ecr: ctx.clients.ecr, log: ctx.log }, ctx.policy, {
    ...(ctx.names ? { names: ctx.names } : {}),
    ...(ctx.concurrency ? { concurrency: ctx.concurrency } : {}),
    ...(values.cursor ? { cursor: values.cursor } : {}),
    onProgress: (done, name) => bar.update(`audited ${done} repositories (${name})`),
  });
  bar.done();
  io.stdout.write(renderAudit(report, ctx.format));
  if (report.failures.length > 0 || report.missing.length > 0) return EXIT.FAILURE;
  if (values.check && report.summary.outOfPolicyFound) return EXIT.OUT_OF_POLICY;
  return EXIT.OK;
}
