import { UsageError } from '../../lib/errors';
import { parseImageReference, resolveImage } from '../../lib/scan/image-ref';
import { renderScan } from '../../lib/scan/render';
import { renderSarif } from '../../lib/scan/sarif';
import { runScan } from '../../lib/scan/run';
import type { ScanOutcome } from '../../lib/scan/types';
import { COMMON_HELP, COMMON_OPTIONS, EXIT, commandContext, emitReport, parseCommandArgs, type CliIo } from '../context';
import { createProgress } from '../progress';

export const scanHelp = `Usage: ecr-keeper scan REPOSITORY:TAG | REPOSITORY@sha256:DIGEST [--wait SECONDS] [options]

Makes sure the image has a scan (starts one where none exists; ECR allows one per image per day),
waits on it, and prints the verdict against the policy's scan section (failOn, ignore, topFindings),
the counts per severity and the top findings.

  --wait SECONDS       longest wait on a scan in progress (default: the policy's scan.waitSeconds; 0: do not wait)
  --format sarif       the verdict as SARIF 2.1.0 (one result per finding), for code scanning tools

Exit codes: 0 the image passes (or ECR does not scan this kind of artifact), 4 the verdict fails the
policy, 1 the scan FAILED, is still pending or gave no findings, 2 the repository or image does not exist.

${COMMON_HELP}`;

function parseWait(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(seconds) || seconds > 3600) {
    throw new UsageError(`--wait must be a whole number of seconds from 0 to 3600, not "${text}"`);
  }
  return seconds;
}

/** The exit code of a scan outcome (see the help text). */
export function scanExitCode(outcome: ScanOutcome): number {
  switch (outcome.kind) {
    case 'verdict':
      return outcome.verdict.result === 'pass' ? EXIT.OK : outcome.verdict.result === 'fail' ? EXIT.VERDICT_FAILED : EXIT.FAILURE;
    case 'skipped-unsupported':
      return EXIT.OK;
    case 'missing':
      return EXIT.USAGE;
    default:
      return EXIT.FAILURE;
  }
}

/** `ecr-keeper scan IMAGE`: scans one image and prints its verdict; exit 4 when it fails the policy. */
export async function scanCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON_OPTIONS, wait: { type: 'string' } }, true);
  if (values.help) {
    io.stdout.write(`${scanHelp}\n`);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new UsageError(`scan takes one image (REPOSITORY:TAG or REPOSITORY@sha256:DIGEST), got ${positionals.length}`);
  const ref = parseImageReference(positionals[0]!);
  const wait = parseWait(values.wait);
  const ctx = await commandContext(io, values, ['sarif']);
  const sarif = ctx.extraFormat === 'sarif';

  const image = await resolveImage(ctx.clients.ecr, ref);
  const waitSeconds = wait ?? ctx.policy.scan.waitSeconds;
  const bar = createProgress({ stream: io.stderr, env: io.env }, 'scanned');
  bar.message(`scanning ${image.repositoryName}@${image.imageDigest} (waiting up to ${waitSeconds} s)`);
  const { outcome, findings } = await runScan({ ecr: ctx.clients.ecr, log: ctx.log }, ctx.policy, { image, trigger: 'cli', waitSeconds, scope: 'any' });
  bar.done();
  if (outcome.kind === 'missing') {
    io.stderr.write(`error: ${outcome.reason}\n`);
    return EXIT.USAGE;
  }
  if (sarif) {
    // Without a verdict the log has no result; the exit code and stderr say why.
    if (outcome.kind !== 'verdict') io.stderr.write(`no verdict: ${outcome.reason}\n`);
    const judged = outcome.kind === 'verdict' ? [{ image: outcome.image, verdict: outcome.verdict, findings: findings ?? [] }] : [];
    emitReport(ctx, `${JSON.stringify(renderSarif(judged, ctx.policy.scan), null, 2)}\n`);
  } else {
    emitReport(ctx, renderScan(outcome, ctx.format));
  }
  return scanExitCode(outcome);
}
