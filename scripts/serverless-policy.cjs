// The stage's policy for a deployment (`${file(./scripts/serverless-policy.cjs):...}` in serverless.yml and
// deploy/*.yml). The file comes from the stage's `policyFile` param (default policy/default.yaml). It is
// validated here, with the functions' own schema (lib/policy.ts), while serverless resolves its variables:
// a bad policy stops `serverless package` / `deploy` naming the field, before anything is built.
// The policy then ships inside every function's bundle (esbuild `define`, read by lib/packaged-policy.ts),
// not in an environment variable: Lambda allows 4 KB for all of them, and a CVE allow-list outgrows that.
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');
const tsx = require('tsx/cjs/api');

const { parsePolicyData } = tsx.require('../lib/policy.ts', __filename);

/** An error serverless prints as its message alone: the stack through this script says nothing to the user. */
function policyFileError(message) {
  const err = new Error(message);
  err.stack = message;
  return err;
}

/** The policy file as written, and the validated policy (throws an error naming every bad field). */
function loadPolicy(file) {
  const path = resolve(__dirname, '..', file);
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw policyFileError(`policy file ${file} cannot be read: ${err.code === 'ENOENT' ? 'it does not exist' : err.message}`);
  }
  let data;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch (err) {
    throw policyFileError(`policy file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${String(err.message).split('\n')[0]}`);
  }
  try {
    return { data: data ?? {}, policy: parsePolicyData(data, `policy file ${file}`) };
  } catch (err) {
    throw policyFileError(err.message);
  }
}

module.exports = async ({ resolveVariable }) => {
  const file = (await resolveVariable('param:policyFile, "policy/default.yaml"')) || 'policy/default.yaml';
  const { data, policy } = loadPolicy(file);
  // on-push waits up to scan.waitSeconds and needs a minute beyond it to judge and publish, within Lambda's 900 s.
  const onPushTimeout = Math.min(900, Math.max(60, policy.scan.waitSeconds + 60));
  // events:PutEvents is granted on the policy's bus only (deploy/roles.yml); a bus may be named or given by ARN.
  const busName = policy.events.busName;
  const eventBusArn = busName.startsWith('arn:')
    ? busName
    : { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${busName}` };
  const organizationId = (await resolveVariable('param:organizationId, ""')) || '';
  // sts:AssumeRole is granted on the member role name only, in any account (deploy/roles.yml).
  const memberRoleArn = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${policy.targets.roleName}` };
  // s3:GetObject is granted on the policy's in-use list only (inUse.list: s3://bucket/key), in this account;
  // without a list, on a key no code reads.
  const list = typeof policy.inUse.list === 'string' ? /^s3:\/\/([^/]+)\/(.+)$/.exec(policy.inUse.list) : null;
  const inUseListArn = list
    ? { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${list[1]}/${list[2]}` }
    : // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
      { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::ecr-keeper-${AWS::AccountId}-no-in-use-list/none' };
  return {
    file,
    // The policy as written (the functions fill in the defaults), as a JS string literal for esbuild's define.
    define: { __ECR_KEEPER_POLICY__: JSON.stringify(JSON.stringify(data)) },
    onPushTimeout,
    eventBusArn,
    // The bus's name for the notification rule (deploy/notifications.yml): the last part of an ARN.
    eventBusName: busName.startsWith('arn:') ? busName.slice(busName.lastIndexOf('/') + 1) : busName,
    eventSource: policy.events.source,
    // The opt-out tag, denied every write in the roles that write (deploy/roles.yml).
    skipTagCondition: { [`aws:ResourceTag/${policy.repositories.skipTag}`]: 'true' },
    inUseListArn,
    memberRoleArn,
    hubBusResources: hubBusResources(policy.targets, organizationId),
  };
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
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
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
