/**
 * What one run of a job amounts to, in numbers: the small shape every job's summary maps to, and the only
 * input of the metrics. A field a job has nothing to say about is left out (and so is its metric).
 */
export interface RunOutcome {
  /** The job's name: the metrics' `job` dimension. */
  job: string;
  /** Repositories the run looked at (those skipped by the policy or the skip tag are not counted). */
  repositoriesProcessed?: number;
  /** Repositories the run could not finish: a read or a write failed for good. */
  repositoriesFailed?: number;
  /** Settings changed (enforce). */
  changesApplied?: number;
  /** Changes attempted that failed (enforce). */
  changesFailed?: number;
  /** Images deleted (cleanup). */
  imagesDeleted?: number;
  /** The bytes those images held (cleanup). */
  bytesReclaimed?: number;
  /** Scan verdicts that passed (scan). */
  verdictsPassed?: number;
  /** Scan verdicts that failed, or scans that failed (scan). */
  verdictsFailed?: number;
  /**
   * The run stopped before it had visited everything and nothing will continue it: repositories were left
   * out of this schedule.
   */
  incomplete?: boolean;
  /** The run stopped at its deadline and handed its cursor on to a continuation (not a failure). */
  handedOn?: boolean;
  /** Targets (account x region) the run could not work in at all. */
  targetsFailed?: number;
}

/** The counts a job adds to what every report says (see `Job.outcome`). */
export type JobCounts = Partial<
  Pick<RunOutcome, 'repositoriesFailed' | 'changesApplied' | 'changesFailed' | 'imagesDeleted' | 'bytesReclaimed' | 'verdictsPassed' | 'verdictsFailed' | 'targetsFailed'>
>;
