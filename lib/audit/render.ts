import { layoutMarkdown, layoutText, problemLines, renderReport, type ReportLayout } from '../report/render';
import { SEVERITIES } from '../policy';
import { formatBytes, formatCounts } from '../report/format';
import type { Column, OutputFormat } from '../report/table';
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
    r.encryption.compliant ? r.encryption.type : `${r.encryption.type} (want KMS)`,
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

/** Every repository finding, one line each: `[ECR.2] repo a/b: ... (fix: ...)`, ecr-keeper's own checks by name. */
function findingLines(report: AuditReport): string[] {
  return report.repositories.flatMap((r) =>
    r.findings.map((f) => `[${f.controls.join(', ') || f.check}] ${f.detail} (fix: ${f.fix === 'enforce' ? 'ecr-keeper enforce --apply' : f.fix})`),
  );
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


/** The audit laid out once for both text renderers: registry facts, the table, findings, planned changes, problems. */
function layout(report: AuditReport): ReportLayout {
  return {
    title: 'ECR audit',
    lead: registryLines(report),
    columns: COLUMNS,
    rows: rows(report),
    empty: 'no repositories in scope',
    lists: [
      { text: 'Findings ([Security Hub control, or check] what, and its fix):', markdown: 'Findings', items: findingLines(report) },
      { text: 'Planned changes (run `ecr-keeper enforce --apply` to make them):', markdown: 'Planned changes', items: changeLines(report) },
      { text: 'Could not audit:', markdown: 'Could not audit', items: problemLines(report) },
      { text: 'Warnings:', markdown: 'Warnings', items: (report.warnings ?? []).map((w) => w.message) },
    ],
    summary: summaryLine(report),
  };
}

/** Renders the audit as a text table (the terminal default) with the registry, planned changes and totals. */
export function renderAuditTable(report: AuditReport): string {
  return layoutText(layout(report));
}

/** Renders the audit as Markdown (for pull requests, wikis and job summaries). */
export function renderAuditMarkdown(report: AuditReport): string {
  return layoutMarkdown(layout(report));
}

/** Renders the audit in one of the CLI's formats. */
export function renderAudit(report: AuditReport, format: OutputFormat): string {
  return renderReport(report, format, { table: renderAuditTable, markdown: renderAuditMarkdown });
}
