import { accessSync, constants, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { UsageError } from '../lib/errors';

/**
 * `--output FILE`: the report goes to a file instead of stdout. The file's folder is checked before the
 * run starts (a run that applied changes must not end on "cannot write the report"), and the report is
 * written whole or not at all: to a temporary file beside it, then renamed over it.
 */

/**
 * The report format a file name asks for: markdown for `.md`, the table for `.txt`, JSON otherwise.
 *
 * @example
 * formatForOutputFile('audit.md'); // 'markdown'
 */
export function formatForOutputFile(path: string): 'json' | 'markdown' | 'table' {
  const ext = extname(path).toLowerCase();
  return ext === '.md' || ext === '.markdown' ? 'markdown' : ext === '.txt' ? 'table' : 'json';
}

/**
 * Throws a {@link UsageError} when the report could not be written to `path`: its folder is missing or
 * not writable, or `path` is a folder. Call it before the run.
 *
 * @example
 * checkOutputFile(values.output);
 */
export function checkOutputFile(path: string): void {
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--output ${path}: ${dir} is not a folder`);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--output ${path}: ${code === 'ENOENT' ? `folder ${dir} does not exist` : `cannot write in ${dir} (${code})`}`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--output ${path} is a folder, not a file`);
}

/**
 * Writes the report to `path` atomically (a temporary file in the same folder, renamed over it).
 *
 * @example
 * writeOutputFile('audit.json', renderAudit(report, 'json'));
 */
export function writeOutputFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
