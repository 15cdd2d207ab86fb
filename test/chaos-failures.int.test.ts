import { StartImageScanCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it, vi } from 'vitest';
import { onPushHandler } from '../functions/on-push';
import type { AuditReport } from '../lib/audit/types';
import { cleanupSummary } from '../lib/cleanup/response';
import type { CleanupReport } from '../lib/cleanup/types';
import { reportOutcomes } from '../lib/enforce/outcomes';
import type { EnforceReport } from '../lib/enforce/types';
import { errorCode } from '../lib/errors';
import { parsePolicy } from '../lib/policy';
import { motoClients } from './support/aws';
import { beforeSend, countCalls, deletionRequests, failedCalls, inFlight, logCalls, type LoggedCall, repositoryOf, writeCalls } from './support/calls';
import { onlyTarget, runCli } from './support/cli';
import { faithfulClients, type FaultRates } from './support/faithful-ecr';
import { useFaithfulEcr } from './support/faithful-layer';
import { lambdaContext, silentLogger } from './support/lambda';
import { pushEvent, SAMPLE_POLICY, seedSampleRegistry } from './support/sample-registry';

const env = { ECR_KEEPER_POLICY: JSON.stringify(SAMPLE_POLICY) };
/** Two requests in three fail; with two attempts, two calls in five fail for good. */
const STORM: FaultRates = { throttle: 0.4, serverError: 0.2, reset: 0.05 };
/** Errors that are ECR's answers, not faults: the code handles them as facts. */
const ANSWERS = new Set(['LifecyclePolicyNotFoundException', 'RepositoryPolicyNotFoundException', 'ScanNotFoundException']);

const proxy = useFaithfulEcr({ seed: 99, calmAfterEach: true });

/** Clients that give up after two attempts, on a freshly seeded sample registry. */
async function fragileRegistry() {
  const clients = faithfulClients(proxy, undefined, { maxAttempts: 2, retryDelayMs: 1 });
  const sample = await seedSampleRegistry(motoClients(clients.accountId).ecr);
  return { clients, sample };
}

/**
 * Turns the storm on once the run has read the registry and listed its repositories: from the first call
 * about one repository on, so that the run gets to its per-repository work, where failures are recorded.
 */
function stormOnceListed(clients: { ecr: Parameters<typeof beforeSend>[0] }): void {
  beforeSend(clients.ecr, (action, input) => {
    if (repositoryOf({ action, input }) !== undefined) proxy.setFaults(STORM);
  });
}

/** The calls that failed for good because of a fault (not one of ECR's answers). */
function faulted(calls: readonly LoggedCall[]): LoggedCall[] {
  return failedCalls(calls).filter((c) => !ANSWERS.has(c.error ?? ''));
}

const line = (repository: string | undefined, code: string | undefined) => `${repository ?? '(registry)'} ${code ?? '?'}`;

/**
 * Runs a CLI command on a fragile registry with the storm on once the repositories are listed: its exit
 * code, its JSON report, every ECR and EventBridge call, and the calls that failed for good by a fault.
 * A run in which no call happened to fail for good proves nothing: it is run again, on a fresh registry.
 */
async function stormyRun<R>(argv: string[]) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { clients } = await fragileRegistry();
    const calls = logCalls(clients.ecr);
    const published = logCalls(clients.events);
    stormOnceListed(clients);
    const { code, stdout } = await runCli([...argv, '--format', 'json'], clients, env);
    proxy.setFaults({});
    // When a run reports, it is over: no call of it is still on its way (a failed repository included).
    expect(inFlight(calls)).toEqual([]);
    const failed = faulted(calls);
    if (failed.length > 0) return { code, report: onlyTarget(stdout) as R, calls, published, failed };
  }
  throw new Error(`no call failed for good in three runs of ${argv.join(' ')}`);
}

