import { EVENT_DETAIL_VERSION } from '../lib/events/version';
import { describe, expect, it } from 'vitest';
import { entrySize } from '../lib/events/publish';
import { MAX_PUT_EVENTS_BYTES } from '../lib/limits';
import { parsePolicy, type Severity } from '../lib/policy';
import type { ScanFindings } from '../lib/scan/findings';
import { fromEnhancedFinding } from '../lib/scan/findings';
import { emptyCounts, toSeverity } from '../lib/scan/severity';
import type { ScanFinding, ScanImage } from '../lib/scan/types';
import { judgeScan } from '../lib/scan/verdict';
import { SCAN_VERDICT_DETAIL_TYPE, scanVerdictEvent, type ScanVerdictDetail } from '../lib/scan/verdict-event';

const image: ScanImage = { repositoryName: 'team/api', imageDigest: `sha256:${'a'.repeat(64)}`, imageTags: ['1.0'] };

function finding(id: string, severity: Severity, extra: Partial<ScanFinding> = {}): ScanFinding {
  return { id, severity, packageName: `pkg-${id}`, packageVersion: '1.0', ...extra };
}

function read(findings: ScanFinding[], extra: Partial<ScanFindings> = {}): ScanFindings {
  return {
    scan: { type: 'BASIC', status: 'COMPLETE', completedAt: '2024-05-01T10:00:00.000Z' },
    findings,
    pages: 1,
    ...extra,
  };
}

const scanPolicy = (scan: Record<string, unknown> = {}) => parsePolicy({ scan }).scan;

describe('judgeScan', () => {
  it('fails an image with a finding at the failOn severity', () => {
    const verdict = judgeScan(image, read([finding('CVE-1', 'HIGH'), finding('CVE-2', 'LOW')]), scanPolicy({ failOn: 'HIGH' }));
    expect(verdict.result).toBe('fail');
    expect(verdict.reason).toBe('1 finding(s) at or above HIGH: HIGH 1');
  });

  it('passes an image whose findings are all below the failOn severity', () => {
    const verdict = judgeScan(image, read([finding('CVE-1', 'MEDIUM'), finding('CVE-2', 'LOW')]), scanPolicy({ failOn: 'HIGH' }));
    expect(verdict.result).toBe('pass');
    expect(verdict.reason).toBe('no finding at or above HIGH (below it: MEDIUM 1, LOW 1)');
  });

  it('orders thresholds CRITICAL > HIGH > MEDIUM > LOW > INFORMATIONAL > UNDEFINED', () => {
    const undefinedOnly = read([finding('CVE-1', 'UNDEFINED')]);
    expect(judgeScan(image, undefinedOnly, scanPolicy({ failOn: 'INFORMATIONAL' })).result).toBe('pass');
    expect(judgeScan(image, undefinedOnly, scanPolicy({ failOn: 'UNDEFINED' })).result).toBe('fail');
    const critical = read([finding('CVE-1', 'CRITICAL')]);
    expect(judgeScan(image, critical, scanPolicy({ failOn: 'CRITICAL' })).result).toBe('fail');
    expect(judgeScan(image, read([finding('CVE-1', 'HIGH')]), scanPolicy({ failOn: 'CRITICAL' })).result).toBe('pass');
  });

  it('does not count allow-listed ids, keeps ECR counts and recomputes the counted ones', () => {
    const findings = [finding('CVE-2024-1', 'CRITICAL'), finding('CVE-2024-1', 'CRITICAL', { packageName: 'other' }), finding('CVE-2024-2', 'MEDIUM')];
    const reported = { ...emptyCounts(), CRITICAL: 2, MEDIUM: 1 };
    const verdict = judgeScan(image, read(findings, { reportedCounts: reported }), scanPolicy({ failOn: 'HIGH', ignore: ['cve-2024-1'] }));
    expect(verdict.result).toBe('pass');
    expect(verdict.counts).toEqual(reported);
    expect(verdict.effectiveCounts).toEqual({ ...emptyCounts(), MEDIUM: 1 });
    expect(verdict.ignored).toEqual({ count: 2, ids: ['CVE-2024-1'] });
    expect(verdict.topFindings.map((f) => f.id)).toEqual(['CVE-2024-2']);
  });

  it('does not count findings Amazon Inspector reports as suppressed', () => {
    const verdict = judgeScan(image, read([finding('CVE-1', 'CRITICAL', { status: 'SUPPRESSED' })]), scanPolicy());
    expect(verdict.result).toBe('pass');
    expect(verdict.ignored.count).toBe(1);
  });

  it('makes a FAILED scan a verdict of its own with ECR description', () => {
    const failed = read([], { scan: { type: 'BASIC', status: 'FAILED', description: 'UnsupportedImageError: The operating system is not supported' } });
    const verdict = judgeScan(image, failed, scanPolicy());
    expect(verdict.result).toBe('scan-failed');
    expect(verdict.reason).toBe('the scan FAILED: UnsupportedImageError: The operating system is not supported');
  });

  it('lists the most severe findings first, then by Inspector score, up to topFindings', () => {
    const findings = [
      finding('CVE-low', 'LOW'),
      finding('CVE-high-a', 'HIGH', { score: 7.1 }),
      finding('CVE-crit', 'CRITICAL'),
      finding('CVE-high-b', 'HIGH', { score: 8.8 }),
    ];
    const verdict = judgeScan(image, read(findings), scanPolicy({ topFindings: 3 }));
    expect(verdict.topFindings.map((f) => f.id)).toEqual(['CVE-crit', 'CVE-high-b', 'CVE-high-a']);
    expect(verdict.findingsTotal).toBe(4);
  });

  it('gives the same verdict, id included, for the same findings in any order', () => {
    const findings = [finding('CVE-1', 'HIGH'), finding('CVE-2', 'HIGH'), finding('CVE-3', 'LOW')];
    const a = judgeScan(image, read(findings), scanPolicy());
    const b = judgeScan(image, read([...findings].reverse()), scanPolicy());
    expect(b).toEqual(a);
    expect(a.verdictId).toMatch(/^[a-f0-9]{32}$/);
  });
});

