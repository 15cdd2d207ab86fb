import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetRepositoryPolicyCommand, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditHandler } from '../functions/audit';
import { cleanupHandler } from '../functions/cleanup';
import { enforceHandler } from '../functions/enforce';
import { onDriftHandler } from '../functions/on-drift';
import { onPushHandler } from '../functions/on-push';
import { onScanCompleteHandler } from '../functions/on-scan-complete';
import { lambdaRuntime, type HandlerRuntime } from '../functions/shared/runtime';
import { workerHandler } from '../functions/worker';
import { createEcrClient, createEventBridgeClient, type AwsClients } from '../lib/aws/clients';
import { parsePolicy } from '../lib/policy';
import { motoClients, pinMotoAccount } from './support/aws';
import { logCalls, type LoggedCall } from './support/calls';
import { runCli } from './support/cli';
import { startDenyingEndpoint, type Denial, type DenyingEndpoint } from './support/denying-endpoint';
import { useFaithfulEcr } from './support/faithful-layer';
import { lambdaContext } from './support/lambda';
import { captureOutput } from './support/output-capture';
import { sampleEvent } from './support/sample-events';
import { pushEvent, SAMPLE_POLICY, seedSampleRegistry, type SampleRegistry } from './support/sample-registry';
import { motoWorkQueue } from './support/work-queue';

const upstream = inject('motoEndpoint');

/** Credentials no one could mistake for anything else: any of them in a log line or an event is a leak. */
const CREDENTIALS = {
  accessKeyId: 'AKIALEAKCHECKFAKE001',
  secretAccessKey: 'wJx7SecretAccessKey/LeakCheck0123456789+abc',
  sessionToken: 'IQoJtok3nLeakCheckSession//////////wEaCXVzLWVhc3QtMSJHMEUCIQD0123456789abcdef==',
};
/** The access key id of the caller a CloudTrail event names (someone else's credential). */
const CLOUDTRAIL_ACCESS_KEY = 'ASIALEAKCHECKDRIFT01';
/** A value inside a repository policy (an organisation id in a Condition). */
const REPOSITORY_POLICY_SECRET = 'o-q8repo0policy7secret';
/** Values inside policy files that are not policies (a credentials file passed by mistake, broken syntax). */
const POLICY_FILE_SECRETS = ['fS1credFileSecretKey0123456789', 'bS2busSecretValue', 'yS3yamlSecretValue'];

// Posture on: enforce reads every repository policy (the secret is in one) and puts lifecycle baselines.
const POLICY = parsePolicy({
  ...SAMPLE_POLICY,
  cleanup: { ...SAMPLE_POLICY.cleanup, mode: 'apply' },
  repositoryPolicy: { public: 'deny', allowedAccounts: [] },
  lifecyclePolicy: { require: true },
});
const env = { ECR_KEEPER_POLICY: JSON.stringify(POLICY) };

const faithful = useFaithfulEcr();
const denying: DenyingEndpoint[] = [];
const saved = { ...process.env };
beforeAll(async () => {
  // The SDK's own credential chain reads these too (a CLI or a runtime that builds its own clients).
  process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
  process.env.AWS_SESSION_TOKEN = CREDENTIALS.sessionToken;
});
afterAll(async () => {
  process.env = saved;
  await Promise.all(denying.map((d) => d.stop()));
});

/** Clients that sign with the distinctive credentials, through `endpoint`, in `accountId`'s registry. */
function signedClients(endpoint: string, accountId: string): AwsClients & { accountId: string } {
  // A copy: the SDK writes its own bookkeeping into the credentials object it is given.
  const config = { endpoint, region: 'us-east-1', credentials: { ...CREDENTIALS }, maxAttempts: 2 };
  return { ecr: pinMotoAccount(createEcrClient(config), accountId), events: pinMotoAccount(createEventBridgeClient(config), accountId), accountId };
}

/** Every listing asks for pages of two, so that nextTokens go back and forth. */
function smallPages(clients: AwsClients): void {
  clients.ecr.middlewareStack.add(
    (next) => (args) => {
      const input = args.input as { maxResults?: number };
      if (typeof input.maxResults === 'number') input.maxResults = Math.min(input.maxResults, 2);
      return next(args);
    },
    { step: 'initialize' },
  );
}

/** A registry with the sample's content, a scan to complete, and a repository policy holding a secret. */
async function registry(): Promise<{ accountId: string; sample: SampleRegistry }> {
  const moto = motoClients();
  const sample = await seedSampleRegistry(moto.ecr);
  await moto.ecr.send(new StartImageScanCommand({ repositoryName: 'svc/web', imageId: { imageDigest: sample.tagged['svc/web']!.digest } }));
  await moto.ecr.send(
    new SetRepositoryPolicyCommand({
      repositoryName: 'svc/api',
      policyText: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'Org', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'], Condition: { StringEquals: { 'aws:PrincipalOrgID': REPOSITORY_POLICY_SECRET } } }],
      }),
    }),
  );
  return { accountId: moto.accountId, sample };
}

