import * as z from 'zod';
import { MODES } from '../job/mode';
import { REPORT_SCHEMA_VERSION } from '../job/types';
import { TARGETS_REPORT_SCHEMA_VERSION } from '../targets/execute';
import { AccountIdSchema } from '../targets/schema';
import { SEVERITIES } from '../policy';

/**
 * The JSON reports as a contract: what `--format json` prints and a Lambda's full report holds, as zod
 * schemas, from which `npm run schemas` writes schemas/*.schema.json. The parts consumers branch on (the
 * envelope, each summary, the entries' names and statuses) are strict: a field added or gone fails the
 * contract tests, and the change gets `schemaVersion` bumped and a CHANGELOG line. Deeper details stay open.
 */

const count = z.int().min(0);
export const ErrorInfoSchema = z.strictObject({ code: z.string(), message: z.string() });
export const RepositoryFailureSchema = z.strictObject({ repositoryName: z.string(), error: ErrorInfoSchema });
export const ImageTallySchema = z.strictObject({ count, bytes: count });

/** What became of a run's events (`events`), when it published any. */
export const PublishResultSchema = z.strictObject({
  published: count,
  failed: z.array(z.strictObject({ detailType: z.string(), code: z.string(), message: z.string() })),
  calls: count,
});

/** The fields every job's summary has. */
const jobSummary = {
  repositories: count,
  excluded: count,
  complete: z.boolean(),
  cursor: z.string().optional(),
};

/** The envelope every job's report has. */
function jobReport<J extends string>(job: J, mode: z.ZodType) {
  return {
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    job: z.literal(job),
    mode,
    generatedAt: z.iso.datetime(),
    failures: z.array(RepositoryFailureSchema),
    missing: z.array(z.string()),
    events: PublishResultSchema.nullable().optional(),
  };
}

export const AuditReportSchema = z
  .strictObject({
    ...jobReport('audit', z.literal('dry-run')),
    registry: z.looseObject({
      registryId: z.string(),
      region: z.string(),
      replication: z.looseObject({ mode: z.enum(['merge', 'replace']), compliant: z.boolean() }),
      scanning: z.looseObject({ scanType: z.string() }),
    }),
    repositories: z.array(z.looseObject({ repositoryName: z.string(), compliant: z.boolean() })),
    summary: z.strictObject({
      ...jobSummary,
      compliant: count,
      outOfPolicy: count,
      skipped: count,
      failed: count,
      images: count,
      bytes: count,
      untaggedImages: count,
      untaggedBytes: count,
      reclaimableImages: count,
      reclaimableBytes: count,
      changes: count,
      findings: count,
      findingsByControl: z.record(z.string(), count),
      outOfPolicyFound: z.boolean(),
    }),
  })
  .meta({ title: 'ecr-keeper audit report' });

const ChangeOutcomeSchema = z.looseObject({
  status: z.enum(['applied', 'failed', 'skipped']),
  change: z.looseObject({ kind: z.string(), reason: z.string() }),
});

export const EnforceReportSchema = z
  .strictObject({
    ...jobReport('enforce', z.enum(MODES)),
    scope: z.enum(['registry', 'repositories', 'replication']),
    trigger: z.looseObject({ source: z.string() }).optional(),
    registry: z.strictObject({
      registryId: z.string().optional(),
      region: z.string(),
      replication: z.strictObject({ checked: z.boolean(), mode: z.enum(['merge', 'replace']), outcome: ChangeOutcomeSchema.nullable() }),
      pullTimeExclusions: z.array(ChangeOutcomeSchema).optional(),
    }),
    repositories: z.array(
      z.strictObject({
        repositoryName: z.string(),
        repositoryArn: z.string(),
        registryId: z.string(),
        outcomes: z.array(ChangeOutcomeSchema),
        notes: z.array(z.looseObject({})),
      }),
    ),
    summary: z.strictObject({
      ...jobSummary,
      mode: z.enum(MODES),
      compliant: count,
      changes: count,
      applied: count,
      failed: count,
      skipped: count,
      failedRepositories: count,
    }),
  })
  .meta({ title: 'ecr-keeper enforce report' });

