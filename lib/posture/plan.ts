import type { Repository } from '@aws-sdk/client-ecr';
import type { PlanNote } from '../enforce/types';
import type { Policy } from '../policy';
import { checkEncryption, type EncryptionCheck } from './encryption-check';
import { planLifecyclePolicy } from './lifecycle-baseline';
import { planRepositoryPolicy, type RepositoryPolicyPlan } from './plan-repository-policy';
import type { PostureChange } from './types';

/** The posture sections of the policy. */
export type PosturePolicy = Pick<Policy, 'repositoryPolicy' | 'lifecyclePolicy' | 'encryption'>;

/** Which posture reads a job needs for a repository: none when the policy asks nothing of it. */
export interface PostureReads {
  repositoryPolicy: boolean;
  lifecyclePolicy: boolean;
}

/**
 * The reads enforcing the posture sections takes: the repository policy only when something may be
 * removed from it, the lifecycle policy only when one is required. An audit reads both anyway.
 *
 * @example
 * const reads = postureReadsForEnforce(policy); // { repositoryPolicy: false, lifecyclePolicy: false } by default
 */
export function postureReadsForEnforce(policy: PosturePolicy): PostureReads {
  return {
    repositoryPolicy: policy.repositoryPolicy.public === 'deny' || policy.repositoryPolicy.allowedAccounts !== null,
    lifecyclePolicy: policy.lifecyclePolicy.require,
  };
}

/** What the posture plan of one repository is made from. */
export interface PostureInput {
  repository: Repository;
  /** The registry's own account. */
  ownAccount: string;
  /** The repository policy text (undefined: none); not given when it was not read. */
  policyText?: string | undefined;
  /** Whether the repository has a lifecycle policy; not given when it was not read. */
  hasLifecyclePolicy?: boolean;
}

/** The posture plan of one repository: the changes, what is out of policy and cannot be changed, and notes. */
export interface PosturePlan {
  changes: PostureChange[];
  notes: PlanNote[];
  repositoryPolicy: RepositoryPolicyPlan | null;
  encryption: EncryptionCheck;
  /** True when something is out of policy that no change fixes: public statements under `report`, an unreadable policy, encryption. */
  unfixable: boolean;
}

/**
 * Plans the posture of one repository from what was read: repository policy removals, the lifecycle
 * baseline, the encryption check (a note naming the fix, never a change). Pure.
 *
 * @example
 * const plan = planPosture({ repository: repo.repository, ownAccount, policyText, hasLifecyclePolicy }, policy);
 * changes.push(...plan.changes);
 */
export function planPosture(input: PostureInput, policy: PosturePolicy): PosturePlan {
  const repositoryName = input.repository.repositoryName ?? '';
  const repositoryArn = input.repository.repositoryArn ?? '';
  const changes: PostureChange[] = [];
  const notes: PlanNote[] = [];

  let repositoryPolicy: RepositoryPolicyPlan | null = null;
  if ('policyText' in input) {
    repositoryPolicy = planRepositoryPolicy({ repositoryName, repositoryArn, policyText: input.policyText, ownAccount: input.ownAccount }, policy.repositoryPolicy);
    if (repositoryPolicy.change) changes.push(repositoryPolicy.change);
    notes.push(...repositoryPolicy.notes);
    for (const r of repositoryPolicy.reported) notes.push({ repositoryName, note: `repo ${repositoryName}: ${r.reason} (public: report, left as it is)` });
  }
  if (input.hasLifecyclePolicy !== undefined) {
    const change = planLifecyclePolicy({ repositoryName, repositoryArn, hasLifecyclePolicy: input.hasLifecyclePolicy }, policy.lifecyclePolicy);
    if (change) changes.push(change);
  }
  const encryption = checkEncryption(input.repository, policy.encryption);
  if (encryption.fix) notes.push({ repositoryName, note: encryption.fix });

  const unfixable = !encryption.compliant || (repositoryPolicy?.reported.length ?? 0) > 0 || repositoryPolicy?.unreadable === true;
  return { changes, notes, repositoryPolicy, encryption, unfixable };
}
