import { main } from '../../cli/main';
import type { AwsClients } from '../../lib/aws/clients';

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
  const code = await main(argv, { stdout: out.stream, stderr: err.stream, env, clients });
  return { code, stdout: out.text(), stderr: err.text() };
}
