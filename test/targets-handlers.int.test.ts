import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { Logger } from '@aws-lambda-powertools/logger';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { cleanupHandler } from '../functions/cleanup';
import { enforceHandler } from '../functions/enforce';
import { onDriftHandler } from '../functions/on-drift';
import { onPushHandler } from '../functions/on-push';
import { onScanCompleteHandler } from '../functions/on-scan-complete';
import { workerHandler } from '../functions/worker';
import { parsePolicy } from '../lib/policy';
import { imageManifest, pushImage } from '../scripts/seed/images';
import { motoClients, newAccountId } from './support/aws';
import { countCalls } from './support/calls';
import { lambdaContext } from './support/lambda';
import { sampleEvent } from './support/sample-events';
import { motoWorkQueue } from './support/work-queue';

/**
 * Events act where they happened: a hub function (its own clients pinned to the hub account in us-east-1)
 * receives events forwarded from a member, from another region, from an Inspector delegated administrator's
 * view, from another partition and from an account that is not a target.
 */

const REGIONS = ['us-east-1', 'eu-west-1'];
// The enforce functions apply (main's default enforce.mode is dry-run, docs/rollout.md).
const POLICY = (hub: string, member: string) => ({ targets: { accounts: [hub, member], regions: REGIONS }, enforce: { mode: 'apply' as const } });

