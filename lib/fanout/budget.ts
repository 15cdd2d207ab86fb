import type { DeleteBudget } from './work-item';

/**
 * How a fanned-out cleanup keeps the policy's `cleanup.maxDeletesPerRun` across workers that never talk
 * to each other: the dispatcher counts the repositories first, then gives each work item a fixed share of
 * the cap, `floor(cap / items)`, plus one for the first `cap % items` items, so the shares add up to the cap
 * exactly. A worker plans within its item's share. The budget also tracks what is left to hand out, so
 * repositories created between the count and the dispatch get nothing rather than more than the cap.
 * Garbage beyond a share stays for the next run (reported as `cap-reached`), even when another item's share
 * went unused: safe and simple rather than exact.
 */

/**
 * The budget of a run over `repositories` repositories, `perItem` to a work item.
 *
 * @example
 * const budget = deleteBudget(policy.cleanup.maxDeletesPerRun, counted, policy.runtime.repositoriesPerWorkItem);
 */
export function deleteBudget(cap: number, repositories: number, perItem: number): DeleteBudget {
  return { cap, items: Math.max(1, Math.ceil(repositories / perItem)), left: cap };
}

/** Item `index`'s share of the budget, and the budget left after it. */
export function takeShare(budget: DeleteBudget, index: number): { share: number; budget: DeleteBudget } {
  const even = Math.floor(budget.cap / budget.items) + (index < budget.cap % budget.items ? 1 : 0);
  const share = Math.min(even, budget.left);
  return { share, budget: { ...budget, left: budget.left - share } };
}
