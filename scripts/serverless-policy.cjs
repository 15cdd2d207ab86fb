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
  // on-push waits up to scan.waitSeconds (default 60) and needs a minute beyond it to judge and publish.
  const waitSeconds = Number(data?.scan?.waitSeconds ?? 60);
  const onPushTimeout = Math.min(900, Math.max(60, Math.ceil(Number.isFinite(waitSeconds) ? waitSeconds : 60) + 60));
  // events:PutEvents is granted on the policy's bus only (deploy/roles.yml); a bus may be named or given by ARN.
  const busName = String(data?.events?.busName ?? 'default');
  const eventBusArn = busName.startsWith('arn:')
    ? busName
    : { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${busName}` };
  return { json: JSON.stringify(data ?? {}), file, onPushTimeout, eventBusArn };
};
