import { DescribeRegistryCommand, DescribeRepositoriesCommand, ECRClient, GetRegistryScanningConfigurationCommand } from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditJob } from '../lib/audit/job';
import { cleanupJob, cleanupPolicyMode } from '../lib/cleanup/job';
import { enforceJob, enforceScope, scopeRequest } from '../lib/enforce/job';
import { executeJob, runFailed } from '../lib/job/execute';
import { firstOf } from '../lib/job/response';
import type { AnyJob } from '../lib/job/types';
import { parsePolicy, policyWarnings } from '../lib/policy';
import { rescanJob } from '../lib/rescan/job';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ecrMock = mockClient(ECRClient);
const eventsMock = mockClient(EventBridgeClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials });
const events = new EventBridgeClient({ region: 'us-east-1', credentials });

beforeEach(() => {
  ecrMock.reset();
  eventsMock.reset();
  ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [] });
  ecrMock.on(DescribeRegistryCommand).resolves({ registryId: '123456789012' });
  ecrMock.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'BASIC', rules: [] } });
  eventsMock.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })) }));
});

describe('the job contract', () => {
  it('gives every job report the same versioned head: schemaVersion, job, mode, generatedAt, failures, missing', async () => {
    const policy = parsePolicy({});
    for (const job of [auditJob, enforceJob, cleanupJob, rescanJob] as AnyJob[]) {
      const report = await executeJob(job, { ecr }, policy, { mode: 'dry-run' }, { publish: false });
      expect(report).toMatchObject({ schemaVersion: 1, job: job.name, mode: 'dry-run', failures: [], missing: [], events: null });
      expect(report.summary).toMatchObject({ repositories: 0, excluded: 0, complete: true });
    }
  });

  it('publishes a job events only when asked and only with an EventBridge client', async () => {
    const policy = parsePolicy({});
    await executeJob(auditJob, { ecr }, policy, { mode: 'dry-run' }, { publish: true });
    await executeJob(auditJob, { ecr, events }, policy, { mode: 'dry-run' }, { publish: false });
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(0);
    const report = await executeJob(auditJob, { ecr, events }, policy, { mode: 'dry-run' }, { publish: true });
    expect(report.events).toMatchObject({ published: 1, failed: [] });
    expect(eventsMock.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.DetailType).toBe('ECR Keeper Audit Summary');
  });

  it('counts an event EventBridge refused as a failed run', async () => {
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'no' }] });
    const report = await executeJob(auditJob, { ecr, events }, parsePolicy({}), { mode: 'dry-run' }, { publish: true });
    expect(runFailed(auditJob, report)).toBe(true);
  });

  it('publishes no cleanup summary for a fanned-out item that planned and failed nothing, and one for a direct run', async () => {
    const report = await cleanupJob.run({ ecr }, parsePolicy({}), { mode: 'dry-run' });
    expect(cleanupJob.events(report, { fanOut: { run: 'r', index: 0 } })).toEqual([]);
    expect(cleanupJob.events(report)).toHaveLength(1);
  });

  it('turns a request into an enforce scope and back', () => {
    for (const request of [{}, { names: ['a/b'] }, { names: ['a/b'], cursor: 'c' }, { cursor: 'c' }, { registryOnly: true }]) {
      expect(scopeRequest(enforceScope(request))).toEqual(request);
    }
  });

  it('declares --apply only for the jobs that write, and publishes from the CLI only per-change events', () => {
    expect([auditJob, enforceJob, cleanupJob].map((j) => [j.name, j.applies, j.cliPublishes])).toEqual([
      ['audit', false, false],
      ['enforce', true, true],
      ['cleanup', true, false],
    ]);
  });
});

describe('modes', () => {
  it('reads the deprecated cleanup mode "delete" as "apply", with a warning', () => {
    const policy = parsePolicy({ cleanup: { mode: 'delete' } });
    expect(cleanupPolicyMode(policy)).toBe('apply');
    expect(policyWarnings(policy)).toEqual([expect.stringContaining('cleanup.mode "delete" is deprecated')]);
    expect(policyWarnings(parsePolicy({ cleanup: { mode: 'apply' } }))).toEqual([]);
  });

  it('refuses a mode outside dry-run | apply, naming the field', () => {
    expect(() => parsePolicy({ enforce: { mode: 'plan' } })).toThrow(/enforce\.mode/);
    expect(() => parsePolicy({ cleanup: { mode: 'yes' } })).toThrow(/cleanup\.mode/);
  });
});

describe('firstOf', () => {
  it('lists the first items and says when some were left out', () => {
    expect(firstOf([1, 2, 3], 2)).toEqual({ items: [1, 2], truncated: true });
    expect(firstOf([1, 2], 2)).toEqual({ items: [1, 2], truncated: false });
  });
});
