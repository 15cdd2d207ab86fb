import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { beforeAll, describe, expect, it } from 'vitest';
import { onPushHandler } from '../functions/on-push';
import { auditJob } from '../lib/audit/job';
import { cleanupJob } from '../lib/cleanup/job';
import { rescanJob } from '../lib/rescan/job';
import { EVENT_DETAIL_SCHEMAS, eventSchemaName } from '../lib/contracts/events';
import { EVENT_DETAIL_VERSION } from '../lib/events/version';
import { executeJob } from '../lib/job/execute';
import { REPORT_SCHEMA_VERSION } from '../lib/job/types';
import { TARGETS_REPORT_SCHEMA_VERSION } from '../lib/targets/execute';
import { parsePolicy } from '../lib/policy';
import { SCHEMAS_DIR, contractSchemaFiles } from '../scripts/contract-schemas';
import { motoClients } from './support/aws';
import { runCli } from './support/cli';
import { contractSchema, expectContract } from './support/contract';
import { captureEvents, type CapturedEvent } from './support/event-capture';
import { lambdaContext } from './support/lambda';
import { SAMPLE_POLICY, pushEvent, seedSampleRegistry, type SampleRegistry } from './support/sample-registry';

const reportSchema = (job: string) => contractSchema(`${job}-report.schema.json`);

const policyEnv = { ECR_KEEPER_POLICY: JSON.stringify(SAMPLE_POLICY) };
let clients: ReturnType<typeof motoClients>;
let sample: SampleRegistry;
let events: CapturedEvent[];
const reports: Record<string, unknown> = {};
/** The CLI's JSON documents of the jobs that run over targets, whole (schemaVersion 2). */
const documents: Record<string, unknown> = {};

beforeAll(async () => {
  clients = motoClients();
  sample = await seedSampleRegistry(clients.ecr);
  const capture = await captureEvents(clients, 'ecr-keeper');
  const json = async (argv: string[], exitCode = 0) => {
    const r = await runCli([...argv, '--format', 'json'], clients, policyEnv);
    if (r.code !== exitCode) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
    const parsed = JSON.parse(r.stdout) as { targets?: Record<string, unknown>[] };
    if (!Array.isArray(parsed.targets)) return parsed;
    // A job over targets prints its report over targets; its one entry is the job's own report, where it ran.
    documents[[argv[0], argv.includes('--apply') ? 'apply' : 'dry-run'].join(' ')] = parsed;
    const { accountId: _accountId, region: _region, ...entry } = parsed.targets[0] ?? {};
    return entry;
  };
  // The CLI's real reports, in both modes; enforce --apply publishes a Setting Enforced event per change.
  reports.audit = await json(['audit']);
  reports['enforce dry-run'] = await json(['enforce']);
  reports['cleanup dry-run'] = await json(['cleanup']);
  reports['enforce apply'] = await json(['enforce', '--apply']);
  reports['cleanup apply'] = await json(['cleanup', '--apply']);
  // Every image was scanned on push just now: --older-than-days 0 makes them due.
  reports['rescan dry-run'] = await json(['rescan']);
  // moto's fake scan has a HIGH finding: the verdict fails the policy (exit 4).
  reports.scan = await json(['scan', 'svc/api:v1', '--wait', '30'], 4);
  // The summary events, as the scheduled functions publish them; the scan verdict, as the push handler does.
  const policy = parsePolicy(SAMPLE_POLICY);
  await executeJob(auditJob, clients, policy, { mode: 'dry-run' }, { publish: true });
  await executeJob(cleanupJob, clients, policy, { mode: 'dry-run' }, { publish: true });
  // The rescan's report in apply mode, and its summary event, as its scheduled function publishes it when it
  // started scans (a scan started is not due again: this is the run that starts them).
  reports['rescan apply'] = await executeJob(rescanJob, clients, policy, { mode: 'apply' }, { publish: true });
  const onPush = onPushHandler({ clients, logger: new Logger({ logLevel: 'SILENT' }), policy: () => policy });
  await onPush(pushEvent(clients.accountId, 'svc/web', sample.tagged['svc/web']!) as never, lambdaContext());
  events = await capture.drain();
}, 240_000);

