/**
 * The page's side of push to a closed app (src/ui/status/push.ts), against a fake proxy and a fake
 * PushManager: when it subscribes, what reaches /proxy/push, what the worker's schedule learns,
 * and what the settings say where push cannot work.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { readRelays, relayedAccounts } from '../../../src/runtime/push.ts';
import type { AccountRecord } from '../../../src/store/schema.ts';
import { pushForget, pushOff, pushOn, type PushEnv } from '../../../src/ui/status/push.ts';

const ORIGIN = 'https://mail.example.test';
const KEY = Buffer.from([4, 1, 2, 3, 4, 5, 6, 7]).toString('base64url');
const NEW_KEY = Buffer.from([4, 9, 10, 11, 12, 13, 14, 15]).toString('base64url');
const account = (id: string, deviceId: string, url = `${ORIGIN}/Microsoft-Server-ActiveSync`) =>
  ({ id, deviceId, url, email: `${id}@example.test` }) as AccountRecord;

interface Sent {
  method: string;
  deviceId: string;
  endpoint?: string;
}

const bytes = (s: string) => Uint8Array.from(Buffer.from(s, 'base64url')).buffer;

function fakes(o: { push?: boolean; answer?: number; pushManager?: boolean; permission?: NotificationPermission } = {}) {
  const sent: Sent[] = [];
  const subscribed: { userVisibleOnly?: boolean; applicationServerKey?: unknown }[] = [];
  let key = KEY;
  let sub: PushSubscription | null = null;
  let n = 0;
  const makeSub = (k: string): PushSubscription => {
    const endpoint = `https://push.test/${++n}`;
    const s = {
      endpoint,
      options: { applicationServerKey: bytes(k), userVisibleOnly: true },
      toJSON: () => ({ endpoint, keys: { p256dh: 'p', auth: 'a' } }),
      unsubscribe: async () => ((sub = null), true),
    };
    return s as unknown as PushSubscription;
  };
  const registration = {
    pushManager:
      o.pushManager === false
        ? undefined
        : {
            getSubscription: async () => sub,
            subscribe: async (opts: PushSubscriptionOptionsInit) => (
              subscribed.push(opts), (sub = makeSub(String(opts.applicationServerKey)))
            ),
          },
  } as unknown as ServiceWorkerRegistration;
  const env: PushEnv = {
    origin: ORIGIN,
    permission: () => o.permission ?? 'granted',
    registration: async () => registration,
    fetch: async (input, init) => {
      if (input === '/proxy/config') {
        return Response.json({ vault: true, ...(o.push === false ? {} : { push: { vapidPublicKey: key } }) });
      }
      const body = JSON.parse(String(init?.body)) as { deviceId: string; subscription: { endpoint?: string } };
      sent.push({ method: init?.method ?? 'GET', deviceId: body.deviceId, endpoint: body.subscription.endpoint });
      if (init?.method === 'DELETE') return new Response(null, { status: 204 });
      const status = o.answer ?? 201;
      return status < 300
        ? Response.json({ deviceId: body.deviceId, holdsPing: true, state: 'watching', folders: [] }, { status })
        : Response.json({ error: 'no' }, { status });
    },
  };
  return { env, sent, subscribed, setKey: (k: string) => (key = k), current: () => sub };
}

beforeEach(async () => {
  await pushOff(fakes().env);
});

describe('the notification switch and the proxy’s push', () => {
  it('subscribes with userVisibleOnly and the proxy’s key, registers each account behind the proxy with its DeviceId, and the schedule leaves their Ping', async () => {
    const f = fakes();
    const accounts = [
      account('a', 'DevA'),
      account('b', 'DevB'),
      account('c', 'DevC', 'https://other.example/Microsoft-Server-ActiveSync'),
    ];
    expect(await pushOn(accounts, f.env)).toBe('on');
    expect(f.subscribed).toEqual([{ userVisibleOnly: true, applicationServerKey: KEY }]);
    expect(f.sent).toEqual([
      { method: 'POST', deviceId: 'DevA', endpoint: 'https://push.test/1' },
      { method: 'POST', deviceId: 'DevB', endpoint: 'https://push.test/1' },
    ]);
    expect([...(await relayedAccounts())].sort()).toEqual(['a', 'b']);
  });

  it('on the next opening registers the same subscription again; a new key replaces it; a removed account’s registration goes', async () => {
    const f = fakes();
    await pushOn([account('a', 'DevA'), account('b', 'DevB')], f.env);
    f.sent.length = 0;
    expect(await pushOn([account('a', 'DevA'), account('b', 'DevB')], f.env)).toBe('on');
    expect(f.subscribed).toHaveLength(1);
    expect(f.sent.map((s) => `${s.method} ${s.deviceId} ${s.endpoint}`)).toEqual([
      'POST DevA https://push.test/1',
      'POST DevB https://push.test/1',
    ]);

    f.sent.length = 0;
    f.setKey(NEW_KEY);
    await pushOn([account('a', 'DevA')], f.env);
    expect(f.subscribed.at(-1)).toEqual({ userVisibleOnly: true, applicationServerKey: NEW_KEY });
    expect(f.sent.map((s) => `${s.method} ${s.deviceId} ${s.endpoint}`)).toEqual([
      'DELETE DevB https://push.test/1',
      'POST DevA https://push.test/2',
    ]);
    expect((await readRelays()).map((r) => [r.accountId, r.endpoint])).toEqual([['a', 'https://push.test/2']]);

    f.sent.length = 0;
    await pushForget(account('a', 'DevA'), f.env);
    expect(f.sent.map((s) => `${s.method} ${s.deviceId}`)).toEqual(['DELETE DevA']);
    expect(await readRelays()).toEqual([]);
  });

  it('switching off removes every registration and ends the subscription', async () => {
    const f = fakes();
    await pushOn([account('a', 'DevA')], f.env);
    f.sent.length = 0;
    await pushOff(f.env);
    expect(f.sent.map((s) => `${s.method} ${s.deviceId}`)).toEqual(['DELETE DevA']);
    expect(f.current()).toBeNull();
    expect(await relayedAccounts()).toEqual(new Set());
  });

  it('says why push cannot work, and registers nothing: no push at the server, no PushManager, notifications blocked', async () => {
    for (const [o, said] of [
      [{ push: false }, 'no-server'],
      [{ pushManager: false }, 'no-browser'],
      [{ permission: 'denied' as const }, 'denied'],
    ] as const) {
      const f = fakes(o);
      expect(await pushOn([account('a', 'DevA')], f.env)).toBe(said);
      expect([f.sent, f.subscribed]).toEqual([[], []]);
    }
    // An account on another server than the app's own: the proxy cannot watch it.
    expect(await pushOn([account('c', 'DevC', 'https://other.example/x')], fakes().env)).toBe('no-server');
  });

  it('a proxy that no longer offers push hands the Ping back to the tabs', async () => {
    await pushOn([account('a', 'DevA')], fakes().env);
    expect(await relayedAccounts()).toEqual(new Set(['a']));
    expect(await pushOn([account('a', 'DevA')], fakes({ push: false }).env)).toBe('no-server');
    expect(await relayedAccounts()).toEqual(new Set());
  });

  it('a refused registration (the session ended) leaves the Ping to the app', async () => {
    const f = fakes({ answer: 401 });
    expect(await pushOn([account('a', 'DevA')], f.env)).toBe('failed');
    expect(await relayedAccounts()).toEqual(new Set());
  });
});