describe('chaos: every failure that outlasts the retries is reported', () => {
  it('audit: each repository with a failed call is a failure entry with one of its codes, and the exit code is 1', async () => {
    const { code, report, failed } = await stormyRun<AuditReport>(['audit']);

    const codesByRepository = new Map<string, Set<string>>();
    for (const c of failed) codesByRepository.set(repositoryOf(c)!, (codesByRepository.get(repositoryOf(c)!) ?? new Set()).add(c.error!));
    expect(report.failures.map((f) => f.repositoryName).sort()).toEqual([...codesByRepository.keys()].sort());
    for (const f of report.failures) expect(codesByRepository.get(f.repositoryName)).toContain(f.error.code);
    expect(report.summary.failed).toBe(codesByRepository.size);
    expect(code).toBe(1);
  });

  it('enforce --apply: each failed call is a failed change of its repository, each failed PutEvents a failed event, and the exit code is 1', async () => {
    const { code, report, failed, published } = await stormyRun<EnforceReport>(['enforce', '--apply']);

    const failedOutcomes = report.repositories.flatMap((r) =>
      r.outcomes.flatMap((o) => (o.status === 'failed' ? [line(r.repositoryName, o.error.code)] : [])),
    );
    // A failed skip-tag lookup fails every change of its repository; a failed write fails its own change.
    expect(new Set(failedOutcomes)).toEqual(new Set(failed.map((c) => line(repositoryOf(c), c.error))));
    const writes = failed.filter((c) => c.action !== 'ListTagsForResource').map((c) => line(repositoryOf(c), c.error));
    for (const w of writes) expect(failedOutcomes).toContain(w);
    expect(report.summary.failed).toBe(reportOutcomes(report).filter((o) => o.status === 'failed').length);
    expect(report.failures).toEqual([]);

    const failedPublishes = failedCalls(published);
    const unpublished = failedPublishes.flatMap((c) => ((c.input.Entries ?? []) as unknown[]).map(() => c.error));
    expect((report.events?.failed ?? []).map((f) => f.code)).toEqual(unpublished);
    expect(code).toBe(1);
  });

  it('cleanup --apply: the failed calls are exactly the summary failures, repository by repository, and nothing outside the plan is deleted', async () => {
    const { code, report, failed, calls } = await stormyRun<CleanupReport>(['cleanup', '--apply']);

    const summary = cleanupSummary(report);
    expect(summary.failures.map((f) => line(f.repositoryName, f.code)).sort()).toEqual(failed.map((c) => line(repositoryOf(c), c.error)).sort());
    expect(report.summary.failed).toBe(failed.length);
    const plan = new Set(report.repositories.flatMap((r) => r.plan.delete.map((d) => `${r.repositoryName}@${d.image.digest}`)));
    expect(deletionRequests(calls).filter((id) => !plan.has(id))).toEqual([]);
    expect(code).toBe(1);
  });

  it('push handler: an invocation with a failed call fails with that call\'s error and logs it; the others publish their verdict', async () => {
    const { clients, sample } = await fragileRegistry();
    const moto = motoClients(clients.accountId);
    const names = ['svc/api', 'svc/web', 'svc/worker', 'svc/batch', 'team/tools', 'team/docs'];
    for (const name of names) await moto.ecr.send(new StartImageScanCommand({ repositoryName: name, imageId: { imageDigest: sample.tagged[name]!.digest } }));
    const logger = silentLogger();
    const logged = vi.spyOn(logger, 'error');
    const handler = onPushHandler({ clients, logger, policy: () => parsePolicy(SAMPLE_POLICY) });
    const calls = logCalls(clients.ecr);
    const published = logCalls(clients.events);
    proxy.setFaults(STORM);

    const outcomes: { failed: LoggedCall[]; error?: unknown }[] = [];
    for (let round = 0; round < 3; round++) {
      for (const name of names) {
        const from = [calls.length, published.length] as const;
        let error: unknown;
        await handler(pushEvent(clients.accountId, name, sample.tagged[name]!) as never, lambdaContext()).catch((err: unknown) => (error = err));
        const failed = faulted([...calls.slice(from[0]), ...published.slice(from[1])]);
        outcomes.push({ failed, ...(error !== undefined ? { error } : {}) });
      }
    }

    const failing = outcomes.filter((o) => o.failed.length > 0);
    expect(failing.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.failed.length === 0 && o.error !== undefined)).toEqual([]);
    for (const { failed, error } of failing) {
      // The handler stops at its first failed call: it is the last one, and the invocation fails with it.
      expect(failed).toHaveLength(1);
      expect(error).toBeDefined();
      const code = failed[0]!.error!;
      expect(errorCode(error) === code || (error as Error).message.includes(code)).toBe(true);
    }
    expect(logged).toHaveBeenCalledTimes(failing.length);
  });

  it('enforce --apply: events EventBridge does not take after the retries fail the run (exit 1) and are listed', async () => {
    const { clients } = await fragileRegistry();
    beforeSend(clients.events, (action) => {
      if (action === 'PutEvents') proxy.setFaults({ serverError: 1 });
    });

    const { code, stdout, stderr } = await runCli(['enforce', '--apply', '--format', 'table'], clients, env);

    expect(stdout).toContain('9 change(s): 7 applied, 0 failed, 2 skipped; 7 event(s) not published');
    expect(stdout).toMatch(/event not published \(ECR Keeper Setting Enforced\): (InternalException|ServiceUnavailable): /);
    expect(stderr).toContain('warning: event not published');
    expect(code).toBe(1);
  });

  it('a registry ECR cannot answer for: every command reports the target failed with the error, exits 1, and nothing is written', async () => {
    const { clients } = await fragileRegistry();
    const counts = countCalls(clients.ecr);
    const calls = logCalls(clients.ecr);
    proxy.setFaults({ serverError: 1 });

    for (const argv of [['audit'], ['enforce', '--apply'], ['cleanup', '--apply']]) {
      const { code, stdout, stderr } = await runCli([...argv, '--format', 'json'], clients, env);
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as { targets: { error?: { code: string } }[]; summary: { failedTargets: number } };
      expect(report.targets[0]?.error?.code).toMatch(/^(ServerException|ServiceUnavailable)$/);
      expect(report.summary.failedTargets).toBe(1);
      expect(stderr).toMatch(/^warning: target failed .*(ServerException|ServiceUnavailable)/m);
      expect(inFlight(calls), argv[0]).toEqual([]);
    }
    expect(writeCalls(counts)).toEqual({});
  });
});
