/**
 * A real `redis-server` (Debian's package; scripts/ensure-tools.ts installs it) for the fleet tests:
 * 127.0.0.1, a free port, a temporary directory, no persistence. Where the binary is missing the
 * tests skip with one line saying so, except in CI, where a missing tool is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAS_REDIS = spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status === 0;

/** True (after a notice) when the tests must skip for want of redis-server; throws in CI. */
export function noRedis(what: string): boolean {
  if (HAS_REDIS) return false;
  if (process.env['CI'])
    throw new Error(`redis-server is missing (apt-get install redis-server; scripts/ensure-tools.ts does it): ${what}`);
  console.warn(`skipped: ${what} (no redis-server on this machine: apt-get install redis-server)`);
  return true;
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, waits for its exit); its data is gone (no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty unless `keep` data was saved: it is not). */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  remove(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startRedis(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'eas-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  async function start(): Promise<void> {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
    });
    for (let i = 0; i < 200; i++) {
      if (await answers(port)) return;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on 127.0.0.1:${port}: ${log}`);
  }
  async function stop(): Promise<void> {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    remove: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
