import { errorCode, isUserError } from '../lib/errors';
import { redactError, redactSecrets } from '../lib/redact';
import { awsSetupError } from './aws-setup';
import { CATALOG, type CommandRun } from './catalog';
import type { CliIo } from './context';
import { EXIT, EXIT_HELP } from './exit-codes';
import { didYouMean } from './suggest';
import { cliVersion } from './version';

/** The general usage: every command with its summary, the exit codes. */
export function usage(): string {
  const width = Math.max(...Object.keys(CATALOG).map((c) => c.length));
  return [
    'Usage: ecr-keeper <command> [options]',
    '       ecr-keeper help <command> | --help | --version',
    '',
    'Commands:',
    ...Object.entries(CATALOG).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `ecr-keeper help <command>` (or `ecr-keeper <command> --help`) for its options. AWS credentials, region',
    'and endpoint come from the usual environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL for a local emulator).',
    '',
    EXIT_HELP,
    '',
  ].join('\n');
}

function unknownCommand(io: CliIo, name: string): number {
  const hint = didYouMean(name, Object.keys(CATALOG));
  const what = name.startsWith('-') ? 'option' : 'command';
  io.stderr.write(`error: unknown ${what} "${name}"${hint ? `; ${hint}` : ''}\nRun \`ecr-keeper --help\` for the commands.\n`);
  return EXIT.USAGE;
}

/** The long options a command's `--help` lists. */
async function optionsOf(run: CommandRun, env: NodeJS.ProcessEnv): Promise<string[]> {
  let help = '';
  const write = (chunk: string) => {
    help += chunk;
    return true;
  };
  const sink = { write } as unknown as NodeJS.WritableStream;
  await run(['--help'], { stdout: sink, stderr: sink, env });
  return [...new Set(help.match(/--[a-z][a-z-]*/g) ?? [])];
}

async function unknownOption(io: CliIo, command: string, run: CommandRun, option: string): Promise<number> {
  const hint = option.startsWith('--') ? didYouMean(option, await optionsOf(run, io.env)) : '';
  io.stderr.write(`error: Unknown option '${option}' for ${command}${hint ? `; ${hint}` : ''}\nRun \`ecr-keeper help ${command}\` for its options.\n`);
  return EXIT.USAGE;
}

/**
 * Runs the CLI and returns its exit code (see {@link EXIT}): 0 ok, 1 failure, 2 usage or user error,
 * 3 out of policy (`audit --check`), 4 failing scan verdict.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, ...io };
  const [first, ...rest] = argv;
  if (first === undefined) {
    full.stderr.write(usage());
    return EXIT.USAGE;
  }
  if (first === '--version' || first === '-V') {
    full.stdout.write(`ecr-keeper ${cliVersion()}\n`);
    return EXIT.OK;
  }
  let name = first;
  let args = rest;
  if (first === '--help' || first === '-h' || first === 'help') {
    if (first !== 'help' || rest[0] === undefined) {
      full.stdout.write(usage());
      return EXIT.OK;
    }
    // `help audit` is `audit --help`.
    name = rest[0];
    args = ['--help'];
  }
  const entry = Object.hasOwn(CATALOG, name) ? CATALOG[name] : undefined;
  if (!entry) return unknownCommand(full, name);
  const verbose = args.includes('--verbose') || args.includes('-v');
  let run: CommandRun | undefined;
  try {
    run = await entry.load();
    return await run(args, full);
  } catch (err) {
    const option = run && isUserError(err) ? /^Unknown option '([^']+)'/.exec(err.message) : null;
    if (run && option) return unknownOption(full, name, run, option[1]!);
    // An AWS error may quote a credential (a signature error quotes the session token): never print it.
    redactError(err);
    const setup = awsSetupError(err);
    if (setup || isUserError(err)) {
      full.stderr.write(`error: ${redactSecrets((setup ?? (err as Error)).message)}\n`);
      if (verbose && err instanceof Error && err.stack) full.stderr.write(`${err.stack}\n`);
      return EXIT.USAGE;
    }
    const message = err instanceof Error ? err.message : redactSecrets(String(err));
    full.stderr.write(`error: ${errorCode(err)}: ${message}\n`);
    if (verbose && err instanceof Error && err.stack) full.stderr.write(`${err.stack}\n`);
    return EXIT.FAILURE;
  }
}
