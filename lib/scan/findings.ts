import type { ECRClient, EnhancedImageScanFinding, ImageScanFinding } from '@aws-sdk/client-ecr';
import { walkScanFindings } from '../walker';
import { normaliseCounts, toSeverity, type SeverityCounts } from './severity';
import type { ScanFinding, ScanImage, ScanSummary } from './types';

/** Every finding of an image's scan and how the scan stands, read through all pages. */
export interface ScanFindings {
  registryId?: string;
  scan: ScanSummary;
  /** ECR's `findingSeverityCounts` (UNTRIAGED folded into UNDEFINED); undefined when ECR sent none. */
  reportedCounts?: SeverityCounts;
  findings: ScanFinding[];
  /** DescribeImageScanFindings pages read. */
  pages: number;
}

function attribute(finding: ImageScanFinding, key: string): string | undefined {
  return finding.attributes?.find((a) => a.key === key)?.value;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/** A basic (Clair) finding: the id is its `name`, the package comes from its attributes. */
export function fromBasicFinding(finding: ImageScanFinding): ScanFinding {
  return defined({
    id: finding.name ?? '(unnamed)',
    severity: toSeverity(finding.severity),
    packageName: attribute(finding, 'package_name'),
    packageVersion: attribute(finding, 'package_version'),
    uri: finding.uri,
  });
}

/** An enhanced (Inspector) finding: id, package and fixed-in version from `packageVulnerabilityDetails`. */
export function fromEnhancedFinding(finding: EnhancedImageScanFinding): ScanFinding {
  const details = finding.packageVulnerabilityDetails;
  const pkg = details?.vulnerablePackages?.[0];
  const severity = toSeverity(finding.severity);
  return defined({
    id: details?.vulnerabilityId ?? finding.title ?? finding.findingArn ?? '(unnamed)',
    severity,
    reportedSeverity: finding.severity && finding.severity.toUpperCase() !== severity ? finding.severity : undefined,
    title: finding.title,
    packageName: pkg?.name,
    packageVersion: pkg?.version,
    fixedInVersion: pkg?.fixedInVersion,
    uri: details?.sourceUrl ?? details?.referenceUrls?.[0],
    score: finding.score,
    status: finding.status,
  });
}

/**
 * Reads an image's scan: status, ECR's counts and every finding (basic `findings` and enhanced
 * `enhancedFindings`) through the walker's DescribeImageScanFindings pages.
 *
 * @example
 * const read = await readScanFindings(ecr, { repositoryName: 'team/api', imageDigest, imageTags: [] });
 */
export async function readScanFindings(ecr: ECRClient, image: ScanImage): Promise<ScanFindings> {
  const findings: ScanFinding[] = [];
  let pages = 0;
  let enhanced = false;
  let first: { registryId?: string; scan: ScanSummary; reportedCounts?: SeverityCounts } | undefined;
  for await (const page of walkScanFindings(ecr, { repositoryName: image.repositoryName, imageId: { imageDigest: image.imageDigest } })) {
    pages++;
    const body = page.imageScanFindings;
    if (body?.enhancedFindings !== undefined) enhanced = true;
    if (!first) {
      const counts = body?.findingSeverityCounts;
      first = {
        ...(page.registryId ? { registryId: page.registryId } : {}),
        scan: defined({
          type: 'BASIC' as ScanSummary['type'],
          status: page.imageScanStatus?.status ?? 'UNKNOWN',
          description: page.imageScanStatus?.description,
          completedAt: body?.imageScanCompletedAt?.toISOString(),
        }),
        ...(counts && Object.keys(counts).length > 0 ? { reportedCounts: normaliseCounts(counts) } : {}),
      };
    }
    findings.push(...(body?.findings ?? []).map(fromBasicFinding), ...(body?.enhancedFindings ?? []).map(fromEnhancedFinding));
  }
  const head = first ?? { scan: { type: 'BASIC' as const, status: 'UNKNOWN' } };
  return { ...head, scan: { ...head.scan, type: enhanced ? 'ENHANCED' : 'BASIC' }, findings, pages };
}
