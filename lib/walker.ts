import {
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ListTagsForResourceCommand,
  paginateDescribeImageScanFindings,
  paginateDescribeImages,
  paginateDescribeRepositories,
  type DescribeImageScanFindingsCommandOutput,
  type DescribeRepositoriesCommandOutput,
  type ECRClient,
  type ImageDetail,
  type ImageIdentifier,
  type ImageStatusFilter,
  type Repository,
  type TagStatus,
} from '@aws-sdk/client-ecr';
import { isPast, type Deadline } from './deadline';
import { CursorError, isAwsError, toErrorInfo, type ErrorInfo } from './errors';
import { compileNameFilter } from './glob';
import {
  DEFAULT_REPOSITORY_CONCURRENCY,
  MAX_DESCRIBE_IMAGES_IDS,
  MAX_DESCRIBE_IMAGES_PAGE,
  MAX_DESCRIBE_REPOSITORIES_NAMES,
  MAX_DESCRIBE_REPOSITORIES_PAGE,
  MAX_SCAN_FINDINGS_PAGE,
} from './limits';

/**
 * The walker: the one module that pages through ECR. Everything else asks it for repositories,
 * images and scan findings, item by item, and never handles a `nextToken`.
 */

/** Which repositories a run covers. */
export interface RepositoryScope {
  /** The registry (account id); the caller's own when omitted. */
  registryId?: string;
  /** Glob patterns a repository name must match (default `['**']`). */
  include?: readonly string[];
  /** Glob patterns that take a repository out of the run. */
  exclude?: readonly string[];
  /** Resource tag key that opts a repository out when its value is `true`; no lookup when undefined. */
  skipTag?: string;
  /** Only these repositories (looked up by name, not listed). */
  names?: readonly string[];
}

/** Options of {@link walkRepositories}. */
export interface WalkRepositoriesOptions extends RepositoryScope {
  /**
   * `eager` (default): the walker looks up the skip tag and never yields an opted-out repository.
   * `lazy`: every repository is yielded and the caller asks `isSkipped()` only where it matters
   * (for example only where a plan has changes), which saves one ListTagsForResource per repository.
   */
  skipLookup?: 'eager' | 'lazy';
  /** Resume where an earlier walk stopped (its `outcome.cursor`). */
  cursor?: string;
  /** Stop cleanly, with a cursor, once this deadline passes. */
  deadline?: Deadline;
  /** DescribeRepositories page size (default and maximum 1000). */
  pageSize?: number;
}

/** A repository the walker yields. */
export interface WalkedRepository {
  name: string;
  arn: string;
  registryId: string;
  /** DescribeRepositories' record, as ECR returned it. */
  repository: Repository;
  /** Whether the skip tag opts this repository out; one ListTagsForResource at most, memoised. */
  isSkipped(): Promise<boolean>;
}

/** How a walk ended; read it after the `for await` loop. */
export interface WalkOutcome {
  /** True when the walk reached the end; false when it stopped at the deadline. */
  complete: boolean;
  /** Where to resume when `complete` is false. */
  cursor?: string;
  /** Repositories ECR returned (before filters). */
  listed: number;
  /** Repositories yielded. */
  yielded: number;
  /** Repositories left out by include/exclude. */
  excluded: number;
  /** Repositories opted out by the skip tag (eager lookup only). */
  skipped: string[];
  /** Names asked for (`names`) that do not exist. */
  missing: string[];
}

/** An async iterable of repositories that tells, once iterated, how the walk ended. */
export interface RepositoryWalk extends AsyncIterable<WalkedRepository> {
  readonly outcome: WalkOutcome;
}

interface CursorState {
  v: 1;
  /** `l`: listing with DescribeRepositories pages; `n`: looking up `names`. */
  k: 'l' | 'n';
  /** Token of the page to re-read (listing). */
  t?: string;
  /** Items of that page (listing) or of `names` already done. */
  o: number;
  /** Registry the cursor belongs to. */
  r?: string;
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/** Reads a cursor produced by a walk, or throws a {@link CursorError} naming the problem. */
export function decodeCursor(cursor: string, scope: RepositoryScope): CursorState {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('cursor is not one ecr-keeper produced (not base64url JSON)');
  }
  const s = state as Partial<CursorState>;
  if (
    !s ||
    s.v !== 1 ||
    (s.k !== 'l' && s.k !== 'n') ||
    typeof s.o !== 'number' ||
    !Number.isInteger(s.o) ||
    s.o < 0 ||
    (s.t !== undefined && typeof s.t !== 'string')
  ) {
    throw new CursorError('cursor is not one ecr-keeper produced (unknown shape)');
  }
  if ((s.k === 'n') !== (scope.names !== undefined)) {
    throw new CursorError('cursor belongs to a walk over a different set of repositories');
  }
  if ((s.r ?? undefined) !== (scope.registryId ?? undefined)) {
    throw new CursorError(`cursor belongs to registry ${s.r ?? '(default)'}, not ${scope.registryId ?? '(default)'}`);
  }
  return s as CursorState;
}

