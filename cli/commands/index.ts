import type { CliIo } from '../context';
import { auditCommand } from './audit';
import { cleanupCommand } from './cleanup';
import { enforceCommand } from './enforce';
import { scanCommand } from './scan';
import { validateCommand } from './validate';

/** A CLI command: arguments after its name in, exit code out. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

/** Every command, with a one-line description for `ecr-keeper --help`. */
export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  audit: { run: auditCommand, summary: 'read-only report of repositories and registry against the policy' },
  cleanup: { run: cleanupCommand, summary: 'plan (and with --apply delete) untagged images nothing needs, each with its reason' },
  enforce: { run: enforceCommand, summary: 'bring tag mutability, scan-on-push and replication in line with the policy (--apply)' },
  scan: { run: scanCommand, summary: 'make sure an image has a scan, wait on it, print its verdict (exit 4 when it fails)' },
  validate: { run: validateCommand, summary: 'check a policy offline (no AWS call) and print it with every default filled in' },
};
