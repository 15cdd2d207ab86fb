import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../lib/policy';
import { planPosture, postureReadsForEnforce } from '../lib/posture/plan';

const OWN = '123456789012';
const repository = { repositoryName: 'svc/a', repositoryArn: `arn:aws:ecr:us-east-1:${OWN}:repository/svc/a` };
const publicPolicy = JSON.stringify({ Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }] });

describe('postureReadsForEnforce', () => {
  it('reads nothing more under the default policy', () => {
    expect(postureReadsForEnforce(parsePolicy({}))).toEqual({ repositoryPolicy: false, lifecyclePolicy: false });
  });

  it('reads the repository policy when something may be removed from it, the lifecycle policy when one is required', () => {
    expect(postureReadsForEnforce(parsePolicy({ repositoryPolicy: { public: 'deny' } })).repositoryPolicy).toBe(true);
    expect(postureReadsForEnforce(parsePolicy({ repositoryPolicy: { allowedAccounts: [] } })).repositoryPolicy).toBe(true);
    expect(postureReadsForEnforce(parsePolicy({ lifecyclePolicy: { require: true } })).lifecyclePolicy).toBe(true);
  });
});

describe('planPosture', () => {
  it('plans the repository policy and the baseline together, in that order', () => {
    const plan = planPosture(
      { repository, ownAccount: OWN, policyText: publicPolicy, hasLifecyclePolicy: false },
      parsePolicy({ repositoryPolicy: { public: 'deny' }, lifecyclePolicy: { require: true } }),
    );
    expect(plan.changes.map((c) => c.kind)).toEqual(['delete-repository-policy', 'put-lifecycle-policy']);
    expect(plan.unfixable).toBe(false);
  });

  it('plans nothing for what was not read', () => {
    const plan = planPosture({ repository, ownAccount: OWN }, parsePolicy({ repositoryPolicy: { public: 'deny' }, lifecyclePolicy: { require: true } }));
    expect(plan).toMatchObject({ changes: [], repositoryPolicy: null, unfixable: false });
  });

  it('counts a public statement under public: report as out of policy with nothing to change, with a note', () => {
    const plan = planPosture({ repository, ownAccount: OWN, policyText: publicPolicy }, parsePolicy({}));
    expect(plan.changes).toEqual([]);
    expect(plan.unfixable).toBe(true);
    expect(plan.notes.map((n) => n.note)).toEqual(['repo svc/a: statement "Open" allows everyone (principal *), with no narrowing condition (public: report, left as it is)']);
  });
});

describe('postureFindings', () => {
  it('carries the Security Hub controls of each finding: planned changes, reported public statements, encryption', async () => {
    const { postureFindings } = await import('../lib/posture/findings');
    const policy = parsePolicy({ encryption: { require: 'KMS' }, lifecyclePolicy: { require: true } });
    const plan = planPosture({ repository, ownAccount: OWN, policyText: publicPolicy, hasLifecyclePolicy: false }, policy);
    const mutability = { ...repository, kind: 'set-tag-mutability' as const, from: { mode: 'MUTABLE' as const, exclusions: [] }, to: { mode: 'IMMUTABLE' as const, exclusions: [] }, reason: 'repo svc/a: tag mutability MUTABLE -> IMMUTABLE' };

    const findings = postureFindings('svc/a', [mutability, ...plan.changes], plan);

    expect(findings.map((f) => [f.check, f.controls, f.fix === 'enforce'])).toEqual([
      ['tag-immutability', ['ECR.2'], true],
      ['lifecycle-policy', ['ECR.3'], true],
      ['public-access', [], false],
      ['encryption', ['ECR.5'], false],
    ]);
    expect(findings.every((f) => f.detail.startsWith('repo svc/a: '))).toBe(true);
  });
});
