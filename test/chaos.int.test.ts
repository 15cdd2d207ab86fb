import { describe, expect, it } from 'vitest';
import { onPushHandler } from '../functions/on-push';
import type { AwsClients } from '../lib/aws/clients';
import type { CleanupReport } from '../lib/cleanup/types';
import { motoClients } from './support/aws';
import { deletionRequests, failedCalls, inFlight, logCalls, repositoryOf, type LoggedCall } from './support/calls';
import { onlyTarget, runCli } from './support/cli';
import { captureEvents, type CapturedEvent } from './support/event-capture';
import { faithfulClients, type FaultRates } from './support/faithful-ecr';
import { useFaithfulEcr } from './support/faithful-layer';
import { lambdaContext, testRuntime } from './support/lambda';
import { snapshotRegistry, withoutAccount } from './support/registry-state';
import { pushEvent, SAMPLE_POLICY, seedSampleRegistry } from './support/sample-registry';

const env = { ECR_KEEPER_POLICY: JSON.stringify(SAMPLE_POLICY) };
/** The faults of a bad day at ECR: a fifth of all requests throttled, some 5xx, some dropped connections. */
const BAD_DAY: FaultRates = { throttle: 0.2, serverError: 0.05, reset: 0.02 };
/** Values that differ between two registries seeded a moment apart, whatever happens in them. */
const VOLATILE_KEYS = new Set(['generatedAt', 'createdAt', 'pushedAt', 'completedAt', 'lastPulledAt', 'verdictId']);

type Clients = AwsClients & { accountId: string };

const clean = useFaithfulEcr({ seed: 1 });
const chaos = useFaithfulEcr({ seed: 20240601 });

type Decision = { image: { digest: string } };
const isDecisions = (v: unknown): v is Decision[] => Array.isArray(v) && v.length > 0 && v.every((d) => typeof (d as Partial<Decision>)?.image?.digest === 'string');

/**
 * `value` as two registries can compare it: account ids replaced, time stamps and ids derived from them
 * dropped, and cleanup decisions in digest order (a plan orders them by push time, which differs).
 */
function comparable(value: unknown, accountId: string): unknown {
  return JSON.parse(JSON.stringify(withoutAccount(value, accountId)), (key, v: unknown) => {
    if (VOLATILE_KEYS.has(key)) return undefined;
    return isDecisions(v) ? [...v].sort((a, b) => a.image.digest.localeCompare(b.image.digest)) : v;
  });
}

function eventsOf(events: CapturedEvent[], accountId: string): string[] {
  return events
    .map((e) => JSON.stringify(comparable({ source: e.source, detailType: e['detail-type'], detail: e.detail, resources: e.resources }, accountId)))
    .sort();
}

/** What one maintenance round did: the CLI's reports, the push handler's answers, every ECR call. */
interface Round {
  audit: unknown;
  enforce: unknown;
  cleanup: CleanupReport;
  pushes: unknown[];
  exitCodes: number[];
  calls: LoggedCall[];
}

/** A maintenance round on a seeded registry: audit, `enforce --apply`, `cleanup --apply`, then the push handler on three pushes. */
async function maintain(clients: Clients, pushes: unknown[]): Promise<Round> {
  const calls = logCalls(clients.ecr);
  const audit = await runCli(['audit', '--format', 'json'], clients, env);
  const enforce = await runCli(['enforce', '--apply', '--format', 'json'], clients, env);
  const cleanup = await runCli(['cleanup', '--apply', '--format', 'json'], clients, env);
  const handler = onPushHandler(testRuntime(clients, SAMPLE_POLICY));
  const answers: unknown[] = [];
  for (const event of pushes) answers.push(await handler(structuredClone(event) as never, lambdaContext()));
  return {
    audit: onlyTarget(audit.stdout),
    enforce: onlyTarget(enforce.stdout),
    cleanup: onlyTarget(cleanup.stdout) as CleanupReport,
    pushes: answers,
    exitCodes: [audit.code, enforce.code, cleanup.code],
    calls,
  };
}

/** Seeds the sample registry in a fresh account and returns the push events of three of its tagged images. */
async function seeded(accountId: string): Promise<unknown[]> {
  const sample = await seedSampleRegistry(motoClients(accountId).ecr);
  return ['svc/api', 'svc/web', 'team/tools'].map((name) => pushEvent(accountId, name, sample.tagged[name]!));
}

/** The calls that failed for good, as sorted `action repository code` lines. */
function failures(calls: readonly LoggedCall[]): string[] {
  return failedCalls(calls)
    .map((c) => `${c.action} ${repositoryOf(c) ?? '-'} ${c.error}`)
    .sort();
}

function plannedDeletions(report: CleanupReport): Set<string> {
  return new Set(report.repositories.flatMap((r) => r.plan.delete.map((d) => `${r.repositoryName}@${d.image.digest}`)));
}

