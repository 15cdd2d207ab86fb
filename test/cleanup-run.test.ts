import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { GetFunctionCommand, LambdaClient, ListAliasesCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCleanup } from '../lib/cleanup/run';
import { parsePolicy } from '../lib/policy';
import { NOW, digestOf, image } from './support/cleanup-images';
import { serveRegistry, type MockRepository } from './support/ecr-mock-registry';

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
// The in-use sources are mocked too: a unit test makes no call to any endpoint.
const ecsMock = mockClient(ECSClient);
const lambdaMock = mockClient(LambdaClient);
const inUse = { ecs: new ECSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }), lambda: new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }) };
const deps = { ecr, now: () => NOW, inUse };

beforeEach(() => {
  ecrMock.reset();
  ecsMock.reset();
  lambdaMock.reset();
  ecsMock.on(ListClustersCommand).resolves({ clusterArns: [] });
  lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
});

function garbage(prefix: string, n: number): MockRepository {
  return { images: Array.from({ length: n }, (_, i) => image(`${prefix}-${i}`)) };
}

describe('runCleanup', () => {
  it('in dry-run mode plans every repository and deletes nothing', async () => {
    serveRegistry(ecrMock, { 'team/a': garbage('a', 3) });
    const report = await runCleanup(deps, parsePolicy({}), { mode: 'dry-run' });
    expect(report.summary).toMatchObject({ mode: 'dry-run', repositories: 1, planned: { count: 3 }, deleted: { count: 0 } });
    expect(ecrMock.commandCalls(BatchDeleteImageCommand)).toHaveLength(0);
  });

  it('goes on with the other repositories when one fails', async () => {
    const b = garbage('b', 2);
    serveRegistry(ecrMock, { 'team/a': garbage('a', 2), 'team/b': b }, {
      failRepository: { 'team/a': Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }) },
    });
    const report = await runCleanup(deps, parsePolicy({}), { mode: 'apply' });
    expect(report.failures).toEqual([{ repositoryName: 'team/a', error: { code: 'AccessDeniedException', message: 'not allowed' } }]);
    expect(report.summary).toMatchObject({ repositories: 1, deleted: { count: 2 }, failed: 1 });
    expect(b.images).toEqual([]);
  });

  it('goes on with the other repositories when a delete call fails in one', async () => {
    const a = garbage('a', 2);
    const b = garbage('b', 2);
    serveRegistry(ecrMock, { 'team/a': a, 'team/b': b });
    ecrMock
      .on(BatchDeleteImageCommand, { repositoryName: 'team/a' })
      .rejects(Object.assign(new Error('Internal'), { name: 'ServerException' }));
    const report = await runCleanup(deps, parsePolicy({}), { mode: 'apply', concurrency: 1 });
    const byName = new Map(report.repositories.map((r) => [r.repositoryName, r]));
    expect(byName.get('team/a')).toMatchObject({ mode: 'apply', applied: { error: { code: 'ServerException' }, complete: false } });
    expect(byName.get('team/b')).toMatchObject({ mode: 'apply', applied: { deleted: { count: 2 }, complete: true } });
    expect(report.summary).toMatchObject({ failed: 1, complete: false });
  });

  it('shares maxDeletesPerRun across repositories', async () => {
    serveRegistry(ecrMock, { 'team/a': garbage('a', 3), 'team/b': garbage('b', 3), 'team/c': garbage('c', 3) });
    const report = await runCleanup(deps, parsePolicy({ cleanup: { maxDeletesPerRun: 4 } }), { mode: 'apply' });
    expect(report.summary).toMatchObject({ planned: { count: 4 }, deleted: { count: 4 }, capReached: 5 });
  });

  it('looks up the skip tag only for repositories with something to delete, and deletes nothing in a skipped one', async () => {
    const skipped = { ...garbage('s', 2), tags: { 'ecr-keeper:skip': 'true' } };
    serveRegistry(ecrMock, { 'team/clean': { images: [image('v1', { tags: ['v1'] })] }, 'team/skipped': skipped, 'team/dirty': garbage('d', 1) });
    const report = await runCleanup(deps, parsePolicy({}), { mode: 'apply' });
    expect(ecrMock.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.resourceArn)).toEqual(
      expect.arrayContaining([expect.stringMatching(/team\/skipped$/), expect.stringMatching(/team\/dirty$/)]),
    );
    expect(ecrMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(2);
    expect(skipped.images).toHaveLength(2);
    expect(report.repositories.find((r) => r.repositoryName === 'team/skipped')?.plan.keep.map((k) => k.reason)).toEqual(['skipped', 'skipped']);
  });

  it('makes the fewest calls: one listing page, one index read, one re-check and one delete per 100', async () => {
    const children = Array.from({ length: 3 }, (_, i) => `child-${i}`);
    const repository: MockRepository = {
      images: [image('index', { index: true }), ...children.map((c) => image(c)), ...Array.from({ length: 147 }, (_, i) => image(`old-${i}`)), image('v1', { tags: ['v1'] })],
      children: { [digestOf('index')]: children.map(digestOf) },
    };
    serveRegistry(ecrMock, { 'team/a': repository });
    const report = await runCleanup(deps, parsePolicy({}), { mode: 'apply' });
    expect(report.summary.deleted.count).toBe(151);
    const describeCalls = ecrMock.commandCalls(DescribeImagesCommand);
    expect(describeCalls.filter((c) => !c.args[0].input.imageIds)).toHaveLength(1);
    expect(describeCalls.filter((c) => c.args[0].input.imageIds)).toHaveLength(2);
    expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(1);
    expect(ecrMock.commandCalls(BatchDeleteImageCommand)).toHaveLength(2);
    expect(ecrMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
  });

  it('reads what is in use once for the whole run and keeps an image a Lambda function uses', async () => {
    serveRegistry(ecrMock, { 'team/a': garbage('a', 2), 'team/b': garbage('b', 2) });
    const registryId = '123456789012';
    ecrMock.on(DescribeRepositoriesCommand).resolves({
      repositories: ['team/a', 'team/b'].map((repositoryName) => ({ repositoryName, registryId, repositoryArn: `arn:aws:ecr:us-east-1:${registryId}:repository/${repositoryName}` })),
    });
    const fn = `arn:aws:lambda:us-east-1:${registryId}:function:api`;
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [{ FunctionArn: fn, Version: '$LATEST', PackageType: 'Image' }] });
    lambdaMock.on(GetFunctionCommand).resolves({ Code: { ImageUri: `${registryId}.dkr.ecr.us-east-1.amazonaws.com/team/a@${digestOf('a-0')}` } });
    lambdaMock.on(ListAliasesCommand).resolves({ Aliases: [] });

    const report = await runCleanup(deps, parsePolicy({}), { mode: 'dry-run', concurrency: 2 });

    expect(ecsMock.commandCalls(ListClustersCommand)).toHaveLength(1);
    expect(lambdaMock.commandCalls(ListFunctionsCommand)).toHaveLength(1);
    const a = report.repositories.find((r) => r.repositoryName === 'team/a')!;
    expect(a.plan.keep).toEqual([expect.objectContaining({ reason: 'in-use', users: [fn] })]);
    expect(report.summary).toMatchObject({ planned: { count: 3 }, inUse: 1 });
  });

  it('deletes nothing and fails the run when an in-use source cannot be read', async () => {
    serveRegistry(ecrMock, { 'team/a': garbage('a', 3) });
    ecsMock.on(ListClustersCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    const report = await runCleanup(deps, parsePolicy({}), { mode: 'apply' });

    expect(ecrMock.commandCalls(BatchDeleteImageCommand)).toHaveLength(0);
    expect(report.summary).toMatchObject({ planned: { count: 0 }, inUseFailures: ['ecs'], failed: 1 });
    expect(report.inUse.failures).toEqual([{ source: 'ecs', error: { code: 'AccessDeniedException', message: 'not authorized' } }]);
  });
});
