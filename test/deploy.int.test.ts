import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { CreateRepositoryCommand, StartImageScanCommand } from '@aws-sdk/client-ecr';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHandler } from '../functions/audit';
import { cleanupHandler } from '../functions/cleanup';
import { enforceHandler } from '../functions/enforce';
import { onDriftHandler } from '../functions/on-drift';
import { onFindingHandler } from '../functions/on-finding';
import { onPushHandler } from '../functions/on-push';
import { onScanCompleteHandler } from '../functions/on-scan-complete';
import { rescanHandler } from '../functions/rescan';
import type { HandlerRuntime } from '../functions/shared/runtime';
import { workerHandler } from '../functions/worker';
import type { WorkItem } from '../lib/fanout/work-item';
import type { PolicyInput } from '../lib/policy';
import type { VerdictStore } from '../lib/scan/verdict-state';
import { imageIndex, imageManifest, pushImage, type BuiltImage } from '../scripts/seed/images';
import { motoClients } from './support/aws';
import { countCalls, type CallCounts } from './support/calls';
import { matchesPattern } from './support/event-pattern';
import { lambdaContext, testRuntime } from './support/lambda';
import { sampleEvent } from './support/sample-events';
import {
  actionsOf,
  bundleActions,
  bundleOf,
  functionsOf,
  iamAction,
  packageService,
  referencedId,
  resourcesOfType,
  roleStatements,
  templatePath,
  type ServicePackage,
  type Statement,
} from './support/serverless-package';
import { verdictTable } from './support/verdict-table';
import { motoWorkQueue } from './support/work-queue';

/**
 * The deployable service as `serverless package` builds it, offline: the CloudFormation template and
 * each function's bundle. Everything here is read from what would be deployed, not from serverless.yml.
 */

let pkg: ServicePackage;
beforeAll(() => {
  pkg = packageService();
}, 180_000);
afterAll(() => rmSync(pkg.dir, { recursive: true, force: true }));

const FUNCTIONS = ['audit', 'cleanup', 'enforce', 'on-drift', 'on-finding', 'on-push', 'on-scan-complete', 'rescan', 'worker'];
/** The functions invoked asynchronously: by EventBridge rules, or (the audit) possibly with --type Event. */
const ASYNC_FUNCTIONS = ['audit', 'cleanup', 'enforce', 'on-drift', 'on-finding', 'on-push', 'on-scan-complete', 'rescan'];

