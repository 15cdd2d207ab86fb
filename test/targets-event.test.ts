import { describe, expect, it } from 'vitest';
import { eventPlace, functionPlace, parseRepositoryArn, targetOfEvent, targetScope, type TargetScope } from '../lib/targets/event-target';
import { sampleEvent } from './support/sample-events';

const HUB = '111111111111';
const MEMBER = '222222222222';
const scope: TargetScope = { accounts: [HUB, MEMBER], regions: ['us-east-1', 'eu-west-1'], partition: 'aws' };

/** A sample event moved to another account and region, as a member's forwarding rule delivers it to the hub. */
const pushFrom = (account: string, region: string) => sampleEvent('ecr-image-push.json', (e) => {
      e.account = account;
      e.region = region;
    });
/** Inspector's scan event about a repository ARN, as an Inspector delegated administrator (the hub) receives it. */
const inspectorAbout = (arn: string) =>
  sampleEvent('inspector2-scan-ecr.json', (e) => {
      e.account = HUB;
      e.region = 'us-east-1';
      e.detail['repository-name'] = arn;
      e.resources = [arn];
    });

describe('targetOfEvent: events act where they happened', () => {
  it("acts on a push in the event's own account and region", () => {
    expect(targetOfEvent(pushFrom(MEMBER, 'eu-west-1'), scope)).toEqual({ kind: 'target', target: { accountId: MEMBER, region: 'eu-west-1', partition: 'aws' } });
  });

  it("takes a CloudTrail record's recipient account and region", () => {
    const event = sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => {
      e.account = HUB;
      e.detail.recipientAccountId = MEMBER;
      e.detail.awsRegion = 'eu-west-1';
    });
    expect(targetOfEvent(event, scope)).toMatchObject({ kind: 'target', target: { accountId: MEMBER, region: 'eu-west-1' } });
  });

  it("takes an Inspector event's repository ARN over the delegated administrator's own account and region", () => {
    const decision = targetOfEvent(inspectorAbout(`arn:aws:ecr:eu-west-1:${MEMBER}:repository/team/api`), scope);
    expect(decision).toEqual({ kind: 'target', target: { accountId: MEMBER, region: 'eu-west-1', partition: 'aws' } });
  });

  it("takes an Inspector finding's resource id", () => {
    const finding = {
      account: HUB,
      region: 'us-east-1',
      'detail-type': 'Inspector2 Finding',
      detail: { awsAccountId: MEMBER, resources: [{ type: 'AWS_ECR_CONTAINER_IMAGE', id: `arn:aws:ecr:eu-west-1:${MEMBER}:repository/team/api/sha256:abc` }] },
    };
    expect(eventPlace(finding)).toEqual({ accountId: MEMBER, region: 'eu-west-1', partition: 'aws', from: 'repository ARN' });
  });

  it('ignores an account that is not a target, saying so', () => {
    const decision = targetOfEvent(pushFrom('999999999999', 'us-east-1'), scope);
    expect(decision).toEqual({ kind: 'ignore', reason: `999999999999/us-east-1 (from the event): account 999999999999 is not a target (${HUB}, ${MEMBER})` });
  });

  it('ignores a region that is not a target', () => {
    expect(targetOfEvent(pushFrom(MEMBER, 'us-east-2'), scope)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('region us-east-2 is not a target') });
  });

  it.each([
    ['aws-cn', `arn:aws-cn:ecr:cn-north-1:${MEMBER}:repository/team/api`],
    ['aws-us-gov', `arn:aws-us-gov:ecr:us-gov-west-1:${MEMBER}:repository/team/api`],
  ])('ignores a repository in the %s partition when the targets are in aws', (partition, arn) => {
    expect(targetOfEvent(inspectorAbout(arn), scope)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining(`is in partition ${partition}, the targets are in aws`) });
  });

  it('acts on a China region repository when the targets are there', () => {
    const china: TargetScope = { accounts: [MEMBER], regions: ['cn-north-1'], partition: 'aws-cn' };
    expect(targetOfEvent(inspectorAbout(`arn:aws-cn:ecr:cn-north-1:${MEMBER}:repository/team/api`), china)).toMatchObject({
      kind: 'target',
      target: { accountId: MEMBER, region: 'cn-north-1', partition: 'aws-cn' },
    });
  });

  it('acts on any account of the organization', () => {
    const organization: TargetScope = { ...scope, accounts: 'organization' };
    expect(targetOfEvent(pushFrom('999999999999', 'us-east-1'), organization)).toMatchObject({ kind: 'target' });
  });

  it('ignores an event that names no account', () => {
    expect(targetOfEvent({ detail: {} }, scope)).toEqual({ kind: 'ignore', reason: 'the event names no account and region' });
  });
});

describe('targetScope', () => {
  it("defaults to the function's own account and region", () => {
    expect(targetScope({}, { accountId: HUB, region: 'eu-west-1' })).toEqual({ accounts: [HUB], regions: ['eu-west-1'], partition: 'aws' });
  });

  it("takes the policy's accounts and regions, and their partition", () => {
    expect(targetScope({ accounts: 'organization', regions: ['us-gov-east-1'] }, { accountId: HUB, region: 'us-gov-west-1' })).toEqual({
      accounts: 'organization',
      regions: ['us-gov-east-1'],
      partition: 'aws-us-gov',
    });
  });
});

describe('parseRepositoryArn', () => {
  it('reads partition, region and account, and refuses what is not a repository ARN', () => {
    expect(parseRepositoryArn(`arn:aws-us-gov:ecr:us-gov-east-1:${MEMBER}:repository/a/b`)).toEqual({ partition: 'aws-us-gov', region: 'us-gov-east-1', accountId: MEMBER });
    expect(parseRepositoryArn(`arn:aws:ecr:us-east-1:${MEMBER}:registry`)).toBeUndefined();
    expect(parseRepositoryArn('team/api')).toBeUndefined();
  });
});

describe('functionPlace', () => {
  it("reads a function's account and region from its ARN", () => {
    expect(functionPlace(`arn:aws-cn:lambda:cn-north-1:${HUB}:function:ecr-keeper-dev-on-push`)).toEqual({ accountId: HUB, region: 'cn-north-1' });
    expect(functionPlace('not-an-arn')).toBeUndefined();
  });
});
