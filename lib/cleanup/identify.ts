import type { ImageDetail } from '@aws-sdk/client-ecr';
import { isTagged } from '../registry';
import { INDEX_MEDIA_TYPES } from './media-types';

/** What an image's own manifest says it is: the facts ECR derives into DescribeImages, read at the source. */
export interface ManifestIdentity {
  /** Digests an index lists; empty for a single manifest. */
  children: string[];
  /** `subject.digest`: the image this artifact (signature, SBOM, attestation) refers to. */
  subject?: string;
  /** `artifactType`, else the config's media type, as ECR reports `artifactMediaType`. */
  artifactType?: string;
}

/**
 * Reads a manifest's identity: an index's children (`manifests`), an artifact's `subject`, its artifact type.
 * Returns an error text for a manifest ecr-keeper cannot read: such an image is never deleted.
 *
 * @example
 * const identity = identifyManifest(image.imageManifest ?? '', image.imageManifestMediaType);
 * if ('invalid' in identity) keep(image, 'unidentified');
 */
export function identifyManifest(manifest: string, mediaType: string | undefined): ManifestIdentity | { invalid: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch (err) {
    return { invalid: `manifest is not JSON: ${(err as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { invalid: 'manifest is not a JSON object' };
  const body = parsed as { mediaType?: unknown; manifests?: unknown; subject?: unknown; artifactType?: unknown; config?: unknown };
  const isIndex = INDEX_MEDIA_TYPES.includes(mediaType ?? '') || (typeof body.mediaType === 'string' && INDEX_MEDIA_TYPES.includes(body.mediaType));
  const children: string[] = [];
  if (body.manifests !== undefined || isIndex) {
    if (!Array.isArray(body.manifests)) return { invalid: 'index manifest has no "manifests" list' };
    for (const entry of body.manifests as unknown[]) {
      const digest = (entry as { digest?: unknown } | null)?.digest;
      if (typeof digest !== 'string') return { invalid: 'an entry of the index has no digest' };
      children.push(digest);
    }
  }
  const identity: ManifestIdentity = { children };
  if (body.subject !== undefined) {
    const subject = (body.subject as { digest?: unknown } | null)?.digest;
    if (typeof subject !== 'string') return { invalid: 'the manifest\'s "subject" has no digest' };
    identity.subject = subject;
  }
  const configType = (body.config as { mediaType?: unknown } | null | undefined)?.mediaType;
  const artifactType = typeof body.artifactType === 'string' ? body.artifactType : configType;
  if (typeof artifactType === 'string') identity.artifactType = artifactType;
  return identity;
}

/**
 * True when a cleanup must read an image's manifest before deciding on it: an untagged image whose
 * DescribeImages entry lacks `artifactMediaType` may be a signature or an SBOM whose `subject` the endpoint
 * did not report (moto, LocalStack, images pushed before ECR derived those fields). Real ECR reports the
 * field for every image manifest, so this costs no call there; indexes are read for their children anyway.
 */
export function needsIdentity(image: ImageDetail): boolean {
  return !isTagged(image) && !image.artifactMediaType;
}

/** The image with the facts its manifest gave filled in where DescribeImages left them out. */
export function withIdentity(image: ImageDetail, identity: ManifestIdentity): ImageDetail {
  return {
    ...image,
    ...(!image.subjectManifestDigest && identity.subject ? { subjectManifestDigest: identity.subject } : {}),
    ...(!image.artifactMediaType && identity.artifactType ? { artifactMediaType: identity.artifactType } : {}),
  };
}
