import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRepositoryPolicy, type RepositoryPolicyInput } from '../lib/posture/plan-repository-policy';
import { rewritePolicy } from '../lib/posture/policy-rewrite';
import { RepositoryPolicySectionSchema, type RepositoryPolicySection } from '../lib/posture/repository-policy-schema';
import { publicGrant } from '../lib/posture/statement';

const OWN = '123456789012';
const ALLOWED = '111122223333';
const UNKNOWN = '999988887777';
const ARN = `arn:aws:ecr:us-east-1:${OWN}:repository/svc/a`;
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const input = (policyText: string | undefined): RepositoryPolicyInput => ({ repositoryName: 'svc/a', repositoryArn: ARN, policyText, ownAccount: OWN });
const section = (s: Partial<RepositoryPolicySection> = {}) => RepositoryPolicySectionSchema.parse(s);
const deny = section({ public: 'deny' });

const pull = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const publicPull = { Sid: 'PublicPull', Effect: 'Allow', Principal: '*', Action: pull };
const orgPull = { Sid: 'OrgPull', Effect: 'Allow', Principal: '*', Action: pull, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } };
const account = (sid: string, id: string) => ({ Sid: sid, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${id}:root` }, Action: pull });

/** The statements a policy text holds, by Sid. */
const sids = (text: string) => (JSON.parse(text) as { Statement: { Sid?: string }[] }).Statement.map((s) => s.Sid);

describe('planRepositoryPolicy: public statements', () => {
  it('plans nothing for a repository without a policy', () => {
    expect(planRepositoryPolicy(input(undefined), deny)).toEqual({ reported: [], disallowedAccounts: [], notes: [], unreadable: false });
  });

  it('removes a statement open to everyone whole, with its reason, under public: deny', () => {
    const plan = planRepositoryPolicy(input(doc(publicPull, orgPull)), deny);
    expect(plan.change).toMatchObject({ kind: 'set-repository-policy', from: { statements: 2 }, to: { statements: 1 } });
    expect(plan.change?.removals).toEqual([
      { statement: 0, sid: 'PublicPull', scope: 'statement', cause: 'public', reason: 'statement "PublicPull" allows everyone (principal *), with no narrowing condition' },
    ]);
    expect(plan.change?.reason).toBe('repo svc/a: repository policy: remove statement "PublicPull" allows everyone (principal *), with no narrowing condition');
  });

  it('only reports a public statement under public: report', () => {
    const plan = planRepositoryPolicy(input(doc(publicPull)), section({ public: 'report' }));
    expect(plan.change).toBeUndefined();
    expect(plan.reported.map((r) => r.sid)).toEqual(['PublicPull']);
  });

  it.each([
    ['{"AWS": "*"}', { Principal: { AWS: '*' } }],
    ['"*" among named principals', { Principal: { AWS: [`arn:aws:iam::${ALLOWED}:root`, '*'] } }],
    ['a negated condition (everyone but one organization)', { Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }],
    ['an ...IfExists condition (true for an anonymous caller)', { Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } } }],
    ['a condition value that matches anything', { Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } }],
    ['a source IP condition only', { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }],
    ['a non-narrowing condition key', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }],
    ['NotPrincipal (everyone but)', { Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ALLOWED}:root` } }],
  ])('counts %s as public', (_, extra) => {
    expect(publicGrant({ ...publicPull, ...extra })).toBeDefined();
  });

  it.each([
    ['aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }],
    ['aws:PrincipalAccount (any case)', { StringEquals: { 'AWS:PrincipalAccount': ALLOWED } }],
    ['aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': [ALLOWED, OWN] } }],
    ['aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }],
    ['aws:PrincipalArn with ArnLike', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OWN}:role/ci-*` } }],
    ['aws:SourceArn', { ArnEquals: { 'aws:SourceArn': `arn:aws:codebuild:us-east-1:${OWN}:project/x` } }],
    ['aws:PrincipalOrgPaths with ForAnyValue', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-abc123/r-ab12/ou-ab12-11111111/*' } }],
  ])('keeps a * statement narrowed by %s', (_, Condition) => {
    expect(publicGrant({ ...publicPull, Condition })).toBeUndefined();
  });

  it('keeps Deny statements, whoever they name', () => {
    const plan = planRepositoryPolicy(input(doc({ Effect: 'Deny', Principal: '*', Action: 'ecr:DeleteRepository' })), deny);
    expect(plan.change).toBeUndefined();
  });

  it('deletes the policy when no statement is left, instead of writing it empty', () => {
    const plan = planRepositoryPolicy(input(doc(publicPull)), deny);
    expect(plan.change).toMatchObject({ kind: 'delete-repository-policy', from: { statements: 1 }, to: null });
    expect(plan.change?.reason).toMatch(/no statement is left: delete the policy$/);
  });

  it('reads a policy whose Statement is a single object', () => {
    const plan = planRepositoryPolicy(input(JSON.stringify({ Version: '2012-10-17', Statement: publicPull })), deny);
    expect(plan.change?.kind).toBe('delete-repository-policy');
  });

  it('leaves an unreadable policy as it is, with a note', () => {
    const plan = planRepositoryPolicy(input('{"Statement": [ oops'), deny);
    expect(plan).toMatchObject({ unreadable: true, notes: [{ note: 'repo svc/a: repository policy is not a JSON policy document; left as it is' }] });
    expect(plan.change).toBeUndefined();
  });
});

describe('planRepositoryPolicy: allowed accounts', () => {
  const only = section({ public: 'deny', allowedAccounts: [ALLOWED] });

  it('keeps the public, org-conditioned and allowed statements apart from what is removed (the issue case)', () => {
    const text = doc(publicPull, orgPull, account('Allowed', ALLOWED), account('Unknown', UNKNOWN));
    const plan = planRepositoryPolicy(input(text), only);

    expect(plan.change?.kind).toBe('set-repository-policy');
    expect(plan.change?.removals.map((r) => [r.sid, r.scope, r.cause])).toEqual([
      ['PublicPull', 'statement', 'public'],
      ['Unknown', 'statement', 'account-not-allowed'],
    ]);
    expect(plan.disallowedAccounts).toEqual([UNKNOWN]);
    expect(sids(rewritePolicy(JSON.parse(text), plan.change!.removals).text)).toEqual(['OrgPull', 'Allowed']);
  });

  it('takes only the principals not allowed out of a statement naming several', () => {
    const mixed = {
      Sid: 'Mixed',
      Effect: 'Allow',
      Principal: { AWS: [`arn:aws:iam::${ALLOWED}:role/ci`, UNKNOWN, `arn:aws:sts::${UNKNOWN}:assumed-role/x/y`, `arn:aws:iam::${OWN}:root`] },
      Action: pull,
    };
    const text = doc(mixed);
    const plan = planRepositoryPolicy(input(text), only);

    expect(plan.change?.removals.map((r) => [r.scope, r.principal])).toEqual([
      ['principal', UNKNOWN],
      ['principal', `arn:aws:sts::${UNKNOWN}:assumed-role/x/y`],
    ]);
    const [kept] = (JSON.parse(rewritePolicy(JSON.parse(text), plan.change!.removals).text) as { Statement: { Principal: unknown }[] }).Statement;
    expect(kept?.Principal).toEqual({ AWS: [`arn:aws:iam::${ALLOWED}:role/ci`, `arn:aws:iam::${OWN}:root`] });
  });

  it("always allows the registry's own account", () => {
    expect(planRepositoryPolicy(input(doc(account('Own', OWN))), section({ allowedAccounts: [] })).change).toBeUndefined();
  });

  it('keeps a service principal when the AWS principals of its statement go', () => {
    const both = { Sid: 'Both', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${UNKNOWN}:root`, Service: 'codebuild.amazonaws.com' }, Action: pull };
    const text = doc(both);
    const plan = planRepositoryPolicy(input(text), only);
    expect(plan.change?.removals.map((r) => r.scope)).toEqual(['principal']);
    expect((JSON.parse(rewritePolicy(JSON.parse(text), plan.change!.removals).text) as { Statement: unknown[] }).Statement).toEqual([
      { ...both, Principal: { Service: 'codebuild.amazonaws.com' } },
    ]);
  });

  it('keeps, with a note, a principal of no account it can tell', () => {
    const plan = planRepositoryPolicy(input(doc({ Sid: 'Gone', Effect: 'Allow', Principal: { AWS: 'AROAEXAMPLEID0000' }, Action: pull })), only);
    expect(plan.change).toBeUndefined();
    expect(plan.notes.map((n) => n.note)).toEqual(['repo svc/a: statement "Gone": principal AROAEXAMPLEID0000 names no account ecr-keeper can tell; kept']);
  });

  it('lets any account in when allowedAccounts is null', () => {
    expect(planRepositoryPolicy(input(doc(account('Unknown', UNKNOWN))), deny).change).toBeUndefined();
  });
});

