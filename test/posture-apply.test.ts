import {
  DeleteRepositoryPolicyCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StalePlanError } from '../lib/errors';
import { applyPostureChange } from '../lib/posture/apply';
import { planLifecyclePolicy } from '../lib/posture/lifecycle-baseline';
import { LifecyclePolicySectionSchema } from '../lib/posture/lifecycle-policy-schema';
import { planRepositoryPolicy } from '../lib/posture/plan-repository-policy';
import { RepositoryPolicySectionSchema } from '../lib/posture/repository-policy-schema';

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const OWN = '123456789012';
const ARN = `arn:aws:ecr:us-east-1:${OWN}:repository/svc/a`;
const awsError = (name: string) => Object.assign(new Error(`${name} happened`), { name });

const publicPull = { Sid: 'PublicPull', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' };
const ownPull = { Sid: 'OwnPull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWN}:role/ci` }, Action: 'ecr:BatchGetImage' };
const text = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

/** The change the plan makes of `policyText` under public: deny. */
function policyChange(policyText: string) {
  const plan = planRepositoryPolicy({ repositoryName: 'svc/a', repositoryArn: ARN, policyText, ownAccount: OWN }, RepositoryPolicySectionSchema.parse({ public: 'deny' }));
  return plan.change!;
}

const baseline = planLifecyclePolicy({ repositoryName: 'svc/a', repositoryArn: ARN, hasLifecyclePolicy: false }, LifecyclePolicySectionSchema.parse({ require: true }))!;

beforeEach(() => ecrMock.reset());

describe('applyPostureChange: repository policies', () => {
  it('writes the policy read, without the removed statements', async () => {
    const read = text(publicPull, ownPull);
    ecrMock.on(GetRepositoryPolicyCommand).resolves({ policyText: read });

    await applyPostureChange({ ecr }, policyChange(read));

    const [call] = ecrMock.commandCalls(SetRepositoryPolicyCommand);
    expect(call!.args[0].input.repositoryName).toBe('svc/a');
    expect(call!.args[0].input.force).toBeUndefined();
    expect(JSON.parse(call!.args[0].input.policyText!)).toEqual({ Version: '2012-10-17', Statement: [ownPull] });
  });

  it('deletes a policy left with no statement', async () => {
    const read = text(publicPull);
    ecrMock.on(GetRepositoryPolicyCommand).resolves({ policyText: read });

    await applyPostureChange({ ecr }, policyChange(read));

    expect(ecrMock.commandCalls(DeleteRepositoryPolicyCommand).map((c) => c.args[0].input)).toEqual([{ repositoryName: 'svc/a' }]);
    expect(ecrMock.commandCalls(SetRepositoryPolicyCommand)).toHaveLength(0);
  });

  it('writes nothing when the policy changed since the plan read it', async () => {
    const change = policyChange(text(publicPull, ownPull));
    ecrMock.on(GetRepositoryPolicyCommand).resolves({ policyText: text(publicPull, ownPull, { ...ownPull, Sid: 'AddedMeanwhile' }) });

    await expect(applyPostureChange({ ecr }, change)).rejects.toBeInstanceOf(StalePlanError);
    expect(ecrMock.commandCalls(SetRepositoryPolicyCommand)).toHaveLength(0);
  });

  it('writes nothing when the policy was deleted since the plan read it', async () => {
    const change = policyChange(text(publicPull));
    ecrMock.on(GetRepositoryPolicyCommand).rejects(awsError('RepositoryPolicyNotFoundException'));

    await expect(applyPostureChange({ ecr }, change)).rejects.toThrow(/changed since it was read/);
    expect(ecrMock.commandCalls(DeleteRepositoryPolicyCommand)).toHaveLength(0);
  });

  it("passes ECR's refusal on as the SDK's error", async () => {
    const read = text(publicPull, ownPull);
    ecrMock.on(GetRepositoryPolicyCommand).resolves({ policyText: read });
    ecrMock.on(SetRepositoryPolicyCommand).rejects(awsError('InvalidParameterException'));

    await expect(applyPostureChange({ ecr }, policyChange(read))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('applyPostureChange: the lifecycle baseline', () => {
  it('puts the baseline on a repository that still has no lifecycle policy', async () => {
    ecrMock.on(GetLifecyclePolicyCommand).rejects(awsError('LifecyclePolicyNotFoundException'));

    await applyPostureChange({ ecr }, baseline);

    expect(ecrMock.commandCalls(PutLifecyclePolicyCommand).map((c) => c.args[0].input)).toEqual([
      { repositoryName: 'svc/a', lifecyclePolicyText: baseline.lifecyclePolicyText },
    ]);
  });

  it('never replaces a lifecycle policy put since the plan', async () => {
    ecrMock.on(GetLifecyclePolicyCommand).resolves({ lifecyclePolicyText: '{"rules":[]}' });

    await expect(applyPostureChange({ ecr }, baseline)).rejects.toThrow(/a lifecycle policy was put since the plan; it is kept/);
    expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(0);
  });

  it('puts nothing when the re-check cannot be read', async () => {
    ecrMock.on(GetLifecyclePolicyCommand).rejects(awsError('AccessDeniedException'));

    await expect(applyPostureChange({ ecr }, baseline)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(0);
  });
});

describe('applyChanges (enforce) with posture changes', () => {
  it('makes a posture change like any other and records a stale plan as failed, writing nothing', async () => {
    const { applyChanges } = await import('../lib/enforce/apply');
    const change = policyChange(text(publicPull, ownPull));
    ecrMock.on(GetRepositoryPolicyCommand).resolves({ policyText: text(ownPull) });
    ecrMock.on(GetLifecyclePolicyCommand).rejects(awsError('LifecyclePolicyNotFoundException'));

    const outcomes = await applyChanges({ ecr }, [change, baseline], { mode: 'apply' });

    expect(outcomes.map((o) => (o.status === 'failed' ? o.error.code : o.status))).toEqual(['StalePlanError', 'applied']);
    expect(ecrMock.commandCalls(SetRepositoryPolicyCommand)).toHaveLength(0);
    expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(1);
  });
});
