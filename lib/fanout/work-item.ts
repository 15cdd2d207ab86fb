import * as z from 'zod';
import { MAX_REPOSITORIES_PER_WORK_ITEM } from '../limits';
import { REPOSITORY_NAME_PATTERN } from '../validate';

/**
 * The messages of the fan-out's work queue. A scheduled job that fans out (policy `runtime.fanOut`) sends
 * one work item per group of repositories, and a `dispatch` item to carry its walk on when it nears its
 * deadline; the worker function runs each item. Every item names its run, so the logs and events of one
 * scheduled run can be read together.
 */

/** The scheduled jobs that fan out. */
export const FAN_OUT_JOBS = ['enforce', 'cleanup'] as const;
export type FanOutJob = (typeof FAN_OUT_JOBS)[number];

const cursor = z.string().min(1).max(8192);
const names = z
  .array(z.string().regex(REPOSITORY_NAME_PATTERN, 'must be an ECR repository name'))
  .min(1)
  .max(MAX_REPOSITORIES_PER_WORK_ITEM);
const count = z.int().min(0);

/** The target (account x region) an item works in; absent: the worker's own account and region. */
export const WorkTargetSchema = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2,4}(-[a-z]+)+-\d$/, 'must be an AWS region name'),
});
export type WorkTarget = z.infer<typeof WorkTargetSchema>;

/** What every item carries: its run and its place in it. */
const RunFields = {
  /** Where the item works (policy `targets`); absent: the worker's own account and region. */
  target: WorkTargetSchema.optional(),
  /** The scheduled run the item belongs to. */
  run: z.string().min(1).max(64),
  /** The item's number in its run (0, 1, ...). */
  index: count,
};

/** Enforce the settings of these repositories; `cursor` resumes an item that stopped at its deadline. */
export const EnforceWorkItemSchema = z.strictObject({
  kind: z.literal('enforce'),
  ...RunFields,
  names,
  cursor: cursor.optional(),
});

/** Clean up these repositories, deleting at most `maxDeletes` images: the item's share of the run's cap. */
export const CleanupWorkItemSchema = z.strictObject({
  kind: z.literal('cleanup'),
  ...RunFields,
  names,
  cursor: cursor.optional(),
  maxDeletes: count,
});

/** How a cleanup run's `maxDeletesPerRun` is shared among its items (see lib/fanout/budget.ts). */
export const DeleteBudgetSchema = z.strictObject({
  /** The run's cap: the policy's `cleanup.maxDeletesPerRun`. */
  cap: count,
  /** The items the cap is shared among: the repositories counted, in groups. */
  items: z.int().min(1),
  /** Deletions not yet handed out: no item ever gets more, whatever the registry does meanwhile. */
  left: count,
});

/** Where a dispatch stands, passed on from one invocation to the next. */
export const DispatchStateSchema = z.strictObject({
  job: z.enum(FAN_OUT_JOBS),
  /** The target whose repositories are handed out; absent: the worker's own account and region. */
  target: WorkTargetSchema.optional(),
  run: RunFields.run,
  /** Work items sent so far: the index of the next one. */
  sent: count,
  /** Where the walk resumes: the counting walk's while `budget` is unknown, then the dispatching walk's. */
  cursor: cursor.optional(),
  /** Cleanup, before its budget is known: repositories counted so far. */
  counted: count.optional(),
  /** Cleanup: the shared cap, once the repositories are counted. */
  budget: DeleteBudgetSchema.optional(),
});

/** Go on with a dispatch that stopped at its deadline. */
export const DispatchWorkItemSchema = z.strictObject({
  kind: z.literal('dispatch'),
  state: DispatchStateSchema,
});

/** Any message of the work queue. */
export const WorkItemSchema = z.discriminatedUnion('kind', [EnforceWorkItemSchema, CleanupWorkItemSchema, DispatchWorkItemSchema]);

export type EnforceWorkItem = z.infer<typeof EnforceWorkItemSchema>;
export type CleanupWorkItem = z.infer<typeof CleanupWorkItemSchema>;
export type RepositoriesWorkItem = EnforceWorkItem | CleanupWorkItem;
export type DeleteBudget = z.infer<typeof DeleteBudgetSchema>;
export type DispatchState = z.infer<typeof DispatchStateSchema>;
export type WorkItem = z.infer<typeof WorkItemSchema>;
