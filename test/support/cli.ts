import { main } from '../../cli/main';
import type { AwsClients } from '../../lib/aws/clients';
import { createStsClient } from '../../lib/aws/sts-client';
import { pinMotoAccount } from './aws';

/** A writable stream that keeps what is written to it. */
export function textSink(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const write = (chunk: string): boolean => {
    text += chunk;
    return true;
  };
  return { stream: { write } as unknown as NodeJS.WritableStream, text: () => text };
}

/**
 * Runs the CLI in-process with the given clients and environment; returns its exit code and output.
 *
 * @example
 * const { code, stdout } = await runCli(['enforce', '--apply', '--format', 'json'], clients, { ECR_KEEPER_POLICY: '{}' });
 */
export async function runCli(
  argv: string[],
  clients: AwsClients,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = textSink();
  const err = textSink();
  // The caller is the clients' moto account (GetCallerIdentity answers with the pinned account).
  const accountId = (clients as { accountId?: string }).accountId;
  const sts = accountId ? pinMotoAccount(createStsClient({ region: await clients.ecr.config.region() }), accountId) : undefined;
  const code = await main(argv, { stdout: out.stream, stderr: err.stream, env, clients, ...(sts ? { sts } : {}) });
  return { code, stdout: out.text(), stderr: err.text() };
}

/**
 * The one target's entry of a job's JSON report (`{ targets: [entry], summary }`): the job's own report
 * with the target's `accountId` and `region`.
 *
 * @example
 * const report = onlyTarget(stdout) as AuditReport;
 */
// biome-ignore lint/suspicious/noExplicitAny: a report as parsed JSON, typed by the caller
export function onlyTarget(stdout: string): any {
  const report = JSON.parse(stdout) as { targets?: unknown[] };
  if (!Array.isArray(report.targets) || report.targets.length !== 1) throw new Error(`expected a report over one target, got ${stdout.slice(0, 200)}`);
  return report.targets[0];
}