describe('severities', () => {
  it("counts Inspector's UNTRIAGED as UNDEFINED and keeps what Inspector said", () => {
    expect(toSeverity('UNTRIAGED')).toBe('UNDEFINED');
    const f = fromEnhancedFinding({
      severity: 'UNTRIAGED',
      packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2024-9', vulnerablePackages: [{ name: 'openssl', version: '3.0.1', fixedInVersion: '3.0.7' }] },
    });
    expect(f).toEqual({
      id: 'CVE-2024-9',
      severity: 'UNDEFINED',
      reportedSeverity: 'UNTRIAGED',
      packageName: 'openssl',
      packageVersion: '3.0.1',
      fixedInVersion: '3.0.7',
    });
  });
});

describe('scanVerdictEvent', () => {
  it('publishes the whole verdict when it fits, with the version of its shape', () => {
    const verdict = judgeScan(image, read([finding('CVE-1', 'HIGH')]), scanPolicy());
    const event = scanVerdictEvent(verdict, { source: 'ecr-keeper', repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team/api' });
    expect(event).toEqual({ detailType: SCAN_VERDICT_DETAIL_TYPE, detail: { version: EVENT_DETAIL_VERSION, ...verdict }, resources: ['arn:aws:ecr:us-east-1:123456789012:repository/team/api'] });
  });

  it('cuts the findings list, never the counts, to stay under 256 KiB', () => {
    const huge = Array.from({ length: 5000 }, (_, i) => finding(`CVE-2024-${String(i).padStart(5, '0')}`, 'CRITICAL', { title: 'x'.repeat(400) }));
    const verdict = judgeScan(image, read(huge), scanPolicy({ topFindings: 100 }));
    const bigVerdict = { ...verdict, topFindings: huge }; // more than the policy allows, to overflow for sure
    const event = scanVerdictEvent(bigVerdict, { source: 'ecr-keeper' });
    const detail = event.detail as ScanVerdictDetail;

    const size = entrySize({ Source: 'ecr-keeper', DetailType: event.detailType, Detail: JSON.stringify(detail) });
    expect(size).toBeLessThanOrEqual(MAX_PUT_EVENTS_BYTES);
    expect(detail.counts).toEqual({ ...emptyCounts(), CRITICAL: 5000 });
    expect(detail.findingsTotal).toBe(5000);
    expect(detail.topFindings.length).toBeGreaterThan(0);
    expect(detail.topFindings.length + detail.truncated!.topFindings).toBe(5000);
    expect(detail.topFindings).toEqual(huge.slice(0, detail.topFindings.length));
  });
});
