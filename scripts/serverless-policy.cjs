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
  return { json: JSON.stringify(data ?? {}), file };
};
