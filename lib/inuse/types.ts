import type { ErrorInfo } from '../errors';

/** The sources that can say an image is in use. */
export type InUseSourceName = 'ecs' | 'lambda' | 'batch' | 'inspector' | 'list';

/** One image reference a source found, and who uses it (a service, task, function, job definition ARN...). */
export interface ImageUse {
  /** The image as the user names it: `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG][@sha256:...]`. */
  image: string;
  user: string;
}

/** An image in ECR, as a reference names it: by tag, by digest, or both. */
export interface EcrImageRef {
  registryId: string;
  region: string;
  repositoryName: string;
  tag?: string;
  digest?: string;
}

/** An image in use and its users; `digest` once known (named by digest, or a tag resolved through ECR). */
export interface InUseImage {
  registryId: string;
  region: string;
  repositoryName: string;
  digest?: string;
  /** The tags users named it by. */
  tags: string[];
  users: string[];
}

/** A source that could not be read: callers must delete nothing in the target (fail closed). */
export interface SourceFailure {
  source: InUseSourceName | 'tags';
  error: ErrorInfo;
}

/** What is in use in one target, read once per run and shared by every repository. */
export interface InUseSet {
  /** The sources read (the policy's enabled ones). */
  sources: InUseSourceName[];
  images: InUseImage[];
  /** Sources (or tag resolutions) that failed: when not empty, nothing may be deleted or archived. */
  failures: SourceFailure[];
  /** References that are not ECR image URIs (Docker Hub, public ECR...): they cannot be in this registry. */
  foreign: number;
}
