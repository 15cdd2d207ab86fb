import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ASFF_SCHEMA_VERSION, parseRepositoryArn, renderAsff, toAsffFindings } from '../lib/posture/asff';
import { evaluatePosture, type RepositoryPostureFacts } from '../lib/posture/evaluate';
import { ASFF_FINDING_SCHEMA, ASFF_REQUIRED } from './support/asff-schema';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(ASFF_FINDING_SCHEMA);

const AT = '2026-12-01T08:00:00.000Z';
const arn = (name: string, account = '123456789012', region = 'eu-west-1') => `arn:aws:ecr:${region}:${account}:repository/${name}`;

/** A repository that passes every check; `over` makes it fail some. */
function facts(name: string, over: Partial<RepositoryPostureFacts> = {}): RepositoryPostureFacts {
  return {
    repositoryName: name,
    repositoryArn: arn(name),
    scanning: { effective: true, how: 'registry rule' },
    tagMutability: 'IMMUTABLE',
    lifecyclePolicy: true,
    encryption: { type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/k' },
    publicStatements: [],
    disallowedAccounts: null,
    ...over,
  };
}

const bad = facts('team/app', {
  scanning: { effective: false, how: 'off' },
  tagMutability: 'MUTABLE',
  lifecyclePolicy: false,
  encryption: { type: 'AES256' },
  publicStatements: ['statement "PublicPull" allows everyone (principal *), with no narrowing condition'],
  disallowedAccounts: ['999988887777'],
});

describe('evaluatePosture', () => {
  it('judges each check and names the Security Hub control it stands for', () => {
    expect(evaluatePosture(bad).map((r) => [r.check, r.controls, r.status])).toEqual([
      ['image-scanning', ['ECR.1'], 'FAILED'],
      ['tag-immutability', ['ECR.2'], 'FAILED'],
      ['lifecycle-policy', ['ECR.3'], 'FAILED'],
      ['encryption', ['ECR.5'], 'FAILED'],
      ['public-access', [], 'FAILED'],
      ['account-access', [], 'FAILED'],
    ]);
  });

  it('passes a repository that meets every check, and leaves account access out when any account is allowed', () => {
    const results = evaluatePosture(facts('team/ok'));
    expect(results.map((r) => r.status)).toEqual(['PASSED', 'PASSED', 'PASSED', 'PASSED', 'PASSED']);
    expect(results.map((r) => r.check)).not.toContain('account-access');
  });

  it('counts immutable tags with exclusions as immutable, and mutable ones with exclusions as not', () => {
    const status = (tagMutability: string) => evaluatePosture(facts('a/b', { tagMutability })).find((r) => r.check === 'tag-immutability')!.status;
    expect(status('IMMUTABLE_WITH_EXCLUSION')).toBe('PASSED');
    expect(status('MUTABLE_WITH_EXCLUSION')).toBe('FAILED');
  });
});

describe('toAsffFindings', () => {
  const findings = toAsffFindings(
    [
      { repositoryArn: bad.repositoryArn, results: evaluatePosture(bad) },
      { repositoryArn: arn('team/ok', '210987654321', 'us-east-2'), results: evaluatePosture(facts('team/ok')) },
    ],
    AT,
  );

  it('writes findings that carry every required ASFF field, within its limits', () => {
    expect(findings.length).toBe(11);
    for (const finding of findings) {
      const valid = validate(finding);
      expect(valid, JSON.stringify(validate.errors)).toBe(true);
      for (const field of ASFF_REQUIRED) expect(finding).toHaveProperty(field);
    }
  });

  it('makes one finding per repository and check, with stable ids', () => {
    expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
    expect(findings.filter((f) => f.Resources[0]!.Id === bad.repositoryArn).map((f) => f.Id)).toEqual([
      'ecr-keeper/123456789012/eu-west-1/team/app/ECR.1',
      'ecr-keeper/123456789012/eu-west-1/team/app/ECR.2',
      'ecr-keeper/123456789012/eu-west-1/team/app/ECR.3',
      'ecr-keeper/123456789012/eu-west-1/team/app/ECR.5',
      'ecr-keeper/123456789012/eu-west-1/team/app/public-access',
      'ecr-keeper/123456789012/eu-west-1/team/app/account-access',
    ]);
  });

  it("files each finding under the repository's own account, region and partition", () => {
    const ok = findings.find((f) => f.Resources[0]!.Id.includes('team/ok'))!;
    expect(ok).toMatchObject({
      SchemaVersion: ASFF_SCHEMA_VERSION,
      AwsAccountId: '210987654321',
      ProductArn: 'arn:aws:securityhub:us-east-2:210987654321:product/210987654321/default',
      Resources: [{ Type: 'AwsEcrRepository', Id: arn('team/ok', '210987654321', 'us-east-2'), Partition: 'aws', Region: 'us-east-2' }],
    });
  });

  it('gives a failed check its severity and a remediation, a passed one INFORMATIONAL and none', () => {
    const scanning = findings.find((f) => f.Id.endsWith('team/app/ECR.1'))!;
    expect(scanning).toMatchObject({ Severity: { Label: 'HIGH' }, Compliance: { Status: 'FAILED' }, Title: 'ECR.1 ECR private repositories should have image scanning configured' });
    expect(scanning.Remediation?.Recommendation.Text).toMatch(/scan-on-push/);
    const passed = findings.find((f) => f.Id.endsWith('team/ok/ECR.1'))!;
    expect(passed).toMatchObject({ Severity: { Label: 'INFORMATIONAL' }, Compliance: { Status: 'PASSED' } });
    expect(passed.Remediation).toBeUndefined();
  });

  it('cuts a description to the 1024 characters ASFF allows', () => {
    const long = facts('team/long', { publicStatements: Array.from({ length: 40 }, (_, i) => `statement ${i} allows everyone (principal *), with no narrowing condition`) });
    const [finding] = toAsffFindings([{ repositoryArn: long.repositoryArn, results: evaluatePosture(long).filter((r) => r.check === 'public-access') }], AT);
    expect(finding!.Description).toHaveLength(1024);
    expect(validate(finding)).toBe(true);
  });

  it('renders a JSON array, as batch-import-findings --findings file://... reads it', () => {
    expect(JSON.parse(renderAsff(findings))).toEqual(findings);
  });

  it('refuses what is not a repository ARN', () => {
    expect(() => parseRepositoryArn('arn:aws:s3:::bucket')).toThrow(/not an ECR repository ARN/);
  });
});
