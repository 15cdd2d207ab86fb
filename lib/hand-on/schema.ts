import * as z from 'zod';
import { MAX_HAND_ONS_PER_RUN } from '../limits';

/**
 * What a continuation of a scheduled run carries besides the job's own request and its cursor: which run
 * it continues, how many hands-on came before, and what is left of the run's budgets. A job's request
 * schema takes it as the optional field `handOn`.
 */
export const HandOnSchema = z.strictObject({
  /** The scheduled run this invocation continues (the first invocation's request id). */
  run: z.string().min(1).max(128),
  /** This invocation's place in the run: 1 for the first continuation. */
  count: z.int().min(1).max(MAX_HAND_ONS_PER_RUN),
  /** When the run's first invocation started. */
  startedAt: z.iso.datetime(),
  /** The cursor the previous invocation started from (none for the first): a cursor that comes back is no progress. */
  from: z.string().min(1).max(8192).optional(),
  /** Cleanup: what is left of the run's `maxDeletesPerRun`. */
  maxDeletes: z.int().min(0).optional(),
});

export type HandOn = z.infer<typeof HandOnSchema>;