function repositoryNameOf(repo: Repository): string {
  return repo.repositoryName ?? '';
}

function makeWalked(ecr: ECRClient, repository: Repository, skipTag: string | undefined): WalkedRepository {
  let skipped: Promise<boolean> | undefined;
  const arn = repository.repositoryArn ?? '';
  return {
    name: repositoryNameOf(repository),
    arn,
    registryId: repository.registryId ?? '',
    repository,
    isSkipped() {
      if (skipTag === undefined) return Promise.resolve(false);
      skipped ??= (async () => {
        const out = await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn }));
        return (out.tags ?? []).some((t) => t.Key === skipTag && (t.Value ?? '').trim().toLowerCase() === 'true');
      })();
      return skipped;
    },
  };
}

/**
 * Walks the registry's repositories, one at a time, through the SDK's DescribeRepositories paginator
 * at the largest page size, applying include/exclude globs and the skip tag, stopping cleanly at a
 * deadline with a resumable cursor.
 *
 * @example
 * const walk = walkRepositories(ecr, { include: ['team-a/**'], skipTag: 'ecr-keeper:skip', deadline });
 * for await (const repo of walk) console.log(repo.name);
 * if (!walk.outcome.complete) resumeLater(walk.outcome.cursor);
 */
export function walkRepositories(ecr: ECRClient, options: WalkRepositoriesOptions = {}): RepositoryWalk {
  const outcome: WalkOutcome = { complete: false, listed: 0, yielded: 0, excluded: 0, skipped: [], missing: [] };
  const allowed = compileNameFilter(options.include ?? ['**'], options.exclude ?? []);
  const lazy = options.skipLookup === 'lazy';
  const start = options.cursor ? decodeCursor(options.cursor, options) : undefined;
  const registry = options.registryId !== undefined ? { r: options.registryId } : {};

  async function* listed(): AsyncGenerator<{ repository: Repository; at: CursorState }> {
    if (options.names !== undefined) {
      // A name the filters leave out is never looked up: its answer is known without a call.
      const unique = [...new Set(options.names)];
      const names = unique.filter((name) => allowed(name));
      outcome.excluded += unique.length - names.length;
      for (let i = start?.o ?? 0; i < names.length; i += MAX_DESCRIBE_REPOSITORIES_NAMES) {
        const chunk = names.slice(i, i + MAX_DESCRIBE_REPOSITORIES_NAMES);
        const found = await describeByNames(ecr, chunk, options.registryId, outcome.missing);
        const byName = new Map(found.map((r) => [repositoryNameOf(r), r]));
        for (const [j, name] of chunk.entries()) {
          const repository = byName.get(name);
          if (repository) yield { repository, at: { v: 1, k: 'n', o: i + j, ...registry } };
        }
      }
      return;
    }
    const paginator = paginateDescribeRepositories(
      {
        client: ecr,
        pageSize: Math.min(options.pageSize ?? MAX_DESCRIBE_REPOSITORIES_PAGE, MAX_DESCRIBE_REPOSITORIES_PAGE),
        ...(start?.t !== undefined ? { startingToken: start.t } : {}),
      },
      { ...(options.registryId !== undefined ? { registryId: options.registryId } : {}) },
    );
    let pageToken = start?.t;
    let skip = start?.o ?? 0;
    for await (const page of paginator as AsyncIterable<DescribeRepositoriesCommandOutput>) {
      const repositories = page.repositories ?? [];
      for (let i = skip; i < repositories.length; i++) {
        yield { repository: repositories[i]!, at: { v: 1, k: 'l', ...(pageToken ? { t: pageToken } : {}), o: i, ...registry } };
      }
      skip = 0;
      pageToken = page.nextToken;
    }
  }

  async function* walk(): AsyncGenerator<WalkedRepository> {
    for await (const { repository, at } of listed()) {
      if (isPast(options.deadline)) {
        outcome.cursor = encodeCursor(at);
        return;
      }
      outcome.listed++;
      const walked = makeWalked(ecr, repository, options.skipTag);
      if (!allowed(walked.name)) {
        outcome.excluded++;
        continue;
      }
      if (!lazy && (await walked.isSkipped())) {
        outcome.skipped.push(walked.name);
        continue;
      }
      outcome.yielded++;
      yield walked;
    }
    outcome.complete = true;
  }

  return {
    outcome,
    [Symbol.asyncIterator]: () => walk(),
  };
}

