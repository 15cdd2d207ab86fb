import { errorCode, isUserError } from '../lib/errors';
import { redactError, redactSecrets } from '../lib/redact';
import { EXIT, type CliIo } from './context';
import { COMMANDS } from './commands/index';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: ecr-keeper <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `ecr-keeper <command> --help` for its options. AWS credentials, region and endpoint come from the',
    'usual environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL for a local emulator).',
    '',
  ].join('\n');
}

/**
 * Runs the CLI and returns its exit code: 0 ok, 1 failure, 2 usage or user error, 3 out of policy
 * (`audit --check`), 4 failing scan verdict.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, ...io };
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? full.stdout : full.stderr).write(usage());
    return name ? EXIT.OK : EXIT.USAGE;
  }
  const command = COMMANDS[name];
  if (!command) {
    full.stderr.write(`error: unknown command "${name}"\n\n${usage()}`);
    return EXIT.USAGE;
  }
  try {
    return await command.run(args, full);
  } catch (err) {
    const verbose = args.includes('--verbose') || args.includes('-v');
    // An AWS error may quote a credential (a signature error quotes the session token): never print it.
    redactError(err);
    if (isUserError(err)) {
      full.stderr.write(`error: ${err.message}\n`);
      return EXIT.USAGE;
    }
    const message = err instanceof Error ? err.message : redactSecrets(String(err));
    full.stderr.write(`error: ${errorCode(err)}: ${message}\n`);
    if (verbose && err instanceof Error && err.stack) full.stderr.write(`${err.stack}\n`);
    return EXIT.FAILURE;
  }
}
