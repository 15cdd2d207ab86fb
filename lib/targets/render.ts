import type { OutputFormat } from '../report/table';
import type { ErrorInfo } from '../errors';
import { targetKey, type TargetTotals } from './types';

/** How a target is headed in a table or in markdown: `123456789012 / eu-west-1`. */
export function targetHeading(entry: { accountId: string; region: string }): string {
  return `${entry.accountId} / ${entry.region}`;
}

/**
 * Renders a report over targets grouped by target: each target's own rendering under a heading naming its
 * account and region (a target that failed as a whole shows its error instead), then the totals. JSON is
 * the report itself. With one target and no error the job's own rendering is all there is, as before targets.
 *
 * @example
 * process.stdout.write(renderByTarget(report, format, (entry, f) => renderAudit(entry, f), renderTotals));
 */
export function renderByTarget<E extends { accountId: string; region: string; error?: ErrorInfo | undefined }, S extends TargetTotals>(
  report: { targets: E[]; summary: S },
  format: OutputFormat,
  renderOne: (entry: E, format: Exclude<OutputFormat, 'json'>) => string,
  renderTotals?: (summary: S, format: Exclude<OutputFormat, 'json'>) => string,
): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const only = report.targets.length === 1 ? report.targets[0] : undefined;
  if (only && !only.error) return renderOne(only, format);
  const sections = report.targets.map((entry) => {
    const heading = format === 'markdown' ? `## ${targetHeading(entry)}` : `== ${targetHeading(entry)} ==`;
    const body = entry.error ? `${format === 'markdown' ? '**failed**' : 'FAILED'}: ${entry.error.code}: ${entry.error.message}\n` : renderOne(entry, format);
    return `${heading}\n\n${body.endsWith('\n') ? body : `${body}\n`}`;
  });
  const { targets, failedTargets } = report.summary;
  const failed = report.targets.filter((t) => t.error).map(targetKey);
  const line = `${targets} targets, ${failedTargets} failed${failed.length ? ` (${failed.join(', ')})` : ''}`;
  const totals = renderTotals ? renderTotals(report.summary, format) : '';
  const heading = format === 'markdown' ? '## All targets' : '== All targets ==';
  return `${sections.join('\n')}\n${heading}\n\n${line}\n${totals}`;
}
