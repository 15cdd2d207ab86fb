import { createInterface } from 'node:readline/promises';

/**
 * `enforce --apply` and `cleanup --apply` on a terminal: before the first write, say where (account,
 * regions) and how much (the number of changes), and ask. `--yes` skips the question; a pipe or CI never
 * gets one (nobody could answer it): there `--apply` alone applies, as it always did.
 */

/** What is about to be applied, as the question shows it. */
export interface ApplySummary {
  /** `enforce`, `cleanup`. */
  command: string;
  account: string;
  regions: string[];
  /** Changes in the plan (settings to write, images to delete). */
  changes: number;
  /** `changes`, `image deletions`: what the changes are. */
  what: string;
}

/** Where the question is asked. */
export interface ConfirmIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** The answer: applied after a yes, applied without asking, or declined. */
export type Confirmation = 'confirmed' | 'not-asked' | 'declined';

/** True when a person can answer: stdin and stderr are terminals and this is not CI. */
export function canAsk(io: Pick<ConfirmIo, 'stdin' | 'stderr' | 'env'>): boolean {
  const ci = io.env.CI;
  const underCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return io.stdin.isTTY === true && io.stderr.isTTY === true && !underCi;
}

/** `Apply 12 changes in account 123456789012, region eu-west-1? [y/N] ` */
export function confirmQuestion(summary: ApplySummary): string {
  const regions = `${summary.regions.length === 1 ? 'region' : 'regions'} ${summary.regions.join(', ')}`;
  return `${summary.command}: apply ${summary.changes} ${summary.what} in account ${summary.account}, ${regions}? [y/N] `;
}

/**
 * Asks before applying, when a person can answer and there is something to apply.
 *
 * @example
 * if ((await confirmApply(io, summary, { yes: values.yes === true })) === 'declined') return EXIT.FAILURE;
 */
export async function confirmApply(io: ConfirmIo, summary: ApplySummary, options: { yes: boolean }): Promise<Confirmation> {
  if (options.yes || summary.changes === 0 || !canAsk(io)) return 'not-asked';
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  // stdin closed before an answer (Ctrl-D): no is the answer.
  const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
  try {
    const answer = await Promise.race([rl.question(confirmQuestion(summary)).catch(() => ''), closed]);
    return /^\s*y(es)?\s*$/i.test(answer) ? 'confirmed' : 'declined';
  } finally {
    rl.close();
  }
}