async function describeByNames(
  ecr: ECRClient,
  names: string[],
  registryId: string | undefined,
  missing: string[],
): Promise<Repository[]> {
  const input = (repositoryNames: string[]) =>
    new DescribeRepositoriesCommand({ repositoryNames, ...(registryId !== undefined ? { registryId } : {}) });
  try {
    return (await ecr.send(input(names))).repositories ?? [];
  } catch (err) {
    if (!isAwsError(err, 'RepositoryNotFoundException')) throw err;
    if (names.length === 1) {
      missing.push(...names);
      return [];
    }
  }
  // One name of the chunk is missing and ECR fails the whole call: ask name by name.
  const found: Repository[] = [];
  for (const name of names) {
    try {
      found.push(...((await ecr.send(input([name]))).repositories ?? []));
    } catch (err) {
      if (!isAwsError(err, 'RepositoryNotFoundException')) throw err;
      missing.push(name);
    }
  }
  return found;
}

/** A per-repository result of {@link mapRepositories}. */
export interface RepositoryResult<T> {
  repositoryName: string;
  value: T;
}

/** A per-repository failure of {@link mapRepositories}: recorded, never thrown. */
export interface RepositoryFailure {
  repositoryName: string;
  error: ErrorInfo;
}

/** What {@link mapRepositories} returns: every result and failure, and how the walk ended. */
export interface RepositoryRun<T> extends Omit<WalkOutcome, 'yielded'> {
  results: RepositoryResult<T>[];
  failures: RepositoryFailure[];
}

/** Options of {@link mapRepositories}. */
export interface MapRepositoriesOptions extends WalkRepositoriesOptions {
  /** Repositories worked on at once (default 8). */
  concurrency?: number;
}

/**
 * Runs `work` for every repository the walker yields, at most `concurrency` at a time. A failure in
 * one repository is recorded in `failures` and the run goes on. At the deadline no new repository is
 * started, the ones in flight finish, and `cursor` resumes at the first repository not started.
 *
 * @example
 * const run = await mapRepositories(ecr, { concurrency: 8, deadline }, (repo) => auditRepository(deps, repo));
 */
export async function mapRepositories<T>(
  ecr: ECRClient,
  options: MapRepositoriesOptions,
  work: (repo: WalkedRepository) => Promise<T>,
): Promise<RepositoryRun<T>> {
  const walk = walkRepositories(ecr, options);
  const iterator = walk[Symbol.asyncIterator]();
  const results: (RepositoryResult<T> & { seq: number })[] = [];
  const failures: (RepositoryFailure & { seq: number })[] = [];
  const limit = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_REPOSITORY_CONCURRENCY));
  let seq = 0;
  let finished = false;
  let walkError: unknown;

  const runner = async (): Promise<void> => {
    while (!finished) {
      let next: IteratorResult<WalkedRepository>;
      try {
        next = await iterator.next();
      } catch (err) {
        walkError ??= err;
        finished = true;
        return;
      }
      if (next.done) {
        finished = true;
        return;
      }
      const repo = next.value;
      const mySeq = seq++;
      try {
        results.push({ repositoryName: repo.name, value: await work(repo), seq: mySeq });
      } catch (err) {
        failures.push({ repositoryName: repo.name, error: toErrorInfo(err), seq: mySeq });
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, runner));
  if (walkError !== undefined) throw walkError;

  const { yielded: _yielded, ...outcome } = walk.outcome;
  return {
    ...outcome,
    results: results.sort((a, b) => a.seq - b.seq).map(({ seq: _s, ...r }) => r),
    failures: failures.sort((a, b) => a.seq - b.seq).map(({ seq: _s, ...f }) => f),
  };
}

/** Options of {@link walkImages}. */
export interface WalkImagesOptions {
  registryId?: string;
  /** Asked of the server and applied again here: the server's filter is never trusted. */
  tagStatus?: TagStatus;
  /** `ACTIVE` (default) or `ANY` to include archived images, which ECR hides unless asked. */
  imageStatus?: ImageStatusFilter;
  /** DescribeImages page size (default and maximum 1000). */
  pageSize?: number;
}

