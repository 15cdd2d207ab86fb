/**
 * Entry of the replay proxy's child process (see replay-process.ts): records the answers of `argv[2]` and
 * replays them after `argv[3]` ms; answers `mode`, `stats` and `stop` over the IPC channel.
 */
import { startReplayProxy } from './replay-proxy';
import type { ReplayReply, ReplayRequest } from './replay-process';
import { serveOverIpc } from './server-process';

const proxy = await startReplayProxy({ upstream: process.argv[2] ?? '', rttMs: Number(process.argv[3] ?? '0') });
serveOverIpc(proxy, (request: ReplayRequest): ReplayReply => {
  if (request.kind === 'mode') proxy.setMode(request.mode);
  return { kind: 'stats', stats: proxy.stats() };
});
