/**
 * Ping leases of a fleet (src/proxy/lease.ts) on a real Redis: a process that finds a device's
 * lease held does not ask again before it can run out (it used to ask at every tick, a sixth of
 * the lease time, for every device), yet takes the Ping over when the holder stops renewing, and
 * at its next tick when the holder gives the lease back.
 */
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Leases } from '../../src/proxy/lease.ts';
import { PREFIX, type RedisClient } from '../../src/proxy/redis-store.ts';
import { noRedis, startRedis, type RedisServer } from '../support/redis.ts';

const DEVICES = Array.from({ length: 40 }, (_, i) => `user${i}@example.test\ndevice${i}`);
const SKIP = noRedis('lease tests');

let redis: RedisServer;
let real: RedisClient;

beforeAll(async () => {
  if (SKIP) return;
  redis = await startRedis();
  real = createClient({ url: redis.url });
  await real.connect();
});

/** Every Leases a test made: closed after it even when it fails, so none takes leases in the next test. */
const made: Leases[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((l) => l.close()));
});

afterAll(async () => {
  if (SKIP) return;
  await real.quit();
  await redis.remove();
});

/** The Redis client as a lease sees it, counting the commands sent; `dead` makes every command hang (a stalled process). */
function counted(): { client: RedisClient; commands: () => number; die: () => void } {
  let commands = 0;
  let dead = false;
  const send = <T>(call: () => Promise<T>): Promise<T> => {
    commands++;
    return dead ? new Promise<T>(() => undefined) : call();
  };
  const client = {
    get isReady() {
      return real.isReady;
    },
    eval: (...a: Parameters<RedisClient['eval']>) => send(() => real.eval(...a)),
    set: (...a: Parameters<RedisClient['set']>) => send(() => real.set(...a)),
  } as unknown as RedisClient;
  return { client, commands: () => commands, die: () => void (dead = true) };
}

/** When each key ran out in Redis (Unix ms, PEXPIRETIME), read until all are gone: a renewal on its way may still move it. */
async function lastExpiry(keys: readonly string[]): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  for (let waited = 0; waited < 15_000; waited += 50) {
    const times = await Promise.all(keys.map((k) => real.sendCommand(['PEXPIRETIME', k]) as Promise<number>));
    keys.forEach((k, i) => (times[i] ?? -2) > 0 && last.set(k, times[i] as number));
    if (times.every((t) => t === -2)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the leases never ran out');
}

function leases(owner: string, ttlMs: number, extra: Partial<ConstructorParameters<typeof Leases>[0]> = {}) {
  const c = counted();
  const held = new Set<string>();
  const l = new Leases({
    client: c.client,
    owner,
    ttlMs,
    max: 1000,
    wanted: () => DEVICES,
    log: () => undefined,
    gained: (k) => void held.add(k),
    lost: (k) => void held.delete(k),
    ...extra,
  });
  made.push(l);
  for (const key of DEVICES) l.want(key);
  return { leases: l, held, ...c };
}

describe.skipIf(SKIP)('Ping leases on Redis', () => {
  it('a process that finds every lease held asks about each device about once per lease time, not at every tick', async () => {
    await real.flushAll();
    const ttlMs = 600;
    const a = leases('a', ttlMs);
    await expect.poll(() => a.held.size).toBe(DEVICES.length);
    const b = leases('b', ttlMs);
    const periods = 6;
    await new Promise((r) => setTimeout(r, ttlMs * periods));
    expect(b.held.size).toBe(0);
    // A tick is a sixth of the lease time: asking at every tick would be 6 asks per device and period.
    expect(b.commands()).toBeGreaterThanOrEqual(DEVICES.length);
    expect(b.commands()).toBeLessThan(DEVICES.length * (periods + 2) * 2);
    await a.leases.close();
    await b.leases.close();
  });

  it('takes over every Ping when the holder stops renewing, within the lease time and a tick', async () => {
    await real.flushAll();
    const ttlMs = 600;
    const a = leases('a', ttlMs);
    await expect.poll(() => a.held.size).toBe(DEVICES.length);
    const b = leases('b', ttlMs);
    await new Promise((r) => setTimeout(r, ttlMs));
    a.die();
    await expect.poll(() => b.held.size, { timeout: 10_000 }).toBe(DEVICES.length);
    expect(a.held.size).toBe(0);
    expect(DEVICES.filter((k) => a.leases.has(k))).toEqual([]);
  });

  it('a holder that cannot renew lets each Ping go before its lease runs out in Redis, when another could take it', async () => {
    await real.flushAll();
    const ttlMs = 3000; // a tick every 500 ms
    const lostAt = new Map<string, number>();
    const a = leases('a', ttlMs, { lost: (k) => void lostAt.set(k, Date.now()) });
    await expect.poll(() => a.held.size).toBe(DEVICES.length);
    await new Promise((r) => setTimeout(r, ttlMs / 2));
    a.die();
    const runsOut = await lastExpiry(DEVICES.map((k) => `${PREFIX}lease:${k}`));
    expect(DEVICES.filter((k) => !((lostAt.get(k) ?? Infinity) <= (runsOut.get(`${PREFIX}lease:${k}`) ?? 0)))).toEqual([]);
  });

  it('takes over at its next tick, long before the lease time, when the holder gives the leases back', async () => {
    await real.flushAll();
    const ttlMs = 20_000; // a tick every 3.3 s; the leases would run out only after 20 s
    const freedTo: Leases[] = [];
    const a = leases('a', ttlMs, { freed: (k) => freedTo.forEach((l) => l.freedElsewhere(k)) });
    await expect.poll(() => a.held.size).toBe(DEVICES.length);
    const b = leases('b', ttlMs);
    freedTo.push(b.leases);
    await expect.poll(() => b.commands()).toBeGreaterThanOrEqual(DEVICES.length); // b found them held
    const closed = Date.now();
    await a.leases.close();
    await expect.poll(() => b.held.size, { timeout: 15_000 }).toBe(DEVICES.length);
    expect(Date.now() - closed).toBeLessThan(ttlMs);
    await b.leases.close();
  }, 30_000);
});
