/** Manifest media types ECR stores that matter to the cleanup. */
export const MANIFEST_MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** The media types of an image index (multi-arch image): its manifest lists other manifests. */
export const INDEX_MEDIA_TYPES: readonly string[] = [MANIFEST_MEDIA_TYPES.ociIndex, MANIFEST_MEDIA_TYPES.dockerList];

/**
 * BatchGetImage `acceptedMediaTypes`: every kind, so ECR returns each manifest as stored and never
 * converts one (an index asked for as a single manifest would not list its children).
 */
export const ACCEPTED_MEDIA_TYPES: string[] = [
  MANIFEST_MEDIA_TYPES.ociIndex,
  MANIFEST_MEDIA_TYPES.dockerList,
  MANIFEST_MEDIA_TYPES.ociManifest,
  MANIFEST_MEDIA_TYPES.dockerManifest,
];

/**
 * True when an image may be an index and must be read for its children. An image whose media type the
 * endpoint does not report counts as one: reading it costs a call, guessing wrong could break an image.
 */
export function mayBeIndex(mediaType: string | undefined): boolean {
  return mediaType === undefined || INDEX_MEDIA_TYPES.includes(mediaType);
}
