import type { JobReport } from '../job/types';
import type { OutputFormat } from './table';

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
