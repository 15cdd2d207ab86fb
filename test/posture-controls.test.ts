import { describe, expect, it } from 'vitest';
import type { SettingChange } from '../lib/enforce/types';
import { controlsOfChange, POSTURE_CHECKS, SECURITY_HUB_ECR_CONTROLS } from '../lib/posture/controls';
import type { PolicyRemoval, PostureChange } from '../lib/posture/types';

const base = { repositoryName: 'svc/a', repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/svc/a', reason: 'r' };
const removal = (cause: PolicyRemoval['cause']): PolicyRemoval => ({ statement: 0, scope: 'statement', cause, reason: 'r' });
const policy = (...causes: PolicyRemoval['cause'][]): PostureChange => ({
  ...base,
  kind: 'set-repository-policy',
  from: { statements: 2, sha256: 'x' },
  to: { statements: 1 },
  removals: causes.map(removal),
});

describe('controlsOfChange', () => {
  it.each<[string, SettingChange | PostureChange, string[]]>([
    ['scan-on-push', { ...base, kind: 'set-scan-on-push', from: false, to: true }, ['ECR.1']],
    ['tag mutability', { ...base, kind: 'set-tag-mutability', from: { mode: 'MUTABLE', exclusions: [] }, to: { mode: 'IMMUTABLE', exclusions: [] } }, ['ECR.2']],
    ['the lifecycle baseline', { ...base, kind: 'put-lifecycle-policy', from: null, to: { baseline: 'default', rules: 1 }, lifecyclePolicyText: '{}' }, ['ECR.3']],
    ['a repository policy change (no Security Hub control covers it)', policy('public', 'account-not-allowed'), []],
    ['replication (registry-wide)', { kind: 'put-replication-configuration', from: [], to: [], added: [], removed: [], reason: 'r' }, []],
  ])('maps %s', (_, change, controls) => {
    expect(controlsOfChange(change)).toEqual(controls);
  });

  it('names only controls Security Hub has, each with a title and severity', () => {
    for (const check of Object.values(POSTURE_CHECKS)) {
      for (const id of check.controls) expect(SECURITY_HUB_ECR_CONTROLS[id]).toMatchObject({ title: check.title, severity: check.severity });
    }
    expect(Object.keys(SECURITY_HUB_ECR_CONTROLS)).toEqual(['ECR.1', 'ECR.2', 'ECR.3', 'ECR.5']);
  });
});
