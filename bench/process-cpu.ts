import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`), which /proc/<pid>/stat counts CPU time in. */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticksPerSecond;
}

/**
 * CPU time (user + system, all threads) another process has used so far, in milliseconds, read from
 * /proc/<pid>/stat; undefined when it cannot be read (not Linux, or the process is gone).
 *
 * @example
 * const before = processCpuMs(moto.pid);
 * await job();
 * const motoMs = (processCpuMs(moto.pid) ?? NaN) - (before ?? NaN);
 */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // No /proc entry: the figure is reported as unknown, never guessed.
    return undefined;
  }
  // The command name (field 2) may hold spaces; fields 14 and 15 (utime, stime) follow its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / clockTicks() : undefined;
}

/** CPU time this process has used so far (user + system), in milliseconds. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
