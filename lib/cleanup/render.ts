import { markdownList, markdownSummary, problemLines, renderReport, textList } from '../report/render';
import { formatBytes } from '../report/format';
import { renderMarkdownTable, renderTable, type Column, type OutputFormat } from '../report/table';
import type { CleanupReport, ImageDecision, RepositoryCleanup } from './types';

const DAY_MS = 86_400_000;

const COLUMNS: Column[] = [
  { header: 'REPOSITORY' },
  { header: 'IMAGES', align: 'right' },
  { header: 'TO DELETE', align: 'right' },
  { header: 'SIZE', align: 'right' },
  { header: 'KEPT UNTAGGED', align: 'right' },
  { header: 'DELETED', align: 'right' },
  { header: 'FAILED', align: 'right' },
];

/** `sha256:0123456789ab`: enough of a digest to tell images apart in a listing. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}

function daysAgo(iso: string | undefined, now: Date): string {
  if (!iso) return 'at an unknown time';
  const days = Math.floor((now.getTime() - Date.parse(iso)) / DAY_MS);
  return days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
}

/**
 * The reason of one decision in words, as the plan listing prints it.
 *
 * @example
 * describeDecision({ action: 'keep', reason: 'child-of-index', keptBy: 'sha256:…', image }, now); // 'listed by kept index sha256:…'
 */
export function describeDecision(d: ImageDecision, now: Date, rules: CleanupReport['rules']): string {
  const image = d.image;
  if (d.action === 'delete') {
    switch (d.reason) {
      case 'untagged':
        return `untagged, pushed ${daysAgo(image.pushedAt, now)}, nothing kept refers to it`;
      case 'unreferenced-index':
        return `untagged index listed by no kept index, pushed ${daysAgo(image.pushedAt, now)}`;
      case 'child-of-deleted-index':
        return `listed only by index ${d.after.map(shortDigest).join(', ')}, deleted first`;
      case 'referrer-of-deleted-subject':
        return `artifact of ${shortDigest(image.subject ?? '')}, deleted first`;
      case 'orphaned-artifact':
        return `artifact whose subject ${shortDigest(image.subject ?? '')} is gone`;
      case 'expired':
        return `tagged ${image.tags.join(', ')}, expired by retention rule ${d.rule ?? '?'}, pushed ${daysAgo(image.pushedAt, now)}`;
    }
  }
  if (d.action === 'archive') return `tagged ${image.tags.join(', ')}, expired by retention rule ${d.rule}: archived (restorable)`;
  switch (d.reason) {
    case 'tagged':
      return `tagged ${image.tags.join(', ')}`;
    case 'not-active':
      return `${image.status.toLowerCase()}: this job deletes active images only`;
    case 'young':
      return `pushed ${daysAgo(image.pushedAt, now)}, within ${rules.untaggedOlderThanDays} days`;
    case 'recently-pulled':
      return `pulled ${daysAgo(image.lastPulledAt, now)}, within ${rules.keepPulledWithinDays} days`;
    case 'child-of-index':
      return `listed by kept index ${shortDigest(d.keptBy)}`;
    case 'referrer-of-present-subject':
      return `artifact of kept image ${shortDigest(d.keptBy)}`;
    case 'unreadable-index':
      return 'an index of this repository could not be read, so nothing is known to be unreferenced';
    case 'unidentified':
      return 'its manifest could not be read to tell whether it is a signature, an SBOM or an index';
    case 'skipped':
      return 'the repository opts out with the skip tag';
    case 'cap-reached':
      return `maxDeletesPerRun (${rules.maxDeletesPerRun}) reached: a later run deletes it`;
    case 'in-use':
      return `in use by ${d.users.join(', ')}`;
    case 'in-use-unknown':
      return 'an in-use source could not be read, so nothing in this target is known to be unused';
    case 'protected-tag':
      return `tagged ${image.tags.join(', ')}: a protected tag`;
    case 'keep-last':
      return `among the newest images retention rule ${d.rule} keeps`;
    case 'rule-young':
      return `pushed ${daysAgo(image.pushedAt, now)}, younger than retention rule ${d.rule} expires`;
    case 'rule-recently-pulled':
      return `pulled ${daysAgo(image.lastPulledAt, now)}, within retention rule ${d.rule}'s notPulledForDays`;
  }
}

