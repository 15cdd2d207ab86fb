import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILURE_METRICS, JOB_DIMENSION, METRICS_NAMESPACE } from '../lib/metrics/names';
import { matchesPattern } from './support/event-pattern';
import {
  actionsOf,
  bundleOf,
  failedPackage,
  functionsOf,
  packageService,
  referencedId,
  resourcesOfType,
  roleStatements,
  templatePath,
  type Resource,
  type ServicePackage,
} from './support/serverless-package';

/**
 * Safe to run unattended (issue 16), read from what `serverless package` builds: alarms for every function
 * and failure, the skip tag denied in every role that writes, and a policy that ships whole. Packaged with a
 * policy whose CVE allow-list is too long for an environment variable, failure notifications on and an
 * alarm address.
 */

const POLICY_FILE = 'test/fixtures/deploy/long-allow-list.yaml';
const SKIP_TAG = 'platform:keeper-skip';
const LAST_ALLOWED_CVE = 'CVE-2025-10299';
/** Lambda's limit on all of a function's environment variables together. */
const LAMBDA_ENVIRONMENT_BYTES = 4 * 1024;
/** The bench's target for a function's bundle (README "Performance"). */
const BUNDLE_TARGET_BYTES = 400 * 1024;

let pkg: ServicePackage;
beforeAll(() => {
  pkg = packageService({ policyFile: POLICY_FILE, failureNotifications: 'true', alarmEmail: 'platform-oncall@example.com' });
}, 180_000);
afterAll(() => rmSync(pkg.dir, { recursive: true, force: true }));

const alarms = () => resourcesOfType(pkg, 'AWS::CloudWatch::Alarm');
const lambdaAlarms = (metric: string) =>
  alarms().filter(([, a]) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === metric);

/** Alarm properties every alarm shares: it notifies AlarmTopic on the way in and on the way out, and silence is no alarm. */
const NOTIFYING = { AlarmActions: [{ Ref: 'AlarmTopic' }], OKActions: [{ Ref: 'AlarmTopic' }], TreatMissingData: 'notBreaching' };

/** The functions an alarm of `metric` watches, by serverless name. */
function watchedFunctions(metric: string): string[] {
  const byId = Object.fromEntries(Object.entries(functionsOf(pkg)).map(([fn, { id }]) => [id, fn]));
  return lambdaAlarms(metric)
    .map(([, a]) => byId[referencedId(a.Properties.Dimensions[0].Value)!]!)
    .sort();
}

/** Whether an IAM action pattern (`ecr:Put*`) covers an action. */
const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(action);
const isEcrWrite = (action: string) => action.startsWith('ecr:') && !/^ecr:(Describe|Get|List|BatchGet|BatchCheck)/.test(action);

