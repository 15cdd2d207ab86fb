import type { ReplayMode, ReplayStats } from './replay-proxy';
import { startServerProcess } from './server-process';

/** What the bench asks the replay proxy's process. */
export type ReplayRequest = { kind: 'mode'; mode: ReplayMode } | { kind: 'stats' } | { kind: 'stop' };
/** What it answers: its counters (after a `mode`, with the new mode in force). */
export type ReplayReply = { kind: 'stats'; stats: ReplayStats };

/** The replay proxy running in a process of its own. */
export interface ReplayProcess {
  endpoint: string;
  pid: number;
  setMode(mode: ReplayMode): Promise<void>;
  stats(): Promise<ReplayStats>;
  stop(): Promise<void>;
}

/**
 * Starts the replay proxy (bench/replay-proxy.ts) in front of `upstream` in a child process, in `record` mode:
 * its CPU time is not the client's, as AWS's is not.
 *
 * @example
 * const proxy = await startReplayProcess(layer.endpoint, 40);
 * await proxy.setMode('replay');
 */
export async function startReplayProcess(upstream: string, rttMs: number): Promise<ReplayProcess> {
  const child = await startServerProcess<ReplayRequest, ReplayReply>('replay-main.ts', [upstream, String(rttMs)], 'the replay proxy');
  return {
    endpoint: child.endpoint,
    pid: child.pid,
    setMode: async (mode) => void (await child.ask({ kind: 'mode', mode })),
    stats: async () => (await child.ask({ kind: 'stats' })).stats,
    stop: () => child.stop(),
  };
}
