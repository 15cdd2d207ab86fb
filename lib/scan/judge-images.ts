import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ErrorInfo } from '../errors';
import type { Policy } from '../policy';
import { mapBoundedArray } from '../walker';
import { runScan } from './run';
import type { SarifImage } from './sarif';
import type { ScanImage } from './types';

/** Images judged at once: two reads each (the scan's status, then its findings). */
export const JUDGE_CONCURRENCY = 4;

/**
 * Judges the last scan of each image as it stands, reading only (no scan started, no wait, nothing published):
 * what `rescan --format sarif` reports. An image without a judgeable scan (pending, gone, unsupported) is left
 * out; an image whose read failed is listed in `failures`, never dropped silently.
 *
 * @example
 * const { judged, failures } = await judgeImages({ ecr }, policy, report.judgeable);
 * const log = renderSarif(judged, policy.scan);
 */
export async function judgeImages(
  deps: { ecr: ECRClient },
  policy: Policy,
  images: readonly ScanImage[],
  concurrency = JUDGE_CONCURRENCY,
): Promise<{ judged: SarifImage[]; failures: { image: ScanImage; error: ErrorInfo }[] }> {
  const run = await mapBoundedArray(images, concurrency, (image) =>
    runScan(deps, policy, { image, trigger: 'scan-complete', waitSeconds: 0, scope: 'any' }),
  );
  const judged = run.results.flatMap(({ value }) =>
    value.outcome.kind === 'verdict' ? [{ image: value.outcome.image, verdict: value.outcome.verdict, findings: value.findings ?? [] }] : [],
  );
  return { judged, failures: run.failures.map((f) => ({ image: f.item, error: f.error })) };
}
