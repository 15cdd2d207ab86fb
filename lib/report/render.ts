import type { JobReport } from '../job/types';
import { renderMarkdownTable, renderTable, type Column, type OutputFormat } from './table';

/** The text renderers of one report; JSON is the same for every report. */
export interface Renderers<R> {
  table(report: R): string;
  markdown(report: R): string;
}

/**
 * Renders a report in one of the CLI's formats: JSON (the report as it is), Markdown or a plain-text table.
 *
 * @example
 * export const renderCleanup = (report: CleanupReport, format: OutputFormat) => renderReport(report, format, { table, markdown });
 */
export function renderReport<R>(report: R, format: OutputFormat, renderers: Renderers<R>): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'markdown' ? renderers.markdown(report) : renderers.table(report);
}

/** A Markdown section listing `items` under a heading; nothing when there are none. */
export function markdownList(heading: string, items: readonly string[]): string[] {
  return items.length > 0 ? ['', `## ${heading}`, '', ...items.map((item) => `- ${item}`)] : [];
}

/** The closing lines of every Markdown report: its summary in bold, then a final newline. */
export function markdownSummary(line: string): string[] {
  return ['', `**Summary:** ${line}`, ''];
}

/** A plain-text section listing `items` under a heading line; nothing when there are none. */
export function textList(heading: string | null, items: readonly string[]): string[] {
  return items.length > 0 ? ['', ...(heading !== null ? [heading] : []), ...items.map((item) => `  - ${item}`)] : [];
}

/** The closing lines of every plain-text report: its summary, then a final newline. */
export function textSummary(line: string): string[] {
  return ['', line, ''];
}

/** The repositories a run could not process, and the names asked for that do not exist, one line each. */
export function problemLines(report: Pick<JobReport, 'failures' | 'missing'>): string[] {
  return [
    ...report.failures.map((f) => `${f.repositoryName}: ${f.error.code}: ${f.error.message}`),
    ...report.missing.map((m) => `${m}: repository does not exist`),
  ];
}

/** A report laid out once, for both the plain-text table and Markdown renderers. */
export interface ReportLayout {
  /** Markdown's `# heading` (the text table has none). */
  title: string;
  /** Lines before the table (a `- ` list in Markdown). */
  lead: string[];
  columns: readonly Column[];
  rows: readonly (readonly string[])[];
  /** What stands instead of an empty table. */
  empty: string;
  /** Lists after the table: the text heading may say more than the Markdown one. */
  lists: { text: string; markdown: string; items: string[] }[];
  summary: string;
}

/** Renders a {@link ReportLayout} as a plain-text table (the terminal default). */
export function layoutText(layout: ReportLayout): string {
  return [
    ...layout.lead,
    '',
    layout.rows.length > 0 ? renderTable(layout.columns, layout.rows) : `(${layout.empty})`,
    ...layout.lists.flatMap((l) => textList(l.text, l.items)),
    ...textSummary(layout.summary),
  ].join('\n');
}

/** Renders a {@link ReportLayout} as Markdown (for pull requests, wikis and job summaries). */
export function layoutMarkdown(layout: ReportLayout): string {
  const empty = layout.empty.charAt(0).toUpperCase() + layout.empty.slice(1);
  return [
    `# ${layout.title}`,
    '',
    ...layout.lead.map((l) => `- ${l}`),
    '',
    layout.rows.length > 0 ? renderMarkdownTable(layout.columns, layout.rows) : `_${empty}._`,
    ...layout.lists.flatMap((l) => markdownList(l.markdown, l.items)),
    ...markdownSummary(layout.summary),
  ].join('\n');
}
