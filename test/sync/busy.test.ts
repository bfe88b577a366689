/**
 * A 503 whose Retry-After is longer than a request waits by itself (120 s): the sync
 * reports `busy`, the account says until when, and neither the sync nor the Ping loop
 * calls the server again before then.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/sync/primitives.ts';
import { alice, engineFor, journaledStore, mockServer, NOW } from './support.ts';

const RETRY_AFTER_S = 600;

/** A clock whose sleeps end only when cancelled: a Ping's timeout never fires by itself. */
function frozenClock(): Clock {
  let t = NOW;
  return {
    now: () => (t += 1),
    sleep: (_ms, signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
  };
}

async function busyServer(clock?: Clock) {
  const server = mockServer({ data: { mails: 5, contacts: 2, events: 2, tasks: 1, notes: 0, gal: 0 } });
  const requests: string[] = [];
  const net = { pingBusy: false };
  const { store } = await journaledStore();
  const h = engineFor(
    store,
    async (r) => {
      const cmd = r.method === 'OPTIONS' ? 'OPTIONS' : (new URL(r.url).searchParams.get('Cmd') ?? '?');
      requests.push(cmd);
      if (cmd === 'Ping' && net.pingBusy) return new Response(null, { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_S) } });
      return server.handle(r);
    },
    clock ? { clock } : {},
  );
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  server.control.faults.set({ unavailable: 1000, retryAfter: RETRY_AFTER_S });
  requests.length = 0;
  h.clock.slept.length = 0;
  h.events.length = 0;
  return { server, store, requests, net, ...h, account };
}

describe('503 with a long Retry-After', () => {
  it('the sync reports busy at once; the account shows when it will try again; no request before that time', async () => {
    const { server, store, requests, engine, account, clock, events } = await busyServer();
    const started = clock.now();
    const report = await engine.syncAccount(account.id);
    expect(report).toMatchObject({ ok: false, error: { kind: 'busy' } });
    expect(requests).toHaveLength(1);
    expect(clock.slept).toEqual([]); // not waited out inside the request
    const retryAt = report.retryAt!;
    expect(retryAt - started).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
    expect(retryAt - started).toBeLessThan(RETRY_AFTER_S * 1000 + 1000);
    const stored = await store.db.get('accounts', account.id);
    expect(stored?.busyUntil).toBe(retryAt);
    expect(stored?.state).toEqual({ kind: 'busy', until: retryAt });
    expect(events.some((e) => e.type === 'account' && e.state.kind === 'busy' && e.state.until === retryAt)).toBe(true);

    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: false, error: { kind: 'busy' }, retryAt });
    expect(await engine.flushOutbox(account.id)).toMatchObject({ ok: false, error: { kind: 'busy' } });
    expect(requests).toHaveLength(1);

    server.control.faults.set({ unavailable: 0 });
    await clock.sleep(retryAt - clock.now() + 1);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const after = await store.db.get('accounts', account.id);
    expect(after?.state).toEqual({ kind: 'ok' });
    expect(after?.busyUntil).toBeUndefined();
  });

  it('the Ping loop waits the Retry-After instead of coming back after a few seconds', async () => {
    const { requests, engine, account, clock } = await busyServer();
    const first = await engine.pushStep(account.id, { random: () => 0 });
    expect(first.kind).toBe('wait');
    expect(first.kind === 'wait' && first.ms).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 1000);
    expect(requests).toHaveLength(1);
    await clock.sleep(60_000);
    const second = await engine.pushStep(account.id, { random: () => 0 });
    expect(second.kind === 'wait' && second.ms).toBeGreaterThan((RETRY_AFTER_S - 61) * 1000);
    expect(requests).toHaveLength(1);
  });

  it('a Ping answered 503 with a long Retry-After: the loop waits it and the account shows it', async () => {
    const { server, store, requests, net, engine, account } = await busyServer(frozenClock());
    server.control.faults.set({ unavailable: 0 });
    net.pingBusy = true;
    const step = await engine.pushStep(account.id, { random: () => 0 });
    expect(requests.at(-1)).toBe('Ping');
    expect(step).toMatchObject({ kind: 'wait' });
    expect(step.kind === 'wait' && step.ms).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 1000);
    const stored = await store.db.get('accounts', account.id);
    expect(stored?.busyUntil).toBeGreaterThan(0);
    expect(stored?.state).toEqual({ kind: 'busy', until: stored?.busyUntil });
  });
});
