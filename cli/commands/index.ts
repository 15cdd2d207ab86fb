import type { CommandEntry } from '../job-command';
import { auditCommand } from './audit';
import { cleanupCommand } from './cleanup';
import { enforceCommand } from './enforce';
import { rescanCommand } from './rescan';
import { scanCommand } from './scan';
import { validateCommand } from './validate';

export type { Command } from '../job-command';

/** Every command, with a one-line description for `ecr-keeper --help`. */
export const COMMANDS: Record<string, CommandEntry> = {
  audit: auditCommand,
  cleanup: cleanupCommand,
  enforce: enforceCommand,
  rescan: rescanCommand,
  scan: { run: scanCommand, summary: 'make sure an image has a scan, wait on it, print its verdict (exit 4 when it fails)' },
  validate: { run: validateCommand, summary: 'check a policy offline (no AWS call) and print it with every default filled in' },
};
