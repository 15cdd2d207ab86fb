/** The logging surface lib/ uses; Powertools' Logger and {@link consoleLog} both fit it. */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** A log that drops everything (the default in lib/ functions). */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** A plain log on a stream (the CLI's stderr), one line per message, `extra` as JSON. */
export function streamLog(stream: NodeJS.WritableStream, options: { verbose?: boolean } = {}): Log {
  const line = (level: string) => (message: string, ...extra: Record<string, unknown>[]) => {
    const merged = Object.assign({}, ...extra) as Record<string, unknown>;
    const tail = Object.keys(merged).length > 0 ? ` ${JSON.stringify(merged)}` : '';
    stream.write(`${level}: ${message}${tail}\n`);
  };
  return {
    debug: options.verbose ? line('debug') : () => {},
    info: options.verbose ? line('info') : () => {},
    warn: line('warning'),
    error: line('error'),
  };
}
