import * as z from 'zod';
import { AUDIT_SUMMARY_DETAIL_TYPE } from '../audit/summary-event';
import { CLEANUP_SUMMARY_DETAIL_TYPE } from '../cleanup/summary-event';
import { SETTING_ENFORCED_DETAIL_TYPE } from '../enforce/enforced-event';
import { EVENT_DETAIL_VERSION } from '../events/version';
import { MODES } from '../job/mode';
import { SCAN_VERDICT_DETAIL_TYPE } from '../scan/verdict-event';
import { REPORT_SCHEMA_VERSION } from '../job/types';
import { RESCAN_SUMMARY_DETAIL_TYPE } from '../rescan/summary-event';
import { CleanupRulesSchema, ErrorInfoSchema, ImageTallySchema, RescanSkipsSchema, scanVerdictFields } from './reports';

/**
 * The `detail` of every event ecr-keeper publishes, as a contract (see ./reports.ts for the approach):
 * `npm run schemas` writes them to schemas/events/*.schema.json; docs/events.md describes each.
 */

const count = z.int().min(0);
const version = z.literal(EVENT_DETAIL_VERSION);
const fanOut = z.strictObject({ run: z.string(), index: count }).optional();

export const AuditSummaryDetailSchema = z
  .strictObject({
    version,
    registryId: z.string(),
    region: z.string(),
    generatedAt: z.iso.datetime(),
    summary: z.looseObject({ repositories: count, outOfPolicy: count, outOfPolicyFound: z.boolean(), complete: z.boolean() }),
    replicationCompliant: z.boolean(),
    outOfPolicyRepositories: z.array(z.string()),
    outOfPolicyRepositoriesTruncated: z.boolean(),
    failures: z.array(z.strictObject({ repositoryName: z.string(), error: ErrorInfoSchema })),
  })
  .meta({ title: AUDIT_SUMMARY_DETAIL_TYPE });

export const CleanupSummaryDetailSchema = z
  .strictObject({
    version,
    mode: z.enum(MODES),
    generatedAt: z.iso.datetime(),
    rules: CleanupRulesSchema,
    summary: z.looseObject({ repositories: count, planned: ImageTallySchema, deleted: ImageTallySchema, failed: count, complete: z.boolean() }),
    repositories: z.array(
      z.strictObject({ repositoryName: z.string(), planned: ImageTallySchema, deleted: ImageTallySchema.optional(), failed: count.optional() }),
    ),
    repositoriesTruncated: z.boolean(),
    failures: z.array(z.strictObject({ repositoryName: z.string(), digest: z.string().optional(), code: z.string(), message: z.string() })),
    failuresTruncated: z.boolean(),
    missing: z.array(z.string()),
    fanOut,
  })
  .meta({ title: CLEANUP_SUMMARY_DETAIL_TYPE });

export const SettingEnforcedDetailSchema = z
  .strictObject({
    version,
    status: z.enum(['applied', 'failed']),
    kind: z.string(),
    repositoryName: z.string().optional(),
    registryId: z.string().optional(),
    region: z.string(),
    from: z.unknown(),
    to: z.unknown(),
    reason: z.string(),
    error: ErrorInfoSchema.optional(),
    trigger: z.looseObject({ source: z.string() }).optional(),
  })
  .meta({ title: SETTING_ENFORCED_DETAIL_TYPE });

export const ScanVerdictDetailSchema = z
  .strictObject({
    version,
    ...scanVerdictFields,
    truncated: z.strictObject({ topFindings: count, ignoredIds: count }).optional(),
  })
  .meta({ title: SCAN_VERDICT_DETAIL_TYPE });

export const RescanSummaryDetailSchema = z
  .strictObject({
    version,
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    job: z.literal('rescan'),
    mode: z.enum(MODES),
    scanType: z.enum(['BASIC', 'ENHANCED']),
    note: z.string().optional(),
    rescanAfterDays: z.number().min(0),
    planned: z.strictObject({
      count,
      images: z.array(z.strictObject({ repositoryName: z.string(), imageDigest: z.string(), reason: z.string() })),
      truncated: z.boolean(),
    }),
    started: count.optional(),
    scannedToday: count.optional(),
    skippedOnStart: count.optional(),
    failed: count.optional(),
    skipped: RescanSkipsSchema,
    inUse: z.strictObject({ sources: z.array(z.string()), inScope: count, failedSources: z.array(z.string()) }),
    failures: z.array(z.strictObject({ repositoryName: z.string(), imageDigest: z.string().optional(), code: z.string(), message: z.string() })),
    failuresTruncated: z.boolean(),
    summary: z.looseObject({ repositories: count, excluded: count, complete: z.boolean() }),
    fanOut,
  })
  .meta({ title: RESCAN_SUMMARY_DETAIL_TYPE });

/** Every event's detail schema, by its detail-type. */
export const EVENT_DETAIL_SCHEMAS = {
  [AUDIT_SUMMARY_DETAIL_TYPE]: AuditSummaryDetailSchema,
  [CLEANUP_SUMMARY_DETAIL_TYPE]: CleanupSummaryDetailSchema,
  [SETTING_ENFORCED_DETAIL_TYPE]: SettingEnforcedDetailSchema,
  [SCAN_VERDICT_DETAIL_TYPE]: ScanVerdictDetailSchema,
  [RESCAN_SUMMARY_DETAIL_TYPE]: RescanSummaryDetailSchema,
} as const;

/** `ECR Keeper Scan Verdict` -> `scan-verdict`: the event's file name under schemas/events/. */
export function eventSchemaName(detailType: string): string {
  return detailType.replace(/^ECR Keeper /, '').toLowerCase().replace(/\s+/g, '-');
}
