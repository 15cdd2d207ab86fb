import { markdownList, markdownSummary, renderReport, textList, textSummary } from '../report/render';
import { renderMarkdownTable, renderTable, type Column, type OutputFormat } from '../report/table';
import { reportOutcomes } from './outcomes';
import { describeTagMutability } from '../registry';
import type { ChangeOutcome, EnforceReport, SettingChange } from './types';

const COLUMNS: Column[] = [{ header: 'TARGET' }, { header: 'SETTING' }, { header: 'FROM' }, { header: 'TO' }, { header: 'OUTCOME' }];

function cells(change: SettingChange): [string, string, string, string] {
  switch (change.kind) {
    case 'set-tag-mutability':
      return [change.repositoryName, 'tag mutability', describeTagMutability(change.from), describeTagMutability(change.to)];
    case 'set-scan-on-push':
      return [change.repositoryName, 'scan-on-push', change.from ? 'on' : 'off', change.to ? 'on' : 'off'];
    case 'put-replication-configuration':
    case 'replication-over-limit':
      return ['(registry)', 'replication', `${change.from.length} rule(s)`, `${change.to.length} rule(s)`];
    case 'set-repository-policy':
      return [change.repositoryName, 'repository policy', `${change.from.statements} statement(s)`, `${change.to.statements} statement(s)`];
    case 'delete-repository-policy':
      return [change.repositoryName, 'repository policy', `${change.from.statements} statement(s)`, 'deleted'];
    case 'put-lifecycle-policy':
      return [change.repositoryName, 'lifecycle policy', 'none', `${change.to.baseline} baseline`];
  }
}

function outcomeText(o: ChangeOutcome): string {
  if (o.status === 'applied') return 'applied';
  if (o.status === 'failed') return `FAILED: ${o.error.code}`;
  return o.skipReason === 'dry-run' ? 'planned' : 'skipped (skip tag)';
}

function rows(report: EnforceReport): string[][] {
  return reportOutcomes(report).map((o) => [...cells(o.change), outcomeText(o)]);
}

function headline(report: EnforceReport): string {
  const where = report.registry.registryId ? `registry ${report.registry.registryId} (${report.registry.region})` : report.registry.region;
  const replication = report.registry.replication;
  const state = !replication.checked
    ? 'not checked'
    : !replication.outcome
      ? 'as the policy says'
      : replication.outcome.status === 'applied'
        ? 'brought in line'
        : replication.outcome.status === 'failed'
          ? 'out of policy, change FAILED'
          : 'out of policy';
  return `enforce ${report.mode === 'dry-run' ? '(dry-run)' : '(apply)'} on ${where}; replication (${replication.mode}): ${state}`;
}

function detailLines(report: EnforceReport): string[] {
  const replication = report.registry.replication.outcome;
  return [
    ...(replication ? [replication.change.reason] : []),
    ...reportOutcomes(report)
      .filter((o): o is Extract<ChangeOutcome, { status: 'failed' }> => o.status === 'failed')
      .map((o) => `${o.change.reason}: ${o.error.code}: ${o.error.message}`),
    ...report.repositories.flatMap((r) => r.notes.map((n) => n.note)),
    ...report.failures.map((f) => `${f.repositoryName}: could not be enforced: ${f.error.code}: ${f.error.message}`),
    ...report.missing.map((m) => `${m}: repository does not exist`),
    ...(report.events?.failed ?? []).map((f) => `event not published (${f.detailType}): ${f.code}: ${f.message}`),
  ];
}

function summaryLine(report: EnforceReport): string {
  const s = report.summary;
  const done = s.mode === 'dry-run' ? `${s.changes} change(s) planned` : `${s.changes} change(s): ${s.applied} applied, ${s.failed} failed, ${s.skipped} skipped`;
  return (
    `${s.repositories} repositories checked: ${s.compliant} compliant, ${s.excluded} excluded, ${s.failedRepositories} failed; ${done}` +
    (s.mode === 'dry-run' && s.changes > 0 ? ' (run with --apply to make them)' : '') +
    (report.events?.failed.length ? `; ${report.events.failed.length} event(s) not published` : '') +
    (s.complete ? '' : `; stopped at the deadline, resume with --cursor ${s.cursor}`)
  );
}

/** Renders an enforcement run as a text table: one row per change and its outcome, then details and totals. */
export function renderEnforceTable(report: EnforceReport): string {
  const details = detailLines(report);
  const body = rows(report);
  return [
    headline(report),
    '',
    body.length > 0 ? renderTable(COLUMNS, body) : '(nothing to change)',
    ...textList(null, details),
    ...textSummary(summaryLine(report)),
  ].join('\n');
}

/** Renders an enforcement run as Markdown (for pull requests and job summaries). */
export function renderEnforceMarkdown(report: EnforceReport): string {
  const details = detailLines(report);
  const body = rows(report);
  return [
    `# ECR enforce ${report.mode === 'dry-run' ? '(dry-run)' : ''}`.trimEnd(),
    '',
    headline(report),
    '',
    body.length > 0 ? renderMarkdownTable(COLUMNS, body) : '_Nothing to change._',
    ...markdownList('Details', details),
    ...markdownSummary(summaryLine(report)),
  ].join('\n');
}

/** Renders an enforcement run in one of the CLI's formats. */
export function renderEnforce(report: EnforceReport, format: OutputFormat): string {
  return renderReport(report, format, { table: renderEnforceTable, markdown: renderEnforceMarkdown });
}