/** A member registry's client: credentials moto maps to the member's account. */
async function memberEcr(accountId: string, region: string): Promise<ECRClient> {
  const out = await new STSClient({ region }).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/seed`, RoleSessionName: 'seed' }));
  const c = out.Credentials!;
  return new ECRClient({ region, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
}

async function mutability(ecr: ECRClient, name: string): Promise<string | undefined> {
  return (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories?.[0]?.imageTagMutability;
}

/** A hub, a member, and a runtime of the hub whose policy targets both in two regions. */
async function setUp() {
  const hub = motoClients();
  const member = newAccountId();
  const calls = countCalls(hub.ecr);
  countCalls(hub.events, calls);
  const logger = new Logger({ logLevel: 'SILENT' });
  const runtime = { clients: hub, logger, policy: () => parsePolicy(POLICY(hub.accountId, member)) };
  return { hub, member, calls, runtime, context: lambdaContext() };
}

const trailEvent = (account: string, region: string, repositoryName: string) =>
  sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => {
    e.account = account;
    e.region = region;
    e.detail.recipientAccountId = account;
    e.detail.awsRegion = region;
    e.detail.requestParameters.repositoryName = repositoryName;
  });

describe('handlers act in the target an event comes from', () => {
  it("on-drift re-enforces the member's repository in the event's region, not the hub's of the same name", async () => {
    const { hub, member, calls, runtime, context } = await setUp();
    const memberEu = await memberEcr(member, 'eu-west-1');
    await memberEu.send(new CreateRepositoryCommand({ repositoryName: 'team/api', imageTagMutability: 'MUTABLE' }));
    await hub.ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/api', imageTagMutability: 'MUTABLE' }));
    calls.clear();

    await onDriftHandler(runtime)(trailEvent(member, 'eu-west-1', 'team/api') as never, context);

    expect(await mutability(memberEu, 'team/api')).toBe('IMMUTABLE');
    expect(await mutability(hub.ecr, 'team/api')).toBe('MUTABLE');
    expect(calls.get('PutImageTagMutability') ?? 0).toBe(0);
  });

  it("acts on the hub's own registry with its own clients", async () => {
    const { hub, runtime, context } = await setUp();
    await hub.ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/api', imageTagMutability: 'MUTABLE' }));
    await onDriftHandler(runtime)(trailEvent(hub.accountId, 'us-east-1', 'team/api') as never, context);
    expect(await mutability(hub.ecr, 'team/api')).toBe('IMMUTABLE');
  });

  it.each([
    ['a region that is not a target', (member: string) => trailEvent(member, 'us-east-2', 'team/api'), 'region us-east-2 is not a target'],
    ['an account that is not a target', () => trailEvent('999999999999', 'us-east-1', 'team/api'), 'account 999999999999 is not a target'],
  ])('on-drift ignores an event from %s, saying why, with no AWS call', async (_what, event, reason) => {
    const { member, calls, runtime, context } = await setUp();
    const answer = await onDriftHandler(runtime)(event(member) as never, context);
    expect(answer).toEqual({ ignored: expect.stringContaining(reason) });
    expect([...calls.values()].reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('on-push ignores a push in an account that is not a target', async () => {
    const { calls, runtime, context } = await setUp();
    const push = sampleEvent('ecr-image-push.json', (e) => {
      e.account = '999999999999';
      e.region = 'us-east-1';
    });
    expect(await onPushHandler(runtime)(push as never, context)).toEqual({ ignored: expect.stringContaining('is not a target') });
    expect(calls.size).toBe(0);
  });

  it.each([
    ['aws-cn', 'arn:aws-cn:ecr:cn-north-1:222222222222:repository/team/api'],
    ['aws-us-gov', 'arn:aws-us-gov:ecr:us-gov-west-1:222222222222:repository/team/api'],
  ])("on-scan-complete ignores an Inspector scan of a repository in the %s partition", async (partition, arn) => {
    const { calls, runtime, context } = await setUp();
    const scan = sampleEvent('inspector2-scan-ecr.json', (e) => {
      e.detail['repository-name'] = arn;
      e.resources = [arn];
    });
    expect(await onScanCompleteHandler(runtime)(scan as never, context)).toEqual({ ignored: expect.stringContaining(`partition ${partition}`) });
    expect(calls.size).toBe(0);
  });

  it("on-scan-complete judges an Inspector scan of a member's repository (a delegated administrator's view) in the member's registry", async () => {
    const { hub, member, calls, runtime, context } = await setUp();
    const memberEu = await memberEcr(member, 'eu-west-1');
    await memberEu.send(new CreateRepositoryCommand({ repositoryName: 'team/api' }));
    const image = imageManifest(`member-${member}`);
    await pushImage(memberEu, 'team/api', image, '1.4.2');
    const arn = `arn:aws:ecr:eu-west-1:${member}:repository/team/api`;
    const scan = sampleEvent('inspector2-scan-ecr.json', (e) => {
      e.account = hub.accountId;
      e.detail['repository-name'] = arn;
      e.resources = [arn];
      e.detail['image-digest'] = image.digest;
    });

    const answer = (await onScanCompleteHandler(runtime)(scan as never, context)) as Record<string, unknown>;

    expect(answer).not.toHaveProperty('ignored');
    expect(JSON.stringify(answer)).toContain(image.digest);
    expect(calls.size).toBe(0);
  });
});

describe('scheduled jobs run over the targets', () => {
  it('the enforce function enforces every target and answers per target', async () => {
    const { hub, member, runtime, context } = await setUp();
    const memberEu = await memberEcr(member, 'eu-west-1');
    await memberEu.send(new CreateRepositoryCommand({ repositoryName: 'team/api', imageTagMutability: 'MUTABLE' }));
    await hub.ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/api', imageTagMutability: 'MUTABLE' }));

    const answer = (await enforceHandler(runtime)(sampleEvent('schedule-enforce.json') as never, context)) as {
      targets: { accountId: string; region: string; error?: unknown }[];
      summary: { targets: number; failedTargets: number };
    };

    expect(answer.targets.map((t) => `${t.accountId}/${t.region}`)).toEqual([
      `${hub.accountId}/us-east-1`,
      `${hub.accountId}/eu-west-1`,
      `${member}/us-east-1`,
      `${member}/eu-west-1`,
    ]);
    expect(answer.summary).toMatchObject({ targets: 4, failedTargets: 0 });
    expect(await mutability(memberEu, 'team/api')).toBe('IMMUTABLE');
    expect(await mutability(hub.ecr, 'team/api')).toBe('IMMUTABLE');
  });
});

describe('a scheduled run over targets at its deadline', () => {
  it('hands each target on to a continuation that carries it, and the continuation works that target only', async () => {
    const { hub, member, runtime } = await setUp();
    const memberEu = await memberEcr(member, 'eu-west-1');
    await memberEu.send(new CreateRepositoryCommand({ repositoryName: 'team/api', imageTagMutability: 'MUTABLE' }));
    await hub.ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/api', imageTagMutability: 'MUTABLE' }));
    const continuations: Record<string, unknown>[] = [];
    const handing = { ...runtime, handOn: async (_arn: string, request: object) => void continuations.push(request as Record<string, unknown>) };

    // Less time than the handler keeps back to answer: every target stops before its first repository, with its cursor.
    const first = (await enforceHandler(handing)(sampleEvent('schedule-enforce.json') as never, lambdaContext({ remainingMs: 5_000 }))) as {
      targets: { accountId: string; region: string; handedOn?: boolean }[];
    };

    // The two targets with a repository hand on; the two empty ones are done (their listing was all there was).
    expect(first.targets.map((t) => [`${t.accountId}/${t.region}`, t.handedOn ?? false])).toEqual([
      [`${hub.accountId}/us-east-1`, true],
      [`${hub.accountId}/eu-west-1`, false],
      [`${member}/us-east-1`, false],
      [`${member}/eu-west-1`, true],
    ]);
    expect(continuations.map((c) => c.target)).toEqual([
      { accountId: hub.accountId, region: 'us-east-1' },
      { accountId: member, region: 'eu-west-1' },
    ]);
    for (const c of continuations) expect(c).toMatchObject({ cursor: expect.any(String), handOn: { count: 1 } });
    expect(await mutability(memberEu, 'team/api')).toBe('MUTABLE');

    // The member's eu-west-1 continuation, with time: that registry is brought in line, and no other.
    const answer = (await enforceHandler(handing)(continuations[1] as never, lambdaContext())) as { accountId: string; region: string };
    expect(answer).toMatchObject({ accountId: member, region: 'eu-west-1' });
    expect(await mutability(memberEu, 'team/api')).toBe('IMMUTABLE');
    expect(await mutability(hub.ecr, 'team/api')).toBe('MUTABLE');
    // It finished: no further continuation.
    expect(continuations).toHaveLength(2);
  });

  it("refuses a cursor that names no target, and a target that is not the policy's, before any AWS call", async () => {
    const { hub, calls, runtime, context } = await setUp();
    const handler = enforceHandler(runtime);
    await expect(handler({ cursor: 'eyJ2IjoxfQ' } as never, context)).rejects.toThrow("a cursor resumes one target's run: name that target");
    await expect(handler({ target: { accountId: hub.accountId, region: 'ap-south-1' } } as never, context)).rejects.toThrow(
      `target ${hub.accountId}/ap-south-1: region ap-south-1 is not a target (us-east-1, eu-west-1)`,
    );
    await expect(handler({ target: { accountId: '333333333333', region: 'us-east-1' } } as never, context)).rejects.toThrow('account 333333333333 is not a target');
    await expect(handler({ target: { accountId: 'hub', region: 'us-east-1' } } as never, context)).rejects.toThrow('12-digit');
    expect(calls.size).toBe(0);
  });
});

describe('a fanned-out scheduled job over targets', () => {
  it('sends work items per target, and the worker works each in its target', async () => {
    const { hub, member, runtime, context } = await setUp();
    const memberEu = await memberEcr(member, 'eu-west-1');
    await memberEu.send(new CreateRepositoryCommand({ repositoryName: 'team/api', imageTagMutability: 'MUTABLE' }));
    await hub.ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/web', imageTagMutability: 'MUTABLE' }));
    const work = await motoWorkQueue(hub.accountId);
    const fanned = { ...runtime, workQueue: work.queue, policy: () => parsePolicy({ ...POLICY(hub.accountId, member), runtime: { fanOut: true } }) };

    const answer = (await enforceHandler(fanned)(sampleEvent('schedule-enforce.json') as never, context)) as { targets: { accountId: string; region: string; sent: { items: number } }[] };
    expect(answer.targets.map((t) => [`${t.accountId}/${t.region}`, t.sent.items])).toEqual([
      [`${hub.accountId}/us-east-1`, 1],
      [`${hub.accountId}/eu-west-1`, 0],
      [`${member}/us-east-1`, 0],
      [`${member}/eu-west-1`, 1],
    ]);

    const event = await work.drain();
    expect(event.Records.map((r) => JSON.parse(r.body).target)).toEqual(
      expect.arrayContaining([{ accountId: member, region: 'eu-west-1' }, { accountId: hub.accountId, region: 'us-east-1' }]),
    );
    expect(await workerHandler(fanned)(event as never, context)).toEqual({ batchItemFailures: [] });
    expect(await mutability(memberEu, 'team/api')).toBe('IMMUTABLE');
    expect(await mutability(hub.ecr, 'team/web')).toBe('IMMUTABLE');
  });

  it("gives each target's cleanup work items their part of the run's deletion cap, the parts adding up to the cap", async () => {
    const { hub, member, runtime, context } = await setUp();
    const memberEu = await memberEcr(member, 'eu-west-1');
    for (const ecr of [memberEu, hub.ecr]) await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/api' }));
    const work = await motoWorkQueue(hub.accountId);
    const policy = parsePolicy({ ...POLICY(hub.accountId, member), runtime: { fanOut: true }, cleanup: { mode: 'apply', maxDeletesPerRun: 7 } });

    await cleanupHandler({ ...runtime, workQueue: work.queue, policy: () => policy })(sampleEvent('schedule-cleanup.json') as never, context);

    // Shares of 7 over four targets: 2, 2, 2 and 1; the two targets with a repository send one item each.
    const items = (await work.drain()).Records.map((r) => JSON.parse(r.body) as { target: { accountId: string; region: string }; maxDeletes: number });
    expect(items.map((i) => [`${i.target.accountId}/${i.target.region}`, i.maxDeletes]).sort()).toEqual(
      [
        [`${hub.accountId}/us-east-1`, 2],
        [`${member}/eu-west-1`, 1],
      ].sort(),
    );
  });
});
