import type { LifecyclePolicyDocument, LifecyclePolicySection } from './lifecycle-policy-schema';
import type { PostureChange } from './types';

/**
 * Days after its push an untagged image expires under the default baseline. Long on purpose: the
 * baseline is a safety net for when ecr-keeper's own cleanup (which knows what is in use, what an
 * index or a signature holds) is not running, and ECR's lifecycle knows none of that. See docs/posture.md.
 */
export const DEFAULT_BASELINE_UNTAGGED_DAYS = 90;

/**
 * The default baseline: one rule, untagged images only, by age since push. No count rule, no
 * `tagStatus: any` or tagged rule (see docs/posture.md for the ECR lifecycle behaviours this avoids).
 *
 * @example
 * defaultBaseline(30).rules[0].selection; // { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }
 */
export function defaultBaseline(untaggedDays: number = DEFAULT_BASELINE_UNTAGGED_DAYS): LifecyclePolicyDocument {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `ecr-keeper baseline: expire untagged images ${untaggedDays} days after their push`,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: untaggedDays },
        action: { type: 'expire' },
      },
    ],
  };
}

/** The lifecycle policy text the section puts: its own `baseline`, or the default one. */
export function baselineText(section: LifecyclePolicySection): string {
  return JSON.stringify(section.baseline ?? defaultBaseline(section.untaggedDays), null, 2);
}

/** The repository a lifecycle plan is for. */
export interface LifecycleInput {
  repositoryName: string;
  repositoryArn: string;
  /** Whether GetLifecyclePolicy found a policy (its content does not matter: it is never replaced). */
  hasLifecyclePolicy: boolean;
}

/**
 * Plans the lifecycle safety net: with `require: true`, a repository without a lifecycle policy gets
 * the baseline. A repository that has one keeps it, whatever it says. Pure: no AWS call.
 *
 * @example
 * const change = planLifecyclePolicy({ repositoryName, repositoryArn, hasLifecyclePolicy }, policy.lifecyclePolicy);
 */
export function planLifecyclePolicy(
  input: LifecycleInput,
  section: LifecyclePolicySection,
): Extract<PostureChange, { kind: 'put-lifecycle-policy' }> | undefined {
  if (!section.require || input.hasLifecyclePolicy) return undefined;
  const which = section.baseline ? 'the policy baseline' : `the default baseline (untagged images expire ${section.untaggedDays ?? DEFAULT_BASELINE_UNTAGGED_DAYS} days after push)`;
  return {
    kind: 'put-lifecycle-policy',
    repositoryName: input.repositoryName,
    repositoryArn: input.repositoryArn,
    from: null,
    to: { baseline: section.baseline ? 'policy' : 'default', rules: (section.baseline ?? defaultBaseline()).rules.length },
    lifecyclePolicyText: baselineText(section),
    reason: `repo ${input.repositoryName}: lifecycle policy none -> ${which}`,
  };
}

/**
 * What a policy's own baseline does that the default avoids (docs/posture.md), one sentence each, for the
 * loaders to log as warnings: count rules and rules that expire tagged images. None for the default baseline,
 * nor when no baseline is put (`require: false`).
 *
 * @example
 * for (const warning of baselineWarnings(policy.lifecyclePolicy)) log.warn(warning);
 */
export function baselineWarnings(section: LifecyclePolicySection): string[] {
  if (!section.require || !section.baseline) return [];
  const warnings: string[] = [];
  for (const rule of section.baseline.rules) {
    const where = `lifecyclePolicy.baseline rule ${rule.rulePriority}`;
    if (rule.action.type !== 'expire') continue;
    if (rule.selection.countType === 'imageCountMoreThan') {
      warnings.push(`${where} counts images: ECR counts image indexes, their platform images and signatures too, so it may expire what a kept image needs (docs/posture.md)`);
    }
    if (rule.selection.tagStatus !== 'untagged') {
      warnings.push(`${where} expires tagged images (tagStatus ${rule.selection.tagStatus}), old-style cosign signatures (sha256-<digest>.sig tags) among them (docs/posture.md)`);
    }
  }
  return warnings;
}
