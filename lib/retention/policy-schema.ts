import * as z from 'zod';
import { GlobPatternSchema } from '../glob';

/** A glob over names (repositories or tags): `*` stays within a `/` segment, `**` crosses it. */
const pattern = GlobPatternSchema;

/** What an expiring rule does: `delete`, or `archive` (UpdateImageStorageClass to ARCHIVE, restorable). */
export const RETENTION_ACTIONS = ['delete', 'archive'] as const;

/** One retention rule for tagged images. */
export const RetentionRuleSchema = z.strictObject({
  /** Repositories the rule covers (globs). */
  repositories: z.array(pattern).min(1, 'must list at least one pattern (use "**" for all)').default(['**']),
  /** An image is selected only when every one of its tags matches one of these. */
  tags: z.array(pattern).min(1, 'must list at least one tag pattern'),
  /** The newest N selected images (by push time) always stay. */
  keepLast: z.int().min(0).default(0),
  /** Only images pushed longer ago than this expire. Required: a rule says how old is old. */
  olderThanDays: z.number().min(0).max(36500),
  /** Only images not pulled for this many days expire (ECR's `lastRecordedPullTime`); null: ignore pulls. */
  notPulledForDays: z.number().min(0).max(36500).nullable().default(null),
  action: z.enum(RETENTION_ACTIONS, { error: `must be one of ${RETENTION_ACTIONS.join(', ')}` }).default('delete'),
});

/** An IAM principal ARN (role or user) whose pulls ECR should not record. */
const principalArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, 'must be an IAM role or user ARN');

/**
 * ECR's pull-time update exclusions, as a registry setting: pulls by these principals (an Inspector
 * scanning role, a backup job) do not touch `lastRecordedPullTime`, so `notPulledForDays` means real pulls.
 */
export const PullTimeExclusionsSchema = z.strictObject({
  /** `merge`: register the principals and keep others; `replace`: exactly these principals. */
  mode: z.enum(['merge', 'replace']).default('merge'),
  principals: z.array(principalArn).default([]),
});

/** The `retention` section: expiry of tagged images, opt-in (no rule, nothing expires). */
export const RetentionSchema = z.strictObject({
  /** An image with any tag matching one of these is never expired. */
  protectTags: z.array(pattern).default([]),
  /** Rules, first match wins for an image. */
  rules: z.array(RetentionRuleSchema).default([]),
  pullTimeUpdateExclusions: PullTimeExclusionsSchema.default(() => PullTimeExclusionsSchema.parse({})),
});

/** The validated `retention` section. */
export type RetentionPolicy = z.infer<typeof RetentionSchema>;
export type RetentionRule = z.infer<typeof RetentionRuleSchema>;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];
