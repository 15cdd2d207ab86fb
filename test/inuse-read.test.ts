import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { GetFunctionCommand, LambdaClient, ListAliasesCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readInUse } from '../lib/inuse/read';
import { usersByDigest } from '../lib/inuse/lookup';
import { parsePolicy } from '../lib/policy';
import { digestOf, image } from './support/cleanup-images';

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const ecrMock = mockClient(ECRClient);
const ecsMock = mockClient(ECSClient);
const lambdaMock = mockClient(LambdaClient);
const clients = {
  ecr: new ECRClient({ region: 'us-east-1', credentials }),
  ecs: new ECSClient({ region: 'us-east-1', credentials }),
  lambda: new LambdaClient({ region: 'us-east-1', credentials }),
};
const target = { registryId: '123456789012', region: 'us-east-1' };
const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:api';

beforeEach(() => {
  ecrMock.reset();
  ecsMock.reset();
  lambdaMock.reset();
  ecsMock.on(ListClustersCommand).resolves({ clusterArns: [] });
  lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [{ FunctionArn: FN, Version: '$LATEST', PackageType: 'Image' }] });
  lambdaMock.on(GetFunctionCommand).resolves({ Code: { ImageUri: `${REPO}:pr-1` } });
  lambdaMock.on(ListAliasesCommand).resolves({ Aliases: [] });
  ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [image('pr-1', { tags: ['pr-1'] })] });
});

describe('readInUse', () => {
  it('reads the enabled sources and resolves a tag reference to its digest through ECR', async () => {
    const set = await readInUse(clients, parsePolicy({}).inUse, target);
    expect(set.sources).toEqual(['ecs', 'lambda']);
    expect(set.failures).toEqual([]);
    expect(set.images).toEqual([{ ...target, repositoryName: 'team/app', tags: ['pr-1'], digest: digestOf('pr-1'), users: [FN] }]);
  });

  it('names a source that failed and still reads the others, so that callers can fail closed', async () => {
    ecsMock.on(ListClustersCommand).rejects(Object.assign(new Error('User is not authorized to perform ecs:ListClusters'), { name: 'AccessDeniedException' }));
    const set = await readInUse(clients, parsePolicy({}).inUse, target);
    expect(set.failures).toEqual([{ source: 'ecs', error: { code: 'AccessDeniedException', message: 'User is not authorized to perform ecs:ListClusters' } }]);
    expect(set.images).toHaveLength(1);
  });

  it('fails a source enabled without its client rather than reading nothing', async () => {
    const set = await readInUse({ ecr: clients.ecr }, parsePolicy({ inUse: { ecs: false, lambda: false, batch: true } }).inUse);
    expect(set.failures.map((f) => [f.source, f.error.code])).toEqual([['batch', 'MissingClient']]);
  });

  it('reads nothing at all when every source is off', async () => {
    const set = await readInUse(clients, parsePolicy({ inUse: { ecs: false, lambda: false } }).inUse, target);
    expect(set).toEqual({ sources: [], images: [], failures: [], foreign: 0 });
    expect(ecsMock.calls()).toHaveLength(0);
  });
});

describe('usersByDigest', () => {
  it('matches a repository\'s images by digest and by the tags users name', () => {
    const images = [image('a', { tags: ['v1', 'latest'] }), image('b'), image('c', { tags: ['v2'] })];
    const set = {
      sources: ['ecs' as const],
      failures: [],
      foreign: 0,
      images: [
        { ...target, repositoryName: 'team/app', tags: ['latest'], users: ['svc-1'] },
        { ...target, repositoryName: 'team/app', digest: digestOf('b'), tags: [], users: ['task-1'] },
        { ...target, repositoryName: 'other', tags: ['v2'], users: ['svc-2'] },
        { ...target, region: 'eu-west-1', repositoryName: 'team/app', tags: ['v2'], users: ['svc-3'] },
      ],
    };
    expect(usersByDigest(set, { ...target, repositoryName: 'team/app' }, images)).toEqual(
      new Map([
        [digestOf('a'), ['svc-1']],
        [digestOf('b'), ['task-1']],
      ]),
    );
  });
});
