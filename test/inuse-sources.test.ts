import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchClient, DescribeJobDefinitionsCommand } from '@aws-sdk/client-batch';
import { Inspector2Client, ListCoverageCommand } from '@aws-sdk/client-inspector2';
import { GetFunctionCommand, LambdaClient, ListAliasesCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readBatchImageUses } from '../lib/inuse/batch';
import { parseEcrImageUri } from '../lib/inuse/image-uri';
import { readInspectorImageUses } from '../lib/inuse/inspector';
import { readLambdaImageUses } from '../lib/inuse/lambda';
import { listLines, readListImageUses } from '../lib/inuse/list';

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api';
const DIGEST = `sha256:${'b'.repeat(64)}`;
const NOW = new Date('2026-06-01T00:00:00Z');

const lambdaMock = mockClient(LambdaClient);
const batchMock = mockClient(BatchClient);
const inspectorMock = mockClient(Inspector2Client);
const s3Mock = mockClient(S3Client);
beforeEach(() => {
  lambdaMock.reset();
  batchMock.reset();
  inspectorMock.reset();
  s3Mock.reset();
});

describe('parseEcrImageUri', () => {
  it('reads account, region, repository, tag and digest, takes a bare URI as latest, and ignores other registries', () => {
    expect(parseEcrImageUri(`${REPO}:v1@${DIGEST}`)).toEqual({ registryId: '123456789012', region: 'us-east-1', repositoryName: 'team/api', tag: 'v1', digest: DIGEST });
    expect(parseEcrImageUri(REPO)).toMatchObject({ tag: 'latest' });
    expect(parseEcrImageUri(`${REPO}@${DIGEST}`)).not.toHaveProperty('tag');
    expect(parseEcrImageUri('public.ecr.aws/nginx/nginx:1')).toBeUndefined();
    expect(parseEcrImageUri('docker.io/library/redis:7')).toBeUndefined();
  });
});

describe('readLambdaImageUses', () => {
  it('reads each image function version with GetFunction, tag and resolved digest, and adds alias users', async () => {
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:api';
    lambdaMock.on(ListFunctionsCommand).resolves({
      Functions: [
        { FunctionArn: fn, Version: '$LATEST', PackageType: 'Image' },
        { FunctionArn: `${fn}:3`, Version: '3', PackageType: 'Image' },
        { FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:zip', Version: '$LATEST', PackageType: 'Zip' },
      ],
    });
    lambdaMock.on(GetFunctionCommand).callsFake((input: { Qualifier?: string }) => ({
      Code: { ImageUri: `${REPO}:${input.Qualifier ?? 'latest'}`, ResolvedImageUri: `${REPO}@${DIGEST}` },
    }));
    lambdaMock.on(ListAliasesCommand).resolves({ Aliases: [{ AliasArn: `${fn}:live`, Name: 'live', FunctionVersion: '3' }] });

    const uses = await readLambdaImageUses(new LambdaClient({ region: 'us-east-1', credentials }));

    expect(lambdaMock.commandCalls(ListFunctionsCommand)[0]!.args[0].input).toMatchObject({ FunctionVersion: 'ALL' });
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(2);
    expect(uses).toContainEqual({ image: `${REPO}:3`, user: `${fn}:3` });
    expect(uses).toContainEqual({ image: `${REPO}:3`, user: `${fn}:live` });
    expect(uses).toContainEqual({ image: `${REPO}@${DIGEST}`, user: fn });
    expect(uses.some((u) => u.user.includes('function:zip'))).toBe(false);
  });
});

describe('readBatchImageUses', () => {
  it('reads ACTIVE job definitions only, every container of every kind', async () => {
    batchMock.on(DescribeJobDefinitionsCommand).resolves({
      jobDefinitions: [
        { jobDefinitionArn: 'arn:jd/a:1', jobDefinitionName: 'a', revision: 1, type: 'container', status: 'ACTIVE', containerProperties: { image: `${REPO}:batch` } },
        { jobDefinitionArn: 'arn:jd/b:1', jobDefinitionName: 'b', revision: 1, type: 'container', status: 'INACTIVE', containerProperties: { image: `${REPO}:old` } },
        {
          jobDefinitionArn: 'arn:jd/c:1',
          jobDefinitionName: 'c',
          revision: 1,
          type: 'container',
          status: 'ACTIVE',
          ecsProperties: { taskProperties: [{ containers: [{ image: `${REPO}:ecs-props` }] }] },
        },
      ],
    });
    const uses = await readBatchImageUses(new BatchClient({ region: 'us-east-1', credentials }));
    expect(batchMock.commandCalls(DescribeJobDefinitionsCommand)[0]!.args[0].input).toMatchObject({ status: 'ACTIVE', maxResults: 100 });
    expect(uses).toEqual([
      { image: `${REPO}:batch`, user: 'arn:jd/a:1' },
      { image: `${REPO}:ecs-props`, user: 'arn:jd/c:1' },
    ]);
  });
});

describe('readInspectorImageUses', () => {
  it('counts an image in use now or within the window, and checks every record itself', async () => {
    const resource = (digest: string, ecrImage: object) => ({
      resourceType: 'AWS_ECR_CONTAINER_IMAGE' as const,
      resourceId: `arn:aws:ecr:us-east-1:123456789012:repository/team/api/${digest}`,
      accountId: '123456789012',
      scanType: 'PACKAGE' as const,
      resourceMetadata: { ecrImage },
    });
    inspectorMock.on(ListCoverageCommand).resolves({
      coveredResources: [
        resource(`sha256:${'1'.repeat(64)}`, { inUseCount: 2 }),
        resource(`sha256:${'2'.repeat(64)}`, { inUseCount: 0, lastInUseAt: new Date('2026-05-20T00:00:00Z') }),
        resource(`sha256:${'3'.repeat(64)}`, { inUseCount: 0, lastInUseAt: new Date('2026-01-01T00:00:00Z') }),
      ],
    });
    const uses = await readInspectorImageUses(new Inspector2Client({ region: 'us-east-1', credentials }), { now: NOW, withinDays: 30 });
    expect(uses.map((u) => u.image)).toEqual([`${REPO}@sha256:${'1'.repeat(64)}`, `${REPO}@sha256:${'2'.repeat(64)}`]);
    expect(uses[0]!.user).toBe('inspector:inUseCount=2,lastInUseAt=never');
  });
});

describe('readListImageUses', () => {
  it('reads a file, one image a line, skipping blank lines and comments', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ecr-keeper-list-')), 'in-use.txt');
    writeFileSync(file, `# from kubectl\n${REPO}:v1\n\n  ${REPO}@${DIGEST}  \n`);
    expect(await readListImageUses({}, file)).toEqual([
      { image: `${REPO}:v1`, user: `list:${file}` },
      { image: `${REPO}@${DIGEST}`, user: `list:${file}` },
    ]);
  });

  it('reads an s3:// list with one GetObject', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: { transformToString: async () => `${REPO}:v2\n` } as never });
    const uses = await readListImageUses({ s3: new S3Client({ region: 'us-east-1', credentials }) }, 's3://ops-bucket/lists/in-use.txt');
    expect(s3Mock.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'ops-bucket', Key: 'lists/in-use.txt' });
    expect(uses).toEqual([{ image: `${REPO}:v2`, user: 'list:s3://ops-bucket/lists/in-use.txt' }]);
  });

  it('splits Windows line ends too', () => {
    expect(listLines('a\r\nb\r\n')).toEqual(['a', 'b']);
  });
});