describe('planRepositoryPolicy: the change never carries the policy text', () => {
  it('holds the digest and the counts only, not the values inside the policy', () => {
    const text = doc(publicPull, orgPull);
    const { change } = planRepositoryPolicy(input(text), deny);
    expect(change?.from).toEqual({ statements: 2, sha256: createHash('sha256').update(text).digest('hex') });
    expect(JSON.stringify(change)).not.toContain('o-abc123');
  });
});

describe('planRepositoryPolicy: properties', () => {
  const principal = fc.oneof(
    fc.constant('*'),
    fc.constant({ AWS: '*' }),
    fc.constantFrom(OWN, ALLOWED, UNKNOWN, '444455556666').map((id) => ({ AWS: `arn:aws:iam::${id}:root` })),
    fc.subarray([OWN, ALLOWED, UNKNOWN, '444455556666'], { minLength: 1 }).map((ids) => ({ AWS: ids })),
    fc.constant({ Service: 'lambda.amazonaws.com' }),
  );
  const condition = fc.option(fc.constantFrom({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }, { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }), { nil: undefined });
  const statement = fc.record({ Effect: fc.constantFrom('Allow', 'Deny'), Principal: principal, Action: fc.constant(pull), Condition: condition }, { requiredKeys: ['Effect', 'Principal', 'Action'] });

  it('leaves no public statement and no account outside the allowed ones, and never adds a statement', () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 6 }), (statements) => {
        const text = doc(...statements);
        const plan = planRepositoryPolicy(input(text), section({ public: 'deny', allowedAccounts: [ALLOWED] }));
        const after = plan.change ? rewritePolicy(JSON.parse(text), plan.change.removals) : { statements: statements.length, text };
        const left = (JSON.parse(after.text) as { Statement: { Effect: string; Principal: unknown }[] }).Statement;
        expect(left.length).toBe(after.statements);
        expect(left.length).toBeLessThanOrEqual(statements.length);
        expect(plan.change?.kind === 'delete-repository-policy').toBe(left.length === 0 && plan.change !== undefined);
        for (const s of left) {
          expect(publicGrant(s)).toBeUndefined();
          if (s.Effect !== 'Allow') continue;
          const named = JSON.stringify(s.Principal).match(/\d{12}/g) ?? [];
          for (const id of named) expect([OWN, ALLOWED]).toContain(id);
        }
        // Planning the result again finds nothing more to remove.
        if (left.length > 0) expect(planRepositoryPolicy(input(after.text), section({ public: 'deny', allowedAccounts: [ALLOWED] })).change).toBeUndefined();
      }),
    );
  });
});
