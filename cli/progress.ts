/**
 * Progress on stderr while a command works through the registry. On a terminal (stderr is a TTY, whatever
 * `--format` says: the report goes to stdout), one line redrawn in place with done/total and an estimate of
 * the time left; on a terminal without cursor control (`TERM=dumb`) plain lines, at most one every few
 * seconds; nothing at all when stderr is not a terminal or under CI (`CI` set), so logs stay clean.
 */

/** How progress is shown. */
export type ProgressMode = 'redraw' | 'lines' | 'off';

/** Plain-line mode writes at most one line per this many milliseconds. */
export const PROGRESS_LINE_INTERVAL_MS = 5000;

/** The stream progress goes to, and the environment that decides how. */
export interface ProgressTarget {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * How progress is shown on `stream` under `env`.
 *
 * @example
 * progressMode(process.stderr, process.env); // 'redraw' in a terminal, 'off' in a pipe or CI
 */
export function progressMode(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): ProgressMode {
  if (stream.isTTY !== true) return 'off';
  const ci = env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return 'off';
  return env.TERM === 'dumb' ? 'lines' : 'redraw';
}

/** `1m 05s`, `42s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** How many repositories a run has to do: `count` so far, and whether more pages of them are still to come. */
export interface ProgressTotal {
  count: number;
  more: boolean;
}

/**
 * The progress text: `audited 120/900 repositories (13%), about 1m 20s left: team/api`. The estimate
 * assumes the rest goes at the pace so far; without a final total (`1000+`: more pages to list) there is none.
 */
export function progressText(verb: string, done: number, total: ProgressTotal | undefined, elapsedMs: number, current?: string): string {
  let text = `${verb} ${done}`;
  if (total?.more) {
    text += `/${Math.max(total.count, done)}+ repositories`;
  } else if (total && total.count > 0) {
    text += `/${total.count} repositories (${Math.floor((Math.min(done, total.count) / total.count) * 100)}%)`;
    if (done > 0 && done < total.count) text += `, about ${formatDuration((elapsedMs / done) * (total.count - done))} left`;
  } else {
    text += ' repositories';
  }
  return current ? `${text}: ${current}` : text;
}

/** A progress display; every method is a no-op when its mode is `off`. */
export interface Progress {
  readonly mode: ProgressMode;
  /** `done` repositories of `total` (when known) are finished; `current` is the last one. */
  update(done: number, total?: ProgressTotal, current?: string): void;
  /** A status of its own (`scanning team/api@sha256:...`), for work that is not counted in repositories. */
  message(text: string): void;
  /** Clears the redrawn line (or writes the last plain line) once the work is over. */
  done(): void;
}

/**
 * A progress display on stderr.
 *
 * @example
 * const progress = createProgress({ stream: io.stderr, env: io.env }, 'audited');
 * onProgress: (done, name) => progress.update(done, { count: 40, more: false }, name),
 * progress.done();
 */
export function createProgress(target: ProgressTarget, verb: string, options: { now?: () => number; mode?: ProgressMode } = {}): Progress {
  const now = options.now ?? Date.now;
  const mode = options.mode ?? progressMode(target.stream, target.env);
  const started = now();
  let shown = false;
  let lastLineAt = -Infinity;
  let last: { done: number; total?: ProgressTotal } | undefined;
  const show = (text: string, force: boolean) => {
    const at = now();
    if (mode === 'redraw') {
      target.stream.write(`\r\x1b[2K${text}`);
      shown = true;
    } else if (mode === 'lines' && (force || at - lastLineAt >= PROGRESS_LINE_INTERVAL_MS)) {
      target.stream.write(`${text}\n`);
      lastLineAt = at;
    }
  };
  return {
    mode,
    update(done, total, current) {
      if (mode === 'off') return;
      last = total === undefined ? { done } : { done, total };
      show(progressText(verb, done, total, now() - started, current), false);
    },
    message(text) {
      show(text, true);
    },
    done() {
      if (mode === 'redraw' && shown) target.stream.write('\r\x1b[2K');
      if (mode === 'lines' && last) target.stream.write(`${progressText(verb, last.done, last.total, now() - started)} in ${formatDuration(now() - started)}\n`);
    },
  };
}
