/** Why a piece of a repository policy is removed. */
export type RemovalCause = 'public' | 'account-not-allowed';

/** One piece of a repository policy a plan removes: a whole statement, or one principal of a statement. */
export interface PolicyRemoval {
  /** The statement's index in the policy as read, and its Sid when it has one. */
  statement: number;
  sid?: string;
  /** `statement`: removed whole; `principal`: only `principal` leaves the statement's `AWS` principals. */
  scope: 'statement' | 'principal';
  principal?: string;
  /** The accounts not allowed that the removed principal(s) belong to (`account-not-allowed` only). */
  accounts?: string[];
  cause: RemovalCause;
  /** For people: `statement "PublicPull" allows everyone (principal *), with no narrowing condition`. */
  reason: string;
}

/**
 * A repository policy as a change reports it. The text itself never appears in a plan, a report or an
 * event (its conditions may hold organization ids and the like): only its statement count and digest.
 */
export interface RepositoryPolicyState {
  statements: number;
  /** SHA-256 (hex) of the policy text as read: apply writes only while the text is still this one. */
  sha256: string;
}

/** The posture changes a plan can hold; each is written with one ECR call. */
export type PostureChange =
  | {
      /** SetRepositoryPolicy: the policy read, without the removed statements / principals. */
      kind: 'set-repository-policy';
      repositoryName: string;
      repositoryArn: string;
      from: RepositoryPolicyState;
      to: { statements: number };
      removals: PolicyRemoval[];
      reason: string;
    }
  | {
      /** DeleteRepositoryPolicy: every statement is removed, and an empty policy is no policy. */
      kind: 'delete-repository-policy';
      repositoryName: string;
      repositoryArn: string;
      from: RepositoryPolicyState;
      to: null;
      removals: PolicyRemoval[];
      reason: string;
    }
  | {
      /** PutLifecyclePolicy where the repository has none; apply re-checks and never replaces one. */
      kind: 'put-lifecycle-policy';
      repositoryName: string;
      repositoryArn: string;
      from: null;
      /** Which baseline, and its rules. */
      to: { baseline: 'default' | 'policy'; rules: number };
      /** The lifecycle policy text to put (the policy's own baseline, or the default: never a secret). */
      lifecyclePolicyText: string;
      reason: string;
    };

export type PostureChangeKind = PostureChange['kind'];
