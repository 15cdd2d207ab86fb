import type { Policy } from '../policy';

/**
 * Target `index`'s share of a run's cap among `count` targets: even shares, the first ones taking one more
 * until the remainder is spent, so that the shares add up to the cap.
 *
 * @example
 * [0, 1, 2].map((i) => capShare(10, i, 3)); // [4, 3, 3]
 */
export function capShare(cap: number, index: number, count: number): number {
  return Math.floor(cap / count) + (index < cap % count ? 1 : 0);
}

/**
 * The policy target `index` of a run over `count` targets works with: `cleanup.maxDeletesPerRun` is the whole
 * run's cap, so each target gets its share of it ({@link capShare}) and the run deletes no more than the policy
 * says however many targets it covers. A run over one target keeps the whole cap.
 *
 * @example
 * const policies = targets.map((_, i) => policyForTarget(policy, i, targets.length));
 */
export function policyForTarget(policy: Policy, index: number, count: number): Policy {
  if (count <= 1) return policy;
  return { ...policy, cleanup: { ...policy.cleanup, maxDeletesPerRun: capShare(policy.cleanup.maxDeletesPerRun, index, count) } };
}
