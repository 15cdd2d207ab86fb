import {
  CreateRepositoryCommand,
  GetLifecyclePolicyCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { Logger } from '@aws-lambda-powertools/logger';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { onDriftHandler } from '../functions/on-drift';
import type { AuditReport } from '../lib/audit/types';
import type { EnforceReport } from '../lib/enforce/types';
import { parsePolicy, type PolicyInput } from '../lib/policy';
import type { AsffFinding } from '../lib/posture/asff';
import { readRepositoryPolicyText } from '../lib/posture/apply';
import { DEFAULT_BASELINE_UNTAGGED_DAYS, defaultBaseline } from '../lib/posture/lifecycle-baseline';
import { ASFF_FINDING_SCHEMA } from './support/asff-schema';
import { motoClients } from './support/aws';
import { callsByAction, countCalls, writeCalls } from './support/calls';
import { onlyTarget, runCli } from './support/cli';
import { captureEvents } from './support/event-capture';
import { lambdaContext } from './support/lambda';
import { sampleEvent } from './support/sample-events';

type Clients = ReturnType<typeof motoClients>;

const ALLOWED = '111122223333';
const UNKNOWN = '999988887777';
/** A value inside a repository policy: it must never show in a report, a log or an event. */
const ORG = 'o-p0sture0rg7';
const pull = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** The repository policy of the issue: public, organization-conditioned `*`, an allowed and an unknown account. */
const FOUR_STATEMENTS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'PublicPull', Effect: 'Allow', Principal: '*', Action: pull },
    { Sid: 'OrgPull', Effect: 'Allow', Principal: '*', Action: pull, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } },
    { Sid: 'AllowedAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ALLOWED}:root` }, Action: pull },
    { Sid: 'UnknownAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${UNKNOWN}:root` }, Action: pull },
  ],
});
const KEEP_FIVE = JSON.stringify({
  rules: [{ rulePriority: 1, description: 'the team rule', selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } }],
});
const POLICY_DENY: PolicyInput = { repositoryPolicy: { public: 'deny', allowedAccounts: [ALLOWED] } };

/** A compliant repository apart from what the test gives it. */
async function repository(clients: Clients, repositoryName: string, extra: { policy?: string; lifecycle?: string; skip?: boolean } = {}) {
  await clients.ecr.send(
    new CreateRepositoryCommand({
      repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      ...(extra.skip ? { tags: [{ Key: 'ecr-keeper:skip', Value: 'true' }] } : {}),
    }),
  );
  if (extra.policy) await clients.ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: extra.policy }));
  if (extra.lifecycle) await clients.ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: extra.lifecycle }));
}