describe('chaos: a maintenance round on a bad day ends where a clean round ends', () => {
  it('audit, enforce --apply, cleanup --apply and the push handler under 20 % throttling, 5 % 5xx and 2 % resets', async () => {
    // Standard retries with a short fixed delay: the same retry decisions as production, in test time.
    const calm = faithfulClients(clean, undefined, { retryMode: 'standard' });
    const stormy = faithfulClients(chaos, undefined, { maxAttempts: 10, retryDelayMs: 5 });
    const [calmPushes, stormyPushes] = await Promise.all([seeded(calm.accountId), seeded(stormy.accountId)]);
    const [calmEvents, stormyEvents] = await Promise.all([captureEvents(motoClients(calm.accountId), 'ecr-keeper'), captureEvents(motoClients(stormy.accountId), 'ecr-keeper')]);
    expect(await snapshotRegistry(motoClients(stormy.accountId).ecr).then((s) => comparable(s, stormy.accountId))).toEqual(
      comparable(await snapshotRegistry(motoClients(calm.accountId).ecr), calm.accountId),
    );

    chaos.setFaults(BAD_DAY);
    const [expected, actual] = await Promise.all([maintain(calm, calmPushes), maintain(stormy, stormyPushes)]);
    chaos.setFaults({});

    const injected = chaos.stats().injected;
    expect(injected.throttle).toBeGreaterThan(20);
    expect(injected.serverError).toBeGreaterThan(3);
    expect(injected.reset).toBeGreaterThan(0);
    // Calls that fail for good are ECR's answers (no lifecycle policy, no scan yet), the same as in the clean round.
    expect(failures(actual.calls)).toEqual(failures(expected.calls));
    expect(inFlight(actual.calls)).toEqual([]);
    expect(actual.exitCodes).toEqual([0, 0, 0]);
    expect(expected.exitCodes).toEqual([0, 0, 0]);
    // The clean round did real work: replication, settings, deletions, verdicts.
    expect(expected.cleanup.summary).toMatchObject({ deleted: { count: 22 }, failed: 0 });
    expect(expected.enforce).toMatchObject({ summary: { applied: 7, failed: 0 }, registry: { replication: { outcome: { status: 'applied' } } } });

    expect(comparable(actual.audit, stormy.accountId)).toEqual(comparable(expected.audit, calm.accountId));
    expect(comparable(actual.enforce, stormy.accountId)).toEqual(comparable(expected.enforce, calm.accountId));
    expect(comparable(actual.cleanup, stormy.accountId)).toEqual(comparable(expected.cleanup, calm.accountId));
    expect(comparable(actual.pushes, stormy.accountId)).toEqual(comparable(expected.pushes, calm.accountId));
    expect(comparable(await snapshotRegistry(motoClients(stormy.accountId).ecr), stormy.accountId)).toEqual(
      comparable(await snapshotRegistry(motoClients(calm.accountId).ecr), calm.accountId),
    );
    expect(eventsOf(await stormyEvents.drain(), stormy.accountId)).toEqual(eventsOf(await calmEvents.drain(), calm.accountId));

    const plan = plannedDeletions(expected.cleanup);
    expect(plan.size).toBe(22);
    expect(deletionRequests(actual.calls).filter((id) => !plan.has(id))).toEqual([]);
    expect(deletionRequests(expected.calls).filter((id) => !plan.has(id))).toEqual([]);
  });
});

describe('chaos with the production retry settings (adaptive)', () => {
  it('enforce --apply and cleanup --apply under 5 % throttling, 5 % 5xx and 2 % resets end where a clean round ends', async () => {
    const calm = faithfulClients(clean, undefined, { retryMode: 'standard' });
    const stormy = faithfulClients(chaos);
    await Promise.all([seedSampleRegistry(motoClients(calm.accountId).ecr), seedSampleRegistry(motoClients(stormy.accountId).ecr)]);
    const before = chaos.stats().injected.throttle;

    chaos.setFaults({ throttle: 0.05, serverError: 0.05, reset: 0.02 });
    const rounds = await Promise.all(
      [calm, stormy].map(async (clients) => {
        const calls = logCalls(clients.ecr);
        const enforce = await runCli(['enforce', '--apply', '--format', 'json'], clients, env);
        const cleanup = await runCli(['cleanup', '--apply', '--format', 'json'], clients, env);
        return { codes: [enforce.code, cleanup.code], enforce: onlyTarget(enforce.stdout) as unknown, cleanup: onlyTarget(cleanup.stdout) as CleanupReport, calls };
      }),
    );
    chaos.setFaults({});
    const [expected, actual] = rounds as [(typeof rounds)[number], (typeof rounds)[number]];

    expect(chaos.stats().injected.throttle).toBeGreaterThan(before);
    expect(actual.codes).toEqual([0, 0]);
    expect(comparable(actual.enforce, stormy.accountId)).toEqual(comparable(expected.enforce, calm.accountId));
    expect(comparable(actual.cleanup, stormy.accountId)).toEqual(comparable(expected.cleanup, calm.accountId));
    expect(comparable(await snapshotRegistry(motoClients(stormy.accountId).ecr), stormy.accountId)).toEqual(
      comparable(await snapshotRegistry(motoClients(calm.accountId).ecr), calm.accountId),
    );
    const plan = plannedDeletions(expected.cleanup);
    expect(deletionRequests(actual.calls).filter((id) => !plan.has(id))).toEqual([]);
  });
});
