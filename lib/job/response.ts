/** Items listed in a Lambda's answer or a summary event; the totals always count all of them. */
export const MAX_LISTED = 100;

/**
 * The first `max` items and whether some were left out: how every Lambda answer and summary event stays
 * small whatever the registry's size.
 *
 * @example
 * const { items: failures, truncated } = firstOf(report.failures, 50);
 */
export function firstOf<T>(items: readonly T[], max = MAX_LISTED): { items: T[]; truncated: boolean } {
  return { items: items.slice(0, max), truncated: items.length > max };
}