const cli = (clients: Clients, policy: PolicyInput, ...args: string[]) => runCli(args, clients, { ECR_KEEPER_POLICY: JSON.stringify(policy) });
const sids = (text: string | undefined) => (JSON.parse(text ?? '{"Statement":[]}') as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
const lifecycleOf = async (clients: Clients, repositoryName: string) =>
  (await clients.ecr.send(new GetLifecyclePolicyCommand({ repositoryName }))).lifecyclePolicyText;

describe('posture: repository policies (enforce)', () => {
  it('removes the public and the unknown-account statements and keeps the organization-conditioned and allowed ones', async () => {
    const clients = motoClients();
    await repository(clients, 'svc/shared', { policy: FOUR_STATEMENTS });
    const capture = await captureEvents(clients, 'ecr-keeper');

    const run = await cli(clients, POLICY_DENY, 'enforce', '--apply', '--format', 'json');

    expect(run.code).toBe(0);
    expect(sids(await readRepositoryPolicyText(clients.ecr, 'svc/shared'))).toEqual(['OrgPull', 'AllowedAccount']);
    const report = onlyTarget(run.stdout) as EnforceReport;
    const [outcome] = report.repositories.flatMap((r) => r.outcomes);
    expect(outcome).toMatchObject({ status: 'applied', change: { kind: 'set-repository-policy', from: { statements: 4 }, to: { statements: 2 } } });
    expect(outcome!.change.reason).toBe(
      'repo svc/shared: repository policy: remove statement "PublicPull" allows everyone (principal *), with no narrowing condition; ' +
        `statement "UnknownAccount" names only accounts that are not allowed (${UNKNOWN})`,
    );
    const events = await capture.drain();
    expect(events.map((e) => e.detail.kind)).toEqual(['set-repository-policy']);
    expect(JSON.stringify(events) + run.stdout + run.stderr).not.toContain(ORG);
  });

  it('shows the removal in a dry-run and writes nothing', async () => {
    const clients = motoClients();
    await repository(clients, 'svc/shared', { policy: FOUR_STATEMENTS });
    const calls = countCalls(clients.ecr);

    const run = await cli(clients, POLICY_DENY, 'enforce', '--format', 'table');

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/svc\/shared\s+repository policy\s+4 statement\(s\)\s+2 statement\(s\)\s+planned/);
    expect(writeCalls(calls)).toEqual({});
    expect(sids(await readRepositoryPolicyText(clients.ecr, 'svc/shared'))).toHaveLength(4);
  });

  it('deletes a policy left with no statement, and leaves a repository with the skip tag alone', async () => {
    const clients = motoClients();
    const open = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'PublicPull', Effect: 'Allow', Principal: '*', Action: pull }] });
    await repository(clients, 'svc/open', { policy: open });
    await repository(clients, 'svc/opted-out', { policy: open, skip: true });

    const run = await cli(clients, POLICY_DENY, 'enforce', '--apply', '--format', 'json');

    expect(run.code).toBe(0);
    expect(await readRepositoryPolicyText(clients.ecr, 'svc/open')).toBeUndefined();
    expect(await readRepositoryPolicyText(clients.ecr, 'svc/opted-out')).toBe(open);
    const outcomes = (onlyTarget(run.stdout) as EnforceReport).repositories.flatMap((r) => r.outcomes.map((o) => [r.repositoryName, o.change.kind, o.status]));
    expect(outcomes.sort()).toEqual([
      ['svc/open', 'delete-repository-policy', 'applied'],
      ['svc/opted-out', 'delete-repository-policy', 'skipped'],
    ]);
  });

  it('re-enforces at once when CloudTrail reports a SetRepositoryPolicy', async () => {
    const clients = motoClients();
    await repository(clients, 'payments/api', { policy: FOUR_STATEMENTS });
    const handler = onDriftHandler({ clients, logger: new Logger({ logLevel: 'SILENT' }), policy: () => parsePolicy({ ...POLICY_DENY, enforce: { mode: 'apply' } }) });
    const event = sampleEvent('cloudtrail-set-repository-policy.json', (e) => {
      e.account = clients.accountId;
      e.detail.recipientAccountId = clients.accountId;
    });

    await handler(event, lambdaContext());

    expect(sids(await readRepositoryPolicyText(clients.ecr, 'payments/api'))).toEqual(['OrgPull', 'AllowedAccount']);
  });
});

describe('posture: the lifecycle safety net (enforce)', () => {
  it('puts the baseline where there is no lifecycle policy and never touches an existing one', async () => {
    const clients = motoClients();
    await repository(clients, 'svc/bare');
    await repository(clients, 'svc/managed', { lifecycle: KEEP_FIVE });
    const calls = countCalls(clients.ecr);

    const run = await cli(clients, { lifecyclePolicy: { require: true } }, 'enforce', '--apply', '--format', 'json');

    expect(run.code).toBe(0);
    expect(JSON.parse((await lifecycleOf(clients, 'svc/bare'))!)).toEqual(defaultBaseline(DEFAULT_BASELINE_UNTAGGED_DAYS));
    expect(await lifecycleOf(clients, 'svc/managed')).toBe(KEEP_FIVE);
    expect(writeCalls(calls)).toEqual({ PutLifecyclePolicy: 1 });
  });

  it('reads no repository or lifecycle policy when the policy asks nothing of them', async () => {
    const clients = motoClients();
    await repository(clients, 'svc/bare', { policy: FOUR_STATEMENTS });
    const calls = countCalls(clients.ecr);

    expect((await cli(clients, {}, 'enforce', '--apply', '--format', 'json')).code).toBe(0);

    expect(callsByAction(calls, (a) => /RepositoryPolicy|LifecyclePolicy/.test(a))).toEqual({});
  });
});

describe('posture: drift of the lifecycle safety net', () => {
  it('puts the baseline back at once when CloudTrail reports a DeleteLifecyclePolicy', async () => {
    const clients = motoClients();
    await repository(clients, 'payments/api');
    const handler = onDriftHandler({ clients, logger: new Logger({ logLevel: 'SILENT' }), policy: () => parsePolicy({ lifecyclePolicy: { require: true, untaggedDays: 30 }, enforce: { mode: 'apply' } }) });
    const event = sampleEvent('cloudtrail-delete-lifecycle-policy.json', (e) => {
      e.account = clients.accountId;
      e.detail.recipientAccountId = clients.accountId;
    });

    await handler(event, lambdaContext());

    expect(JSON.parse((await lifecycleOf(clients, 'payments/api'))!)).toEqual(defaultBaseline(30));
  });
});