/** The decisions worth listing: every deletion and archive, and every image kept for a reason other than a tag outside the rules. */
function listed(r: RepositoryCleanup): ImageDecision[] {
  return [...r.plan.delete, ...r.plan.archive, ...r.plan.keep.filter((k) => k.reason !== 'tagged')];
}

function rows(report: CleanupReport): string[][] {
  return report.repositories.map((r) => [
    r.repositoryName,
    String(r.plan.delete.length + r.plan.archive.length + r.plan.keep.length),
    String(r.plan.reclaim.count),
    formatBytes(r.plan.reclaim.bytes),
    String(r.plan.keep.filter((k) => k.reason !== 'tagged').length),
    r.mode === 'apply' ? String(r.applied.deleted.count) : '-',
    r.mode === 'apply' ? String(r.applied.failures.length + (r.applied.error ? 1 : 0)) : '-',
  ]);
}

function rulesLine(report: CleanupReport): string {
  const r = report.rules;
  const pulls = r.keepPulledWithinDays === null ? 'pulls ignored' : `kept when pulled within ${r.keepPulledWithinDays} days`;
  const mode = report.mode === 'dry-run' ? 'dry run, nothing is deleted' : 'delete';
  const retention = r.retentionRules > 0 ? `, ${r.retentionRules} retention rule(s) for tagged images` : '';
  const sources = report.inUse.sources.length > 0 ? `; never an image in use (${report.inUse.sources.join(', ')})` : '; in-use sources: none';
  return `cleanup (${mode}): untagged images older than ${r.untaggedOlderThanDays} days, ${pulls}, at most ${r.maxDeletesPerRun} deletions per run${retention}${sources}`;
}

function decisionLines(report: CleanupReport, r: RepositoryCleanup): string[] {
  const now = new Date(report.generatedAt);
  return listed(r).map((d) => {
    const size = d.image.sizeBytes > 0 ? formatBytes(d.image.sizeBytes) : '-';
    return `${d.action.padEnd(7)} ${shortDigest(d.image.digest)}  ${size.padStart(9)}  ${describeDecision(d, now, report.rules)}`;
  });
}

function noteLines(r: RepositoryCleanup): string[] {
  const lines = [
    ...r.plan.unreadableIndexes.map((u) => `index ${shortDigest(u.digest)} could not be read (${u.code}: ${u.message}): nothing deleted here`),
    ...r.plan.orphanedSignatureTags.map((o) => `tag ${o.tag} is a signature of ${shortDigest(o.subject)}, which is gone (tagged: not deleted by this job)`),
  ];
  if (r.mode === 'apply' && r.archived) {
    const a = r.archived;
    lines.push(
      ...(a.archived.count > 0 ? [`${a.archived.count} image(s) archived (${formatBytes(a.archived.bytes)})`] : []),
      ...a.failures.map((f) => `could not archive ${shortDigest(f.digest)}: ${f.code}: ${f.message}`),
      ...a.dropped.map((d) => `kept ${shortDigest(d.digest)}: ${d.reason} at the re-check`),
      ...(a.error ? [`archive stopped: ${a.error.code}: ${a.error.message}`] : []),
    );
  }
  if (r.mode === 'apply') {
    const a = r.applied;
    lines.push(
      ...a.failures.map((f) => `could not delete ${shortDigest(f.digest)}: ${f.code}: ${f.message}`),
      ...a.referenced.map((d) => `kept ${shortDigest(d)}: ECR says an index still lists it`),
      ...a.dropped.map((d) => `kept ${shortDigest(d.digest)}: ${d.reason} at the re-check`),
      ...(a.alreadyGone > 0 ? [`${a.alreadyGone} image(s) were already gone`] : []),
      ...(a.error ? [`stopped: ${a.error.code}: ${a.error.message}`] : []),
      ...(a.notAttempted > 0 ? [`${a.notAttempted} image(s) not attempted (deadline or error)`] : []),
    );
  }
  return lines;
}

