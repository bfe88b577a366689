/**
 * A fleet of proxy processes sharing a real `redis-server` (`--redis`, issue #14 item 6): a sign-in
 * on one process works on the others, a registration made anywhere is pushed once, a SIGKILLed Ping
 * holder is replaced within the lease time, restarts and a Redis restart lose nothing.
 * Process A runs in this test (vault, no push: it only signs users in); B and C are `eas proxy`
 * child processes with --push, so the SIGKILL is real.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp, type RunningServer } from '../../mocks/node-http.ts';
import { createMockServer } from '../../mocks/server.ts';
import { startProxy, type RunningProxy } from '../../src/proxy/server.ts';
import { noRedis, startRedis, type RedisServer } from '../support/redis.ts';
import { makeCert, startPushService, type PushService, type Subscriber, type TestCert } from './push-service.ts';
import { bobSendsAlice, eas, newDevice, register, session, signIn, syncFolder } from './push-support.ts';
import { makeDist, raw, sleep } from './support.ts';

const root = join(import.meta.dirname, '../..');
const LEASE_S = 3;
const secret = randomBytes(32);
const skip = noRedis('the proxy fleet tests');

let dist: Awaited<ReturnType<typeof makeDist>>;
let cert: TestCert;
let service: PushService;
let upstream: RunningServer;
let redis: RedisServer;

beforeAll(async () => {
  if (skip) return;
  dist = await makeDist();
  cert = makeCert();
  service = await startPushService(cert);
  upstream = await serveHttp(createMockServer({ data: false }), { port: 0 });
  redis = await startRedis();
});

afterAll(async () => {
  if (skip) return;
  await redis.remove();
  await upstream.close();
  await service.close();
  cert.remove();
  await dist.remove();
});

interface Child {
  readonly child: ChildProcess;
  readonly url: string;
  out(): string;
}

function startChild(): Promise<Child> {
  const args = [
    '--upstream',
    upstream.url,
    '--port',
    '0',
    '--dist',
    dist.dist,
    '--vault',
    '--push',
    '--redis',
    redis.url,
    '--redis-lease',
    String(LEASE_S),
    '--push-allow-host',
    '127.0.0.1',
  ];
  const child = spawn('npm', ['run', '-s', 'eas', '--', 'proxy', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, EAS_PROXY_SECRET: secret.toString('hex'), NODE_EXTRA_CA_CERTS: cert.certFile },
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

/** SIGTERM (a clean stop: leases given back) or SIGKILL to the child's process group. */
async function stopChild(c: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const exited = new Promise((resolve) => c.child.once('exit', resolve));
  process.kill(-c.child.pid!, signal);
  await exited;
  for (
    let i = 0;
    i < 100 &&
    (await raw(c.url, { path: '/proxy/config' }).then(
      () => true,
      () => false,
    ));
    i++
  )
    await sleep(50);
}

function startA(): Promise<RunningProxy> {
  return startProxy({ upstream: upstream.url, port: 0, dist: dist.dist, vault: true, redis: redis.url, secret });
}

const TAKEN = /lease a\*\*\* fleet1: Ping lease taken/g;
const taken = (c: Child): number => c.out().match(TAKEN)?.length ?? 0;

