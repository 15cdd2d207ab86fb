import {
  DeregisterPullTimeUpdateExclusionCommand,
  ECRClient,
  ListPullTimeUpdateExclusionsCommand,
  RegisterPullTimeUpdateExclusionCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../lib/policy';
import { applyPullTimeExclusions, planPullTimeExclusions, pullTimeNoiseWarnings, readPullTimeExclusions } from '../lib/retention/pull-time-exclusions';

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const INSPECTOR = 'arn:aws:iam::123456789012:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2';
const KEEPER = 'arn:aws:iam::123456789012:role/ecr-keeper-cleanup';
const OTHER = 'arn:aws:iam::123456789012:role/backup';

beforeEach(() => ecrMock.reset());

const section = (extra: object) => parsePolicy({ retention: extra }).retention;

describe('pull-time update exclusions', () => {
  it('reads every page of the registry\'s exclusions at 1000 a page', async () => {
    ecrMock
      .on(ListPullTimeUpdateExclusionsCommand)
      .resolvesOnce({ pullTimeUpdateExclusions: [INSPECTOR], nextToken: 't1' })
      .resolvesOnce({ pullTimeUpdateExclusions: [OTHER] });
    expect(await readPullTimeExclusions(ecr)).toEqual([INSPECTOR, OTHER]);
    const inputs = ecrMock.commandCalls(ListPullTimeUpdateExclusionsCommand).map((c) => c.args[0].input);
    // The paginator writes the token into the input it sends, so only the last one shows it.
    expect(inputs.map((i) => i.maxResults)).toEqual([1000, 1000]);
    expect(inputs[1]?.nextToken).toBe('t1');
  });

  it('registers what the policy names and, only in replace mode, deregisters the others', () => {
    const merge = section({ pullTimeUpdateExclusions: { principals: [INSPECTOR, KEEPER] } }).pullTimeUpdateExclusions;
    expect(planPullTimeExclusions([INSPECTOR, OTHER], merge).map((c) => [c.kind, c.principalArn])).toEqual([['register-pull-time-exclusion', KEEPER]]);
    const replace = { ...merge, mode: 'replace' as const };
    expect(planPullTimeExclusions([INSPECTOR, OTHER], replace).map((c) => [c.kind, c.principalArn])).toEqual([
      ['register-pull-time-exclusion', KEEPER],
      ['deregister-pull-time-exclusion', OTHER],
    ]);
    expect(planPullTimeExclusions([INSPECTOR, KEEPER], merge)).toEqual([]);
  });

  it('applies each change with its own call and records a failure without stopping', async () => {
    ecrMock.on(RegisterPullTimeUpdateExclusionCommand).rejects(Object.assign(new Error('limit'), { name: 'LimitExceededException' }));
    ecrMock.on(DeregisterPullTimeUpdateExclusionCommand).resolves({ principalArn: OTHER });
    const outcomes = await applyPullTimeExclusions({ ecr }, [
      { kind: 'register-pull-time-exclusion', principalArn: KEEPER, reason: 'x' },
      { kind: 'deregister-pull-time-exclusion', principalArn: OTHER, reason: 'y' },
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['LimitExceededException', 'ok']);
  });

  it('warns about every rule using notPulledForDays while nothing is excluded, and only then', () => {
    const retention = section({ rules: [{ tags: ['pr-*'], olderThanDays: 30, notPulledForDays: 60 }, { tags: ['sha-*'], olderThanDays: 30 }] });
    expect(pullTimeNoiseWarnings(retention, []).map((w) => [w.code, w.rule])).toEqual([['pull-time-noise', 0]]);
    expect(pullTimeNoiseWarnings(retention, [INSPECTOR])).toEqual([]);
    expect(pullTimeNoiseWarnings({ ...retention, pullTimeUpdateExclusions: { mode: 'merge', principals: [KEEPER] } }, [])).toEqual([]);
  });
});
