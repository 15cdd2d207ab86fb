import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../lib/policy';
import { DEFAULT_BASELINE_UNTAGGED_DAYS, defaultBaseline, planLifecyclePolicy } from '../lib/posture/lifecycle-baseline';
import { LifecyclePolicyDocumentSchema, LifecyclePolicySectionSchema } from '../lib/posture/lifecycle-policy-schema';

const ARN = 'arn:aws:ecr:us-east-1:123456789012:repository/svc/a';
const repo = (hasLifecyclePolicy: boolean) => ({ repositoryName: 'svc/a', repositoryArn: ARN, hasLifecyclePolicy });
const section = (s: object) => LifecyclePolicySectionSchema.parse(s);

const keepTen = {
  rules: [{ rulePriority: 1, selection: { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 10 }, action: { type: 'expire' } }],
};

/** The first issue of a schema's parse, as `path: message`. */
function firstIssue(schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): string {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  const issue = result.error!.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}

describe('planLifecyclePolicy', () => {
  it('puts the default baseline on a repository without a lifecycle policy', () => {
    const change = planLifecyclePolicy(repo(false), section({ require: true }));
    expect(change).toMatchObject({ kind: 'put-lifecycle-policy', repositoryName: 'svc/a', from: null, to: { baseline: 'default', rules: 1 } });
    expect(JSON.parse(change!.lifecyclePolicyText)).toEqual(defaultBaseline(DEFAULT_BASELINE_UNTAGGED_DAYS));
    expect(change!.reason).toBe(`repo svc/a: lifecycle policy none -> the default baseline (untagged images expire ${DEFAULT_BASELINE_UNTAGGED_DAYS} days after push)`);
  });

  it('never replaces an existing lifecycle policy, whatever it says', () => {
    expect(planLifecyclePolicy(repo(true), section({ require: true }))).toBeUndefined();
    expect(planLifecyclePolicy(repo(true), section({ require: true, baseline: keepTen }))).toBeUndefined();
  });

  it('plans nothing unless the policy requires a lifecycle policy', () => {
    expect(planLifecyclePolicy(repo(false), section({}))).toBeUndefined();
  });

  it("puts the policy's own baseline when it has one", () => {
    const change = planLifecyclePolicy(repo(false), section({ require: true, baseline: keepTen }));
    expect(change?.to).toEqual({ baseline: 'policy', rules: 1 });
    expect(JSON.parse(change!.lifecyclePolicyText)).toEqual(keepTen);
  });

  it('expires untagged images after untaggedDays under the default baseline', () => {
    const change = planLifecyclePolicy(repo(false), section({ require: true, untaggedDays: 14 }));
    expect(JSON.parse(change!.lifecyclePolicyText).rules[0].selection.countNumber).toBe(14);
  });
});

describe('the default baseline', () => {
  const [rule, ...others] = defaultBaseline(30).rules;

  it('is one rule on untagged images by age since push: no count rule, nothing tagged, nothing "any"', () => {
    expect(others).toEqual([]);
    expect(rule?.selection).toEqual({ tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 });
    expect(rule?.action).toEqual({ type: 'expire' });
  });

  it('passes the checks ECR makes on a lifecycle policy', () => {
    expect(LifecyclePolicyDocumentSchema.safeParse(defaultBaseline()).success).toBe(true);
  });
});

describe('the lifecycle policy section', () => {
  it.each([
    ['a tagged rule without a tag list', { rules: [{ rulePriority: 1, selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] }, 'rules.0.selection.tagStatus: a "tagged" rule needs tagPatternList or tagPrefixList'],
    ['an age rule without countUnit', { rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 1 }, action: { type: 'expire' } }] }, 'rules.0.selection.countUnit: sinceImagePushed needs countUnit "days"'],
    ['a count rule with countUnit', { rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countUnit: 'days', countNumber: 1 }, action: { type: 'expire' } }] }, 'rules.0.selection.countUnit: imageCountMoreThan takes no countUnit'],
    [
      'two rules with one priority',
      { rules: [1, 1].map((rulePriority) => ({ rulePriority, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } })) },
      'rules.1.rulePriority: rulePriority 1 is used twice; ECR needs unique priorities',
    ],
    [
      'an "any" rule before another',
      {
        rules: [
          { rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } },
          { rulePriority: 2, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } },
        ],
      },
      'rules.0.rulePriority: a tagStatus "any" rule must have the highest rulePriority (ECR evaluates it last)',
    ],
    ['a pull-age rule that expires', { rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 9 }, action: { type: 'expire' } }] }, 'rules.0.action.type: a sinceImagePulled rule can only transition (archive), not expire'],
    ['no rules', { rules: [] }, 'rules: a lifecycle policy needs at least one rule'],
  ])('refuses a baseline with %s', (_, baseline, message) => {
    expect(firstIssue(LifecyclePolicySectionSchema, { require: true, baseline })).toBe(`baseline.${message}`);
  });

  it('refuses untaggedDays beside a baseline of its own', () => {
    expect(firstIssue(LifecyclePolicySectionSchema, { baseline: keepTen, untaggedDays: 3 })).toBe(
      'untaggedDays: only applies to the default baseline (baseline: null); put the days in your own baseline',
    );
  });

  it('names the field in a policy error', () => {
    expect(() => parsePolicy({ lifecyclePolicy: { require: 'yes' } })).toThrow(/lifecyclePolicy\.require/);
  });
});

describe('baselineWarnings', () => {
  it('warns of a baseline of its own that counts images or expires tagged ones', async () => {
    const { baselineWarnings } = await import('../lib/posture/lifecycle-baseline');
    const { policyWarnings } = await import('../lib/policy');
    const risky = {
      rules: [
        { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, action: { type: 'expire' } },
        { rulePriority: 2, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 }, action: { type: 'expire' } },
      ],
    };
    const warnings = policyWarnings(parsePolicy({ lifecyclePolicy: { require: true, baseline: risky } }));
    expect(warnings).toEqual([
      expect.stringMatching(/^lifecyclePolicy\.baseline rule 2 counts images: ECR counts image indexes, their platform images and signatures too/),
      expect.stringMatching(/^lifecyclePolicy\.baseline rule 2 expires tagged images \(tagStatus any\)/),
    ]);
    expect(baselineWarnings(section({ require: true }))).toEqual([]);
    expect(baselineWarnings(section({ require: false, baseline: risky }))).toEqual([]);
  });
});
