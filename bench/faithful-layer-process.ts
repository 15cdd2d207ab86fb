import type { FaithfulEcrStats } from '../test/support/faithful-ecr';
import { startServerProcess } from './server-process';

/** What the bench asks the layer's process. */
export type LayerRequest = { kind: 'stats' } | { kind: 'stop' };
/** What the layer's process answers. */
export type LayerReply = { kind: 'stats'; stats: FaithfulEcrStats };

/** The faithful ECR layer running in a process of its own. */
export interface LayerProcess {
  endpoint: string;
  pid: number;
  /** The layer's counters: requests by action as they reached it (the SDK's retries included). */
  stats(): Promise<FaithfulEcrStats>;
  stop(): Promise<void>;
}

/**
 * Starts the faithful ECR layer (test/support/faithful-ecr, no faults) in front of `upstream` in a child
 * process, so that its CPU time (parsing and paging moto's answers) is counted apart from ecr-keeper's.
 *
 * @example
 * const layer = await startLayerProcess(moto.endpoint);
 * const clients = faithfulClients(layer, accountId);
 */
export async function startLayerProcess(upstream: string): Promise<LayerProcess> {
  const child = await startServerProcess<LayerRequest, LayerReply>('faithful-layer-main.ts', [upstream], 'the faithful ECR layer');
  return {
    endpoint: child.endpoint,
    pid: child.pid,
    stats: async () => (await child.ask({ kind: 'stats' })).stats,
    stop: () => child.stop(),
  };
}
