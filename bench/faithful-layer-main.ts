/**
 * Entry of the faithful-layer child process (see faithful-layer-process.ts): starts the layer in front of
 * the moto_server given in argv[2], without faults, and answers `stats` / `stop` over the IPC channel.
 */
import { startFaithfulEcr } from '../test/support/faithful-ecr';
import type { LayerReply, LayerRequest } from './faithful-layer-process';
import { serveOverIpc } from './server-process';

const layer = await startFaithfulEcr({ upstream: process.argv[2] ?? '' });
serveOverIpc(layer, (_request: LayerRequest): LayerReply => ({ kind: 'stats', stats: layer.stats() }));
