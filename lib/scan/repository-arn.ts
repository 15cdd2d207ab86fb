/** ECR repository ARNs: built from an event's account and region, or read from Inspector's events. */

const ARN = /^arn:(aws[a-z-]*):ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/;

/** The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, `aws` otherwise. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * A repository's ARN from its region, account and name.
 *
 * @example
 * repositoryArn('eu-west-1', '123456789012', 'team/api'); // arn:aws:ecr:eu-west-1:123456789012:repository/team/api
 */
export function repositoryArn(region: string, account: string, repositoryName: string): string {
  return `arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repositoryName}`;
}

/** The parts of an ECR repository ARN, or undefined for anything else. */
export function parseRepositoryArn(arn: string): { region: string; account: string; repositoryName: string } | undefined {
  const m = ARN.exec(arn);
  return m ? { region: m[2]!, account: m[3]!, repositoryName: m[4]! } : undefined;
}

/**
 * An image's URI as `docker pull` takes it (`ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME@DIGEST`), from its
 * repository ARN; `NAME@DIGEST` alone when the ARN is unknown.
 *
 * @example
 * imageUri('arn:aws:ecr:eu-west-1:123456789012:repository/team/api', 'sha256:...'); // 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:...
 */
export function imageUri(arn: string | undefined, imageDigest: string, repositoryName?: string): string {
  const parsed = arn ? parseRepositoryArn(arn) : undefined;
  if (!parsed) return `${repositoryName ?? 'unknown'}@${imageDigest}`;
  const domain = parsed.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${parsed.account}.dkr.ecr.${parsed.region}.${domain}/${parsed.repositoryName}@${imageDigest}`;
}
