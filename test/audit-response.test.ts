import { describe, expect, it } from 'vitest';
import { fitReport } from '../lib/audit/response';
import type { AuditReport, RepositoryAudit } from '../lib/audit/types';

function repository(name: string, compliant: boolean): RepositoryAudit {
  return { repositoryName: name, compliant, notes: [], changes: [], padding: 'x'.repeat(500) } as unknown as RepositoryAudit;
}

function report(n: number): AuditReport {
  return {
    schemaVersion: 1,
    job: 'audit',
    mode: 'dry-run',
    generatedAt: '2026-01-01T00:00:00.000Z',
    registry: {} as AuditReport['registry'],
    repositories: Array.from({ length: n }, (_, i) => repository(`r/${i}`, i % 2 === 0)),
    failures: [],
    missing: [],
    summary: { repositories: n } as AuditReport['summary'],
  };
}

describe('fitReport', () => {
  it('returns a small report unchanged', () => {
    const r = report(4);
    expect(fitReport(r, 1_000_000)).toBe(r);
  });

  it('leaves compliant repositories out first and says how many were left out', () => {
    const fitted = fitReport(report(100), 30_000);
    expect(fitted.repositories.every((r) => !r.compliant)).toBe(true);
    expect(fitted.repositories).toHaveLength(50);
    expect(fitted.truncated?.repositoriesLeftOut).toBe(50);
    expect(fitted.summary.repositories).toBe(100);
  });

  it('cuts out-of-policy repositories too when they alone are too large', () => {
    const fitted = fitReport(report(400), 30_000);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(30_000);
    expect(fitted.truncated!.repositoriesLeftOut + fitted.repositories.length).toBe(400);
  });
});
