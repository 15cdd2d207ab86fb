import { ECR_TARGET_PREFIX } from './enrich';
import type { Json } from './tag-status';
import type { HttpRequest } from './types';
import type { Upstream } from './upstream';

/**
 * Sets `imageScanStatus` and `imageScanFindingsSummary` (completion time, severity counts) on DescribeImages
 * answers, as real ECR reports an image's last scan and moto does not: one DescribeImageScanFindings
 * (`maxResults: 1`) per image, sent straight to moto with the client's headers. An image without a scan is
 * left as it is. Never cached: a scan's status changes.
 *
 * @example
 * await addScanSummaries(upstream, output.imageDetails, request, input);
 */
export async function addScanSummaries(upstream: Upstream, images: Json[], request: HttpRequest, input: Json): Promise<void> {
  for (const image of images) {
    const body = {
      repositoryName: image.repositoryName ?? input.repositoryName,
      ...(input.registryId !== undefined ? { registryId: input.registryId } : {}),
      imageId: { imageDigest: image.imageDigest },
      maxResults: 1,
    };
    const answer = await upstream.send({
      ...request,
      headers: { ...request.headers, 'x-amz-target': `${ECR_TARGET_PREFIX}DescribeImageScanFindings` },
      body: Buffer.from(JSON.stringify(body)),
    });
    // ScanNotFoundException (or any refusal): the image has no scan to report.
    if (answer.status !== 200) continue;
    const scan = JSON.parse(answer.body.toString('utf8')) as {
      imageScanStatus?: Json;
      imageScanFindings?: { imageScanCompletedAt?: unknown; vulnerabilitySourceUpdatedAt?: unknown; findingSeverityCounts?: unknown };
    };
    if (scan.imageScanStatus) image.imageScanStatus = scan.imageScanStatus;
    const findings = scan.imageScanFindings;
    if (findings?.imageScanCompletedAt !== undefined) {
      image.imageScanFindingsSummary = {
        imageScanCompletedAt: findings.imageScanCompletedAt,
        ...(findings.vulnerabilitySourceUpdatedAt !== undefined ? { vulnerabilitySourceUpdatedAt: findings.vulnerabilitySourceUpdatedAt } : {}),
        ...(findings.findingSeverityCounts !== undefined ? { findingSeverityCounts: findings.findingSeverityCounts } : {}),
      } as Json;
    }
  }
}
