import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { parsePolicy, type Severity } from '../lib/policy';
import type { ScanFindings } from '../lib/scan/findings';
import { renderSarif, sarifLevel, type SarifImage } from '../lib/scan/sarif';
import type { ScanFinding, ScanImage } from '../lib/scan/types';
import { judgeScan } from '../lib/scan/verdict';
import { sarifValidator } from './support/sarif-schema';

const digest = `sha256:${'b'.repeat(64)}`;
const image: ScanImage = { repositoryName: 'team/api', imageDigest: digest, imageTags: ['1.4.2'], repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/team/api' };
const uri = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api@${digest}`;

function finding(id: string, severity: Severity, extra: Partial<ScanFinding> = {}): ScanFinding {
  return { id, severity, packageName: `pkg-${id.toLowerCase()}`, packageVersion: '1.0.0', ...extra };
}

function judged(findings: ScanFinding[], scan: Record<string, unknown> = {}, img: ScanImage = image): SarifImage {
  const read: ScanFindings = { scan: { type: 'ENHANCED', status: 'ACTIVE', completedAt: '2026-11-30T08:00:00.000Z' }, findings, pages: 1 };
  return { image: img, verdict: judgeScan(img, read, parsePolicy({ scan }).scan), findings };
}

const FINDINGS = [
  finding('CVE-2026-0001', 'CRITICAL', { title: 'CVE-2026-0001 - openssl', fixedInVersion: '1.0.1', uri: 'https://nvd.example/CVE-2026-0001', score: 9.8 }),
  finding('CVE-2026-0002', 'HIGH'),
  finding('CVE-2026-0003', 'MEDIUM'),
  finding('CVE-2026-0004', 'LOW'),
  finding('CVE-2026-0005', 'HIGH', { status: 'SUPPRESSED' }),
  finding('GHSA-aaaa-bbbb-cccc', 'CRITICAL'),
];

describe('SARIF 2.1.0 renderer', () => {
  it('writes a log that validates against the SARIF 2.1.0 schema', () => {
    const validate = sarifValidator();
    const log = renderSarif([judged(FINDINGS, { ignore: ['GHSA-aaaa-bbbb-cccc'] })], parsePolicy({ scan: { ignore: ['GHSA-aaaa-bbbb-cccc'] } }).scan);

    const valid = validate(JSON.parse(JSON.stringify(log)));

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a result without a message is refused', () => {
    const validate = sarifValidator();
    const log = JSON.parse(JSON.stringify(renderSarif([judged(FINDINGS)], parsePolicy({}).scan)));
    delete log.runs[0].results[0].message;

    expect(validate(log)).toBe(false);
  });

  it('names the tool ecr-keeper with its version, and gives one result per finding with the vulnerability id as ruleId', () => {
    const log = renderSarif([judged(FINDINGS)], parsePolicy({}).scan);
    const [run] = log.runs;

    expect(run!.tool.driver).toMatchObject({ name: 'ecr-keeper', version: packageJson.version });
    expect(run!.results.map((r) => r.ruleId).sort()).toEqual(FINDINGS.map((f) => f.id).sort());
    for (const result of run!.results) expect(run!.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
  });

  it('locates every result at the image URI', () => {
    const log = renderSarif([judged(FINDINGS)], parsePolicy({}).scan);

    expect(new Set(log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(new Set([uri]));
  });

  it('levels results by severity: error at and above failOn, warning down to MEDIUM, note below', () => {
    const log = renderSarif([judged(FINDINGS, { failOn: 'CRITICAL' })], parsePolicy({ scan: { failOn: 'CRITICAL' } }).scan);
    const level = Object.fromEntries(log.runs[0]!.results.map((r) => [r.ruleId, r.level]));

    expect(level).toMatchObject({ 'CVE-2026-0001': 'error', 'GHSA-aaaa-bbbb-cccc': 'error', 'CVE-2026-0002': 'warning', 'CVE-2026-0003': 'warning', 'CVE-2026-0004': 'note' });
    expect(sarifLevel('HIGH', 'HIGH')).toBe('error');
    expect(sarifLevel('LOW', 'LOW')).toBe('error');
    expect(sarifLevel('INFORMATIONAL', 'HIGH')).toBe('note');
  });

  it('keeps findings the verdict does not count as suppressed results, saying why', () => {
    const log = renderSarif([judged(FINDINGS, { ignore: ['ghsa-aaaa-bbbb-cccc'] })], parsePolicy({ scan: { ignore: ['ghsa-aaaa-bbbb-cccc'] } }).scan);
    const suppressed = Object.fromEntries(log.runs[0]!.results.filter((r) => r.suppressions).map((r) => [r.ruleId, r.suppressions![0]!.justification]));

    expect(suppressed).toEqual({
      'GHSA-aaaa-bbbb-cccc': "GHSA-aaaa-bbbb-cccc is on the policy's allow-list (scan.ignore)",
      'CVE-2026-0005': 'Amazon Inspector reports this finding SUPPRESSED',
    });
  });

  it('shares one rule among images with the same vulnerability, and tells their results apart', () => {
    const other: ScanImage = { ...image, repositoryName: 'team/web', imageDigest: `sha256:${'c'.repeat(64)}`, repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/team/web' };
    const log = renderSarif([judged([finding('CVE-2026-0002', 'HIGH')]), judged([finding('CVE-2026-0002', 'HIGH')], {}, other)], parsePolicy({}).scan);
    const [run] = log.runs;

    expect(run!.tool.driver.rules.map((r) => r.id)).toEqual(['CVE-2026-0002']);
    expect(run!.results).toHaveLength(2);
    expect(new Set(run!.results.map((r) => r.partialFingerprints['ecrKeeperFinding/v1'])).size).toBe(2);
  });

  it("rates a rule by Inspector's score when there is one, by its severity otherwise", () => {
    const rules = renderSarif([judged(FINDINGS)], parsePolicy({}).scan).runs[0]!.tool.driver.rules;
    const rating = Object.fromEntries(rules.map((r) => [r.id, r.properties['security-severity']]));

    expect(rating).toMatchObject({ 'CVE-2026-0001': '9.8', 'CVE-2026-0002': '8.0', 'CVE-2026-0004': '2.0' });
  });

  it('writes an empty but valid log for an image without findings', () => {
    const validate = sarifValidator();
    const log = renderSarif([judged([])], parsePolicy({}).scan);

    expect(log.runs[0]!.results).toEqual([]);
    expect(validate(JSON.parse(JSON.stringify(log)))).toBe(true);
  });
});
