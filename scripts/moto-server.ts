import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A running moto_server on a loopback port. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`, the value for `AWS_ENDPOINT_URL`. */
  endpoint: string;
  port: number;
  pid: number;
  /** Stops the server by its PID and waits for it to exit. */
  stop(): Promise<void>;
}

/** Raised when moto_server is not installed or does not come up. */
export class MotoServerError extends Error {
  override name = 'MotoServerError';
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  while (Date.now() < until) {
    if (exited !== null) throw new MotoServerError(`moto_server exited with code ${exited} before it was ready`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new MotoServerError(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Starts `moto_server` on a free loopback port and waits until it answers.
 *
 * @example
 * const moto = await startMotoServer();
 * process.env.AWS_ENDPOINT_URL = moto.endpoint;
 * // ...
 * await moto.stop();
 */
export async function startMotoServer(options: { command?: string; timeoutMs?: number } = {}): Promise<MotoServer> {
  const command = options.command ?? process.env.MOTO_SERVER ?? 'moto_server';
  // Two tries: another process may take the port between freePort() and moto's bind.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          err.code === 'ENOENT'
            ? new MotoServerError(
                `'${command}' was not found on PATH. Install moto with its server extra ` +
                  `(pip install 'moto[server]') or set MOTO_SERVER to its path.`,
              )
            : new MotoServerError(`could not start ${command}: ${err.message}`),
        );
      });
    });
    try {
      await Promise.race([waitUntilUp(endpoint, child, options.timeoutMs ?? 20_000), spawnError]);
    } catch (err) {
      child.kill('SIGKILL');
      if (err instanceof MotoServerError && err.message.includes('not found on PATH')) throw err;
      if (attempt >= 2) {
        throw new MotoServerError(`${(err as Error).message}\n${stderr.trim()}`);
      }
      continue;
    }
    const pid = child.pid!;
    return {
      endpoint,
      port,
      pid,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          process.kill(pid, 'SIGTERM');
        }),
    };
  }
}
