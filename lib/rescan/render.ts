import { markdownList, markdownSummary, problemLines, renderReport, textList, textSummary } from '../report/render';
import type { OutputFormat } from '../report/table';
import type { RescanReport } from './run';
import type { RescanOutcome } from './types';

function itemLine(item: RescanReport['planned'][number], outcome?: RescanOutcome): string {
  const tags = item.imageTags.length > 0 ? ` (${item.imageTags.join(', ')})` : '';
  const done = !outcome
    ? ''
    : outcome.kind === 'started'
      ? ' -> scan started'
      : outcome.kind === 'failed'
        ? ` -> FAILED: ${outcome.error.code}: ${outcome.error.message}`
        : ` -> ${outcome.reason}`;
  return `${item.repositoryName}@${item.imageDigest}${tags}: ${item.reason}${done}`;
}

function lines(report: RescanReport): string[] {
  const byDigest = new Map(report.outcomes.map((o) => [`${o.item.repositoryName}@${o.item.imageDigest}`, o]));
  return report.planned.map((i) => itemLine(i, byDigest.get(`${i.repositoryName}@${i.imageDigest}`)));
}

function summaryLine(report: RescanReport): string {
  if (report.note) return `Nothing to rescan: ${report.note}.`;
  const s = report.skipped;
  const verb = report.mode === 'apply' ? 'to scan' : 'would be scanned (dry-run: nothing started; --apply starts them)';
  const started = report.mode === 'apply' ? `, ${report.outcomes.filter((o) => o.kind === 'started').length} started, ${report.outcomes.filter((o) => o.kind === 'scanned-today').length} already scanned today` : '';
  return (
    `${report.planned.length} image(s) ${verb}${started}; ${s.notDue} scanned within ${report.rescanAfterDays} days, ${s.outOfScope} out of scope, ` +
    `${s.scanning} being scanned, ${s.unsupported} not scannable, ${s.optedOutRepositories} repositories opted out; ${report.summary.repositories} repositories` +
    (report.summary.complete ? '' : ` (stopped at the deadline: resume with --cursor ${report.summary.cursor})`)
  );
}

/** The rescan report as text, Markdown or JSON: every due image by digest with its reason (and how its start went). */
export function renderRescan(report: RescanReport, format: OutputFormat): string {
  return renderReport(report, format, {
    table: (r) => [`Rescan (${r.mode}, ${r.scanType} scanning)`, ...textList('Due for a scan:', lines(r)), ...textList('Problems:', problemLines(r)), ...textSummary(summaryLine(r))].join('\n'),
    markdown: (r) => [`# ECR rescan (${r.mode})`, ...markdownList('Due for a scan', lines(r)), ...markdownList('Problems', problemLines(r)), ...markdownSummary(summaryLine(r))].join('\n'),
  });
}