/** ECR actions with no resource type in ECR's service authorization reference: they take "*". */
const ECR_REGISTRY_ACTIONS = ['ecr:DescribeRegistry', 'ecr:GetRegistryScanningConfiguration', 'ecr:ListPullTimeUpdateExclusions', 'ecr:PutReplicationConfiguration', 'ecr:RegisterPullTimeUpdateExclusion', 'ecr:DeregisterPullTimeUpdateExclusion'];
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
const REPOSITORIES = { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*' };
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
const DEFAULT_BUS = { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default' };

/** Actions a role needs for an action its code calls, beyond the call itself. */
const DEPENDENT_ACTIONS: Record<string, string[]> = {
  // The first PutReplicationConfiguration of a registry creates ECR's replication service-linked role.
  'ecr:PutReplicationConfiguration': ['iam:CreateServiceLinkedRole'],
  // Under enhanced scanning ECR reads the findings from Amazon Inspector as the caller.
  'ecr:DescribeImageScanFindings': ['inspector2:ListFindings'],
};

/** Calls a bundle holds that its function never makes, and why; its role leaves them out. */
const UNREACHABLE: Record<string, string[]> = {
  // runEnforce reads and writes the replication only for a registry or replication scope; work items are
  // repository scopes (the dispatching enforce function enforces the replication once per run).
  worker: ['ecr:DescribeRegistry', 'ecr:PutReplicationConfiguration', 'ecr:ListPullTimeUpdateExclusions', 'ecr:RegisterPullTimeUpdateExclusion', 'ecr:DeregisterPullTimeUpdateExclusion'],
  // A finding event only reads (runScan's 'finding' trigger): it never starts a scan, nor waits on one, so
  // it never needs the registry's scanning configuration either.
  'on-finding': ['ecr:StartImageScan', 'ecr:GetRegistryScanningConfiguration'],
};

/** What each role must allow: its code's calls, their dependent actions, and what Lambda does as the role. */
function expectedActions(fn: string): string[] {
  const calls = bundleActions(bundleOf(pkg, fn).code).filter((a) => !(UNREACHABLE[fn] ?? []).includes(a));
  return [
    ...new Set([
      ...calls,
      ...calls.flatMap((a) => DEPENDENT_ACTIONS[a] ?? []),
      // The function writes its own logs.
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      // Lambda sends a failed asynchronous invocation to the on-failure destination as the function's role.
      ...(ASYNC_FUNCTIONS.includes(fn) ? ['sqs:SendMessage'] : []),
      // Lambda's SQS poller reads and deletes the work queue's messages as the worker's role.
      ...(fn === 'worker' ? ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'] : []),
    ]),
  ].sort();
}

/** What a role allows (its skip-tag Deny is checked in test/deploy-safety.int.test.ts). */
const allowStatements = (fn: string) => roleStatements(pkg, fn).filter((s) => s.Effect === 'Allow');
const roleActions = (fn: string) => [...new Set(allowStatements(fn).flatMap(actionsOf))].sort();

/** Event patterns of the rules that invoke `fn`. */
function rulesOf(fn: string): { pattern?: unknown; schedule?: string; target: Record<string, unknown> }[] {
  const id = functionsOf(pkg)[fn]!.id;
  return resourcesOfType(pkg, 'AWS::Events::Rule').flatMap(([, rule]) =>
    (rule.Properties.Targets as Record<string, unknown>[])
      .filter((t) => referencedId(t.Arn) === id)
      .map((target) => ({ pattern: rule.Properties.EventPattern, schedule: rule.Properties.ScheduleExpression, target })),
  );
}

/** Whether any rule of `fn` matches the event. */
function triggers(fn: string, event: unknown): boolean {
  const patterns = rulesOf(fn).flatMap((r) => (r.pattern ? [r.pattern as Parameters<typeof matchesPattern>[0]] : []));
  expect(patterns.length).toBeGreaterThan(0);
  return patterns.some((pattern) => matchesPattern(pattern, event));
}

describe('serverless package', () => {
  it('builds every function with esbuild into a zip holding only its own bundle', () => {
    expect(Object.keys(functionsOf(pkg)).sort()).toEqual(FUNCTIONS);
    const rows = FUNCTIONS.map((fn) => {
      const bundle = bundleOf(pkg, fn);
      expect(bundle.files).toEqual([`functions/${fn}.cjs`]);
      expect(bundle.code).toMatch(/^"use strict";/);
      return `${fn.padEnd(18)} ${String(bundle.bundleBytes).padStart(8)} B bundle ${String(bundle.zipBytes).padStart(8)} B zip`;
    });
    console.log(`function packages (serverless package):\n${rows.join('\n')}`);
  });

  it('writes a template cfn-lint finds no error or warning in', () => {
    const lint = spawnSync('cfn-lint', [templatePath(pkg)], { encoding: 'utf8', timeout: 120_000 });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
    const counts: Record<string, number> = {};
    for (const r of Object.values(pkg.resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    console.log(`template resources (${Object.keys(pkg.resources).length}):\n${Object.entries(counts).sort().map(([t, n]) => `${String(n).padStart(3)} ${t}`).join('\n')}`);
  });

  it('runs every function on Node.js 22 or later on arm64, with its log retention set', () => {
    for (const { resource } of Object.values(functionsOf(pkg))) {
      expect(resource.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      expect(resource.Properties.Architectures).toEqual(['arm64']);
    }
    const groups = resourcesOfType(pkg, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(FUNCTIONS.length);
    for (const [, group] of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it("builds the stage's policy into every bundle, not into an environment variable", () => {
    for (const [fn, { resource }] of Object.entries(functionsOf(pkg))) {
      expect(Object.keys(resource.Properties.Environment.Variables), fn).not.toContain('ECR_KEEPER_POLICY');
      const { code } = bundleOf(pkg, fn);
      expect(code.includes('policy packaged with the function'), fn).toBe(true);
      expect(/\\?"fanOut\\?":false/.test(code), fn).toBe(true);
    }
  });
});

describe('triggers in the template', () => {
  it('runs on-push for a successful push only', () => {
    expect(triggers('on-push', sampleEvent('ecr-image-push.json'))).toBe(true);
    expect(triggers('on-push', sampleEvent('ecr-image-delete.json'))).toBe(false);
    expect(triggers('on-push', sampleEvent('ecr-image-push.json', (e) => (e.detail.result = 'FAILURE')))).toBe(false);
    expect(triggers('on-push', sampleEvent('ecr-image-scan-complete.json'))).toBe(false);
  });

  it('runs on-push for a successful replication or pull through cache sync too', () => {
    expect(triggers('on-push', sampleEvent('ecr-replication.json'))).toBe(true);
    expect(triggers('on-push', sampleEvent('ecr-pull-through-cache.json'))).toBe(true);
    expect(triggers('on-push', sampleEvent('ecr-replication.json', (e) => (e.detail.result = 'FAILED')))).toBe(false);
    expect(triggers('on-push', sampleEvent('ecr-pull-through-cache.json', (e) => (e.detail['sync-status'] = 'FAILED')))).toBe(false);
  });

  it("runs on-finding for Inspector's finding of an ECR image, not of an EC2 instance", () => {
    expect(triggers('on-finding', sampleEvent('inspector2-finding-ecr.json'))).toBe(true);
    expect(triggers('on-finding', sampleEvent('inspector2-finding-ecr.json', (e) => (e.detail.resources[0].type = 'AWS_EC2_INSTANCE')))).toBe(false);
    expect(triggers('on-finding', sampleEvent('inspector2-scan-ecr.json'))).toBe(false);
  });

  it("runs on-scan-complete for ECR's scan event and Inspector's initial scan of an ECR image, not of an EC2 instance", () => {
    expect(triggers('on-scan-complete', sampleEvent('ecr-image-scan-complete.json'))).toBe(true);
    expect(triggers('on-scan-complete', sampleEvent('inspector2-scan-ecr.json'))).toBe(true);
    expect(triggers('on-scan-complete', sampleEvent('ecr-image-push.json'))).toBe(false);
    const ec2 = sampleEvent('inspector2-scan-ecr.json', (e) => (e.detail = { 'scan-status': 'INITIAL_SCAN_COMPLETE', 'instance-id': 'i-087d63509b8c97098' }));
    expect(triggers('on-scan-complete', ec2)).toBe(false);
  });

  it.each([
    'cloudtrail-create-repository.json',
    'cloudtrail-put-image-tag-mutability.json',
    'cloudtrail-put-image-scanning-configuration.json',
    'cloudtrail-put-replication-configuration.json',
    'cloudtrail-set-repository-policy.json',
    'cloudtrail-delete-lifecycle-policy.json',
  ])('sends the CloudTrail event %s to on-drift', (file) => {
    expect(triggers('on-drift', sampleEvent(file))).toBe(true);
  });

  it('sends on-drift neither a call ECR refused nor other ECR calls', () => {
    expect(triggers('on-drift', sampleEvent('cloudtrail-put-image-tag-mutability-denied.json'))).toBe(false);
    expect(triggers('on-drift', sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => (e.detail.eventName = 'DeleteRepository')))).toBe(false);
  });

  it('runs enforce every 6 hours, cleanup and rescan every day, the stage defaults', () => {
    expect(rulesOf('enforce').map((r) => r.schedule)).toEqual(['rate(6 hours)']);
    expect(rulesOf('cleanup').map((r) => r.schedule)).toEqual(['rate(1 day)']);
    expect(rulesOf('rescan').map((r) => r.schedule)).toEqual(['rate(1 day)']);
  });

  it('gives the audit no trigger: it is invoked by hand', () => {
    expect(rulesOf('audit')).toEqual([]);
    expect(resourcesOfType(pkg, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => referencedId(m.Properties.FunctionName) === functionsOf(pkg).audit!.id)).toEqual([]);
  });

  it('feeds the worker from the work queue with bounded concurrency and per-message failures', () => {
    const mappings = resourcesOfType(pkg, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    expect(referencedId(mapping.Properties.FunctionName)).toBe(functionsOf(pkg).worker!.id);
    expect(referencedId(mapping.Properties.EventSourceArn)).toBe('WorkQueue');
    expect(mapping.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 4 } });
  });
});

describe('failures are kept', () => {
  it('retries every asynchronous function a bounded number of times, then sends the event to the failed-invocations queue', () => {
    const configs = Object.fromEntries(
      resourcesOfType(pkg, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => [referencedId(c.Properties.FunctionName), c.Properties]),
    );
    for (const fn of ASYNC_FUNCTIONS) {
      const config = configs[functionsOf(pkg)[fn]!.id];
      expect(config, fn).toBeDefined();
      expect(config!.MaximumRetryAttempts, fn).toBeLessThanOrEqual(2);
      expect(referencedId(config!.DestinationConfig.OnFailure.Destination), fn).toBe('FailedInvocationsQueue');
    }
  });

  it('never retries a cleanup: a retry would be a second run with a second deletion cap', () => {
    const config = resourcesOfType(pkg, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => referencedId(c.Properties.FunctionName) === functionsOf(pkg).cleanup!.id);
    expect(config?.[1].Properties.MaximumRetryAttempts).toBe(0);
  });

  it('gives every rule target bounded retries and a dead-letter queue that only these rules may send to', () => {
    const rules = resourcesOfType(pkg, 'AWS::Events::Rule');
    // One per trigger, and the failure notifications (deploy/notifications.yml, created only when turned on).
    expect(rules).toHaveLength(11);
    for (const [id, rule] of rules) {
      for (const target of rule.Properties.Targets as { DeadLetterConfig?: { Arn: unknown }; RetryPolicy?: Record<string, number> }[]) {
        expect(referencedId(target.DeadLetterConfig?.Arn), id).toBe('FailedInvocationsQueue');
        expect(target.RetryPolicy, id).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 });
      }
      expect(rule.Properties.Name).toMatch(/^ecr-keeper-dev-/);
    }
    const [, policy] = resourcesOfType(pkg, 'AWS::SQS::QueuePolicy')[0]!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/ecr-keeper-dev-*' } } },
      }),
    ]);
  });

  it('dead-letters a work item after 5 receives, and hides a received item longer than the worker can run', () => {
    const queue = pkg.resources.WorkQueue!.Properties;
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDeadLetterQueue', 'Arn'] }, maxReceiveCount: 5 });
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * functionsOf(pkg).worker!.resource.Properties.Timeout);
    expect(queue.MessageRetentionPeriod).toBeGreaterThan(5 * queue.VisibilityTimeout);
  });

  it('sounds an alarm on the alarm topic as soon as a dead-letter queue holds a message, and again when it is drained', () => {
    const queueAlarms = resourcesOfType(pkg, 'AWS::CloudWatch::Alarm').filter(([, alarm]) => alarm.Properties.Namespace === 'AWS/SQS');
    const watched = queueAlarms.map(([, alarm]) => {
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        OKActions: [{ Ref: 'AlarmTopic' }],
      });
      return referencedId(alarm.Properties.Dimensions[0].Value);
    });
    expect(watched.sort()).toEqual(['FailedInvocationsQueue', 'WorkDeadLetterQueue']);
    for (const queue of ['FailedInvocationsQueue', 'WorkDeadLetterQueue']) expect(pkg.resources[queue]!.Properties.MessageRetentionPeriod).toBe(1_209_600);
  });
});

