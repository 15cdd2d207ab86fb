import { createHash } from 'node:crypto';
import { PutImageCommand, type ECRClient } from '@aws-sdk/client-ecr';

/** Media types of the manifests ECR stores. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  cosignSignature: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  spdxSbom: 'application/spdx+json',
} as const;

/** A manifest ready to push: its text, digest (sha256 of the text, as ECR computes it) and media type. */
export interface BuiltImage {
  manifest: string;
  digest: string;
  mediaType: string;
  /** Bytes the config and layers add up to, which is what ECR reports as the image size. */
  size: number;
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function built(manifest: object, mediaType: string, size: number): BuiltImage {
  const text = JSON.stringify(manifest);
  return { manifest: text, digest: sha256(text), mediaType, size };
}

/**
 * A single-platform image manifest whose content (and so digest) is determined by `seed`.
 *
 * @example
 * const image = imageManifest('api-1.0', { sizeBytes: 30_000_000 });
 */
export function imageManifest(
  seed: string,
  options: { sizeBytes?: number; format?: 'docker' | 'oci'; platform?: string } = {},
): BuiltImage {
  const size = options.sizeBytes ?? 10_000_000;
  const oci = options.format === 'oci';
  const layer = sha256(`layer:${seed}:${options.platform ?? ''}`);
  return built(
    {
      schemaVersion: 2,
      mediaType: oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest,
      // moto reports the config's size as the image size; real ECR adds config and layers.
      config: { mediaType: oci ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig, size, digest: sha256(`config:${seed}:${options.platform ?? ''}`) },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size, digest: layer }],
    },
    oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest,
    size,
  );
}

/** An image index (multi-arch) over `children`, OCI by default or a Docker manifest list. */
export function imageIndex(children: readonly BuiltImage[], options: { format?: 'docker' | 'oci'; platforms?: string[] } = {}): BuiltImage {
  const mediaType = options.format === 'docker' ? MEDIA_TYPES.dockerList : MEDIA_TYPES.ociIndex;
  const platforms = options.platforms ?? ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le'];
  return built(
    {
      schemaVersion: 2,
      mediaType,
      manifests: children.map((child, i) => {
        const [os, architecture, variant] = (platforms[i % platforms.length] ?? 'linux/amd64').split('/');
        return {
          mediaType: child.mediaType,
          size: Buffer.byteLength(child.manifest),
          digest: child.digest,
          platform: { os, architecture, ...(variant ? { variant } : {}) },
        };
      }),
    },
    mediaType,
    0,
  );
}

/** An OCI artifact (a signature by default, or an SBOM) whose `subject` is `subject`. */
export function referrerArtifact(
  subject: Pick<BuiltImage, 'digest' | 'mediaType' | 'manifest'>,
  seed: string,
  artifactType: string = MEDIA_TYPES.cosignSignature,
): BuiltImage {
  const size = 700;
  return built(
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType,
      config: { mediaType: MEDIA_TYPES.ociEmpty, size: 2, digest: sha256('{}') },
      layers: [{ mediaType: artifactType, size, digest: sha256(`artifact:${seed}`) }],
      subject: { mediaType: subject.mediaType, size: Buffer.byteLength(subject.manifest), digest: subject.digest },
    },
    MEDIA_TYPES.ociManifest,
    size,
  );
}

/** Pushes a built manifest with PutImage, under `tag` or untagged. */
export async function pushImage(ecr: ECRClient, repositoryName: string, image: BuiltImage, tag?: string): Promise<void> {
  await ecr.send(
    new PutImageCommand({
      repositoryName,
      imageManifest: image.manifest,
      imageManifestMediaType: image.mediaType,
      imageDigest: image.digest,
      ...(tag !== undefined ? { imageTag: tag } : {}),
    }),
  );
}