describe('the contracts\' JSON Schemas', () => {
  it('are up to date with lib/contracts (run `npm run schemas` when this fails), and nothing else is in schemas/', () => {
    const files = contractSchemaFiles();
    for (const { path, text } of files) expect(readFileSync(join(SCHEMAS_DIR, path), 'utf8'), path).toBe(text);
    const onDisk = readdirSync(SCHEMAS_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
    expect(onDisk.map((f) => relative('.', f)).sort()).toEqual(files.map((f) => f.path).sort());
  });

  it('have one event schema for every event ecr-keeper publishes', () => {
    expect(Object.keys(EVENT_DETAIL_SCHEMAS).sort()).toEqual(
      ['ECR Keeper Audit Summary', 'ECR Keeper Cleanup Summary', 'ECR Keeper Rescan Summary', 'ECR Keeper Scan Verdict', 'ECR Keeper Setting Enforced'].sort(),
    );
  });
});

describe('real output against the JSON Schemas', () => {
  it('every JSON report of the CLI, in both modes, validates and carries its schemaVersion', () => {
    for (const [what, report] of Object.entries(reports)) {
      expect((report as { schemaVersion: unknown }).schemaVersion, what).toBe(REPORT_SCHEMA_VERSION);
      expectContract(`${what.split(' ')[0]!}-report.schema.json`, report, what);
    }
  });

  it("every job's JSON document over targets validates whole, and carries its own schemaVersion", () => {
    expect(Object.keys(documents).sort()).toEqual(['audit dry-run', 'cleanup apply', 'cleanup dry-run', 'enforce apply', 'enforce dry-run', 'rescan dry-run']);
    for (const [what, document] of Object.entries(documents)) {
      expect((document as { schemaVersion: unknown }).schemaVersion, what).toBe(TARGETS_REPORT_SCHEMA_VERSION);
      expectContract(`${what.split(' ')[0]!}-targets-report.schema.json`, document, what);
    }
    // One job's document is not another's.
    expect(contractSchema('enforce-targets-report.schema.json')(documents['audit dry-run'])).toBe(false);
  });

  it('the reports did real work: changes planned and applied, images deleted, a verdict', () => {
    expect((reports['enforce apply'] as { summary: { applied: number } }).summary.applied).toBeGreaterThan(0);
    expect((reports['cleanup apply'] as { summary: { deleted: { count: number } } }).summary.deleted.count).toBeGreaterThan(0);
    expect((reports.scan as { kind: string }).kind).toBe('verdict');
    expect((reports['rescan apply'] as { outcomes: { kind: string }[] }).outcomes.filter((o) => o.kind === 'started').length).toBeGreaterThan(0);
  });

  it('every event published to the bus, read back from moto, validates and carries its version', () => {
    const types = new Set(events.map((e) => e['detail-type']));
    expect([...types].sort()).toEqual(Object.keys(EVENT_DETAIL_SCHEMAS).sort());
    for (const event of events) {
      expect(event.detail.version, event['detail-type']).toBe(EVENT_DETAIL_VERSION);
      expectContract(`events/${eventSchemaName(event['detail-type'])}.schema.json`, event.detail, event['detail-type']);
    }
  });

  it('a report or event that drifts from its contract is refused', () => {
    const audit = structuredClone(reports.audit) as Record<string, unknown>;
    expect(reportSchema('audit')({ ...audit, schemaVersion: 2 })).toBe(false);
    expect(reportSchema('audit')({ ...audit, summary: { ...(audit.summary as object), surprise: 1 } })).toBe(false);
    const enforced = events.find((e) => e['detail-type'] === 'ECR Keeper Setting Enforced')!;
    const validate = contractSchema('events/setting-enforced.schema.json');
    const { version: _version, ...unversioned } = enforced.detail;
    expect(validate(unversioned)).toBe(false);
  });
});
