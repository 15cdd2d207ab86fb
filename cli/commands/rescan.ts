import { UsageError } from '../../lib/errors';
import { rescanJob } from '../../lib/rescan/job';
import type { RescanRequest } from '../../lib/rescan/run';
import { judgeImages } from '../../lib/scan/judge-images';
import { renderSarif } from '../../lib/scan/sarif';
import { jobCommand } from '../job-command';

const help = `Lists the images whose last scan is older than scan.rescanAfterDays (or that were never scanned), by
digest with the reason, among the images in scope: tagged images pushed within scan.rescanPushedWithinDays.
Without --apply nothing is started. Basic scanning only: under enhanced scanning Amazon Inspector rescans
by itself, and the command says so and does nothing. ECR allows one scan per image per day: an image it
refuses was scanned today, which is what was wanted. Verdicts follow from the scan-complete events.

  --apply              start the scans
  --older-than-days N  rescan images last scanned more than N days ago (default: scan.rescanAfterDays)
  --format sarif       the verdicts of the last scans of the images in scope, as SARIF 2.1.0
  --cursor CURSOR      resume a run that stopped at its deadline

Exit codes: 0 ok, 1 a repository or a scan start failed, 2 usage or policy error.`;

function olderThanDays(text: unknown): Partial<RescanRequest> {
  if (text === undefined) return {};
  const days = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || days < 1 || days > 3650) {
    throw new UsageError(`--older-than-days must be a whole number of days from 1 to 3650, not "${String(text)}"`);
  }
  return { olderThanDays: days };
}

/** `ecr-keeper rescan`: lists the due images; with --apply starts their scans; `--format sarif` judges the images in scope. */
export const rescanCommand = jobCommand(rescanJob, help, 'rescanned', {
  options: { 'older-than-days': { type: 'string' } },
  request: (values) => olderThanDays(values['older-than-days']),
  formats: {
    sarif: async (report, ctx) => {
      const { judged, failures } = await judgeImages(ctx.clients, ctx.policy, report.judgeable);
      for (const f of failures) ctx.log.warn(`${f.image.repositoryName}@${f.image.imageDigest}: not judged: ${f.error.code}: ${f.error.message}`);
      return `${JSON.stringify(renderSarif(judged, ctx.policy.scan), null, 2)}\n`;
    },
  },
});
