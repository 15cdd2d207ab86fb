import { describe, expect, it } from 'vitest';
import { planRepositoryCleanup } from '../lib/cleanup/plan';
import { renderCleanup } from '../lib/cleanup/render';
import { cleanupSummaryEvent } from '../lib/cleanup/summary-event';
import type { ApplyResult, CleanupReport, CleanupSummary } from '../lib/cleanup/types';
import { NOW, digestOf, image, repositoryImages } from './support/cleanup-images';

const rules = { untaggedOlderThanDays: 7, keepPulledWithinDays: null, maxDeletesPerRun: 100 };
const plan = planRepositoryCleanup(
  repositoryImages([image('index', { tags: ['v1'], index: true }), image('amd64'), image('sig', { subject: 'index' }), image('old', { size: 2048 }), image('new', { ageDays: 1 })], {
    index: ['amd64'],
  }),
  { rules, now: NOW, cap: Infinity },
);
const summary: CleanupSummary = {
  mode: 'apply',
  repositories: 1,
  repositoriesWithGarbage: 1,
  images: 5,
  planned: { count: 1, bytes: 2048 },
  deleted: { count: 0, bytes: 0 },
  alreadyGone: 0,
  dropped: 0,
  referenced: 0,
  failed: 1,
  capReached: 0,
  expired: 0,
  archivePlanned: { count: 0, bytes: 0 },
  archived: { count: 0, bytes: 0 },
  inUse: 0,
  inUseFailures: [],
  orphanedSignatureTags: 0,
  unreadableIndexes: 0,
  excluded: 0,
  complete: true,
};
const applied: ApplyResult = {
  deleted: { count: 0, bytes: 0 },
  alreadyGone: 0,
  dropped: [],
  referenced: [],
  failures: [{ digest: digestOf('old'), code: 'KmsError', message: 'key disabled' }],
  notAttempted: 0,
  complete: true,
};
const report: CleanupReport = {
  schemaVersion: 1,
  job: 'cleanup',
  mode: 'apply',
  generatedAt: NOW.toISOString(),
  rules: { ...rules, retentionRules: 0 },
  inUse: { sources: ['ecs', 'lambda'], images: 0, failures: [] },
  repositories: [{ mode: 'apply', repositoryName: 'team/app', plan, applied }],
  failures: [{ repositoryName: 'team/locked', error: { code: 'AccessDeniedException', message: 'no' } }],
  missing: [],
  summary,
};
const short = (name: string) => digestOf(name).slice(0, 19);

describe('renderCleanup', () => {
  it('lists each untagged image with its reason, and the failures, as text', () => {
    const text = renderCleanup(report, 'table');
    expect(text).toContain('cleanup (delete): untagged images older than 7 days, pulls ignored, at most 100 deletions per run');
    expect(text).toMatch(new RegExp(`delete\\s+${short('old')}\\s+2\\.0 KiB\\s+untagged, pushed 30 days ago`));
    expect(text).toMatch(new RegExp(`keep\\s+${short('amd64')}.*listed by kept index ${short('index')}`));
    expect(text).toMatch(new RegExp(`keep\\s+${short('sig')}.*artifact of kept image ${short('index')}`));
    expect(text).toMatch(new RegExp(`keep\\s+${short('new')}.*pushed 1 day ago, within 7 days`));
    expect(text).not.toMatch(new RegExp(`keep\\s+${short('index')}`)); // tagged images are only counted
    expect(text).toContain(`could not delete ${short('old')}: KmsError: key disabled`);
    expect(text).toContain('team/locked: AccessDeniedException: no');
  });

  it('renders Markdown with a table per repository', () => {
    const md = renderCleanup(report, 'markdown');
    expect(md).toContain('## team/app');
    expect(md).toContain('| Action | Image | Size | Reason |');
    expect(md).toContain(`| delete | \`${short('old')}\` | 2.0 KiB |`);
  });

  it('summarises the run in one event that stays small', () => {
    const event = cleanupSummaryEvent(report);
    expect(event.detailType).toBe('ECR Keeper Cleanup Summary');
    expect(event.detail).toMatchObject({
      mode: 'apply',
      repositories: [{ repositoryName: 'team/app', planned: { count: 1, bytes: 2048 }, deleted: { count: 0 }, failed: 1 }],
      failures: [
        { repositoryName: 'team/locked', code: 'AccessDeniedException' },
        { repositoryName: 'team/app', digest: digestOf('old'), code: 'KmsError' },
      ],
    });
  });
});
