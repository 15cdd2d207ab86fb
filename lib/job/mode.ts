/** What a job run does with its plan: `dry-run` reads, plans and reports; `apply` also makes the changes. */
export const MODES = ['dry-run', 'apply'] as const;
export type Mode = (typeof MODES)[number];
