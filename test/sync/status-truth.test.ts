/**
 * What the account record says while the server is busy or out of reach (issue #12
 * item 5): a 503 waited out inside a request shows as `busy` until the next try, and
 * goes back to ok when the server answers; a server that cannot be reached (connection
 * refused, a gateway's 502) leaves `lastFailure` with its kind, next to the last good
 * sync, until a sync or a Ping gets through again.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { AccountState } from '../../src/store/schema.ts';
import { alice, engineFor, journaledStore, mockServer } from './support.ts';

async function setUp() {
  const server = mockServer({ data: { mails: 3, contacts: 1, events: 1, tasks: 1, notes: 0, gal: 0 } });
  const net = { down: false, gateway: false };
  const { store } = await journaledStore();
  const h = engineFor(
    store,
    async (r) => {
      if (net.down)
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
        });
      if (net.gateway) return new Response('Bad Gateway', { status: 502 });
      return server.handle(r);
    },
    { backoffMs: 10 },
  );
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  h.events.length = 0;
  return { server, net, store, ...h, account };
}

describe('the account record tells the truth', () => {
  it('a 503 with a short Retry-After: busy until the next try while the request waits, ok once it gets through', async () => {
    const { server, store, engine, account, clock, events } = await setUp();
    server.control.faults.set({ unavailable: 1, retryAfter: 30 });
    const seen: AccountState[] = [];
    const sleep = clock.sleep;
    clock.sleep = async (ms, signal) => {
      seen.push((await store.db.get('accounts', account.id))?.state ?? { kind: 'ok' });
      return sleep(ms, signal);
    };
    const before = clock.now();
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.kind).toBe('busy');
    const until = seen[0]?.kind === 'busy' ? seen[0].until : 0;
    expect(until - before).toBeGreaterThanOrEqual(30_000);
    expect(until - before).toBeLessThan(31_000);
    expect(events.filter((e) => e.type === 'account').map((e) => e.type === 'account' && e.state.kind)).toEqual(['busy', 'ok']);
    expect((await store.db.get('accounts', account.id))?.state).toEqual({ kind: 'ok' });
  });

  it.each([
    ['connection refused', 'down'],
    ['a gateway answering 502', 'gateway'],
  ] as const)('%s: lastFailure unreachable, lastSyncAt kept; a good sync clears it', async (_name, how) => {
    const { net, store, engine, account } = await setUp();
    const lastSyncAt = (await store.db.get('accounts', account.id))?.lastSyncAt;
    expect(lastSyncAt).toBeDefined();
    net[how] = true;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    const failed = await store.db.get('accounts', account.id);
    expect(failed?.lastFailure?.kind).toBe('unreachable');
    expect(failed?.lastSyncAt).toBe(lastSyncAt);
    expect(failed?.state).toEqual({ kind: 'ok' });
    net[how] = false;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect((await store.db.get('accounts', account.id))?.lastFailure).toBeUndefined();
  });

  it('a Ping that cannot get through says so too, and one that does clears it', async () => {
    const { net, store, engine, account } = await setUp();
    net.down = true;
    await engine.pushStep(account.id, { random: () => 0 });
    expect((await store.db.get('accounts', account.id))?.lastFailure?.kind).toBe('unreachable');
    net.down = false;
    await engine.wakePush(account.id);
    await engine.pushStep(account.id, { random: () => 0 });
    expect((await store.db.get('accounts', account.id))?.lastFailure).toBeUndefined();
  });
});
