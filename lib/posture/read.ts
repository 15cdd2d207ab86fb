import type { ECRClient } from '@aws-sdk/client-ecr';
import { allSettledOrThrow } from '../settle';
import { hasLifecyclePolicy, readRepositoryPolicyText } from './apply';
import type { PostureReads } from './plan';

/** What was read of a repository's posture; a key is there only when it was read. */
export interface PostureRead {
  policyText?: string | undefined;
  hasLifecyclePolicy?: boolean;
}

/**
 * Reads what the posture plan of one repository needs, and nothing else (at most GetRepositoryPolicy and
 * GetLifecyclePolicy, at once). A read that fails throws: the repository is then a failure of the run,
 * and nothing is planned for it on a guess.
 *
 * @example
 * const read = await readPosture(ecr, repo.name, postureReadsForEnforce(policy));
 * const plan = planPosture({ repository: repo.repository, ownAccount, ...read }, policy);
 */
export async function readPosture(ecr: ECRClient, repositoryName: string, reads: PostureReads, registryId?: string): Promise<PostureRead> {
  const [policyText, lifecycle] = await allSettledOrThrow([
    reads.repositoryPolicy ? readRepositoryPolicyText(ecr, repositoryName, registryId) : undefined,
    reads.lifecyclePolicy ? hasLifecyclePolicy(ecr, repositoryName, registryId) : undefined,
  ]);
  return {
    ...(reads.repositoryPolicy ? { policyText } : {}),
    ...(lifecycle !== undefined ? { hasLifecyclePolicy: lifecycle } : {}),
  };
}