function summaryLine(report: CleanupReport): string {
  const s = report.summary;
  const planned = `${s.planned.count} image(s) (${formatBytes(s.planned.bytes)}) ${s.mode === 'dry-run' ? 'would be deleted' : 'planned'}`;
  const deleted = s.mode === 'apply' ? `, ${s.deleted.count} deleted (${formatBytes(s.deleted.bytes)}), ${s.failed} failed` : `, ${s.failed} failed`;
  return (
    `${s.repositories} repositories, ${s.images} images: ${planned}${deleted}` +
    (s.archivePlanned.count > 0 ? `; ${s.archivePlanned.count} to archive (${formatBytes(s.archivePlanned.bytes)})${s.mode === 'apply' ? `, ${s.archived.count} archived` : ''}` : '') +
    (s.inUse > 0 ? `; ${s.inUse} kept in use` : '') +
    (s.inUseFailures.length > 0 ? `; in-use source(s) failed (${s.inUseFailures.join(', ')}): nothing deleted or archived` : '') +
    (s.capReached > 0 ? `; ${s.capReached} left for a later run by maxDeletesPerRun` : '') +
    (s.complete ? '' : s.cursor ? `; stopped at the deadline, resume with --cursor ${s.cursor}` : '; not complete')
  );
}


/** Renders the run as text: the totals per repository, then every deletion and untagged keep with its reason. */
export function renderCleanupTable(report: CleanupReport): string {
  const problems = problemLines(report);
  const details = report.repositories.flatMap((r) => {
    const lines = [...decisionLines(report, r), ...noteLines(r)];
    return lines.length > 0 ? ['', `${r.repositoryName}:`, ...lines.map((l) => `  ${l}`)] : [];
  });
  return [
    rulesLine(report),
    '',
    report.repositories.length > 0 ? renderTable(COLUMNS, rows(report)) : '(no repositories in scope)',
    ...details,
    ...textList('Could not clean up:', problems),
    ...textList('In-use sources that failed (nothing deleted or archived):', report.inUse.failures.map((f) => `${f.source}: ${f.error.code}: ${f.error.message}`)),
    '',
    summaryLine(report),
    ...(report.mode === 'dry-run' && report.summary.planned.count > 0 ? ['Run `ecr-keeper cleanup --apply` to delete.'] : []),
    '',
  ].join('\n');
}

/** Renders the run as Markdown (for pull requests, wikis and job summaries). */
export function renderCleanupMarkdown(report: CleanupReport): string {
  const now = new Date(report.generatedAt);
  const problems = problemLines(report);
  const details = report.repositories.flatMap((r) => {
    const decisions = listed(r);
    const notes = noteLines(r);
    if (decisions.length === 0 && notes.length === 0) return [];
    const table = renderMarkdownTable(
      [{ header: 'Action' }, { header: 'Image' }, { header: 'Size', align: 'right' }, { header: 'Reason' }],
      decisions.map((d) => [d.action, `\`${shortDigest(d.image.digest)}\``, d.image.sizeBytes > 0 ? formatBytes(d.image.sizeBytes) : '-', describeDecision(d, now, report.rules)]),
    );
    return ['', `## ${r.repositoryName}`, '', ...(decisions.length ? [table] : []), ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])];
  });
  return [
    '# ECR cleanup',
    '',
    rulesLine(report),
    '',
    report.repositories.length > 0 ? renderMarkdownTable(COLUMNS, rows(report)) : '_No repositories in scope._',
    ...details,
    ...markdownList('Could not clean up', problems),
    ...markdownList('In-use sources that failed (nothing deleted or archived)', report.inUse.failures.map((f) => `${f.source}: ${f.error.code}: ${f.error.message}`)),
    ...markdownSummary(summaryLine(report)),
  ].join('\n');
}

/** Renders the run in one of the CLI's formats. */
export function renderCleanup(report: CleanupReport, format: OutputFormat): string {
  return renderReport(report, format, { table: renderCleanupTable, markdown: renderCleanupMarkdown });
}
