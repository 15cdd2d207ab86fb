// Resolves the policy for a deployment: `${file(./scripts/serverless-policy.cjs):json}` in serverless.yml.
// The file comes from the stage's `policyFile` param (default policy/default.yaml) and is passed to the
// functions as JSON text in ECR_KEEPER_POLICY, where it is validated at start-up.
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');

module.exports = async ({ resolveVariable }) => {
  const file = (await resolveVariable('param:policyFile, "policy/default.yaml"')) || 'policy/default.yaml';
  const text = readFileSync(resolve(__dirname, '..', file), 'utf8');
  const data = file.endsWith('.json') ? JSON.parse(text) : parse(text);
  // on-push waits up to scan.waitSeconds (default 600) and needs a minute beyond it to judge and publish.
  const waitSeconds = Number(data?.scan?.waitSeconds ?? 600);
  const onPushTimeout = Math.min(900, Math.max(60, Math.ceil(Number.isFinite(waitSeconds) ? waitSeconds : 600) + 60));
  // events:PutEvents is granted on the policy's bus only (deploy/roles.yml); a bus may be named or given by ARN.
  const busName = String(data?.events?.busName ?? 'default');
  const eventBusArn = busName.startsWith('arn:')
    ? busName
    : { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${busName}` };
  const organizationId = (await resolveVariable('param:organizationId, ""')) || '';
  // sts:AssumeRole is granted on the member role name only, in any account (deploy/roles.yml).
  const roleName = String(data?.targets?.roleName ?? 'ecr-keeper-member');
  const memberRoleArn = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${roleName}` };
  return { json: JSON.stringify(data ?? {}), file, onPushTimeout, eventBusArn, memberRoleArn, hubBusResources: hubBusResources(data?.targets, organizationId) };
};

// The default bus's policy letting member accounts forward their ECR events to it (deploy/member.yml): the
// policy's targets.accounts, or every account of the organization (the organizationId param). No members, no policy.
function hubBusResources(targets, organizationId) {
  const accounts = targets?.accounts;
  if (accounts === undefined) return { Resources: {} };
  const statement = {
    Sid: 'EcrKeeperMembersForwardEvents',
    Effect: 'Allow',
    Action: 'events:PutEvents',
    Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default' },
  };
  if (accounts === 'organization') {
    if (!/^o-[a-z0-9]{10,32}$/.test(organizationId)) {
      throw new Error('targets.accounts is "organization": set the organizationId param (o-...) so that its accounts may forward events to the hub');
    }
    Object.assign(statement, { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } } });
  } else if (Array.isArray(accounts)) {
    Object.assign(statement, { Principal: { AWS: accounts.map((a) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${a}:root` })) } });
  } else return { Resources: {} };
  return { Resources: { HubBusMemberPolicy: { Type: 'AWS::Events::EventBusPolicy', Properties: { StatementId: 'EcrKeeperMembers', Statement: statement } } } };
}