/** The cleanup rules a run applied: the policy's untagged rules, its cap, and how many retention rules. */
export const CleanupRulesSchema = z.strictObject({
  untaggedOlderThanDays: z.number(),
  keepPulledWithinDays: z.number().nullable(),
  maxDeletesPerRun: count,
  retentionRules: count,
});

const CleanupPlanSchema = z.looseObject({
  repositoryName: z.string(),
  delete: z.array(z.looseObject({ action: z.literal('delete'), reason: z.string(), image: z.looseObject({ digest: z.string() }) })),
  keep: z.array(z.looseObject({ action: z.literal('keep'), reason: z.string(), image: z.looseObject({ digest: z.string() }) })),
  reclaim: ImageTallySchema,
});

export const CleanupReportSchema = z
  .strictObject({
    ...jobReport('cleanup', z.enum(MODES)),
    rules: CleanupRulesSchema,
    /** What was in use in the target, read once per run; a failed source holds every deletion (fail closed). */
    inUse: z.strictObject({
      sources: z.array(z.string()),
      images: count,
      failures: z.array(z.strictObject({ source: z.string(), error: z.strictObject({ code: z.string(), message: z.string() }) })),
    }),
    repositories: z.array(
      z.union([
        z.strictObject({ mode: z.literal('dry-run'), repositoryName: z.string(), plan: CleanupPlanSchema }),
        z.strictObject({ mode: z.literal('apply'), repositoryName: z.string(), plan: CleanupPlanSchema, applied: z.looseObject({ deleted: ImageTallySchema }) }),
      ]),
    ),
    summary: z.strictObject({
      ...jobSummary,
      mode: z.enum(MODES),
      repositoriesWithGarbage: count,
      images: count,
      planned: ImageTallySchema,
      deleted: ImageTallySchema,
      alreadyGone: count,
      dropped: count,
      referenced: count,
      failed: count,
      capReached: count,
      expired: count,
      archivePlanned: ImageTallySchema,
      archived: ImageTallySchema,
      inUse: count,
      inUseFailures: z.array(z.string()),
      orphanedSignatureTags: count,
      unreadableIndexes: count,
    }),
  })
  .meta({ title: 'ecr-keeper cleanup report' });

export const SeverityCountsSchema = z.partialRecord(z.enum(SEVERITIES), count);

/** A scan verdict: the `verdict` of `ecr-keeper scan`, and the detail of the `ECR Keeper Scan Verdict` event. */
export const scanVerdictFields = {
  repositoryName: z.string(),
  registryId: z.string().optional(),
  imageDigest: z.string().regex(/^sha256:[a-f0-9]{64}$/),
  imageTags: z.array(z.string()),
  result: z.enum(['pass', 'fail', 'scan-failed']),
  reason: z.string(),
  failOn: z.enum(SEVERITIES),
  scan: z.looseObject({ type: z.enum(['BASIC', 'ENHANCED']), status: z.string() }),
  counts: SeverityCountsSchema,
  effectiveCounts: SeverityCountsSchema,
  findingsTotal: count,
  ignored: z.strictObject({ count, ids: z.array(z.string()) }),
  topFindings: z.array(z.looseObject({ id: z.string(), severity: z.enum(SEVERITIES) })),
  verdictId: z.string(),
};

export const ScanReportSchema = z
  .looseObject({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    kind: z.enum(['verdict', 'pending', 'skipped-unsupported', 'not-scanned', 'out-of-scope', 'missing']),
    image: z.looseObject({ repositoryName: z.string(), imageDigest: z.string() }),
    reason: z.string(),
    verdict: z.strictObject(scanVerdictFields).optional(),
  })
  .meta({ title: 'ecr-keeper scan report' });

const RescanItemSchema = z.strictObject({
  kind: z.literal('start-scan'),
  repositoryName: z.string(),
  repositoryArn: z.string().optional(),
  imageDigest: z.string(),
  imageTags: z.array(z.string()),
  reason: z.string(),
});

/** The counts of images a rescan left out, by why. */
export const RescanSkipsSchema = z.strictObject({ notDue: count, outOfScope: count, scanning: count, unsupported: count, optedOutRepositories: count });

