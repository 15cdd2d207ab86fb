// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not template literals
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../lib/policy';
import { readCfnYaml } from './support/cfn-yaml';
import { matchesPattern } from './support/event-pattern';
import { sampleEvent } from './support/sample-events';
import { actionsOf, functionsOf, packageService, referencedId, resourcesOfType, roleStatements, type ServicePackage, type Statement } from './support/serverless-package';

/**
 * Hub and spokes as deployed: the hub (`serverless package` with a policy over member accounts) and the
 * member template (deploy/member.yml) that StackSets deploys to every member account and region.
 */

const ROOT = join(import.meta.dirname, '..');
const MEMBER_TEMPLATE = join(ROOT, 'deploy', 'member.yml');
// biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template as parsed
const member: any = readCfnYaml(MEMBER_TEMPLATE);

let hub: ServicePackage;
beforeAll(() => {
  hub = packageService({ policyFile: 'test/fixtures/policy/hub-targets.yaml' });
}, 180_000);
afterAll(() => rmSync(hub.dir, { recursive: true, force: true }));

type Pattern = Parameters<typeof matchesPattern>[0];
const memberRule = (id: string) => member.Resources[id].Properties as { EventPattern: Pattern; Targets: Record<string, unknown>[] };
const memberStatements = (): Statement[] => [
  ...member.Resources.MemberRole.Properties.Policies.flatMap((p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement),
  ...member.Resources.MemberWritePolicy.Properties.PolicyDocument.Statement,
];
const isRead = (action: string) => /^[a-z0-9-]+:(Describe|Get|List|BatchGet)/.test(action);
/**
 * Actions on the registry a hub function role allows: what a member role must allow too. Logs, queues, the
 * hub's bus, its verdict table, its in-use list and its own continuations (lambda:InvokeFunction) stay in the hub;
 * the skip tag's Deny is a statement of its own in members (MemberSkipTagDeny), checked apart.
 */
const registryActions = (statements: Statement[]) =>
  statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap(actionsOf)
    .filter((a) => !/^(logs|sqs|events|sts|organizations|dynamodb|s3):/.test(a) && a !== 'lambda:InvokeFunction');

const inspectorScanOf = (arn: string) => sampleEvent('inspector2-scan-ecr.json', (e) => {
      e.detail['repository-name'] = arn;
      e.resources = [arn];
    });
const ARNS = {
  aws: 'arn:aws:ecr:eu-west-1:222222222222:repository/team/api',
  'aws-cn': 'arn:aws-cn:ecr:cn-north-1:222222222222:repository/team/api',
  'aws-us-gov': 'arn:aws-us-gov:ecr:us-gov-west-1:222222222222:repository/team/api',
};

describe('the member template', () => {
  it('passes cfn-lint with no error or warning', () => {
    const lint = spawnSync('cfn-lint', [MEMBER_TEMPLATE], { encoding: 'utf8', timeout: 120_000 });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });

  it("lets only the hub's function roles assume the member role, with the external id when there is one", () => {
    const [trust, ...others] = member.Resources.MemberRole.Properties.AssumeRolePolicyDocument.Statement;
    expect(others).toEqual([]);
    expect(trust.Principal).toEqual({ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' } });
    const onlyHubRoles = { ArnLike: { 'aws:PrincipalArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:role${HubRolePath}*' } } };
    expect(trust.Condition).toEqual({ 'Fn::If': ['HasExternalId', { ...onlyHubRoles, StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } }, onlyHubRoles] });
    expect(member.Resources.MemberRole.Properties.RoleName).toEqual({ Ref: 'MemberRoleName' });
  });

  it("puts the hub's function roles under the path the member role trusts", () => {
    const path = member.Parameters.HubRolePath.Default;
    for (const [id, role] of resourcesOfType(hub, 'AWS::IAM::Role')) expect(role.Properties.Path, id).toBe(path);
  });

  it('allows the hub every registry action its functions use, writes only when AllowWrites is true', () => {
    const hubActions = new Set(Object.keys(functionsOf(hub)).flatMap((fn) => registryActions(roleStatements(hub, fn))));
    const memberActions = new Set(memberStatements().flatMap(actionsOf));
    expect([...hubActions].filter((a) => !memberActions.has(a))).toEqual([]);
    expect([...memberActions].filter((a) => !hubActions.has(a))).toEqual([]);
    const readPolicy = member.Resources.MemberRole.Properties.Policies.flatMap((p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement);
    expect(readPolicy.flatMap(actionsOf).filter((a: string) => !isRead(a))).toEqual([]);
    expect(member.Resources.MemberWritePolicy.Condition).toBe('CreateWritePolicy');
    expect(member.Parameters.AllowWrites.Default).toBe('false');
  });

  it("denies every ECR write in a repository tagged with the skip tag, as the hub's own roles do, when writes are allowed", () => {
    const deny = member.Resources.MemberSkipTagDeny;
    expect(deny.Condition).toBe('CreateWritePolicy');
    expect(deny.Properties.RoleName).toEqual({ Ref: 'MemberRole' });
    // The document is text for Fn::Sub (the tag key is a parameter): substitute as CloudFormation would.
    const values: Record<string, string> = { SkipTag: member.Parameters.SkipTag.Default, 'AWS::Partition': 'aws', 'AWS::AccountId': '222222222222' };
    const text = (deny.Properties.PolicyDocument['Fn::Sub'] as string).replace(/\$\{([\w:]+)\}/g, (_, name: string) => values[name] ?? `<${name}>`);
    const [statement, ...others] = (JSON.parse(text) as { Statement: Statement[] }).Statement;
    expect(others).toEqual([]);
    const hubDeny = roleStatements(hub, 'cleanup').find((s) => s.Sid === 'HonourSkipTag')!;
    expect(statement).toMatchObject({ Effect: 'Deny', Action: hubDeny.Action, Resource: 'arn:aws:ecr:*:222222222222:repository/*' });
    expect(statement!.Condition).toEqual({ StringEqualsIgnoreCase: { 'aws:ResourceTag/ecr-keeper:skip': 'true' } });
    // The default is the policy's default skip tag.
    expect(values.SkipTag).toBe(parsePolicy({}).repositories.skipTag);
  });

  it("scopes repository actions to the member's own repositories", () => {
    for (const s of memberStatements()) {
      if (actionsOf(s).some((a) => a.startsWith('ecr:') && !['ecr:DescribeRegistry', 'ecr:GetRegistryScanningConfiguration', 'ecr:ListPullTimeUpdateExclusions', 'ecr:PutReplicationConfiguration', 'ecr:RegisterPullTimeUpdateExclusion', 'ecr:DeregisterPullTimeUpdateExclusion'].includes(a))) {
        expect(s.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:ecr:*:${AWS::AccountId}:repository/*' });
      }
    }
  });

  it("forwards ECR's push, scan, replication and CloudTrail events to the hub's bus, with the forwarding role", () => {
    const rule = memberRule('ForwardEcrEvents');
    for (const file of ['ecr-image-push.json', 'ecr-image-scan-complete.json', 'cloudtrail-put-image-tag-mutability.json', 'cloudtrail-put-replication-configuration.json']) {
      expect(matchesPattern(rule.EventPattern, sampleEvent(file)), file).toBe(true);
    }
    expect(rule.Targets).toEqual([
      {
        Id: 'hub',
        Arn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${HubRegion}:${HubAccountId}:event-bus/${HubEventBusName}' },
        RoleArn: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${MemberRoleName}-events' },
      },
    ]);
    expect(member.Resources.ForwarderRole.Properties.RoleName).toEqual({ 'Fn::Sub': '${MemberRoleName}-events' });
  });

  it("forwards Inspector's scans and findings of ECR images in every partition, not of EC2 instances", () => {
    const { EventPattern } = memberRule('ForwardInspectorScanEvents');
    for (const arn of Object.values(ARNS)) expect(matchesPattern(EventPattern, inspectorScanOf(arn)), arn).toBe(true);
    const finding = { source: 'aws.inspector2', 'detail-type': 'Inspector2 Finding', detail: { resources: [{ type: 'AWS_ECR_CONTAINER_IMAGE', id: ARNS.aws }] } };
    expect(matchesPattern(EventPattern, finding)).toBe(true);
    expect(matchesPattern(EventPattern, { ...finding, detail: { resources: [{ type: 'AWS_EC2_INSTANCE', id: 'i-1' }] } })).toBe(false);
  });

  it('never forwards the hub region of the hub account to itself', () => {
    expect(member.Resources.ForwardEcrEvents.Condition).toBe('Forward');
    expect(member.Conditions.Forward).toEqual({ 'Fn::Not': [{ Condition: 'IsHubRegion' }] });
  });
});

describe('the hub', () => {
  it("judges Inspector's scans of ECR images in every partition", () => {
    const onScan = functionsOf(hub)['on-scan-complete']!.id;
    const patterns = resourcesOfType(hub, 'AWS::Events::Rule')
      .filter(([, r]) => (r.Properties.Targets as { Arn: unknown }[]).some((t) => referencedId(t.Arn) === onScan))
      .map(([, r]) => r.Properties.EventPattern as Pattern);
    for (const arn of Object.values(ARNS)) expect(patterns.some((p) => matchesPattern(p, inspectorScanOf(arn))), arn).toBe(true);
  });

  it('lets its functions assume the member role name only, in any account', () => {
    const assumed = Object.keys(functionsOf(hub)).flatMap((fn) => roleStatements(hub, fn).filter((s) => actionsOf(s).includes('sts:AssumeRole')));
    expect(assumed.length).toBeGreaterThan(0);
    for (const s of assumed) {
      expect(actionsOf(s)).toEqual(['sts:AssumeRole']);
      expect(s.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/ecr-keeper-member' });
    }
  });

  it("lets the policy's member accounts, and only them, put events on its default bus", () => {
    const policies = resourcesOfType(hub, 'AWS::Events::EventBusPolicy');
    expect(policies).toHaveLength(1);
    expect(policies[0]![1].Properties.Statement).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Principal: { AWS: ['111111111111', '222222222222'].map((a) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${a}:root` })) },
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default' },
    });
  });

  it('passes cfn-lint with the bus policy', () => {
    const lint = spawnSync('cfn-lint', [join(hub.dir, 'cloudformation-template-update-stack.json')], { encoding: 'utf8', timeout: 120_000 });
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
  });
});

describe('the hub bus policy for an organization', () => {
  const require = createRequire(import.meta.url);
  const resolvePolicy = require('../scripts/serverless-policy.cjs') as (ctx: { resolveVariable: (v: string) => Promise<string> }) => Promise<{ hubBusResources: { Resources: Record<string, { Properties: { Statement: unknown } }> } }>;
  const withParams = (organizationId: string) => ({
    resolveVariable: async (variable: string) => (variable.startsWith('param:policyFile') ? 'test/fixtures/policy/hub-organization.yaml' : organizationId),
  });

  it("lets every account of the organization forward, by the organization's id", async () => {
    const { hubBusResources } = await resolvePolicy(withParams('o-a1b2c3d4e5'));
    expect(hubBusResources.Resources.HubBusMemberPolicy!.Properties.Statement).toMatchObject({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } });
  });

  it('refuses to package without the organization id', async () => {
    await expect(resolvePolicy(withParams(''))).rejects.toThrow('set the organizationId param');
  });
});
