import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../cli/catalog';
import { COMMANDS } from '../cli/commands/index';
import { EXIT as CONTEXT_EXIT } from '../cli/context';
import { EXIT, EXIT_HELP } from '../cli/exit-codes';
import { motoClients } from './support/aws';
import { runCli } from './support/cli';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let calls = 0;
  const clients = motoClients();
  clients.ecr.middlewareStack.add((next) => (args) => {
    calls++;
    return next(args);
  }, { step: 'initialize' });
  clients.events.middlewareStack.add((next) => (args) => {
    calls++;
    return next(args);
  }, { step: 'initialize' });
  return { ...(await runCli(argv, clients, env)), calls };
}

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('CLI conventions', () => {
  it('prints its version with --version and exits 0', async () => {
    const r = await run(['--version']);
    expect([r.code, r.stdout]).toEqual([0, `ecr-keeper ${version}\n`]);
  });

  it('prints a command\'s own help for `help <command>`, the same as `<command> --help`', async () => {
    for (const name of Object.keys(CATALOG)) {
      const viaHelp = await run(['help', name]);
      const viaOption = await run([name, '--help']);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toMatch(new RegExp(`^Usage: ecr-keeper ${name}`));
      expect(viaHelp.stdout).toBe(viaOption.stdout);
    }
  });

  it('lists every command, validate included, and the exit codes in the general help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const [name, entry] of Object.entries(CATALOG)) expect(r.stdout).toContain(`${name.padEnd(8)}  ${entry.summary}`);
    expect(r.stdout).toContain(EXIT_HELP);
  });

  it('suggests the closest command for a typo and exits 2', async () => {
    const r = await run(['adit']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toBe('error: unknown command "adit"; did you mean "audit"?\nRun `ecr-keeper --help` for the commands.\n');
  });

  it('suggests nothing for a word close to no command, and exits 2 for `help` of an unknown command', async () => {
    const purge = await run(['purge']);
    expect(purge.code).toBe(2);
    expect(purge.stderr).not.toContain('did you mean');
    const help = await run(['help', 'enforec']);
    expect(help.code).toBe(2);
    expect(help.stderr).toContain('did you mean "enforce"?');
  });

  it('suggests the closest option of the command for a mistyped option, exits 2 and calls no AWS API', async () => {
    const audit = await run(['audit', '--chek']);
    expect([audit.code, audit.calls]).toEqual([2, 0]);
    expect(audit.stderr).toContain(`error: Unknown option '--chek' for audit; did you mean "--check"?`);
    const cleanup = await run(['cleanup', '--aply']);
    expect([cleanup.code, cleanup.calls]).toEqual([2, 0]);
    expect(cleanup.stderr).toContain('did you mean "--apply"?');
  });

  it('keeps one table of exit codes: the commands use the codes the help documents', () => {
    expect(CONTEXT_EXIT).toEqual(EXIT);
    for (const [name, code] of Object.entries(EXIT)) expect(EXIT_HELP, name).toMatch(new RegExp(`^ {2}${code} {2}\\S`, 'm'));
  });

  it('lists in its catalog exactly the commands there are, with their summaries', () => {
    expect(Object.keys(CATALOG).sort()).toEqual(Object.keys(COMMANDS).sort());
    for (const [name, entry] of Object.entries(CATALOG)) expect(entry.summary, `${name}: update cli/catalog.ts`).toBe(COMMANDS[name]!.summary);
  });

  it('loads the command a catalog entry names', async () => {
    for (const [name, entry] of Object.entries(CATALOG)) expect(await entry.load(), name).toBe(COMMANDS[name]!.run);
  });
});
