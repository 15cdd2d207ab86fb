import { describe, expect, it } from 'vitest';
import { analyseRepositoryPolicy } from '../lib/audit/repository-policy';

const own = '123456789012';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('analyseRepositoryPolicy', () => {
  it('finds no access without a policy', () => {
    expect(analyseRepositoryPolicy(undefined, own)).toEqual({ public: false, publicConditional: false, crossAccount: [], statements: 0 });
  });

  it('flags a statement open to everyone', () => {
    expect(analyseRepositoryPolicy(doc({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }), own)).toMatchObject({ public: true, publicConditional: false });
    expect(analyseRepositoryPolicy(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:*' }), own).public).toBe(true);
  });

  it('marks a public statement narrowed by a condition as conditional', () => {
    const policy = doc({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } });
    expect(analyseRepositoryPolicy(policy, own)).toMatchObject({ public: true, publicConditional: true });
  });

  it('lists other accounts named by ARN or id, not the own account or services', () => {
    const policy = doc(
      { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::210987654321:root', '111122223333', `arn:aws:iam::${own}:role/ci`] }, Action: 'ecr:*' },
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'ecr:BatchGetImage' },
    );
    expect(analyseRepositoryPolicy(policy, own)).toMatchObject({ public: false, crossAccount: ['111122223333', '210987654321'], statements: 2 });
  });

  it('ignores Deny statements', () => {
    expect(analyseRepositoryPolicy(doc({ Effect: 'Deny', Principal: '*', Action: 'ecr:DeleteRepository' }), own).public).toBe(false);
  });

  it('treats an unreadable policy as public so that someone looks at it', () => {
    expect(analyseRepositoryPolicy('{not json', own).public).toBe(true);
  });
});
