import {
  ECRClient,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutReplicationConfigurationCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPLICATION_LIMIT_EXCEEDED, applyChanges } from '../lib/enforce/apply';
import type { RepositoryChange, SettingChange } from '../lib/enforce/types';

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const ARN = 'arn:aws:ecr:us-east-1:123456789012:repository/svc/a';

const mutability = (mode: 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION', exclusions: string[] = []): RepositoryChange => ({
  kind: 'set-tag-mutability',
  repositoryName: 'svc/a',
  repositoryArn: ARN,
  from: { mode: 'MUTABLE', exclusions: [] },
  to: { mode, exclusions },
  reason: `repo svc/a: tag mutability MUTABLE -> ${mode}`,
});
const scanOnPush: RepositoryChange = {
  kind: 'set-scan-on-push',
  repositoryName: 'svc/a',
  repositoryArn: ARN,
  from: false,
  to: true,
  reason: 'repo svc/a: scan-on-push off -> on',
};
const rules = [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }];
const replication: SettingChange = { kind: 'put-replication-configuration', from: [], to: rules, added: rules, removed: [], reason: 'registry: add' };

const awsError = (name: string) => Object.assign(new Error(`${name} happened`), { name });

beforeEach(() => ecrMock.reset());

describe('applyChanges', () => {
  it('makes one write call per change and records each as applied', async () => {
    const outcomes = await applyChanges({ ecr }, [mutability('IMMUTABLE'), scanOnPush], { mode: 'apply' });
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(ecrMock.commandCalls(PutImageTagMutabilityCommand)[0]!.args[0].input).toEqual({
      repositoryName: 'svc/a',
      imageTagMutability: 'IMMUTABLE',
    });
    expect(ecrMock.commandCalls(PutImageScanningConfigurationCommand)[0]!.args[0].input).toEqual({
      repositoryName: 'svc/a',
      imageScanningConfiguration: { scanOnPush: true },
    });
  });

  it('sends the exclusions as WILDCARD filters for the *_WITH_EXCLUSION modes', async () => {
    await applyChanges({ ecr }, [mutability('IMMUTABLE_WITH_EXCLUSION', ['dev-*', 'latest'])], { mode: 'apply' });
    expect(ecrMock.commandCalls(PutImageTagMutabilityCommand)[0]!.args[0].input.imageTagMutabilityExclusionFilters).toEqual([
      { filter: 'dev-*', filterType: 'WILDCARD' },
      { filter: 'latest', filterType: 'WILDCARD' },
    ]);
  });

  it('writes the whole replication configuration in one call', async () => {
    const [outcome] = await applyChanges({ ecr }, [replication], { mode: 'apply' });
    expect(outcome?.status).toBe('applied');
    expect(ecrMock.commandCalls(PutReplicationConfigurationCommand)[0]!.args[0].input).toEqual({ replicationConfiguration: { rules } });
  });

  it('records a failed call with its error code and still makes the next change', async () => {
    ecrMock.on(PutImageTagMutabilityCommand).rejects(awsError('RepositoryNotFoundException'));
    const outcomes = await applyChanges({ ecr }, [mutability('IMMUTABLE'), scanOnPush], { mode: 'apply' });
    expect(outcomes).toEqual([
      { status: 'failed', change: mutability('IMMUTABLE'), error: { code: 'RepositoryNotFoundException', message: 'RepositoryNotFoundException happened' } },
      { status: 'applied', change: scanOnPush },
    ]);
  });

  it('writes nothing in plan mode and marks every change as a dry-run', async () => {
    const outcomes = await applyChanges({ ecr }, [mutability('IMMUTABLE'), replication], { mode: 'dry-run' });
    expect(outcomes.map((o) => (o.status === 'skipped' ? o.skipReason : o.status))).toEqual(['dry-run', 'dry-run']);
    expect(ecrMock.calls()).toHaveLength(0);
  });

  it('skips every change of a target whose skip tag is found at apply time', async () => {
    const outcomes = await applyChanges({ ecr }, [mutability('IMMUTABLE'), scanOnPush], { mode: 'apply', isSkipped: async () => true });
    expect(outcomes.map((o) => (o.status === 'skipped' ? o.skipReason : o.status))).toEqual(['skip-tag', 'skip-tag']);
    expect(ecrMock.calls()).toHaveLength(0);
  });

  it('tells a dry-run which changes the skip tag would stop', async () => {
    const outcomes = await applyChanges({ ecr }, [scanOnPush], { mode: 'dry-run', isSkipped: async () => true });
    expect(outcomes).toEqual([{ status: 'skipped', change: scanOnPush, skipReason: 'skip-tag' }]);
  });

  it('fails every change of a target when its skip tag cannot be read, writing nothing', async () => {
    const outcomes = await applyChanges({ ecr }, [mutability('IMMUTABLE'), scanOnPush], {
      mode: 'apply',
      isSkipped: async () => {
        throw awsError('AccessDeniedException');
      },
    });
    expect(outcomes.map((o) => (o.status === 'failed' ? o.error.code : o.status))).toEqual(['AccessDeniedException', 'AccessDeniedException']);
    expect(ecrMock.calls()).toHaveLength(0);
  });

  it('does not look up the skip tag when there is nothing to change', async () => {
    let asked = 0;
    const isSkipped = async () => {
      asked++;
      return false;
    };
    const outcomes = await applyChanges({ ecr }, [], { mode: 'apply', isSkipped });
    expect(outcomes).toEqual([]);
    expect(asked).toBe(0);
  });

  it('fails a replication change blocked by ECR limits without a call, in either mode', async () => {
    const blocked: SettingChange = { ...replication, kind: 'replication-over-limit', problems: ['11 rules, ECR allows at most 10'] };
    for (const mode of ['apply', 'dry-run'] as const) {
      const [outcome] = await applyChanges({ ecr }, [blocked], { mode });
      expect(outcome).toEqual({ status: 'failed', change: blocked, error: { code: REPLICATION_LIMIT_EXCEEDED, message: '11 rules, ECR allows at most 10' } });
    }
    expect(ecrMock.calls()).toHaveLength(0);
  });
});