/** Everything the runs said: log output, CLI output, handler answers and errors, PutEvents entries. */
interface Said {
  texts: { where: string; text: string }[];
  ecr: LoggedCall[];
}

const HANDLERS: [string, (runtime: HandlerRuntime) => (event: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>, (accountId: string, sample: SampleRegistry) => unknown][] = [
  ['audit', auditHandler, () => ({})],
  ['enforce', enforceHandler, () => sampleEvent('schedule-enforce.json')],
  [
    'on-drift',
    onDriftHandler,
    (accountId) =>
      sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => {
        e.account = accountId;
        e.detail.recipientAccountId = accountId;
        e.detail.requestParameters.repositoryName = 'svc/api';
        e.detail.userIdentity.accessKeyId = CLOUDTRAIL_ACCESS_KEY;
      }),
  ],
  ['on-push', onPushHandler, (accountId, sample) => pushEvent(accountId, 'svc/api', sample.tagged['svc/api']!)],
  [
    'on-scan-complete',
    onScanCompleteHandler,
    (accountId, sample) =>
      sampleEvent('ecr-image-scan-complete.json', (e) => {
        e.account = accountId;
        e.resources = [];
        e.detail['repository-name'] = 'svc/web';
        e.detail['image-digest'] = sample.tagged['svc/web']!.digest;
      }),
  ],
  ['cleanup', cleanupHandler, () => sampleEvent('schedule-cleanup.json')],
  [
    'worker',
    workerHandler,
    () => ({
      Records: [
        { kind: 'enforce', run: 'r-1', index: 0, names: ['svc/api', 'svc/batch', 'team/tools'] },
        { kind: 'cleanup', run: 'r-1', index: 1, names: ['svc/worker', 'team/docs'], maxDeletes: 100 },
      ].map((item, i) => ({ messageId: `m-${i}`, receiptHandle: 'r', body: JSON.stringify(item), attributes: {}, messageAttributes: {}, eventSource: 'aws:sqs' })),
    }),
  ],
];

const COMMANDS = [['audit'], ['enforce', '--apply'], ['cleanup', '--apply'], ['scan', 'svc/web:v1', '--wait', '0']];

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
}

/** Runs every handler, then every CLI command with --verbose, on the registry behind `clients`. */
async function exercise(clients: AwsClients & { accountId: string }, sample: SampleRegistry): Promise<Said> {
  const said: Said = { texts: [], ecr: logCalls(clients.ecr) };
  const events = logCalls(clients.events);
  const { queue: workQueue } = await motoWorkQueue(clients.accountId);
  for (const [name, makeHandler, event] of HANDLERS) {
    const handler = makeHandler({ clients, workQueue, logger: new Logger({ serviceName: 'ecr-keeper', logLevel: 'DEBUG' }), policy: () => POLICY });
    const run = await captureOutput(() => handler(event(clients.accountId, sample) as never, lambdaContext()));
    said.texts.push({ where: `${name}: log`, text: run.output });
    said.texts.push({ where: `${name}: answer`, text: run.error !== undefined ? errorText(run.error) : JSON.stringify(run.value) });
  }
  for (const command of COMMANDS) {
    const run = await runCli([...command, '--verbose', '--format', 'json'], clients, env);
    said.texts.push({ where: `${command.join(' ')}: stderr`, text: run.stderr }, { where: `${command.join(' ')}: stdout`, text: run.stdout });
  }
  said.texts.push(...events.filter((c) => c.action === 'PutEvents').map((c, i) => ({ where: `PutEvents #${i + 1}`, text: JSON.stringify(c.input) })));
  return said;
}

/**
 * Every secret of the run: the credentials, the CloudTrail key, the repository policy's value, the nextTokens
 * ECR handed out. Each starts with 8 characters found nowhere else.
 */
function secretsOf(said: Said): string[] {
  const tokens = said.ecr.map((c) => c.output?.nextToken).filter((t): t is string => typeof t === 'string');
  return [...Object.values(CREDENTIALS), CLOUDTRAIL_ACCESS_KEY, REPOSITORY_POLICY_SECRET, ...tokens];
}

/** No secret, not even its first 8 characters (error messages quote pieces of text cut short), appears anywhere. */
function expectNoSecret(texts: readonly { where: string; text: string }[], secrets: readonly string[]): void {
  const leaks = texts.flatMap(({ where, text }) => secrets.filter((s) => text.includes(s.slice(0, 8))).map((s) => `${where}: ${s}`));
  expect(leaks).toEqual([]);
}

async function denyingEndpoint(deny: (action: string) => boolean, how: Denial): Promise<DenyingEndpoint> {
  const endpoint = await startDenyingEndpoint(upstream, deny, how);
  denying.push(endpoint);
  return endpoint;
}

