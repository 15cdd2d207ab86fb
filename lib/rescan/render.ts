import { layoutMarkdown, layoutText, problemLines, renderReport, type ReportLayout } from '../report/render';
import type { OutputFormat } from '../report/table';
import type { RescanReport } from './run';
import type { RescanOutcome } from './types';

function outcomeText(outcome: RescanOutcome | undefined): string {
  if (!outcome) return '-';
  if (outcome.kind === 'started') return 'scan started';
  if (outcome.kind === 'failed') return `FAILED: ${outcome.error.code}: ${outcome.error.message}`;
  return outcome.reason;
}

function summaryLine(report: RescanReport): string {
  if (report.note) return `Nothing to rescan: ${report.note}.`;
  const s = report.skipped;
  const count = (kind: RescanOutcome['kind']) => report.outcomes.filter((o) => o.kind === kind).length;
  const verb = report.mode === 'apply' ? 'to scan' : 'would be scanned (dry-run: nothing started; --apply starts them)';
  const started = report.mode === 'apply' ? `, ${count('started')} started, ${count('scanned-today')} already scanned today` : '';
  return (
    `${report.planned.length} image(s) ${verb}${started}; ${s.notDue} scanned within ${report.rescanAfterDays} days, ${s.outOfScope} out of scope, ` +
    `${s.scanning} being scanned, ${s.unsupported} not scannable, ${s.optedOutRepositories} repositories opted out; ${report.summary.repositories} repositories` +
    (report.summary.complete ? '' : ` (stopped at the deadline: resume with --cursor ${report.summary.cursor})`)
  );
}

/** The rescan report laid out once: every due image by digest with its reason, and how its start went. */
function layout(report: RescanReport): ReportLayout {
  const byImage = new Map(report.outcomes.map((o) => [`${o.item.repositoryName}@${o.item.imageDigest}`, o]));
  return {
    title: `ECR rescan (${report.mode})`,
    lead: [`Rescan (${report.mode}, ${report.scanType} scanning), images last scanned more than ${report.rescanAfterDays} days ago`],
    columns: [{ header: 'REPOSITORY' }, { header: 'DIGEST' }, { header: 'TAGS' }, { header: 'REASON' }, ...(report.mode === 'apply' ? [{ header: 'OUTCOME' }] : [])],
    rows: report.planned.map((i) => [
      i.repositoryName,
      i.imageDigest,
      i.imageTags.join(', ') || '-',
      i.reason,
      ...(report.mode === 'apply' ? [outcomeText(byImage.get(`${i.repositoryName}@${i.imageDigest}`))] : []),
    ]),
    empty: 'no image is due for a scan',
    lists: [{ text: 'Problems:', markdown: 'Problems', items: problemLines(report) }],
    summary: summaryLine(report),
  };
}

/** The rescan report as text, Markdown or JSON. */
export function renderRescan(report: RescanReport, format: OutputFormat): string {
  return renderReport(report, format, { table: (r) => layoutText(layout(r)), markdown: (r) => layoutMarkdown(layout(r)) });
}
