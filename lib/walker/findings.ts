import { paginateDescribeImageScanFindings, type DescribeImageScanFindingsCommandOutput, type ECRClient, type ImageIdentifier } from '@aws-sdk/client-ecr';
import { MAX_SCAN_FINDINGS_PAGE } from '../limits';

/**
 * Walks the pages of an image's scan findings (DescribeImageScanFindings paginator, 1000 a page).
 * Pages are yielded whole because each carries the status and summary beside its findings.
 */
export async function* walkScanFindings(
  ecr: ECRClient,
  input: { repositoryName: string; imageId: ImageIdentifier; registryId?: string },
): AsyncGenerator<DescribeImageScanFindingsCommandOutput> {
  const paginator = paginateDescribeImageScanFindings({ client: ecr, pageSize: MAX_SCAN_FINDINGS_PAGE }, { ...input, imageId: { ...input.imageId } });
  for await (const page of paginator) yield page;
}
