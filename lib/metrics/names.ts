/** The CloudWatch namespace of every ecr-keeper metric (embedded metric format, in the functions' logs). */
export const METRICS_NAMESPACE = 'ecr-keeper';
/** The `service` dimension Powertools adds to every metric. */
export const METRICS_SERVICE = 'ecr-keeper';
/** The dimension naming the job a metric is about (`enforce`, `cleanup`, `audit`, `scan`, ...). */
export const JOB_DIMENSION = 'job';

/**
 * The metric names, as docs/operations.md lists them. The alarms in deploy/failures.yml watch the ones
 * under `failures`; a rename here is a contract change (CHANGELOG.md).
 */
export const METRIC_NAMES = {
  repositoriesProcessed: 'RepositoriesProcessed',
  repositoriesFailed: 'RepositoriesFailed',
  changesApplied: 'ChangesApplied',
  changesFailed: 'ChangesFailed',
  imagesDeleted: 'ImagesDeleted',
  bytesReclaimed: 'BytesReclaimed',
  verdictsPassed: 'VerdictsPassed',
  verdictsFailed: 'VerdictsFailed',
  runsIncomplete: 'RunsIncomplete',
  runsHandedOn: 'RunsHandedOn',
  targetsFailed: 'TargetsFailed',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/** The metrics that mean something went wrong: each has an alarm (deploy/failures.yml). */
export const FAILURE_METRICS: readonly MetricName[] = [
  METRIC_NAMES.repositoriesFailed,
  METRIC_NAMES.changesFailed,
  METRIC_NAMES.runsIncomplete,
  METRIC_NAMES.targetsFailed,
];
