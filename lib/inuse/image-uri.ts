import type { EcrImageRef } from './types';

/**
 * A private ECR image URI: `ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/REPO[:TAG][@sha256:HEX]`
 * (also `.api.aws` dual-stack endpoints). Repository names follow ECR's rule, lower case in path segments.
 */
const ECR_IMAGE_URI =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|on\.aws|api\.aws)\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/**
 * Parses an image reference as ECS, Lambda, Batch or a list names it; `undefined` for anything that is not a
 * private ECR image (Docker Hub, public.ecr.aws, a malformed line). A URI with neither tag nor digest means
 * `latest`, as a container runtime reads it.
 *
 * @example
 * parseEcrImageUri('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1');
 * // { registryId: '123456789012', region: 'eu-west-1', repositoryName: 'team/api', tag: 'v1' }
 */
export function parseEcrImageUri(uri: string): EcrImageRef | undefined {
  const match = ECR_IMAGE_URI.exec(uri.trim());
  if (!match) return undefined;
  const [, registryId, region, repositoryName, tag, digest] = match;
  return {
    registryId: registryId!,
    region: region!,
    repositoryName: repositoryName!,
    ...(tag ? { tag } : digest ? {} : { tag: 'latest' }),
    ...(digest ? { digest } : {}),
  };
}

/** The ECR image URI of a repository and digest, as ECS and Lambda print resolved images. */
export function ecrImageUri(ref: Pick<EcrImageRef, 'registryId' | 'region' | 'repositoryName'>, at: { digest: string } | { tag: string }): string {
  const base = `${ref.registryId}.dkr.ecr.${ref.region}.amazonaws.com/${ref.repositoryName}`;
  return 'digest' in at ? `${base}@${at.digest}` : `${base}:${at.tag}`;
}