/** True when ECR reports at least one tag for the image. */
export function isTagged(image: Pick<ImageDetail, 'imageTags'>): boolean {
  return (image.imageTags ?? []).length > 0;
}

function matchesImageFilter(image: ImageDetail, options: WalkImagesOptions): boolean {
  if (options.tagStatus === 'TAGGED' && !isTagged(image)) return false;
  if (options.tagStatus === 'UNTAGGED' && isTagged(image)) return false;
  const status = options.imageStatus ?? 'ACTIVE';
  // An endpoint that does not report imageStatus only has active images.
  if (status !== 'ANY' && (image.imageStatus ?? 'ACTIVE') !== status) return false;
  return true;
}

/**
 * Walks every image of a repository through the DescribeImages paginator at the largest page size.
 * The tag-status and image-status filters are sent to ECR and applied again to each image.
 *
 * @example
 * for await (const image of walkImages(ecr, 'team-a/api', { tagStatus: 'UNTAGGED' })) total += image.imageSizeInBytes ?? 0;
 */
export async function* walkImages(
  ecr: ECRClient,
  repositoryName: string,
  options: WalkImagesOptions = {},
): AsyncGenerator<ImageDetail> {
  const filter = {
    ...(options.tagStatus ? { tagStatus: options.tagStatus } : {}),
    ...(options.imageStatus && options.imageStatus !== 'ACTIVE' ? { imageStatus: options.imageStatus } : {}),
  };
  const paginator = paginateDescribeImages(
    { client: ecr, pageSize: Math.min(options.pageSize ?? MAX_DESCRIBE_IMAGES_PAGE, MAX_DESCRIBE_IMAGES_PAGE) },
    {
      repositoryName,
      ...(options.registryId !== undefined ? { registryId: options.registryId } : {}),
      ...(Object.keys(filter).length > 0 ? { filter } : {}),
    },
  );
  for await (const page of paginator) {
    for (const image of page.imageDetails ?? []) {
      if (matchesImageFilter(image, options)) yield image;
    }
  }
}

/** What {@link describeImagesByDigest} found. */
export interface ImagesByDigest {
  found: ImageDetail[];
  /** Digests asked for that the repository no longer holds. */
  missing: string[];
}

/**
 * Re-reads images by digest, 100 per DescribeImages call. ECR fails a whole call when one id is gone;
 * then the repository is walked once instead, so a vanished image is reported as missing, not as an error.
 */
export async function describeImagesByDigest(
  ecr: ECRClient,
  repositoryName: string,
  digests: readonly string[],
  options: { registryId?: string } = {},
): Promise<ImagesByDigest> {
  const wanted = [...new Set(digests)];
  const found: ImageDetail[] = [];
  const base = { repositoryName, ...(options.registryId !== undefined ? { registryId: options.registryId } : {}) };
  try {
    for (let i = 0; i < wanted.length; i += MAX_DESCRIBE_IMAGES_IDS) {
      const imageIds: ImageIdentifier[] = wanted.slice(i, i + MAX_DESCRIBE_IMAGES_IDS).map((imageDigest) => ({ imageDigest }));
      const out = await ecr.send(new DescribeImagesCommand({ ...base, imageIds }));
      found.push(...(out.imageDetails ?? []));
    }
  } catch (err) {
    if (!isAwsError(err, 'ImageNotFoundException')) throw err;
    found.length = 0;
    const set = new Set(wanted);
    for await (const image of walkImages(ecr, repositoryName, { ...options, imageStatus: 'ANY' })) {
      if (image.imageDigest && set.has(image.imageDigest)) found.push(image);
    }
  }
  const present = new Set(found.map((i) => i.imageDigest));
  return { found, missing: wanted.filter((d) => !present.has(d)) };
}

/**
 * Walks the pages of an image's scan findings (DescribeImageScanFindings paginator, 1000 a page).
 * Pages are yielded whole because each carries the status and summary beside its findings.
 */
export async function* walkScanFindings(
  ecr: ECRClient,
  input: { repositoryName: string; imageId: ImageIdentifier; registryId?: string },
): AsyncGenerator<DescribeImageScanFindingsCommandOutput> {
  const paginator = paginateDescribeImageScanFindings({ client: ecr, pageSize: MAX_SCAN_FINDINGS_PAGE }, { ...input, imageId: { ...input.imageId } });
  for await (const page of paginator) yield page;
}
