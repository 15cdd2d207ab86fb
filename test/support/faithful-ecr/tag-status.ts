/** A JSON object as the layer reads it from a request or an answer. */
export type Json = Record<string, unknown>;

/**
 * Applies ECR's `filter.tagStatus` (moto ignores it): TAGGED keeps tagged items, UNTAGGED untagged
 * ones, ANY or no filter keeps all.
 */
export function matchesTagStatus(input: Json, tagged: boolean): boolean {
  const filter = input.filter as { tagStatus?: unknown } | undefined;
  if (filter?.tagStatus === 'TAGGED') return tagged;
  if (filter?.tagStatus === 'UNTAGGED') return !tagged;
  return true;
}
