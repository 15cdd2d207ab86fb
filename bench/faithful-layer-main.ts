/**
 * Entry of the faithful-layer child process (see faithful-layer-process.ts): starts the layer in front of
 * the moto_server given in argv[2], without faults, and answers `stats` / `stop` over the IPC channel.
 */
import { startFaithfulEcr } from '../test/support/faithful-ecr';
import type { LayerReply, LayerRequest } from './faithful-layer-process';

const send = (reply: LayerReply) => process.send?.(reply);
const layer = await startFaithfulEcr({ upstream: process.argv[2] ?? '' });

async function stop(): Promise<void> {
  await layer.stop();
  process.disconnect?.();
}

process.on('message', (request: LayerRequest) => {
  if (request.kind === 'stats') send({ kind: 'stats', stats: layer.stats() });
  else void stop();
});
// The bench went away without asking: do not outlive it.
process.on('disconnect', () => void layer.stop());
send({ kind: 'ready', endpoint: layer.endpoint });
