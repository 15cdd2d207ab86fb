/**
 * The walker: the one module that pages through ECR. Everything else asks it for repositories, images and
 * scan findings, item by item, and never handles a `nextToken`.
 *
 * - `cursor.ts`: the resumable cursor (zod-validated);
 * - `repositories.ts`: repositories listed or looked up by name, filtered, with a deadline;
 * - `pool.ts`: the bounded map over any items (a failure in one is an entry, not a crash);
 * - `map.ts`: that map over the repositories a walk yields;
 * - `images.ts`: images of a repository, and images re-read by digest;
 * - `findings.ts`: the pages of an image's scan findings.
 */
export { decodeCursor, type CursorState } from './cursor';
export { describeImagesByDigest, walkImages, type ImagesByDigest, type WalkImagesOptions } from './images';
export { walkScanFindings } from './findings';
export { mapRepositories, type MapRepositoriesOptions, type RepositoryFailure, type RepositoryResult, type RepositoryRun } from './map';
export { mapBounded, mapBoundedArray, type BoundedRun } from './pool';
export { walkRepositories } from './repositories';
export type { RepositoryScope, RepositoryWalk, WalkOutcome, WalkRepositoriesOptions, WalkedRepository } from './types';
