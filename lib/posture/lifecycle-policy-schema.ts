import * as z from 'zod';
import { MAX_LIFECYCLE_POLICY_TEXT, MAX_LIFECYCLE_TAG_PATTERN_WILDCARDS } from '../limits';

const TagPatternSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128)
  .refine(
    (p) => (p.match(/\*/g) ?? []).length <= MAX_LIFECYCLE_TAG_PATTERN_WILDCARDS,
    `ECR allows at most ${MAX_LIFECYCLE_TAG_PATTERN_WILDCARDS} wildcards (*) in a tag pattern`,
  );

/** One rule of an ECR lifecycle policy document, with the checks ECR makes when the policy is put. */
export const LifecycleRuleSchema = z
  .strictObject({
    rulePriority: z.int().min(1, 'must be 1 or more'),
    description: z.string().max(256).optional(),
    selection: z.strictObject({
      tagStatus: z.enum(['tagged', 'untagged', 'any']),
      tagPatternList: z.array(TagPatternSchema).min(1).optional(),
      tagPrefixList: z.array(z.string().min(1).max(128)).min(1).optional(),
      storageClass: z.enum(['standard', 'archive']).optional(),
      countType: z.enum(['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned']),
      countUnit: z.literal('days', { error: 'must be "days"' }).optional(),
      countNumber: z.int().min(1, 'must be 1 or more'),
    }),
    action: z.strictObject({
      type: z.enum(['expire', 'transition']),
      targetStorageClass: z.literal('archive', { error: 'must be "archive"' }).optional(),
    }),
  })
  .superRefine((rule, ctx) => {
    const s = rule.selection;
    if (s.tagStatus === 'tagged' && !s.tagPatternList && !s.tagPrefixList) {
      ctx.addIssue({ code: 'custom', path: ['selection', 'tagStatus'], message: 'a "tagged" rule needs tagPatternList or tagPrefixList' });
    }
    if (s.tagStatus !== 'tagged' && (s.tagPatternList || s.tagPrefixList)) {
      ctx.addIssue({ code: 'custom', path: ['selection', 'tagStatus'], message: 'tag lists only apply to a "tagged" rule' });
    }
    if (s.countType === 'imageCountMoreThan' && s.countUnit !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['selection', 'countUnit'], message: 'imageCountMoreThan takes no countUnit' });
    }
    if (s.countType !== 'imageCountMoreThan' && s.countUnit === undefined) {
      ctx.addIssue({ code: 'custom', path: ['selection', 'countUnit'], message: `${s.countType} needs countUnit "days"` });
    }
    if (rule.action.type === 'transition' && rule.action.targetStorageClass === undefined) {
      ctx.addIssue({ code: 'custom', path: ['action', 'targetStorageClass'], message: 'a transition needs targetStorageClass "archive"' });
    }
    if (rule.action.type === 'expire' && rule.action.targetStorageClass !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['action', 'targetStorageClass'], message: 'only a transition takes a targetStorageClass' });
    }
    if (s.countType === 'sinceImagePulled' && rule.action.type !== 'transition') {
      ctx.addIssue({ code: 'custom', path: ['action', 'type'], message: 'a sinceImagePulled rule can only transition (archive), not expire' });
    }
  });

/** An ECR lifecycle policy document (`{ rules: [...] }`), as PutLifecyclePolicy takes it. */
export const LifecyclePolicyDocumentSchema = z
  .strictObject({ rules: z.array(LifecycleRuleSchema).min(1, 'a lifecycle policy needs at least one rule') })
  .superRefine((doc, ctx) => {
    const priorities = doc.rules.map((r) => r.rulePriority);
    priorities.forEach((p, i) => {
      if (priorities.indexOf(p) !== i) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'rulePriority'], message: `rulePriority ${p} is used twice; ECR needs unique priorities` });
      }
    });
    const highest = Math.max(...priorities);
    doc.rules.forEach((r, i) => {
      if (r.selection.tagStatus === 'any' && r.rulePriority !== highest) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'rulePriority'], message: 'a tagStatus "any" rule must have the highest rulePriority (ECR evaluates it last)' });
      }
    });
    const size = JSON.stringify(doc).length;
    if (size > MAX_LIFECYCLE_POLICY_TEXT) {
      ctx.addIssue({ code: 'custom', path: ['rules'], message: `the policy is ${size} characters, ECR allows at most ${MAX_LIFECYCLE_POLICY_TEXT}` });
    }
  });
export type LifecyclePolicyDocument = z.infer<typeof LifecyclePolicyDocumentSchema>;

/**
 * The `lifecyclePolicy` section: a safety net for repositories with no lifecycle policy.
 *
 * - `require: true`: a repository in scope without a lifecycle policy gets `baseline`; one that has a
 *   lifecycle policy keeps it, whatever it says. `false` (the default): lifecycle policies are only reported.
 * - `baseline`: the ECR lifecycle policy document to put; `null` (the default): ecr-keeper's safe
 *   default, which expires untagged images `untaggedDays` after their push (see docs/posture.md).
 *
 * @example
 * lifecyclePolicy: { require: true, untaggedDays: 30 }
 */
export const LifecyclePolicySectionSchema = z
  .strictObject({
    require: z.boolean().default(false),
    baseline: LifecyclePolicyDocumentSchema.nullable().default(null),
    /** Days after its push an untagged image expires under the default baseline (not with your own `baseline`). */
    untaggedDays: z.int().min(1, 'must be 1 or more').max(3650).optional(),
  })
  .superRefine((section, ctx) => {
    if (section.baseline !== null && section.untaggedDays !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['untaggedDays'], message: 'only applies to the default baseline (baseline: null); put the days in your own baseline' });
    }
  });
export type LifecyclePolicySection = z.infer<typeof LifecyclePolicySectionSchema>;
