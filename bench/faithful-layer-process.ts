import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { FaithfulEcrStats } from '../test/support/faithful-ecr';

/** What the bench asks the layer's process. */
export type LayerRequest = { kind: 'stats' } | { kind: 'stop' };
/** What the layer's process answers. */
export type LayerReply = { kind: 'ready'; endpoint: string } | { kind: 'stats'; stats: FaithfulEcrStats };

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
  const child = fork(join(import.meta.dirname, 'faithful-layer-main.ts'), [upstream], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: ((reply: LayerReply) => void)[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error('the faithful ECR layer process exited before it was ready')));
    child.on('message', (reply: LayerReply) => {
      if (reply.kind === 'ready') resolve(reply.endpoint);
      else waiting.shift()?.(reply);
    });
  });
  const endpoint = await ready;
  return {
    endpoint,
    pid: child.pid!,
    stats: () =>
      new Promise<FaithfulEcrStats>((resolve) => {
        waiting.push((reply) => {
          if (reply.kind === 'stats') resolve(reply.stats);
        });
        child.send({ kind: 'stats' } satisfies LayerRequest);
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.send({ kind: 'stop' } satisfies LayerRequest);
      await exited;
    },
  };
}