export const RescanReportSchema = z
  .strictObject({
    ...jobReport('rescan', z.enum(MODES)),
    scanType: z.enum(['BASIC', 'ENHANCED']),
    note: z.string().optional(),
    rescanAfterDays: z.number().min(0),
    rescanPushedWithinDays: z.number().min(0),
    planned: z.array(RescanItemSchema),
    outcomes: z.array(
      z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('started'), item: RescanItemSchema }),
        z.strictObject({ kind: z.literal('scanned-today'), item: RescanItemSchema, reason: z.string() }),
        z.strictObject({ kind: z.literal('skipped'), item: RescanItemSchema, reason: z.string() }),
        z.strictObject({ kind: z.literal('failed'), item: RescanItemSchema, error: ErrorInfoSchema }),
      ]),
    ),
    judgeable: z.array(z.strictObject({ repositoryName: z.string(), repositoryArn: z.string().optional(), imageDigest: z.string(), imageTags: z.array(z.string()) })),
    skipped: RescanSkipsSchema,
    inUse: z.strictObject({
      sources: z.array(z.string()),
      images: count,
      inScope: count,
      failures: z.array(z.strictObject({ source: z.string(), error: ErrorInfoSchema })),
    }),
    summary: z.strictObject(jobSummary),
  })
  .meta({ title: 'ecr-keeper rescan report' });

/** Where a target is: the account and the region of its registry. */
const targetWhere = { accountId: AccountIdSchema, region: z.string().min(1) };

/**
 * The report over targets that a job's `--format json` prints (`schemaVersion` 2): one entry per account x
 * region, each the job's own report with its `accountId` and `region`, or, for a target that failed as a whole
 * (AssumeRole refused, region not enabled), empty lists, a zeroed summary and the `error` with its AWS code.
 * The top-level `summary` adds up the targets' summaries (a value the targets disagree on is left out) and
 * counts `targets` and `failedTargets`.
 */
function targetsReport<J extends string, S extends z.ZodRawShape>(job: J, mode: z.ZodType, report: z.ZodObject<S>, summary: z.ZodObject) {
  const failedTarget = z.strictObject({
    ...targetWhere,
    repositories: z.array(z.unknown()).max(0),
    failures: z.array(RepositoryFailureSchema).max(0),
    missing: z.array(z.string()).max(0),
    summary: summary.partial(),
    error: ErrorInfoSchema,
  });
  return z
    .strictObject({
      schemaVersion: z.literal(TARGETS_REPORT_SCHEMA_VERSION),
      job: z.literal(job),
      mode,
      generatedAt: z.iso.datetime(),
      targets: z.array(z.union([report.extend(targetWhere), failedTarget])),
      summary: summary.partial().extend({ targets: count, failedTargets: count }),
    })
    .meta({ title: `ecr-keeper ${job} report over targets` });
}

export const AuditTargetsReportSchema = targetsReport('audit', z.literal('dry-run'), AuditReportSchema, AuditReportSchema.shape.summary);
export const EnforceTargetsReportSchema = targetsReport('enforce', z.enum(MODES), EnforceReportSchema, EnforceReportSchema.shape.summary);
export const CleanupTargetsReportSchema = targetsReport('cleanup', z.enum(MODES), CleanupReportSchema, CleanupReportSchema.shape.summary);
export const RescanTargetsReportSchema = targetsReport('rescan', z.enum(MODES), RescanReportSchema, RescanReportSchema.shape.summary);

/** Every report's schema, by the file it is written to under schemas/, and what it is the schema of. */
export const REPORT_SCHEMAS = {
  'audit-report': AuditReportSchema,
  'enforce-report': EnforceReportSchema,
  'cleanup-report': CleanupReportSchema,
  'scan-report': ScanReportSchema,
  'rescan-report': RescanReportSchema,
  'audit-targets-report': AuditTargetsReportSchema,
  'enforce-targets-report': EnforceTargetsReportSchema,
  'cleanup-targets-report': CleanupTargetsReportSchema,
  'rescan-targets-report': RescanTargetsReportSchema,
} as const;