const WRITES = new Set(['PutImageTagMutability', 'PutImageScanningConfiguration', 'PutReplicationConfiguration', 'BatchDeleteImage', 'StartImageScan']);

describe('secrets: no credential, token or policy secret in a log line or an event', () => {
  it('in the runs of every handler and CLI command (pages of two: nextTokens on every listing)', async () => {
    const { accountId, sample } = await registry();
    const clients = signedClients(faithful.endpoint, accountId);
    smallPages(clients);

    const said = await exercise(clients, sample);

    const secrets = secretsOf(said);
    expect(secrets.length).toBeGreaterThan(10);
    // Something was said: the Logger's lines were captured, events were published.
    expect(said.texts.find((t) => t.where === 'audit: log')?.text).toContain('"message":"audit finished"');
    expect(said.texts.filter((t) => t.where.startsWith('PutEvents')).length).toBeGreaterThan(0);
    // The repository policy holding the secret was read, by the audit and by enforce's posture plan.
    expect(said.ecr.filter((c) => c.action === 'GetRepositoryPolicy').length).toBeGreaterThan(2);
    expectNoSecret(said.texts, secrets);
  });

  it('when ECR refuses the writes with a signature error that quotes the session token', async () => {
    const { accountId, sample } = await registry();
    const endpoint = await denyingEndpoint((action) => WRITES.has(action), 'signature');
    const clients = signedClients(endpoint.endpoint, accountId);

    const said = await exercise(clients, sample);

    expect(endpoint.denied()).toBeGreaterThan(5);
    const all = said.texts.map((t) => t.text).join('\n');
    expect(all).toContain('InvalidSignatureException');
    expect(said.texts.filter((t) => t.where.startsWith('PutEvents') && t.text.includes('InvalidSignatureException')).length).toBeGreaterThan(0);
    expectNoSecret(said.texts, secretsOf(said));
  });

  it('when ECR refuses every call with a signature error', async () => {
    const { accountId, sample } = await registry();
    const endpoint = await denyingEndpoint(() => true, 'signature');
    const clients = signedClients(endpoint.endpoint, accountId);

    const said = await exercise(clients, sample);

    expect(endpoint.denied()).toBeGreaterThanOrEqual(HANDLERS.length + COMMANDS.length);
    expectNoSecret(said.texts, secretsOf(said));
  });

  it('when ECR answers AccessDenied to the writes', async () => {
    const { accountId, sample } = await registry();
    const endpoint = await denyingEndpoint((action) => WRITES.has(action), 'access-denied');
    const clients = signedClients(endpoint.endpoint, accountId);

    const said = await exercise(clients, sample);

    expect(said.texts.map((t) => t.text).join('\n')).toContain('AccessDeniedException');
    expectNoSecret(said.texts, secretsOf(said));
  });
});

describe('secrets: a policy file that is not a policy is refused without quoting it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-secrets-'));
  const files = {
    // A credentials file with a comment on top: read as YAML, whose errors quote the lines around the problem.
    'credentials': `# work account\n[default]\naws_access_key_id = ${CREDENTIALS.accessKeyId}\naws_secret_access_key = ${POLICY_FILE_SECRETS[0]}\n`,
    'policy.json': `{"events": {"busName": ${POLICY_FILE_SECRETS[1]}}}`,
    'policy.yaml': `cleanup:\n  mode: [${POLICY_FILE_SECRETS[2]}\n`,
  };

  it.each(Object.entries(files))('the CLI with --policy %s (--verbose)', async (name, text) => {
    const file = join(dir, name);
    writeFileSync(file, text);

    const { code, stdout, stderr } = await runCli(['audit', '--verbose', '--policy', file], signedClients(faithful.endpoint, motoClients().accountId));

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: policy file .* is not valid (JSON|YAML)/);
    expectNoSecret([{ where: 'stderr', text: stderr }, { where: 'stdout', text: stdout }], [...POLICY_FILE_SECRETS, CREDENTIALS.accessKeyId]);
  });

  it('a Lambda function whose ECR_KEEPER_POLICY is broken JSON around a value', async () => {
    const runtime: HandlerRuntime = {
      ...lambdaRuntime({ ECR_KEEPER_POLICY: files['policy.json'] }),
      clients: signedClients(faithful.endpoint, motoClients().accountId),
      logger: new Logger({ serviceName: 'ecr-keeper', logLevel: 'DEBUG' }),
    };

    const run = await captureOutput(() => enforceHandler(runtime)(sampleEvent('schedule-enforce.json') as never, lambdaContext()));

    expect(errorText(run.error)).toContain('is not valid JSON');
    expectNoSecret(
      [
        { where: 'log', text: run.output },
        { where: 'error', text: errorText(run.error) },
      ],
      POLICY_FILE_SECRETS,
    );
  });
});
