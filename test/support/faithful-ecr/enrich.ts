import { MAX_BATCH_GET_IMAGE } from '../../../lib/limits';
import type { Json } from './tag-status';
import { addScanSummaries } from './scan-summary';
import type { HttpRequest, HttpResponse } from './types';
import type { Upstream } from './upstream';

/** The X-Amz-Target prefix of ECR's JSON protocol. */
export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

/** What real ECR reports in DescribeImages from an image's manifest and moto leaves out. */
export interface ManifestFacts {
  /** The manifest's `subject.digest`: the image a signature, SBOM or attestation refers to. */
  subjectManifestDigest?: string;
  /**
   * The manifest's `artifactType`, else its config's media type. Real ECR reports the config type for
   * ordinary images too (`application/vnd.docker.container.image.v1+json`); an index has none.
   */
  artifactMediaType?: string;
}

/** Reads the facts ECR derives from a manifest; a manifest that is not JSON gives none. */
export function manifestFacts(manifest: string): ManifestFacts {
  let parsed: { subject?: { digest?: unknown }; artifactType?: unknown; config?: { mediaType?: unknown } };
  try {
    parsed = JSON.parse(manifest) as typeof parsed;
  } catch {
    // ECR stores only JSON manifests; anything else simply carries no facts.
    return {};
  }
  const facts: ManifestFacts = {};
  if (typeof parsed.subject?.digest === 'string') facts.subjectManifestDigest = parsed.subject.digest;
  const artifactType = typeof parsed.artifactType === 'string' ? parsed.artifactType : parsed.config?.mediaType;
  if (typeof artifactType === 'string') facts.artifactMediaType = artifactType;
  return facts;
}

/** Adds the manifest facts to DescribeImages answers. */
export interface Enricher {
  /**
   * Sets `subjectManifestDigest` / `artifactMediaType` on `images` (in place), reading manifests it
   * has not seen with BatchGetImage, sent straight to moto with the client's headers. Returns moto's
   * error answer when it fails one of those reads.
   */
  enrich(images: Json[], request: HttpRequest, input: Json): Promise<HttpResponse | undefined>;
}

/**
 * An enricher with a manifest cache: a digest names immutable content, so each manifest is read once.
 * With `scanSummaries`, each image's last scan too (see {@link addScanSummaries}).
 *
 * @example
 * const enricher = createEnricher(upstream);
 * const failed = await enricher.enrich(output.imageDetails, request, input);
 */
export function createEnricher(upstream: Upstream, options: { scanSummaries?: boolean } = {}): Enricher {
  const facts = new Map<string, ManifestFacts>();

  async function read(digests: string[], repositoryName: unknown, request: HttpRequest, input: Json): Promise<HttpResponse | undefined> {
    for (let i = 0; i < digests.length; i += MAX_BATCH_GET_IMAGE) {
      const imageIds = digests.slice(i, i + MAX_BATCH_GET_IMAGE).map((imageDigest) => ({ imageDigest }));
      const body = { repositoryName, ...(input.registryId !== undefined ? { registryId: input.registryId } : {}), imageIds };
      const answer = await upstream.send({
        ...request,
        headers: { ...request.headers, 'x-amz-target': `${ECR_TARGET_PREFIX}BatchGetImage` },
        body: Buffer.from(JSON.stringify(body)),
      });
      if (answer.status !== 200) return answer;
      const { images = [] } = JSON.parse(answer.body.toString('utf8')) as { images?: { imageId?: { imageDigest?: string }; imageManifest?: string }[] };
      for (const image of images) {
        const digest = image.imageId?.imageDigest;
        if (digest && typeof image.imageManifest === 'string') facts.set(digest, manifestFacts(image.imageManifest));
      }
    }
    return undefined;
  }

  return {
    async enrich(images, request, input) {
      const unseen = new Map<unknown, Set<string>>();
      for (const image of images) {
        const digest = image.imageDigest;
        if (typeof digest !== 'string' || facts.has(digest)) continue;
        const repository = image.repositoryName ?? input.repositoryName;
        unseen.set(repository, (unseen.get(repository) ?? new Set()).add(digest));
      }
      for (const [repositoryName, digests] of unseen) {
        const failed = await read([...digests], repositoryName, request, input);
        if (failed) return failed;
      }
      for (const image of images) {
        // An image deleted between the two reads has no manifest left: it is reported as moto saw it.
        Object.assign(image, facts.get(String(image.imageDigest)) ?? {});
      }
      if (options.scanSummaries) await addScanSummaries(upstream, images, request, input);
      return undefined;
    },
  };
}
