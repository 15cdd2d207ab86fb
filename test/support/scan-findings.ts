/**
 * Sets what moto's DescribeImageScanFindings returns for an image (instead of its one static HIGH
 * finding), through moto's API. Results are per account and region, and need a scan to exist
 * (StartImageScan) before moto hands them out.
 *
 * @example
 * await setScanFindings(clients, [{ repositoryName: 'team/api', imageId: { imageDigest }, imageScanStatus: { status: 'COMPLETE' }, imageScanFindings: {...} }]);
 */
export async function setScanFindings(clients: { accountId: string }, results: object[], region = 'us-east-1'): Promise<void> {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL is not set: setScanFindings talks to moto only');
  const res = await fetch(`${endpoint}/moto-api/static/ecr/scan-finding-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ results, region, account_id: clients.accountId }),
  });
  if (!res.ok) throw new Error(`moto refused the scan findings: HTTP ${res.status} ${await res.text()}`);
}
