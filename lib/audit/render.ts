import { markdownList, markdownSummary, problemLines, renderReport, textList, textSummary } from '../report/render';
import { SEVERITIES } from '../policy';
import { formatBytes, formatCounts } from '../report/format';
import { renderMarkdownTable, renderTable, type Column, type OutputFormat } from '../report/table';
import type { AuditReport, RepositoryAudit } from './types';

const COLUMNS: Column[] = [
  { header: 'REPOSITORY' },
  { header: 'STATUS' },
  { header: 'TAG MUTABILITY' },
  { header: 'SCAN ON PUSH' },
  { header: 'LIFECYCLE' },
  { header: 'ENCRYPTION' },
  { header: 'ACCESS' },
  { header: 'IMAGES', align: 'right' },
  { header: 'SIZE', align: 'right' },
  { header: 'UNTAGGED', align: 'right' },
  { header: 'RECLAIMABLE', align: 'right' },
  { header: 'LAST SCAN' },
];

function status(r: RepositoryAudit): string {
  if (r.skipped) return 'skipped';
  return r.compliant ? 'ok' : 'OUT OF POLICY';
}

function scanOnPush(r: RepositoryAudit): string {
  const s = r.scanOnPush;
  const how = s.enhanced ? 'enhanced' : s.registryRule ? 'registry rule' : s.repository ? 'on' : 'off';
  return s.compliant ? how : `${how} (want ${s.expected ? 'on' : 'off'})`;
}

function mutability(r: RepositoryAudit): string {
  const t = r.tagMutability;
  const show = (s: { mode: string; exclusions: string[] }) => (s.exclusions.length ? `${s.mode}[${s.exclusions.join(',')}]` : s.mode);
  return t.compliant ? show(t.actual) : `${show(t.actual)} (want ${show(t.expected)})`;
}

function access(r: RepositoryAudit): string {
  const parts: string[] = [];
  if (r.access.public) parts.push(r.access.publicConditional ? 'public (conditional)' : 'PUBLIC');
  if (r.access.crossAccount.length) parts.push(`accounts ${r.access.crossAccount.join(',')}`);
  return parts.join('; ') || 'private';
}

function lastScan(r: RepositoryAudit): string {
  if (!r.lastScan) return '-';
  return `${r.lastScan.status ?? '?'} ${formatCounts(r.lastScan.findingSeverityCounts, SEVERITIES)}`.trim();
}

function rows(report: AuditReport): string[][] {
  return report.repositories.map((r) => [
    r.repositoryName,
    status(r),
    mutability(r),
    scanOnPush(r),
    r.lifecyclePolicy ? 'yes' : 'no',
    r.encryption.type,
    access(r),
    String(r.images.total.count),
    formatBytes(r.images.total.bytes),
    `${r.images.untagged.count} / ${formatBytes(r.images.untagged.bytes)}`,
    `${r.images.reclaimable.count} / ${formatBytes(r.images.reclaimable.bytes)}`,
    lastScan(r),
  ]);
}

function registryLines(report: AuditReport): string[] {
  const g = report.registry;
  const rep = g.replication;
  return [
    `registry ${g.registryId} (${g.region}): scanning ${g.scanning.scanType}, ${g.scanning.rules.length} scanning rule(s)`,
    `replication (${rep.mode}): ${rep.rules.length} rule(s), ${rep.compliant ? 'as the policy says' : `OUT OF POLICY: ${rep.change?.reason}`}`,
  ];
}

function changeLines(report: AuditReport): string[] {
  return [
    ...(report.registry.replication.change ? [report.registry.replication.change.reason] : []),
    ...report.repositories.flatMap((r) => r.changes.map((c) => c.reason)),
  ];
}

function summaryLine(report: AuditReport): string {
  const s = report.summary;
  return (
    `${s.repositories} repositories: ${s.compliant} ok, ${s.outOfPolicy} out of policy, ${s.skipped} skipped, ` +
    `${s.excluded} excluded, ${s.failed} failed; ${s.images} images (${formatBytes(s.bytes)}), ` +
    `${s.untaggedImages} untagged (${formatBytes(s.untaggedBytes)}), ` +
    `${s.reclaimableImages} reclaimable (${formatBytes(s.reclaimableBytes)})` +
    (s.complete ? '' : `; stopped at the deadline, resume with --cursor ${s.cursor}`)
  );
}


/** Renders the audit as a text table (the terminal default) with the registry, planned changes and totals. */
export function renderAuditTable(report: AuditReport): string {
  const changes = changeLines(report);
  const problems = problemLines(report);
  return [
    ...registryLines(report),
    '',
    report.repositories.length > 0 ? renderTable(COLUMNS, rows(report)) : '(no repositories in scope)',
    ...textList('Planned changes (run `ecr-keeper enforce --apply` to make them):', changes),
    ...textList('Could not audit:', problems),
    ...textSummary(summaryLine(report)),
  ].join('\n');
}

/** Renders the audit as Markdown (for pull requests, wikis and job summaries). */
export function renderAuditMarkdown(report: AuditReport): string {
  const changes = changeLines(report);
  const problems = problemLines(report);
  return [
    '# ECR audit',
    '',
    ...registryLines(report).map((l) => `- ${l}`),
    '',
    report.repositories.length > 0 ? renderMarkdownTable(COLUMNS, rows(report)) : '_No repositories in scope._',
    ...markdownList('Planned changes', changes),
    ...markdownList('Could not audit', problems),
    ...markdownSummary(summaryLine(report)),
  ].join('\n');
}

/** Renders the audit in one of the CLI's formats. */
export function renderAudit(report: AuditReport, format: OutputFormat): string {
  return renderReport(report, format, { table: renderAuditTable, markdown: renderAuditMarkdown });
}
