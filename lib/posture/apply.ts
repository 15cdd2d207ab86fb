import {
  DeleteRepositoryPolicyCommand,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { isAwsError, StalePlanError } from '../errors';
import { parsePolicyDocument, policyDigest, rewritePolicy } from './policy-rewrite';
import type { PostureChange } from './types';

/** The repository policy text now, or undefined when the repository has none. */
export async function readRepositoryPolicyText(ecr: ECRClient, repositoryName: string, registryId?: string): Promise<string | undefined> {
  try {
    const out = await ecr.send(new GetRepositoryPolicyCommand({ repositoryName, ...(registryId ? { registryId } : {}) }));
    return out.policyText;
  } catch (err) {
    if (isAwsError(err, 'RepositoryPolicyNotFoundException')) return undefined;
    throw err;
  }
}

/** Whether the repository has a lifecycle policy now. */
export async function hasLifecyclePolicy(ecr: ECRClient, repositoryName: string, registryId?: string): Promise<boolean> {
  try {
    await ecr.send(new GetLifecyclePolicyCommand({ repositoryName, ...(registryId ? { registryId } : {}) }));
    return true;
  } catch (err) {
    if (isAwsError(err, 'LifecyclePolicyNotFoundException')) return false;
    throw err;
  }
}

/**
 * Makes one posture change, re-reading what it was planned from just before the write:
 *
 * - a repository policy is written or deleted only while it is still the text the plan read (same
 *   digest; neither call is conditional, so someone's edit in between would otherwise be lost), and
 *   the text written is that text without the plan's removals;
 * - a lifecycle policy is put only while the repository still has none: an existing one is never replaced.
 *
 * Throws a {@link StalePlanError} (nothing written) when the state moved on, or the SDK's error.
 * SetRepositoryPolicy is sent without `force`, so ECR still refuses a policy that would lock the caller out.
 *
 * @example
 * await applyPostureChange({ ecr }, change);
 */
export async function applyPostureChange(deps: { ecr: ECRClient }, change: PostureChange): Promise<void> {
  const { ecr } = deps;
  const { repositoryName } = change;
  switch (change.kind) {
    case 'set-repository-policy':
    case 'delete-repository-policy': {
      const now = await readRepositoryPolicyText(ecr, repositoryName);
      const doc = now === undefined || policyDigest(now) !== change.from.sha256 ? undefined : parsePolicyDocument(now);
      if (!doc) {
        throw new StalePlanError(`repo ${repositoryName}: the repository policy changed since it was read; not written (the next run plans again)`);
      }
      // The text is the one the plan read, so the rewrite is the one the plan counted.
      const rewritten = rewritePolicy(doc, change.removals);
      if (change.kind === 'set-repository-policy') await ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: rewritten.text }));
      else await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName }));
      return;
    }
    case 'put-lifecycle-policy': {
      if (await hasLifecyclePolicy(ecr, repositoryName)) {
        throw new StalePlanError(`repo ${repositoryName}: a lifecycle policy was put since the plan; it is kept, the baseline is not put`);
      }
      await ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: change.lifecyclePolicyText }));
      return;
    }
  }
}
