import {
  DescribeRepositoriesCommand,
  ListTagsForResourceCommand,
  paginateDescribeRepositories,
  type DescribeRepositoriesCommandOutput,
  type ECRClient,
  type Repository,
} from '@aws-sdk/client-ecr';
import { isPast } from '../deadline';
import { isAwsError } from '../errors';
import { compileNameFilter } from '../glob';
import { MAX_DESCRIBE_REPOSITORIES_NAMES, MAX_DESCRIBE_REPOSITORIES_PAGE } from '../limits';
import { decodeCursor, encodeCursor, type CursorState } from './cursor';
import type { RepositoryWalk, WalkOutcome, WalkRepositoriesOptions, WalkedRepository } from './types';

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

