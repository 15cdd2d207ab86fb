import { fork } from 'node:child_process';
import { join } from 'node:path';

/** What every server process answers first, once it listens. */
interface Ready {
  kind: 'ready';
  endpoint: string;
}

/** A loopback server running in a child process of the bench, asked over the IPC channel. */
export interface ServerProcess<Q, A> {
  endpoint: string;
  pid: number;
  /** Sends `request` and resolves with the child's answer (answers come back in the order asked). */
  ask(request: Q): Promise<A>;
  /** Asks the child to stop (`{ kind: 'stop' }`) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Forks `entry` (a bench file run through tsx) with `args`, waits for its `ready` message and returns a
 * handle on it. A server in a process of its own keeps its CPU time apart from the code measured.
 *
 * @example
 * const layer = await startServerProcess<LayerRequest, LayerReply>('faithful-layer-main.ts', [moto.endpoint], 'the faithful ECR layer');
 * const stats = await layer.ask({ kind: 'stats' });
 */
export async function startServerProcess<Q extends { kind: string }, A>(entry: string, args: string[], what: string): Promise<ServerProcess<Q, A>> {
  const child = fork(join(import.meta.dirname, entry), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: ((reply: A) => void)[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error(`${what} process exited before it was ready`)));
    child.on('message', (reply: A | Ready) => {
      if ((reply as Ready).kind === 'ready') resolve((reply as Ready).endpoint);
      else waiting.shift()?.(reply as A);
    });
  });
  const endpoint = await ready;
  return {
    endpoint,
    pid: child.pid!,
    ask: (request) =>
      new Promise<A>((resolve) => {
        waiting.push(resolve);
        child.send(request);
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.send({ kind: 'stop' });
      await exited;
    },
  };
}

/**
 * The child's side: says `ready` with the server's endpoint, answers every request but `stop` with `answer`,
 * and stops the server when asked or when the bench goes away without asking.
 *
 * @example
 * const layer = await startFaithfulEcr({ upstream: process.argv[2] ?? '' });
 * serveOverIpc(layer, (request: LayerRequest) => ({ kind: 'stats', stats: layer.stats() }));
 */
export function serveOverIpc<Q extends { kind: string }, A>(server: { endpoint: string; stop(): Promise<void> }, answer: (request: Q) => A): void {
  process.on('message', (request: Q) => {
    if (request.kind !== 'stop') return void process.send?.(answer(request));
    void server.stop().then(() => process.disconnect?.());
  });
  // The bench went away without asking: do not outlive it.
  process.on('disconnect', () => void server.stop());
  process.send?.({ kind: 'ready', endpoint: server.endpoint } satisfies Ready);
}