/** Waits for one push more than `before`, then a few seconds more to see that no second one comes. */
async function exactlyOneMore(sub: Subscriber, before: number): Promise<Record<string, unknown>> {
  await expect.poll(() => sub.messages.length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(before);
  await sleep(3000);
  expect(sub.messages.length).toBe(before + 1);
  expect(sub.errors).toEqual([]);
  return sub.messages[before]!.payload;
}

describe.skipIf(skip)('eas proxy --redis: a fleet', () => {
  it('signs in on A, registers on B, pushes once; a SIGKILLed holder is replaced; restarts and a Redis restart lose nothing', async () => {
    let a = await startA();
    let b = await startChild();
    let c = await startChild();
    try {
      const cookie = await signIn(a.url);
      const device = await newDevice(b.url, cookie, 'fleet1'); // the session made on A works on B at once
      const sub = service.subscribe();
      expect((await register(b.url, cookie, { deviceId: 'fleet1', subscription: sub.json })).status).toBe(201);
      await expect.poll(() => taken(b) + taken(c), { timeout: 20_000 }).toBe(1);

      await bobSendsAlice(upstream.url, 'To the fleet');
      expect(await exactlyOneMore(sub, 0)).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'fleet1' });

      // The device syncs through the process that does not hold the Ping; the holder learns it through Redis.
      const [holder, other] = taken(b) === 1 ? [b, c] : [c, b];
      expect(await syncFolder(other.url, cookie, device, device.inbox)).toEqual(['To the fleet']);
      // The app's own Ping (an older app) through the other process: the holder lets go of its Ping meanwhile.
      const ping = eas(
        other.url,
        cookie,
        'Ping',
        'fleet1',
        `<Ping xmlns="Ping"><HeartbeatInterval>60</HeartbeatInterval><Folders><Folder><Id>${device.inbox}</Id><Class>Email</Class></Folder></Folders></Ping>`,
      );
      await expect
        .poll(async () => ((await session(holder.url, cookie)).body['push'] as { state: string }[])[0]?.state, { timeout: 10_000 })
        .toBe('yielding');
      await bobSendsAlice(upstream.url, 'For the open tab');
      expect((await ping).status).toBe(200); // the app's Ping saw it: the open app syncs, no push
      expect(await syncFolder(other.url, cookie, device, device.inbox)).toEqual(['For the open tab']);
      await sleep(2000);
      expect(sub.messages).toHaveLength(1);
      const killedAt = performance.now();
      await stopChild(holder, 'SIGKILL');
      await expect.poll(() => taken(other), { timeout: 20_000, interval: 50 }).toBe(1);
      const takeoverMs = Math.round(performance.now() - killedAt);
      console.log(`fleet: Ping taken over ${takeoverMs} ms after SIGKILL of its holder (lease ${LEASE_S * 1000} ms)`);
      expect(takeoverMs).toBeLessThan(LEASE_S * 1000 * 2 + 2000); // the lease time and a tick, with room for a loaded machine

      await bobSendsAlice(upstream.url, 'After the takeover');
      expect(await exactlyOneMore(sub, 1)).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'fleet1' });
      expect(await syncFolder(other.url, cookie, device, device.inbox)).toEqual(['After the takeover']);

      // Every process restarted: the session and the subscription are in Redis.
      await stopChild(other);
      await a.close();
      a = await startA();
      b = await startChild();
      c = await startChild();
      expect((await session(c.url, cookie)).status).toBe(200);
      expect((await session(a.url, cookie)).status).toBe(200);
      await expect.poll(() => taken(b) + taken(c), { timeout: 20_000 }).toBe(1);
      await bobSendsAlice(upstream.url, 'After the restarts');
      expect(await exactlyOneMore(sub, 2)).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'fleet1' });
      expect(await syncFolder(b.url, cookie, device, device.inbox)).toEqual(['After the restarts']);

      // Redis stops (its data goes: no persistence) while the fleet runs; a device registers meanwhile.
      await redis.stop();
      const device2 = await newDevice(c.url, cookie, 'fleet2');
      const sub2 = service.subscribe();
      expect((await register(c.url, cookie, { deviceId: 'fleet2', subscription: sub2.json })).status).toBe(201);
      await redis.start();
      const check = createClient({ url: redis.url });
      await check.connect();
      try {
        await expect
          .poll(async () => (await check.hKeys('eas:push')).sort(), { timeout: 30_000, interval: 200 })
          .toEqual(['alice\nfleet1', 'alice\nfleet2']);
        await expect.poll(async () => await check.hKeys('eas:session'), { timeout: 10_000 }).toEqual([cookie.split('=')[1]]);
        for (const text of await check.hVals('eas:push')) expect(text).not.toContain(sub.json.endpoint); // sealed
      } finally {
        await check.close();
      }
      const d = await startChild(); // a new process learns everything from the rebuilt Redis
      try {
        expect((await session(d.url, cookie)).status).toBe(200);
        await expect.poll(() => b.out() + c.out() + d.out(), { timeout: 20_000 }).toMatch(/lease a\*\*\* fleet2: Ping lease taken/);
        await sleep(LEASE_S * 1000); // the fleet1 lease, lost with Redis's data, is taken again
        await bobSendsAlice(upstream.url, 'After the Redis restart');
        expect(await exactlyOneMore(sub, 3)).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'fleet1' });
        expect(await exactlyOneMore(sub2, 0)).toEqual({ folders: [device2.inbox], user: 'alice', deviceId: 'fleet2' });

        // A deletion made on a process that never held fleet2's Ping reaches the holder: it lets go and gives the lease back.
        const bystander = [b, c, d].find((p) => !/fleet2: Ping lease taken/.test(p.out())) ?? d;
        expect((await register(bystander.url, cookie, { deviceId: 'fleet2', subscription: sub2.json }, 'DELETE')).status).toBe(204);
        const after = createClient({ url: redis.url });
        await after.connect();
        try {
          await expect.poll(async () => await after.hKeys('eas:push'), { timeout: 10_000 }).toEqual(['alice\nfleet1']);
          await expect.poll(async () => (await after.keys('eas:lease:*')).sort(), { timeout: 10_000 }).toEqual(['eas:lease:alice\nfleet1']);
        } finally {
          await after.close();
        }
        expect(await syncFolder(c.url, cookie, device, device.inbox)).toEqual(['After the Redis restart']);
        await bobSendsAlice(upstream.url, 'After the deletion');
        expect(await exactlyOneMore(sub, 4)).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'fleet1' });
        expect(sub2.messages).toHaveLength(1);
      } finally {
        await stopChild(d);
      }
    } finally {
      await stopChild(b);
      await stopChild(c);
      await a.close();
    }
  }, 240_000);

  it('exits 1 with one line when Redis cannot be reached at start', async () => {
    const args = ['--upstream', upstream.url, '--port', '0', '--dist', dist.dist, '--vault', '--push', '--redis', 'redis://127.0.0.1:1'];
    const child = spawn('npm', ['run', '-s', 'eas', '--', 'proxy', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect([
      code,
      stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('no EAS_PROXY_SECRET')),
    ]).toEqual([1, [expect.stringMatching(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1: ECONNREFUSED$/)]]);
  }, 60_000);
});
