/**
 * The built app (dist/) served by `eas proxy` in front of a peer (SOGo, or Horde), for the
 * Chromium tests (pwa-proxy, horde/pwa-proxy): the build when sources changed, the proxy as a child process
 * with its log lines, and its stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, SOGO_URL } from './peer.ts';

export const DIST = join(REPO, 'dist');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

/** Newest modification time under `path` (a file or a directory tree), 0 when it is missing. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Runs a child to completion; rejects with its output tail when it fails. */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done() : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out.slice(-3000)}`)),
    );
  });
}

/**
 * dist/ as `npm run build` writes it, rebuilt only when missing or older than a source. Vite
 * alone (the typecheck belongs to `npm test`); NODE_ENV=production because Vitest's `test`
 * would make a development build without the service worker's precache.
 */
export async function ensureBuilt(): Promise<void> {
  const built = newest(join(DIST, 'index.html'));
  if (built > 0 && built >= Math.max(...SOURCES.map((s) => newest(join(REPO, s))))) return;
  await run(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], {
    ...process.env,
    NODE_ENV: 'production',
  });
}

export interface Proxy {
  readonly origin: string;
  readonly child: ChildProcess;
  /** The proxy's log, one line per request (src/proxy/log.ts), as printed so far. */
  readonly lines: string[];
}

/**
 * `eas proxy` as a child (one node process: tsx as a loader), resolved on its `listening on URL`
 * line; in front of the SOGo peer unless `upstream` names another server (the Horde peer).
 */
export function startProxy(extra: readonly string[] = [], upstream = SOGO_URL): Promise<Proxy> {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'proxy', '--upstream', upstream, '--port', '0', '--dist', DIST, ...extra];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  return new Promise((done, fail) => {
    let out = '';
    let origin: string | undefined;
    const timer = setTimeout(() => fail(new Error(`eas proxy did not listen within 20 s:\n${out}`)), 20_000);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const complete = out.split('\n');
      out = complete.pop() ?? '';
      for (const line of complete) {
        const url = /^listening on (http:\/\/\S+)/.exec(line)?.[1];
        if (url && origin === undefined) {
          origin = url.replace(/\/+$/, '');
          clearTimeout(timer);
          done({ origin, child, lines });
        } else lines.push(line);
      }
    });
    child.on('close', (code) => fail(new Error(`eas proxy exited with ${code}:\n${out}`)));
  });
}

export function stopProxy(proxy: Proxy | undefined): Promise<void> {
  if (!proxy || proxy.child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    proxy.child.once('close', () => done());
    proxy.child.kill('SIGTERM');
  });
}
