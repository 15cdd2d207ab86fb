import { readFileSync, writeFileSync } from 'node:fs';

/** Peak and start resident set size of a measured stretch, in bytes. */
export interface RssFigures {
  startRss: number;
  peakRss: number;
  /** `kernel`: the kernel's own high-water mark (VmHWM, exact); `sampled`: polled every 10 ms (may miss the peak). */
  peakSource: 'kernel' | 'sampled';
}

/** The kernel's peak RSS of this process (VmHWM), in bytes; undefined off Linux. */
function kernelPeakRss(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    // No /proc (not Linux): the caller samples instead.
    return undefined;
  }
}

/** Resets the kernel's peak RSS of this process to its current RSS; false when that is not possible. */
function resetKernelPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    // Not Linux, or /proc is read-only here: the caller samples instead.
    return false;
  }
}

/**
 * Measures this process's peak RSS from now until `stop()`. On Linux the kernel's high-water mark is reset
 * and read back, which is exact: a timer would miss the peak whenever the event loop is busy (a walk over a
 * stubbed transport never yields to timers). Elsewhere RSS is sampled every 10 ms.
 *
 * @example
 * const meter = peakRssMeter();
 * await job();
 * const { peakRss } = meter.stop();
 */
export function peakRssMeter(): { stop(): RssFigures } {
  const startRss = process.memoryUsage.rss();
  if (resetKernelPeakRss() && kernelPeakRss() !== undefined) {
    return { stop: () => ({ startRss, peakRss: Math.max(kernelPeakRss() ?? 0, process.memoryUsage.rss()), peakSource: 'kernel' }) };
  }
  let peakRss = startRss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 10);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return { startRss, peakRss: Math.max(peakRss, process.memoryUsage.rss()), peakSource: 'sampled' };
    },
  };
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