describe('alarms in the template', () => {
  it('watches every function for errors and throttles, notifying on alarm and on recovery', () => {
    const functions = Object.keys(functionsOf(pkg)).sort();
    expect(watchedFunctions('Errors')).toEqual(functions);
    expect(watchedFunctions('Throttles')).toEqual(functions);
    for (const [id, alarm] of [...lambdaAlarms('Errors'), ...lambdaAlarms('Throttles')]) {
      expect(alarm.Properties, id).toMatchObject({ ...NOTIFYING, Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('warns when a long function keeps running close to its timeout, below the timeout itself', () => {
    const long = Object.entries(functionsOf(pkg)).filter(([, { resource }]) => resource.Properties.Timeout >= 300);
    expect(long.length).toBeGreaterThanOrEqual(4);
    expect(watchedFunctions('Duration')).toEqual(long.map(([fn]) => fn).sort());
    for (const [, { id, resource }] of long) {
      const [, alarm] = lambdaAlarms('Duration').find(([, a]) => referencedId(a.Properties.Dimensions[0].Value) === id)!;
      const timeoutMs = resource.Properties.Timeout * 1000;
      expect(alarm.Properties).toMatchObject({ ...NOTIFYING, Statistic: 'Maximum' });
      expect(alarm.Properties.Threshold).toBeGreaterThan(0.9 * timeoutMs);
      expect(alarm.Properties.Threshold).toBeLessThan(timeoutMs);
    }
  });

  it('sounds on both dead-letter queues while a message waits and whenever new ones arrive, with OKActions', () => {
    for (const queue of ['FailedInvocationsQueue', 'WorkDeadLetterQueue']) {
      const onQueue = alarms().filter(([, a]) => JSON.stringify(a.Properties).includes(`"${queue}","QueueName"`));
      expect(onQueue, queue).toHaveLength(2);
      for (const [id, alarm] of onQueue) expect(alarm.Properties, id).toMatchObject(NOTIFYING);
      const arrived = onQueue.find(([, a]) => a.Properties.Metrics)?.[1] as Resource;
      expect(arrived.Properties.Metrics.map((m: { Expression?: string }) => m.Expression).filter(Boolean)).toEqual(['DIFF(depth)']);
    }
  });

  it.each(FAILURE_METRICS)('sounds when any job reports %s above 0', (metric) => {
    const matching = alarms().filter(([, a]) =>
      (a.Properties.Metrics ?? []).some((m: { Expression?: string }) => m.Expression === `SELECT SUM(${metric}) FROM SCHEMA("${METRICS_NAMESPACE}", ${JOB_DIMENSION}, service)`),
    );
    expect(matching).toHaveLength(1);
    expect(matching[0]![1].Properties).toMatchObject({ ...NOTIFYING, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it("subscribes the stage's alarmEmail to the alarm topic", () => {
    expect(pkg.resources.AlarmEmailSubscription).toMatchObject({
      Condition: 'HasAlarmEmail',
      Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } },
    });
  });
});

describe('failure notifications', () => {
  const rule = () => pkg.resources.FailureNotificationRule!;
  const event = (detailType: string, detail: Record<string, unknown>) => ({ source: 'ecr-keeper', 'detail-type': detailType, detail });

  it('sends failing and failed scan verdicts and failed changes to the topic, and nothing else', () => {
    const pattern = rule().Properties.EventPattern;
    expect(matchesPattern(pattern, event('ECR Keeper Scan Verdict', { result: 'fail' }))).toBe(true);
    expect(matchesPattern(pattern, event('ECR Keeper Scan Verdict', { result: 'scan-failed' }))).toBe(true);
    expect(matchesPattern(pattern, event('ECR Keeper Setting Enforced', { status: 'failed' }))).toBe(true);
    expect(matchesPattern(pattern, event('ECR Keeper Scan Verdict', { result: 'pass' }))).toBe(false);
    expect(matchesPattern(pattern, event('ECR Keeper Setting Enforced', { status: 'applied' }))).toBe(false);
    expect(matchesPattern(pattern, { ...event('ECR Keeper Scan Verdict', { result: 'fail' }), source: 'someone-else' })).toBe(false);
    expect(referencedId(rule().Properties.Targets[0].Arn)).toBe('FailureNotificationTopic');
  });

  it('is off unless the stage turns it on', () => {
    expect(pkg.resources.FailureNotificationTopic!.Condition).toBe('NotifyFailures');
    expect(rule().Condition).toBe('NotifyFailures');
  });
});

describe('the skip tag in every role that writes', () => {
  const writers = () => Object.keys(functionsOf(pkg)).filter((fn) => roleStatements(pkg, fn).some((s) => s.Effect === 'Allow' && actionsOf(s).some(isEcrWrite)));

  it('denies every ECR write a role allows in a repository tagged with the policy skip tag', () => {
    expect(writers().sort()).toEqual(['cleanup', 'enforce', 'on-drift', 'on-push', 'on-scan-complete', 'rescan', 'worker']);
    for (const fn of writers()) {
      const denies = roleStatements(pkg, fn).filter((s) => s.Effect === 'Deny');
      expect(denies, fn).toHaveLength(1);
      const [deny] = denies;
      expect(deny!.Condition, fn).toEqual({ StringEqualsIgnoreCase: { [`aws:ResourceTag/${SKIP_TAG}`]: 'true' } });
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
      expect(deny!.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*' });
      const allowedWrites = roleStatements(pkg, fn)
        .filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource).includes(':repository/'))
        .flatMap(actionsOf)
        .filter(isEcrWrite);
      for (const action of allowedWrites) expect(actionsOf(deny!).some((p) => covers(p, action)), `${fn} ${action}`).toBe(true);
    }
  });

  it('denies the writes a role does not hold as well, and never a read', () => {
    const deny = roleStatements(pkg, 'cleanup').find((s) => s.Effect === 'Deny')!;
    for (const action of ['ecr:PutImageTagMutability', 'ecr:DeleteRepository', 'ecr:UntagResource', 'ecr:UpdateImageStorageClass', 'ecr:PutLifecyclePolicy']) {
      expect(actionsOf(deny).some((p) => covers(p, action)), action).toBe(true);
    }
    for (const action of ['ecr:DescribeImages', 'ecr:BatchGetImage', 'ecr:ListTagsForResource', 'ecr:GetRepositoryPolicy']) {
      expect(actionsOf(deny).some((p) => covers(p, action)), action).toBe(false);
    }
  });

  it('leaves the read-only audit without a Deny', () => {
    expect(roleStatements(pkg, 'audit').filter((s) => s.Effect === 'Deny')).toEqual([]);
  });
});

describe('the policy, delivered whole', () => {
  it('packages a 300-id allow-list inside every bundle, not in the environment, and each bundle stays under 400 KB', () => {
    const rows: string[] = [];
    for (const [fn, { resource }] of Object.entries(functionsOf(pkg))) {
      const variables = resource.Properties.Environment?.Variables ?? {};
      const environmentBytes = Object.entries(variables).reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);
      expect(environmentBytes, fn).toBeLessThan(LAMBDA_ENVIRONMENT_BYTES / 4);
      const bundle = bundleOf(pkg, fn);
      expect(bundle.code.includes(LAST_ALLOWED_CVE), fn).toBe(true);
      expect(bundle.bundleBytes, fn).toBeLessThan(BUNDLE_TARGET_BYTES);
      rows.push(`${fn.padEnd(18)} ${String(bundle.bundleBytes).padStart(8)} B bundle ${String(bundle.zipBytes).padStart(8)} B zip ${String(environmentBytes).padStart(5)} B environment`);
    }
    console.log(`function packages with a 300-CVE allow-list:\n${rows.join('\n')}`);
  });

  it('runs without --enable-source-maps: no source map is packaged for it to read', () => {
    for (const [fn, { resource }] of Object.entries(functionsOf(pkg))) {
      expect(resource.Properties.Environment?.Variables?.NODE_OPTIONS ?? '', fn).not.toContain('--enable-source-maps');
      expect(bundleOf(pkg, fn).files.filter((f) => f.endsWith('.map')), fn).toEqual([]);
    }
  });

  it('stops packaging at a misspelt key, naming it, before anything is built', () => {
    const { output, files } = failedPackage({ policyFile: 'test/fixtures/deploy/misspelt-key.yaml' });
    expect(output).toContain('invalid policy file test/fixtures/deploy/misspelt-key.yaml');
    expect(output).toContain('scan: Unrecognized key: "ignroe"');
    expect(files).toEqual([]);
  });

  it('stops packaging at a policy file that does not exist', () => {
    const { output, files } = failedPackage({ policyFile: 'policy/no-such-stage.yaml' });
    expect(output).toContain('policy file policy/no-such-stage.yaml cannot be read: it does not exist');
    expect(files).toEqual([]);
  });
});

describe('the template as a whole', () => {
  it('passes cfn-lint with the notifications and the alarm address on', () => {
    const lint = spawnSync('cfn-lint', [templatePath(pkg)], { encoding: 'utf8', timeout: 120_000 });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });
});