describe('permissions in the template', () => {
  it('gives every function a role of its own', () => {
    const roles = Object.values(functionsOf(pkg)).map(({ resource }) => referencedId(resource.Properties.Role));
    expect(new Set(roles).size).toBe(FUNCTIONS.length);
    expect(resourcesOfType(pkg, 'AWS::IAM::Role')).toHaveLength(FUNCTIONS.length);
  });

  it.each(FUNCTIONS)('allows %s exactly the calls its bundle makes, with what they depend on', (fn) => {
    expect(roleActions(fn)).toEqual(expectedActions(fn));
  });

  it.each(FUNCTIONS)('allows %s no wildcard action, and "*" only where ECR, Inspector, ECS, Batch, ListFunctions or Organizations has no resource to name', (fn) => {
    for (const statement of allowStatements(fn)) {
      for (const action of actionsOf(statement)) {
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        const expected = resourceFor(fn, action, statement);
        expect({ action, resource: statement.Resource }).toEqual({ action, resource: expected });
      }
    }
  });

  it('lets the audit only read the registry', () => {
    const writes = roleActions('audit').filter((a) => a.startsWith('ecr:') && !/^ecr:(Describe|Get|List|BatchGet)/.test(a));
    expect(writes).toEqual([]);
    expect(roleActions('audit').filter((a) => a.startsWith('iam:'))).toEqual([]);
  });

  it('lets only the functions that change settings or delete images do so', () => {
    const holders = (action: string) => FUNCTIONS.filter((fn) => roleActions(fn).includes(action));
    expect(holders('ecr:BatchDeleteImage')).toEqual(['cleanup', 'worker']);
    expect(holders('ecr:UpdateImageStorageClass')).toEqual(['cleanup', 'worker']);
    expect(holders('ecr:PutImageTagMutability')).toEqual(['enforce', 'on-drift', 'worker']);
    expect(holders('ecr:PutReplicationConfiguration')).toEqual(['enforce', 'on-drift']);
    expect(holders('ecr:StartImageScan')).toEqual(['on-push', 'on-scan-complete', 'rescan']);
  });
});

