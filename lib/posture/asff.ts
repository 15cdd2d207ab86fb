import { POSTURE_CHECKS, type SeverityLabel } from './controls';
import type { PostureCheckResult } from './evaluate';

/** The ASFF schema version every finding declares. */
export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** ASFF field lengths Security Hub enforces. */
export const ASFF_LIMITS = { id: 512, title: 256, description: 1024, recommendation: 512 } as const;

/** One repository's check results, with the ARN that names it. */
export interface RepositoryPostureResults {
  repositoryArn: string;
  results: PostureCheckResult[];
}

/** A finding in the AWS Security Finding Format, as `securityhub batch-import-findings` takes it. */
export interface AsffFinding {
  SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  Id: string;
  ProductArn: string;
  ProductName: string;
  CompanyName: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: SeverityLabel };
  Title: string;
  Description: string;
  Remediation?: { Recommendation: { Text: string } };
  ProductFields: Record<string, string>;
  Compliance: { Status: 'PASSED' | 'FAILED' };
  RecordState: 'ACTIVE';
  Resources: { Type: 'AwsEcrRepository'; Id: string; Partition: string; Region: string; Details: { AwsEcrRepository: { RepositoryName: string; Arn: string } } }[];
}

/** The parts of a repository ARN (`arn:aws:ecr:eu-west-1:123456789012:repository/team/app`). */
export function parseRepositoryArn(arn: string): { partition: string; region: string; accountId: string; repositoryName: string } {
  const m = /^arn:(aws[a-z-]*):ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/.exec(arn);
  if (!m) throw new Error(`not an ECR repository ARN: ${arn}`);
  return { partition: m[1]!, region: m[2]!, accountId: m[3]!, repositoryName: m[4]! };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Turns check results into ASFF findings: one per repository and check, PASSED ones included so that
 * importing them resolves what an earlier import found. Ids are stable (account, region, repository,
 * check), so a new import updates the same findings. `ProductArn` is the account's own default product,
 * which any account may import into. Severity is the check's when it fails, INFORMATIONAL when it passes.
 *
 * @example
 * const findings = toAsffFindings([{ repositoryArn, results: evaluatePosture(facts) }], report.generatedAt);
 * // aws securityhub batch-import-findings --findings file://findings.json (100 findings per call)
 */
export function toAsffFindings(repositories: readonly RepositoryPostureResults[], generatedAt: string): AsffFinding[] {
  return repositories.flatMap(({ repositoryArn, results }) => {
    const { partition, region, accountId, repositoryName } = parseRepositoryArn(repositoryArn);
    return results.map((r): AsffFinding => {
      const check = POSTURE_CHECKS[r.check];
      const control = r.controls[0];
      const failed = r.status === 'FAILED';
      return {
        SchemaVersion: ASFF_SCHEMA_VERSION,
        Id: cut(`ecr-keeper/${accountId}/${region}/${repositoryName}/${control ?? r.check}`, ASFF_LIMITS.id),
        ProductArn: `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`,
        ProductName: 'ecr-keeper',
        CompanyName: 'ecr-keeper',
        GeneratorId: `ecr-keeper/${control ?? r.check}`,
        AwsAccountId: accountId,
        Types: ['Software and Configuration Checks/AWS Security Best Practices'],
        CreatedAt: generatedAt,
        UpdatedAt: generatedAt,
        Severity: { Label: failed ? check.severity : 'INFORMATIONAL' },
        Title: cut(r.controls.length > 0 ? `${r.controls.join(', ')} ${check.title}` : check.title, ASFF_LIMITS.title),
        Description: cut(r.detail, ASFF_LIMITS.description),
        ...(failed ? { Remediation: { Recommendation: { Text: cut(check.remediation, ASFF_LIMITS.recommendation) } } } : {}),
        ProductFields: { 'ecr-keeper/check': r.check, 'ecr-keeper/controls': r.controls.join(',') },
        Compliance: { Status: r.status },
        RecordState: 'ACTIVE',
        Resources: [
          {
            Type: 'AwsEcrRepository',
            Id: repositoryArn,
            Partition: partition,
            Region: region,
            Details: { AwsEcrRepository: { RepositoryName: repositoryName, Arn: repositoryArn } },
          },
        ],
      };
    });
  });
}

/** Renders findings as the JSON array `batch-import-findings --findings file://...` reads. */
export function renderAsff(findings: readonly AsffFinding[]): string {
  return `${JSON.stringify(findings, null, 2)}\n`;
}