describe('posture: encryption', () => {
  it('makes audit --check exit 3 under require: KMS while enforce changes nothing', async () => {
    const clients = motoClients();
    await repository(clients, 'svc/plain');
    const policy: PolicyInput = { encryption: { require: 'KMS' } };

    const audit = await cli(clients, policy, 'audit', '--check', '--format', 'json');
    const calls = countCalls(clients.ecr);
    const enforce = await cli(clients, policy, 'enforce', '--apply', '--format', 'json');

    expect(audit.code).toBe(3);
    const [repo] = (onlyTarget(audit.stdout) as AuditReport).repositories;
    expect(repo).toMatchObject({ compliant: false, encryption: { type: 'AES256', compliant: false }, changes: [] });
    expect(repo!.findings).toEqual([expect.objectContaining({ check: 'encryption', controls: ['ECR.5'], fix: 'recreate the repository with a KMS key' })]);
    expect(enforce.code).toBe(0);
    expect(writeCalls(calls)).toEqual({});
    expect((onlyTarget(enforce.stdout) as EnforceReport).summary).toMatchObject({ changes: 0 });
  });

  it('passes audit --check when every repository meets the policy', async () => {
    const clients = motoClients();
    await repository(clients, 'svc/fine');
    expect((await cli(clients, { encryption: { require: 'any' } }, 'audit', '--check', '--format', 'json')).code).toBe(0);
  });
});

describe('posture: the audit', () => {
  it('no longer reports a public repository as ok, and names each finding\'s Security Hub controls in JSON and markdown', async () => {
    const clients = motoClients();
    await repository(clients, 'svc/shared', { policy: FOUR_STATEMENTS });
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/mutable', imageTagMutability: 'MUTABLE', imageScanningConfiguration: { scanOnPush: true } }));

    const json = await cli(clients, {}, 'audit', '--check', '--format', 'json');
    const markdown = await cli(clients, {}, 'audit', '--format', 'markdown');

    expect(json.code).toBe(3);
    const byName = new Map((onlyTarget(json.stdout) as AuditReport).repositories.map((r) => [r.repositoryName, r]));
    expect(byName.get('svc/shared')).toMatchObject({ compliant: false, access: { public: true, publicConditional: false }, changes: [] });
    expect(byName.get('svc/shared')!.findings.map((f) => [f.check, f.controls])).toEqual([['public-access', []]]);
    expect(byName.get('svc/mutable')!.findings.map((f) => [f.check, f.controls, f.fix])).toEqual([['tag-immutability', ['ECR.2'], 'enforce']]);
    expect((onlyTarget(json.stdout) as AuditReport).summary).toMatchObject({ findings: 2, findingsByControl: { 'ECR.2': 1 } });
    expect(markdown.stdout).toContain('| svc/shared | OUT OF POLICY |');
    expect(markdown.stdout).toContain('## Findings');
    expect(markdown.stdout).toContain('- [ECR.2] repo svc/mutable: tag mutability MUTABLE -> IMMUTABLE (fix: ecr-keeper enforce --apply)');
    expect(markdown.stdout).toContain('- [public-access] repo svc/shared: statement "PublicPull" allows everyone (principal *), with no narrowing condition (fix: remove the statement');
    expect(json.stdout + markdown.stdout).not.toContain(ORG);
  });

  it('prints ASFF findings that validate against the required fields, one per repository and control', async () => {
    const clients = motoClients();
    await repository(clients, 'svc/shared', { policy: FOUR_STATEMENTS, lifecycle: KEEP_FIVE });
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/mutable', imageTagMutability: 'MUTABLE' }));
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(ASFF_FINDING_SCHEMA);

    const run = await cli(clients, POLICY_DENY, 'audit', '--format', 'asff');

    expect(run.code).toBe(0);
    const findings = JSON.parse(run.stdout) as AsffFinding[];
    for (const f of findings) expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
    const status = (repo: string, id: string) => findings.find((f) => f.Id === `ecr-keeper/${clients.accountId}/us-east-1/${repo}/${id}`)?.Compliance.Status;
    expect(findings).toHaveLength(12);
    expect([status('svc/mutable', 'ECR.1'), status('svc/mutable', 'ECR.2'), status('svc/mutable', 'ECR.3'), status('svc/mutable', 'ECR.5')]).toEqual(['FAILED', 'FAILED', 'FAILED', 'FAILED']);
    expect([status('svc/shared', 'ECR.1'), status('svc/shared', 'ECR.2'), status('svc/shared', 'ECR.3')]).toEqual(['PASSED', 'PASSED', 'PASSED']);
    expect([status('svc/shared', 'public-access'), status('svc/shared', 'account-access')]).toEqual(['FAILED', 'FAILED']);
    expect(findings.every((f) => f.Resources[0]!.Id.startsWith(`arn:aws:ecr:us-east-1:${clients.accountId}:repository/svc/`))).toBe(true);
    expect(run.stdout).not.toContain(ORG);
  });

  it('refuses --format asff for a job that has no such format', async () => {
    const run = await cli(motoClients(), {}, 'enforce', '--format', 'asff');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--format must be one of table, json, markdown');
  });
});
