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
  };
};
