import type { CliIo } from './context';

/** A CLI command: arguments after its name in, exit code out. */
export type CommandRun = (args: string[], io: CliIo) => Promise<number>;

/** A command as `--help` lists it, its code loaded only when it runs. */
export interface CatalogEntry {
  summary: string;
  /** Loads the command's module (and with it the AWS SDK): `--help` and `--version` never do. */
  load(): Promise<CommandRun>;
}

const fromIndex = (name: string) => async (): Promise<CommandRun> => {
  const { COMMANDS } = await import('./commands/index');
  return COMMANDS[name]!.run;
};

/**
 * Every command with its one-line summary (the same as its job's `description`: test/cli-conventions.test.ts
 * says when one changed without the other). The command modules load lazily, so that the bundle's
 * `--help` starts in the time of `node` itself (bench/cli-start.ts).
 */
export const CATALOG: Record<string, CatalogEntry> = {
  audit: { summary: 'read-only report of repositories and registry against the policy', load: fromIndex('audit') },
  cleanup: {
    summary: 'plan (and with --apply delete or archive) untagged images nothing needs and expired tagged ones, never an image in use',
    load: fromIndex('cleanup'),
  },
  enforce: {
    summary: 'bring tag mutability, scan-on-push, repository policies, lifecycle baseline and replication in line with the policy (--apply)',
    load: fromIndex('enforce'),
  },
  rescan: { summary: 'list (and with --apply start) scans of images whose last scan is old (basic scanning)', load: fromIndex('rescan') },
  scan: { summary: 'make sure an image has a scan, wait on it, print its verdict (exit 4 when it fails)', load: fromIndex('scan') },
  validate: {
    summary: 'check a policy offline (no AWS call) and print it with every default filled in',
    load: async () => (await import('./commands/validate')).validateCommand,
  },
};
