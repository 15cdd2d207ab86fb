/**
 * `ecr-keeper audit --format json | head -1`: once `head` has what it wants it closes the pipe, and the
 * next write fails with EPIPE. That is the reader's choice, not a failure: the CLI stops there, quietly,
 * with exit code 0, as `cat` and `grep` do, instead of dying on an unhandled 'error' event with a stack trace.
 */

/**
 * Ends the process quietly (`exit(0)`) when `stream`'s reader has gone away (EPIPE); any other write error
 * is passed to `onOtherError`.
 *
 * @example
 * endQuietlyOnBrokenPipe(process.stdout, (code) => process.exit(code));
 */
export function endQuietlyOnBrokenPipe(
  stream: NodeJS.EventEmitter,
  exit: (code: number) => void,
  onOtherError: (err: Error) => void = (err) => {
    throw err;
  },
): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exit(0);
    else onOtherError(err);
  });
}
