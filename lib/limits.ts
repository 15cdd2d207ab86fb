/**
 * Service limits, each with the number AWS documents. Code batches and pages at these sizes so that
 * every job makes the fewest calls.
 */

/** DescribeRepositories `maxResults` (1-1000). */
export const MAX_DESCRIBE_REPOSITORIES_PAGE = 1000;
/** DescribeRepositories `repositoryNames` per call (1-100). */
export const MAX_DESCRIBE_REPOSITORIES_NAMES = 100;
/** DescribeImages `maxResults` (1-1000). */
export const MAX_DESCRIBE_IMAGES_PAGE = 1000;
/** DescribeImages `imageIds` per call (1-100). */
export const MAX_DESCRIBE_IMAGES_IDS = 100;
/** DescribeImageScanFindings `maxResults` (1-1000). */
export const MAX_SCAN_FINDINGS_PAGE = 1000;
/** BatchGetImage `imageIds` per call (1-100). */
export const MAX_BATCH_GET_IMAGE = 100;
/** BatchDeleteImage `imageIds` per call (1-100). */
export const MAX_BATCH_DELETE_IMAGE = 100;
/** Replication configuration: rules per registry. */
export const MAX_REPLICATION_RULES = 10;
/** Replication configuration: destinations across all rules. */
export const MAX_REPLICATION_DESTINATIONS = 25;
/** Replication configuration: repository filters per rule. */
export const MAX_REPLICATION_FILTERS_PER_RULE = 100;
/** Tag mutability exclusion filters per repository. */
export const MAX_TAG_MUTABILITY_EXCLUSIONS = 5;

/** PutEvents entries per call (1-10). */
export const MAX_PUT_EVENTS_ENTRIES = 10;
/** PutEvents total request size, and so the largest single entry (256 KiB). */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

/** DynamoDB item size, attribute names and values together (400 KB). */
export const MAX_DYNAMODB_ITEM_BYTES = 400 * 1024;

/** SQS SendMessageBatch / DeleteMessageBatch entries per call (1-10). */
export const MAX_SQS_BATCH_ENTRIES = 10;
/** SQS message body (256 KiB). */
export const MAX_SQS_MESSAGE_BYTES = 256 * 1024;

/** Default bound on per-repository work in flight, kept well under ECR's management API rates. */
export const DEFAULT_REPOSITORY_CONCURRENCY = 8;
/** SDK attempts per call (first try + retries) under the adaptive retry mode. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Repositories in one fan-out work item (1-100): the worker looks them up with one DescribeRepositories
 * call (`repositoryNames`, at most 100).
 */
export const MAX_REPOSITORIES_PER_WORK_ITEM = MAX_DESCRIBE_REPOSITORIES_NAMES;

/** Organizations ListAccounts `MaxResults` (1-20). */
export const MAX_LIST_ACCOUNTS_PAGE = 20;
/**
 * Targets (account x region) worked on at once; each runs its own bounded repository concurrency. ECR's API
 * rates are per account and region, so targets never share a rate: 12 (4 accounts x 3 regions) in one wave,
 * 96 requests in flight at the default repository concurrency. Beyond that the client's CPU (about 0.7 ms
 * per call, the SDK's) bounds a run, not the number of targets at once (bench: `--only targets`).
 */
export const DEFAULT_TARGET_CONCURRENCY = 12;
/** AssumeRole `DurationSeconds` asked for (900-43200; a role chained from another role gets at most 3600). */
export const ASSUME_ROLE_DURATION_SECONDS = 3600;
/** Assumed credentials are refreshed this long before they expire, so that no call signs with stale ones. */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** A refused AssumeRole is not asked again for this long: every region of that account fails with it. */
export const ASSUME_ROLE_FAILURE_HOLD_MS = 60 * 1000;
/** ECS ListClusters / ListServices / ListTasks `maxResults` (1-100). */
export const MAX_ECS_LIST_PAGE = 100;
/** ECS DescribeServices `services` per call (1-10). */
export const MAX_ECS_DESCRIBE_SERVICES = 10;
/** ECS DescribeTasks `tasks` per call (1-100). */
export const MAX_ECS_DESCRIBE_TASKS = 100;
/** Lambda ListFunctions `MaxItems` (1-50). */
export const MAX_LAMBDA_LIST_FUNCTIONS_PAGE = 50;
/** Lambda ListAliases `MaxItems` (1-10000). */
export const MAX_LAMBDA_LIST_ALIASES_PAGE = 10000;
/** Batch DescribeJobDefinitions `maxResults` (1-100). */
export const MAX_BATCH_JOB_DEFINITIONS_PAGE = 100;
/** Inspector2 ListCoverage `maxResults` (1-200). */
export const MAX_INSPECTOR_COVERAGE_PAGE = 200;
/** ECR ListPullTimeUpdateExclusions `maxResults` (1-1000). */
export const MAX_PULL_TIME_EXCLUSIONS_PAGE = 1000;
/** SetRepositoryPolicy `policyText` (0-10240 characters). */
export const MAX_REPOSITORY_POLICY_TEXT = 10240;
/** PutLifecyclePolicy `lifecyclePolicyText` (100-30720 characters). */
export const MAX_LIFECYCLE_POLICY_TEXT = 30720;
/** Wildcards (`*`) in one `tagPatternList` entry of a lifecycle rule. */
export const MAX_LIFECYCLE_TAG_PATTERN_WILDCARDS = 4;
/** Lambda Invoke payload of an asynchronous (`Event`) invocation (256 KiB). */
export const MAX_ASYNC_INVOKE_PAYLOAD_BYTES = 256 * 1024;
/**
 * Continuations of one scheduled run without fan-out: a run that needs more invocations than this is no
 * longer a healthy schedule (turn on `runtime.fanOut`) and ends incomplete, with its alarm.
 */
export const MAX_HAND_ONS_PER_RUN = 50;