/** The resource a statement must name for `action` in `fn`'s role. */
function resourceFor(fn: string, action: string, statement: Statement): unknown {
  if (ECR_REGISTRY_ACTIONS.includes(action) || action === 'inspector2:ListFindings' || action === 'organizations:ListAccounts') return '*';
  // Targets in other accounts: the member role's name only, in any account.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
  if (action === 'sts:AssumeRole') return { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/ecr-keeper-member' };
  if (action.startsWith('ecr:')) return REPOSITORIES;
  if (action === 'events:PutEvents') return DEFAULT_BUS;
  if (action.startsWith('dynamodb:')) return { 'Fn::GetAtt': ['VerdictTable', 'Arn'] };
  if (action.startsWith('logs:')) return { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/ecr-keeper-dev-${fn}:*` };
  if (action === 'iam:CreateServiceLinkedRole') {
    expect(statement.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': 'replication.ecr.amazonaws.com' } });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
    return { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication' };
  }
  if (action === 'lambda:InvokeFunction') {
    // A scheduled function hands its run on to itself, and to nothing else.
    expect(['cleanup', 'enforce']).toContain(fn);
    const arn = `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:ecr-keeper-dev-${fn}`;
    return [{ 'Fn::Sub': arn }, { 'Fn::Sub': `${arn}:*` }];
  }
  // The in-use sources' reads (lib/inuse/): none of these services has a narrower resource for them.
  if (/^(ecs|batch|inspector2):/.test(action) || action === 'lambda:ListFunctions') return '*';
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
  if (action.startsWith('lambda:')) return { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:*' };
  if (action === 's3:GetObject') {
    // The policy's in-use list only, and only in this account (the stage's default policy names none).
    expect(statement.Condition).toEqual({ StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
    return { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::ecr-keeper-${AWS::AccountId}-no-in-use-list/none' };
  }
  if (action.startsWith('sqs:')) {
    const queue = referencedId(statement.Resource);
    expect(queue === 'WorkQueue' || (queue === 'FailedInvocationsQueue' && action === 'sqs:SendMessage' && ASYNC_FUNCTIONS.includes(fn))).toBe(true);
    return statement.Resource;
  }
  throw new Error(`no resource rule for ${action}`);
}

type Clients = ReturnType<typeof motoClients>;
type Handler = (event: never, context: Context) => Promise<unknown>;
type ScanHandlerFactory = (runtime: HandlerRuntime, verdicts?: VerdictStore) => Handler;

/** One way a function is invoked: a registry to set up, the handler with its policy, and its event. */
interface Scenario {
  fn: string;
  what: string;
  policy?: PolicyInput;
  seed?: (clients: Clients) => Promise<unknown>;
  handler: ScanHandlerFactory;
  event: (clients: Clients, seeded: unknown) => unknown;
  /** The scan functions keep verdict state in a DynamoDB table. */
  verdicts?: boolean;
}

const SAMPLE_DIGEST = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678';

/** A repository holding a tagged multi-arch index, its two children, and two untagged images. */
async function seedImages(clients: Clients, repositoryName = 'team/api'): Promise<BuiltImage> {
  await clients.ecr.send(new CreateRepositoryCommand({ repositoryName, imageTagMutability: 'MUTABLE' }));
  const children = ['linux/amd64', 'linux/arm64'].map((platform) => imageManifest(`${repositoryName}-${platform}`, { format: 'oci', platform }));
  for (const child of children) await pushImage(clients.ecr, repositoryName, child);
  await pushImage(clients.ecr, repositoryName, imageIndex(children), '1.4.2');
  for (const n of [1, 2]) await pushImage(clients.ecr, repositoryName, imageManifest(`${repositoryName}-old-${n}`));
  const image = imageManifest(`${repositoryName}:latest`);
  await pushImage(clients.ecr, repositoryName, image, 'latest');
  return image;
}

/** A sample event from events/ about the seeded image, in the test's account. */
function imageEvent(file: string, clients: Clients, image: BuiltImage) {
  return sampleEvent(file, (e) => {
    e.account = clients.accountId;
    const text = JSON.stringify(e).replaceAll(SAMPLE_DIGEST, image.digest).replaceAll('123456789012', clients.accountId);
    Object.assign(e, JSON.parse(text));
  });
}

function workEvent(items: WorkItem[]) {
  return { Records: items.map((item, i) => ({ ...sampleEvent('work-queue-enforce.json').Records[0], messageId: `m-${i}`, body: JSON.stringify(item) })) };
}

const REPLICATION: PolicyInput = { replication: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: '210987654321' }] }] } };
const FANNED_OUT: PolicyInput = { runtime: { fanOut: true, repositoriesPerWorkItem: 1 } };
const DELETING: PolicyInput = { cleanup: { mode: 'apply', untaggedOlderThanDays: 0 } };

const SCENARIOS: Scenario[] = [
  { fn: 'audit', what: 'a published audit', seed: seedImages, handler: auditHandler, event: () => ({ publish: true }) },
  { fn: 'on-push', what: 'a push', seed: seedImages, handler: onPushHandler, verdicts: true, event: (c, image) => imageEvent('ecr-image-push.json', c, image as BuiltImage) },
  {
    fn: 'on-push',
    what: 'a replication',
    seed: seedImages,
    handler: onPushHandler,
    verdicts: true,
    event: (c, image) => imageEvent('ecr-replication.json', c, image as BuiltImage),
  },
  {
    fn: 'on-finding',
    what: 'an Inspector finding',
    seed: async (c) => {
      const image = await seedImages(c);
      await c.ecr.send(new StartImageScanCommand({ repositoryName: 'team/api', imageId: { imageDigest: image.digest } }));
      return image;
    },
    handler: onFindingHandler,
    verdicts: true,
    event: (c, image) => imageEvent('inspector2-finding-ecr.json', c, image as BuiltImage),
  },
  {
    fn: 'on-scan-complete',
    verdicts: true,
    what: 'a completed scan',
    seed: async (c) => {
      const image = await seedImages(c);
      await c.ecr.send(new StartImageScanCommand({ repositoryName: 'team/api', imageId: { imageDigest: image.digest } }));
      return image;
    },
    handler: onScanCompleteHandler,
    event: (c, image) => imageEvent('ecr-image-scan-complete.json', c, image as BuiltImage),
  },
  { fn: 'rescan', what: 'a scheduled run', seed: seedImages, handler: rescanHandler, event: () => sampleEvent('schedule-rescan.json') },
  { fn: 'enforce', what: 'a single-invocation run', policy: REPLICATION, seed: seedImages, handler: enforceHandler, event: () => sampleEvent('schedule-enforce.json') },
  { fn: 'enforce', what: 'a fanned-out run', policy: { ...REPLICATION, ...FANNED_OUT }, seed: seedImages, handler: enforceHandler, event: () => sampleEvent('schedule-enforce.json') },
  { fn: 'cleanup', what: 'a single-invocation run', policy: DELETING, seed: seedImages, handler: cleanupHandler, event: () => sampleEvent('schedule-cleanup.json') },
  { fn: 'cleanup', what: 'a fanned-out run', policy: { ...DELETING, ...FANNED_OUT }, seed: seedImages, handler: cleanupHandler, event: () => sampleEvent('schedule-cleanup.json') },
  {
    fn: 'on-drift',
    what: 'a changed repository',
    seed: seedImages,
    handler: onDriftHandler,
    event: (c) =>
      sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => {
        e.account = c.accountId;
        e.detail.recipientAccountId = c.accountId;
        e.detail.requestParameters.repositoryName = 'team/api';
      }),
  },
  {
    fn: 'on-drift',
    what: 'a changed replication',
    policy: REPLICATION,
    handler: onDriftHandler,
    event: (c) =>
      sampleEvent('cloudtrail-put-replication-configuration.json', (e) => {
        e.account = c.accountId;
        e.detail.recipientAccountId = c.accountId;
      }),
  },
  {
    fn: 'worker',
    what: 'enforce, cleanup and dispatch items',
    policy: { ...REPLICATION, ...DELETING, ...FANNED_OUT },
    seed: seedImages,
    handler: workerHandler,
    event: () =>
      workEvent([
        { kind: 'enforce', run: 'r', index: 0, names: ['team/api'] },
        { kind: 'cleanup', run: 'r', index: 1, names: ['team/api'], maxDeletes: 10 },
        { kind: 'dispatch', state: { job: 'cleanup', run: 'r', sent: 2 } },
        { kind: 'dispatch', state: { job: 'enforce', run: 'r', sent: 3 } },
      ]),
  },
];

/** Every call a client made, as IAM actions. */
function called(counts: Record<string, CallCounts>): string[] {
  return Object.entries(counts).flatMap(([service, calls]) => [...calls.keys()].map((operation) => iamAction(service, operation)));
}

describe('calls against moto', () => {
  it.each(SCENARIOS.map((s) => [s.fn, s.what, s] as const))('%s, on %s, makes only calls its role allows', async (fn, _what, scenario) => {
    const clients = motoClients();
    const work = await motoWorkQueue(clients.accountId);
    const seeded = await scenario.seed?.(clients);
    const verdicts = scenario.verdicts ? await verdictTable(clients.accountId) : undefined;
    const counts = {
      ecr: countCalls(clients.ecr),
      events: countCalls(clients.events),
      sqs: countCalls(work.queue.sqs),
      ...(verdicts ? { dynamodb: countCalls(verdicts.dynamodb) } : {}),
    };
    const handler = scenario.handler(testRuntime(clients, scenario.policy, { workQueue: work.queue }), verdicts);

    const result = await handler(scenario.event(clients, seeded) as never, lambdaContext());

    if (fn === 'worker') expect(result).toEqual({ batchItemFailures: [] });
    const calls = called(counts);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((action) => !roleActions(fn).includes(action))).toEqual([]);
  });
});
