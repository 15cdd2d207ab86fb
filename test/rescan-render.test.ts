import { describe, expect, it } from 'vitest';
import { renderRescan } from '../lib/rescan/render';
import type { RescanReport } from '../lib/rescan/run';

const digest = `sha256:${'d'.repeat(64)}`;
const item = { kind: 'start-scan' as const, repositoryName: 'team/api', imageDigest: digest, imageTags: ['1.0'], reason: 'tagged and pushed 3 days ago; never scanned' };

function report(extra: Partial<RescanReport> = {}): RescanReport {
  return {
    schemaVersion: 1,
    job: 'rescan',
    mode: 'dry-run',
    generatedAt: '2026-12-01T08:00:00.000Z',
    scanType: 'BASIC',
    rescanAfterDays: 7,
    rescanPushedWithinDays: 90,
    planned: [item],
    outcomes: [],
    judgeable: [],
    skipped: { notDue: 2, outOfScope: 1, scanning: 0, unsupported: 0, optedOutRepositories: 0 },
    failures: [],
    missing: [],
    summary: { repositories: 1, excluded: 0, complete: true },
    ...extra,
  };
}

describe('renderRescan', () => {
  it('lists each due image by digest with its reason, and says a dry run started nothing', () => {
    const text = renderRescan(report(), 'table');

    expect(text).toContain(digest);
    expect(text).toContain('tagged and pushed 3 days ago; never scanned');
    expect(text).toContain('1 image(s) would be scanned (dry-run: nothing started; --apply starts them); 2 scanned within 7 days, 1 out of scope');
  });

  it('shows how each start went in apply mode, the daily quota as already scanned today', () => {
    const md = renderRescan(
      report({ mode: 'apply', outcomes: [{ kind: 'scanned-today', item, reason: 'already scanned today (one scan per image per day): quota' }] }),
      'markdown',
    );

    expect(md).toMatch(/^# ECR rescan \(apply\)/);
    expect(md).toContain('already scanned today (one scan per image per day)');
    expect(md).toContain('0 started, 1 already scanned today');
  });

  it('says why nothing is done under enhanced scanning', () => {
    const text = renderRescan(report({ scanType: 'ENHANCED', planned: [], note: 'the registry uses enhanced scanning' }), 'table');

    expect(text).toContain('Nothing to rescan: the registry uses enhanced scanning.');
  });
});
