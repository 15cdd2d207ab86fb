import type { DescribeRepositoriesCommandInput, DescribeRepositoriesCommandOutput, ECRClient } from '@aws-sdk/client-ecr';
import { compileNameFilter } from '../lib/glob';
import type { Policy } from '../lib/policy';
import type { ProgressTotal } from './progress';

/** Name of the counting middleware in the ECR client's stack. */
export const REPOSITORY_TOTAL_MIDDLEWARE = 'ecrKeeperRepositoryTotal';

/**
 * The number of repositories a run has to do, for its progress: the names asked for, or the repositories
 * the job's own DescribeRepositories pages have listed so far that the policy's include/exclude let in
 * (`more` while a page says another follows). It watches the job's calls through a middleware on its ECR
 * client: counting costs no call. Repositories opted out by the skip tag are in the count.
 *
 * @example
 * const total = repositoryTotal(ecr, policy, names);
 * onProgress: (done, name) => progress.update(done, total(), name),
 */
export function repositoryTotal(ecr: ECRClient, policy: Policy, names?: readonly string[]): () => ProgressTotal {
  const allowed = compileNameFilter(policy.repositories.include, policy.repositories.exclude);
  if (names !== undefined) {
    const count = [...new Set(names)].filter((name) => allowed(name)).length;
    return () => ({ count, more: false });
  }
  const total: ProgressTotal = { count: 0, more: true };
  ecr.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as DescribeRepositoriesCommandInput;
      if (context.commandName === 'DescribeRepositoriesCommand' && !input.repositoryNames) {
        const page = result.output as DescribeRepositoriesCommandOutput;
        total.count += (page.repositories ?? []).filter((r) => allowed(r.repositoryName ?? '')).length;
        total.more = Boolean(page.nextToken);
      }
      return result;
    },
    { step: 'initialize', name: REPOSITORY_TOTAL_MIDDLEWARE, override: true },
  );
  return () => ({ ...total });
}
