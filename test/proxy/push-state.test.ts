/**
 * Nothing lost across restarts: with `--state DIR` and EAS_PROXY_SECRET the subscription still works
 * after a restart without signing in again; without the secret nothing secret reaches the disk.
 * Both in process and with the `eas proxy` CLI as a child process (NODE_EXTRA_CA_CERTS trusts the
 * test push service).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp, type RunningServer } from '../../mocks/node-http.ts';
import { createMockServer } from '../../mocks/server.ts';
import { startProxy } from '../../src/proxy/server.ts';
import { STATE_FILE } from '../../src/proxy/state.ts';
import { makeCert, startPushService, type PushService, type TestCert } from './push-service.ts';
import { bobSendsAlice, newDevice, register, session, signIn, syncFolder } from './push-support.ts';
import { makeDist, raw } from './support.ts';

const root = join(import.meta.dirname, '../..');
let dist: Awaited<ReturnType<typeof makeDist>>;
let cert: TestCert;
let service: PushService;
let upstream: RunningServer;
let stateDir: string;

beforeAll(async () => {
  dist = await makeDist();
  cert = makeCert();
  service = await startPushService(cert);
  upstream = await serveHttp(createMockServer({ data: false }), { port: 0 });
});

afterAll(async () => {
  await upstream.close();
  await service.close();
  cert.remove();
  await dist.remove();
});

async function freshState(): Promise<string> {
  stateDir = await mkdtemp(join(tmpdir(), 'eas-proxy-state-'));
  return stateDir;
}

function options(state: string, secret: Buffer | undefined) {
  return {
    upstream: upstream.url,
    port: 0,
    dist: dist.dist,
    vault: true,
    state,
    ...(secret ? { secret } : {}),
    push: { allowHosts: ['127.0.0.1'], ca: cert.cert, relay: { quietMs: 50 } },
  };
}

describe('--state in process', () => {
  it('with EAS_PROXY_SECRET: the session and the subscription survive a restart, sealed on disk', async () => {
    const secret = randomBytes(32);
    const dir = await freshState();
    const first = await startProxy(options(dir, secret));
    const cookie = await signIn(first.url);
    const device = await newDevice(first.url, cookie, 'keep1');
    const sub = service.subscribe();
    expect((await register(first.url, cookie, { deviceId: 'keep1', subscription: sub.json })).status).toBe(201);
    const key = JSON.parse((await raw(first.url, { path: '/proxy/config' })).body.toString()).push.vapidPublicKey as string;
    await first.close();

    const text = await readFile(join(dir, STATE_FILE), 'utf8');
    for (const secretText of [
      'alicepass',
      Buffer.from('alice:alicepass').toString('base64'),
      sub.json.endpoint,
      sub.json.keys.auth,
      cookie.split('=')[1]!,
    ]) {
      expect(text).not.toContain(secretText);
    }
    expect((await stat(join(dir, STATE_FILE))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([STATE_FILE]); // no temporary file left behind

    const second = await startProxy(options(dir, secret));
    try {
      expect(JSON.parse((await raw(second.url, { path: '/proxy/config' })).body.toString()).push.vapidPublicKey).toBe(key);
      expect((await session(second.url, cookie)).status).toBe(200); // no new sign-in
      await expect.poll(() => second.relay?.held()).toBe(1);
      await bobSendsAlice(upstream.url, 'After the restart');
      expect((await sub.next()).payload).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'keep1' });
      expect(await syncFolder(second.url, cookie, device, device.inbox)).toEqual(['After the restart']);
    } finally {
      await second.close();
    }
    await expect(startProxy(options(dir, randomBytes(32)))).rejects.toThrow('EAS_PROXY_SECRET does not open this state');
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }); // the proxy may still be writing its state
  });

  it('without EAS_PROXY_SECRET: nothing secret on disk; after a restart the user signs in again', async () => {
    const dir = await freshState();
    const first = await startProxy(options(dir, undefined));
    const cookie = await signIn(first.url);
    const device = await newDevice(first.url, cookie, 'forget1');
    const sub = service.subscribe();
    await register(first.url, cookie, { deviceId: 'forget1', subscription: sub.json });
    const key = JSON.parse((await raw(first.url, { path: '/proxy/config' })).body.toString()).push.vapidPublicKey as string;
    await first.close();

    const saved = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(saved).sort()).toEqual(['device', 'version']);
    const text = JSON.stringify(saved);
    for (const secretText of ['alicepass', 'Basic', sub.json.endpoint, sub.json.keys.auth, sub.json.keys.p256dh, 'privateKey'])
      expect(text).not.toContain(secretText);
    // What is kept: the folders the device syncs (not secret), so the relay knows them after a restart.
    expect(saved['device']).toEqual({
      'alice\nforget1': {
        folders: expect.objectContaining({ [device.inbox]: 2 }),
        synced: [device.inbox],
        version: '14.1',
        deviceType: 'WebApp',
        userAgent: 'eas-pwa-test',
      },
    });

    const second = await startProxy(options(dir, undefined));
    try {
      expect((await session(second.url, cookie)).status).toBe(401);
      expect(JSON.parse((await raw(second.url, { path: '/proxy/config' })).body.toString()).push.vapidPublicKey).not.toBe(key);
      const again = await signIn(second.url);
      const sub2 = service.subscribe();
      expect((await register(second.url, again, { deviceId: 'forget1', subscription: sub2.json })).status).toBe(201);
      expect(
        JSON.parse((await register(second.url, again, { deviceId: 'forget1', subscription: sub2.json })).body.toString()).folders,
      ).toEqual([device.inbox]);
    } finally {
      await second.close();
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }); // the proxy may still be writing its state
    }
  });
});

describe('eas proxy --vault --push --state (child process)', () => {
  function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string; out: () => string }> {
    const child = spawn('npm', ['run', '-s', 'eas', '--', 'proxy', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^listening on (http:\/\/\S+)$/m.exec(out);
        if (m) resolve({ child, url: m[1]!, out: () => out });
      });
      child.once('exit', (code) => reject(new Error(`proxy exited ${code}: ${out}`)));
    });
  }

  /**
   * SIGTERM to the process group. npm may exit before the proxy (its grandchild) has closed and
   * written its state, so this also waits until the proxy refuses connections and a moment more.
   */
  async function stop(child: ChildProcess, url?: string): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    if (url === undefined) return;
    for (let i = 0; i < 100; i++) {
      const open = await raw(url, { path: '/proxy/config' }).then(
        () => true,
        () => false,
      );
      if (!open) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1500)); // its state write (fsync) may be slow on a busy machine
  }

  function exitCode(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('npm', ['run', '-s', 'eas', '--', 'proxy', ...args], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, ...env },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.once('exit', (code) => resolve({ code, stderr }));
    });
  }

  it('pushes, is restarted, and pushes again without a new sign-in', async () => {
    const dir = await freshState();
    const args = [
      '--upstream',
      upstream.url,
      '--port',
      '0',
      '--dist',
      dist.dist,
      '--vault',
      '--push',
      '--state',
      dir,
      '--push-allow-host',
      '127.0.0.1',
    ];
    const env = { EAS_PROXY_SECRET: randomBytes(32).toString('hex'), NODE_EXTRA_CA_CERTS: cert.certFile };
    let p = await start(args, env);
    const cookie = await signIn(p.url);
    const device = await newDevice(p.url, cookie, 'cli1');
    const sub = service.subscribe();
    try {
      expect((await register(p.url, cookie, { deviceId: 'cli1', subscription: sub.json })).status).toBe(201);
      await bobSendsAlice(upstream.url, 'Over the CLI');
      expect((await sub.next(15_000)).payload).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'cli1' });
      await syncFolder(p.url, cookie, device, device.inbox);
      await stop(p.child, p.url);
      p = await start(args, env);
      expect((await session(p.url, cookie)).status).toBe(200);
      await bobSendsAlice(upstream.url, 'After the CLI restart');
      expect((await sub.next(20_000)).payload).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'cli1' });
      expect(sub.errors).toEqual([]);
      await expect.poll(() => p.out()).toMatch(/relay a\*\*\* cli1: pushed folders/);
    } finally {
      await stop(p.child);
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }); // the proxy may still be writing its state
    }
  }, 90_000);

  it('exits 2 for --push without --vault and for a malformed EAS_PROXY_SECRET', async () => {
    const base = ['--upstream', upstream.url, '--port', '0', '--dist', dist.dist];
    const noVault = await exitCode([...base, '--push']);
    expect([noVault.code, noVault.stderr]).toEqual([2, expect.stringContaining('--push needs --vault')]);
    const badKey = await exitCode([...base, '--vault', '--push'], { EAS_PROXY_SECRET: 'abc' });
    expect([badKey.code, badKey.stderr]).toEqual([2, expect.stringContaining('EAS_PROXY_SECRET must be 64 hex digits')]);
  }, 60_000);
});
