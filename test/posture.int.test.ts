import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyInput } from '../lib/policy';
import { applyPostureChange, hasLifecyclePolicy, readRepositoryPolicyText } from '../lib/posture/apply';
import { DEFAULT_BASELINE_UNTAGGED_DAYS, defaultBaseline } from '../lib/posture/lifecycle-baseline';
import { planPosture } from '../lib/posture/plan';
import { motoClients } from './support/aws';

const ALLOWED = '111122223333';
const UNKNOWN = '999988887777';
const pull = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** The repository policy of the issue: public, organization-conditioned `*`, an allowed and an unknown account. */
const FOUR_STATEMENTS = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'PublicPull', Effect: 'Allow', Principal: '*', Action: pull },
    { Sid: 'OrgPull', Effect: 'Allow', Principal: '*', Action: pull, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } } },
    { Sid: 'AllowedAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ALLOWED}:root` }, Action: pull },
    { Sid: 'UnknownAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${UNKNOWN}:root` }, Action: pull },
  ],
};

const KEEP_FIVE = JSON.stringify({
  rules: [{ rulePriority: 1, description: 'team rule', selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } }],
});

/** Reads, plans and applies the posture of one repository, as enforce does. */
async function enforcePosture(ecr: ECRClient, accountId: string, repositoryName: string, policy: PolicyInput) {
  const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }));
  const [policyText, hasLifecycle] = await Promise.all([readRepositoryPolicyText(ecr, repositoryName), hasLifecyclePolicy(ecr, repositoryName)]);
  const plan = planPosture({ repository: repositories![0]!, ownAccount: accountId, policyText, hasLifecyclePolicy: hasLifecycle }, parsePolicy(policy));
  for (const change of plan.changes) await applyPostureChange({ ecr }, change);
  return plan;
}

const sids = (text: string | undefined) => (JSON.parse(text ?? '{"Statement":[]}') as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);

describe('posture on moto', () => {
  it('removes the public and the unknown-account statements and keeps the organization-conditioned and allowed ones', async () => {
    const { ecr, accountId } = motoClients();
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/shared' }));
    await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'svc/shared', policyText: JSON.stringify(FOUR_STATEMENTS) }));

    const plan = await enforcePosture(ecr, accountId, 'svc/shared', { repositoryPolicy: { public: 'deny', allowedAccounts: [ALLOWED] } });

    expect(plan.changes.map((c) => c.kind)).toEqual(['set-repository-policy']);
    expect(sids(await readRepositoryPolicyText(ecr, 'svc/shared'))).toEqual(['OrgPull', 'AllowedAccount']);
  });

  it('deletes a policy whose every statement goes', async () => {
    const { ecr, accountId } = motoClients();
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/open' }));
    await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'svc/open', policyText: JSON.stringify({ ...FOUR_STATEMENTS, Statement: [FOUR_STATEMENTS.Statement[0]] }) }));

    const plan = await enforcePosture(ecr, accountId, 'svc/open', { repositoryPolicy: { public: 'deny' } });

    expect(plan.changes.map((c) => c.kind)).toEqual(['delete-repository-policy']);
    expect(await readRepositoryPolicyText(ecr, 'svc/open')).toBeUndefined();
  });

  it('puts the baseline where there is no lifecycle policy and never touches an existing one', async () => {
    const { ecr, accountId } = motoClients();
    for (const repositoryName of ['svc/bare', 'svc/managed']) await ecr.send(new CreateRepositoryCommand({ repositoryName }));
    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'svc/managed', lifecyclePolicyText: KEEP_FIVE }));
    const policy = { lifecyclePolicy: { require: true } };

    const bare = await enforcePosture(ecr, accountId, 'svc/bare', policy);
    const managed = await enforcePosture(ecr, accountId, 'svc/managed', policy);

    expect(bare.changes.map((c) => c.kind)).toEqual(['put-lifecycle-policy']);
    expect(managed.changes).toEqual([]);
    const lifecycle = async (repositoryName: string) => JSON.parse((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName }))).lifecyclePolicyText!);
    expect(await lifecycle('svc/bare')).toEqual(defaultBaseline(DEFAULT_BASELINE_UNTAGGED_DAYS));
    expect(await lifecycle('svc/managed')).toEqual(JSON.parse(KEEP_FIVE));
  });

  it('names the fix for an AES256 repository under require: KMS and plans no change for it', async () => {
    const { ecr, accountId } = motoClients();
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/plain' }));

    const plan = await enforcePosture(ecr, accountId, 'svc/plain', { encryption: { require: 'KMS' } });

    expect(plan.changes).toEqual([]);
    expect(plan.unfixable).toBe(true);
    expect(plan.notes.map((n) => n.note)).toEqual([expect.stringMatching(/^repo svc\/plain: encrypted with AES256, the policy requires KMS; .* recreate the repository/)]);
  });
});
