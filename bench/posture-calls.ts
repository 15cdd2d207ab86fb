/**
 * `npx tsx bench/posture-calls.ts [--repos 200]`: the ECR calls the posture sections cost, on moto.
 *
 * Seeds `--repos` compliant repositories, a quarter of them with a repository policy holding a public and an
 * organization-conditioned statement, half of them with a lifecycle policy; then runs enforce (dry-run under
 * the defaults, dry-run and apply with `repositoryPolicy.public: deny` and `lifecyclePolicy.require: true`,
 * apply again on the now compliant registry) and the audit, printing each run's calls by action.
 * Call counts are the figure (timings depend on the machine and on moto).
 */
import { parseArgs } from 'node:util';
import { CreateRepositoryCommand, PutLifecyclePolicyCommand, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { auditJob } from '../lib/audit/job';
import { createClients } from '../lib/aws/clients';
import { enforceJob } from '../lib/enforce/job';
import { executeJob } from '../lib/job/execute';
import type { AnyJob } from '../lib/job/types';
import { parsePolicy, type PolicyInput } from '../lib/policy';
import { startMotoServer } from '../scripts/moto-server';
import { newAccountId, pinMotoAccount } from '../test/support/aws';
import { callsByAction, countCalls } from '../test/support/calls';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// moto takes any credentials; never sign with real ones, nor reach AWS.
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

const OPEN_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'] },
    { Sid: 'Org', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'], Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } } },
  ],
});
const KEEP_FIVE = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } }] });
const POSTURE: PolicyInput = { repositoryPolicy: { public: 'deny' }, lifecyclePolicy: { require: true } };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repos: { type: 'string', default: '200' } } });
  const repos = Number(values.repos);
  if (!Number.isInteger(repos) || repos < 1) throw new Error(`--repos must be a whole number >= 1, not "${values.repos}"`);
  const moto = await startMotoServer();
  // The SDK's own endpoint setting, as in every run against moto.
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  try {
    const accountId = newAccountId();
    const clients = () => {
      const c = createClients({ region: 'us-east-1', maxAttempts: 3 });
      pinMotoAccount(c.ecr, accountId);
      return c;
    };
    const seed = clients();
    for (let i = 0; i < repos; i++) {
      const repositoryName = `svc/r${String(i).padStart(4, '0')}`;
      await seed.ecr.send(new CreateRepositoryCommand({ repositoryName, imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } }));
      if (i % 4 === 0) await seed.ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: OPEN_POLICY }));
      if (i % 2 === 0) await seed.ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: KEEP_FIVE }));
    }
    console.log(`${repos} repositories: ${Math.ceil(repos / 4)} with a public statement, ${Math.ceil(repos / 2)} with a lifecycle policy`);
    const run = async (label: string, job: AnyJob, policy: PolicyInput, mode: 'dry-run' | 'apply') => {
      const c = clients();
      const calls = countCalls(c.ecr);
      const started = performance.now();
      const report = (await executeJob(job, { ecr: c.ecr }, parsePolicy(policy), { mode }, { publish: false })) as { summary: { changes?: number } };
      const total = [...calls.values()].reduce((a, b) => a + b, 0);
      console.log(`${label.padEnd(36)} ${String(total).padStart(6)} calls  ${String(Math.round(performance.now() - started)).padStart(6)} ms  changes ${report.summary.changes ?? 0}  ${JSON.stringify(callsByAction(calls))}`);
    };
    await run('enforce dry-run, default policy', enforceJob, {}, 'dry-run');
    await run('enforce dry-run, posture on', enforceJob, POSTURE, 'dry-run');
    await run('enforce --apply, posture on', enforceJob, POSTURE, 'apply');
    await run('enforce --apply again (compliant)', enforceJob, POSTURE, 'apply');
    await run('audit, posture on', auditJob, POSTURE, 'dry-run');
  } finally {
    await moto.stop();
  }
}

await main();
