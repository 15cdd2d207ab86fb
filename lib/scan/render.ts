import { REPORT_SCHEMA_VERSION } from '../job/types';
import { SEVERITIES } from '../policy';
import { formatCounts } from '../report/format';
import { renderMarkdownTable, renderTable, type Column, type OutputFormat } from '../report/table';
import type { ScanFinding, ScanOutcome, ScanOrigin } from './types';

const FINDING_COLUMNS: Column[] = [
  { header: 'SEVERITY' },
  { header: 'ID' },
  { header: 'PACKAGE' },
  { header: 'VERSION' },
  { header: 'FIXED IN' },
];

const ORIGIN: Record<ScanOrigin, string> = {
  existing: 'scan found in place',
  started: 'scan started by this run',
  'scanned-today': 'already scanned today (one scan per image per day)',
};

function findingRows(findings: readonly ScanFinding[]): string[][] {
  return findings.map((f) => [
    f.reportedSeverity ? `${f.severity} (${f.reportedSeverity})` : f.severity,
    f.id,
    f.packageName ?? '-',
    f.packageVersion ?? '-',
    f.fixedInVersion ?? '-',
  ]);
}

function imageLine(outcome: ScanOutcome): string {
  const { repositoryName, imageDigest, imageTags } = outcome.image;
  return `${repositoryName}@${imageDigest}${imageTags.length ? ` (tags: ${imageTags.join(', ')})` : ''}`;
}

/** The outcome as label/value lines: what the table and Markdown forms both show above the findings. */
function summaryLines(outcome: ScanOutcome): [string, string][] {
  const lines: [string, string][] = [['image', imageLine(outcome)]];
  if (outcome.kind !== 'verdict') {
    return [...lines, ['status', `${outcome.kind.toUpperCase()}${'status' in outcome && outcome.status ? ` (${outcome.status})` : ''}`], ['reason', outcome.reason]];
  }
  const v = outcome.verdict;
  const scan = [v.scan.type, v.scan.status, v.scan.completedAt ? `completed ${v.scan.completedAt}` : '', ORIGIN[outcome.origin]];
  lines.push(['scan', scan.filter(Boolean).join(', ')]);
  lines.push(['verdict', `${v.result.toUpperCase()}: ${v.reason}`]);
  lines.push(['counts', formatCounts(v.counts, SEVERITIES)]);
  if (v.ignored.count > 0) {
    lines.push(['counted', formatCounts(v.effectiveCounts, SEVERITIES)]);
    lines.push(['ignored', `${v.ignored.count} (${v.ignored.ids.join(', ')})`]);
  }
  return lines;
}

/** Renders a scan outcome as text: the summary, then the top findings as a table. */
export function renderScanTable(outcome: ScanOutcome): string {
  const lines = summaryLines(outcome);
  const width = Math.max(...lines.map(([label]) => label.length));
  const out = lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  if (outcome.kind === 'verdict' && outcome.verdict.topFindings.length > 0) {
    const v = outcome.verdict;
    out.push('', `Top findings (${v.topFindings.length} of ${v.findingsTotal - v.ignored.count} counted):`, renderTable(FINDING_COLUMNS, findingRows(v.topFindings)));
  }
  return `${out.join('\n')}\n`;
}

/** Renders a scan outcome as Markdown (pull requests, job summaries). */
export function renderScanMarkdown(outcome: ScanOutcome): string {
  const out = ['# ECR scan', '', ...summaryLines(outcome).map(([label, value]) => `- **${label}:** ${value}`)];
  if (outcome.kind === 'verdict' && outcome.verdict.topFindings.length > 0) {
    out.push('', '## Top findings', '', renderMarkdownTable(FINDING_COLUMNS, findingRows(outcome.verdict.topFindings)));
  }
  return `${out.join('\n')}\n`;
}

/** Renders a scan outcome in one of the CLI's formats; JSON is the outcome itself, with the report's `schemaVersion`. */
export function renderScan(outcome: ScanOutcome, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify({ schemaVersion: REPORT_SCHEMA_VERSION, ...outcome }, null, 2)}\n`;
  return format === 'markdown' ? renderScanMarkdown(outcome) : renderScanTable(outcome);
}
