/**
 * A Web Push from the proxy's relay, in the worker: the payload read, the account and folders it
 * names synced with the real engine on the demo server, the new-mail notification shown (or a
 * silent "No new mail"), tabs told; and the schedule leaving a relayed account's Ping to the relay.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDemo } from '../../src/demo/demo.ts';
import { DEMO_ACCOUNT } from '../../src/demo/demo-host.ts';
import { openEngine, type Hosted } from '../../src/runtime/engine-adapter.ts';
import type { EngineClient } from '../../src/runtime/engine-client.ts';
import { createHost } from '../../src/runtime/host.ts';
import { writePrefs, type Notice } from '../../src/runtime/new-mail.ts';
import type { Broadcast } from '../../src/runtime/protocol.ts';
import {
  forgetRelay,
  parsePushMessage,
  pushTargets,
  quietNotice,
  readRelays,
  registerDevice,
  relayedAccounts,
  reregisterAll,
  writeRelay,
} from '../../src/runtime/push.ts';
import { Scheduler } from '../../src/runtime/schedule.ts';
import { createSwClient } from '../../src/runtime/sw-client.ts';
import { randomId } from '../../src/store/db.ts';
import type { AccountRecord } from '../../src/store/schema.ts';
import { journaledStore } from '../sync/support.ts';

const account = (id: string, deviceId: string, extra: Partial<AccountRecord> = {}): AccountRecord =>
  ({ id, deviceId, email: `${id}@example.test`, push: 'push', intervalMinutes: 15, state: { kind: 'idle' }, ...extra }) as AccountRecord;

describe('the payload', () => {
  it('reads the relay’s message and refuses anything else', () => {
    expect(parsePushMessage('{"folders":["5"],"user":"alice","deviceId":"D1"}')).toEqual({
      folders: ['5'],
      deviceId: 'D1',
      hierarchyChanged: false,
    });
    expect(parsePushMessage('{"folders":[],"hierarchyChanged":true,"deviceId":"D1"}')).toEqual({
      folders: [],
      deviceId: 'D1',
      hierarchyChanged: true,
    });
    expect(parsePushMessage('not json')).toBeUndefined();
    expect(parsePushMessage('{"folders":[5]}')).toBeUndefined();
    expect(parsePushMessage('null')).toBeUndefined();
    expect(parsePushMessage(undefined)).toBeUndefined();
  });

  it('syncs the account the DeviceId names; an unreadable push syncs the registered accounts, or all', () => {
    const accounts = [account('a', 'D1'), account('b', 'D2')];
    const relay = { accountId: 'b', deviceId: 'D2', endpoint: 'https://push.test/1', holdsPing: true };
    expect(pushTargets({ folders: ['5'], deviceId: 'D2', hierarchyChanged: false }, accounts, [])).toEqual([
      { accountId: 'b', folders: ['5'] },
    ]);
    expect(pushTargets({ folders: [], deviceId: 'D1', hierarchyChanged: true }, accounts, [])).toEqual([{ accountId: 'a', folders: [] }]);
    expect(pushTargets(undefined, accounts, [relay])).toEqual([{ accountId: 'b', folders: [] }]);
    expect(pushTargets({ folders: ['5'], deviceId: 'gone', hierarchyChanged: false }, accounts, [])).toEqual([
      { accountId: 'a', folders: [] },
      { accountId: 'b', folders: [] },
    ]);
  });

  it('words the quiet notification in English and Japanese, silent, one at a time', () => {
    const accounts = [account('a', 'D1', { displayName: 'Alice' })];
    expect(quietNotice(accounts, 'en')).toEqual({ title: 'No new mail', body: 'Alice', tag: 'push-quiet', hash: '#/mail', silent: true });
    expect(quietNotice(accounts, 'ja').title).toBe('新着メールはありません');
    expect(quietNotice([], 'en', true)).toEqual({
      title: 'New mail could not be fetched',
      body: '',
      tag: 'push-quiet',
      hash: '#/mail',
      silent: true,
    });
  });
});

describe('a push in the worker’s host, on the demo server', () => {
  beforeAll(() => {
    vi.stubGlobal('navigator', { onLine: true });
    vi.stubGlobal('addEventListener', () => undefined);
  });
  afterAll(() => vi.unstubAllGlobals());

  it('syncs the folder named, shows the new mail and tells the tabs; says "No new mail" when nothing came; an unreadable push still syncs', async () => {
    const { store } = await journaledStore();
    const demo = createDemo({ dbName: randomId() });
    const shown: Notice[] = [];
    const told: Broadcast[] = [];
    const host = createHost({
      open: async ({ onSyncEvent }) => openEngine({ store, transport: (r) => demo.handle(r), onSyncEvent }),
      broadcast: (m) => void told.push(m),
      online: () => true,
      requestBackgroundSync: async () => undefined,
      showNotice: async (n) => void shown.push(n),
      permission: () => 'granted',
    });
    const worker = { postMessage: (m: unknown, t: Transferable[]) => void host.handle(structuredClone(m), t[0] as MessagePort) };
    const client = createSwClient(async () => worker as unknown as ServiceWorker);
    await writePrefs({ enabled: true, lang: 'en' });
    const a = await client.addAccount({
      ...DEMO_ACCOUNT,
      server: 'https://example.test',
      ssl: true,
      user: 'alice',
      domain: 'example.test',
      classes: { Email: true, Calendar: false, Contacts: false, Tasks: false },
    });
    await client.step('sync');
    const inbox = (await store.db.getAll('folders')).find((f) => f.accountId === a.id && f.type === 2);
    if (!inbox) throw new Error('no Inbox');
    const mails = async () => (await store.db.getAll('items')).filter((i) => i.folderId === inbox.serverId);
    const before = new Set((await mails()).map((i) => i.id));

    // Mail arrives on the server; nothing syncs until the push.
    await demo.act('new-mail');
    expect((await mails()).length).toBe(before.size);
    told.length = 0;
    await host.push(JSON.stringify({ folders: [inbox.serverId], user: 'alice', deviceId: a.deviceId }));
    const added = (await mails()).filter((i) => !before.has(i.id)).map((i) => (i.data as { subject?: string }).subject);
    expect(added).toHaveLength(1);
    expect(shown).toHaveLength(1);
    expect(shown[0]?.title).toMatch(/^New mail from \S/);
    expect(shown[0]?.body).toBe(added[0]);
    expect(shown[0]?.hash).toMatch(new RegExp(`^#/mail/${a.id}/${encodeURIComponent(inbox.serverId)}/`));
    expect(told.some((m) => m.kind === 'event' && m.event.type === 'newMail' && m.event.accountId === a.id)).toBe(true);
    expect(told.some((m) => m.kind === 'event' && m.event.type === 'changed' && m.event.stores.includes('items'))).toBe(true);

    // Nothing new (the mail was synced meanwhile): a silent summary, never no notification.
    await host.push(JSON.stringify({ folders: [inbox.serverId], user: 'alice', deviceId: a.deviceId }));
    expect(shown.slice(1)).toEqual([
      { title: 'No new mail', body: a.displayName ?? a.email, tag: 'push-quiet', hash: '#/mail', silent: true },
    ]);

    // A payload that cannot be read still syncs the account, and notifies in the user's language.
    await writePrefs({ enabled: true, lang: 'ja' });
    await demo.act('new-mail');
    await host.push('\u0000garbage');
    expect((await mails()).length).toBe(before.size + 2);
    expect(shown).toHaveLength(3);
    expect(shown[2]?.title).toMatch(/から新着メール$/);
  }, 60_000);
});

describe('a push whose sync cannot run', () => {
  it('still ends with a notification, saying the mail could not be fetched', async () => {
    const shown: Notice[] = [];
    const host = createHost({
      open: async () => Promise.reject(new Error('IndexedDB is gone')),
      broadcast: () => undefined,
      online: () => true,
      requestBackgroundSync: async () => undefined,
      showNotice: async (n) => void shown.push(n),
      permission: () => 'granted',
    });
    await writePrefs({ enabled: true, lang: 'en' });
    await host.push('{"folders":["1"],"deviceId":"D1"}');
    expect(shown.map((n) => [n.title, n.tag, n.silent])).toEqual([['New mail could not be fetched', 'push-quiet', true]]);
  });
});

describe('the schedule and the relay', () => {
  function fakeHosted(accounts: AccountRecord[], log: string[]): Hosted {
    return {
      client: { syncNow: async (id: string) => void log.push(`sync ${id}`) } as unknown as EngineClient,
      engine: {
        accounts: async () => accounts,
        pushStep: async (id: string) => (log.push(`ping ${id}`), { kind: 'wait', ms: 1000 }),
        wakePush: () => undefined,
      } as unknown as Hosted['engine'],
      store: { db: { get: async () => undefined } } as unknown as Hosted['store'],
      sendOutbox: async () => undefined,
    };
  }

  it('runs no Ping for an account whose Ping the relay holds, and still syncs it on open', async () => {
    const log: string[] = [];
    const accounts = [account('a', 'D1'), account('b', 'D2')];
    const scheduler = new Scheduler(fakeHosted(accounts, log), relayedAccounts);
    await writeRelay({ accountId: 'b', deviceId: 'D2', endpoint: 'https://push.test/1', holdsPing: true });
    await scheduler.run('sync');
    expect(log).toEqual(['sync a', 'sync b']);
    log.length = 0;
    await scheduler.run('tick');
    expect(log).toEqual(['ping a']);

    // The relay let go (registration removed, or it no longer holds the Ping): the tab Pings again.
    await writeRelay({ accountId: 'b', deviceId: 'D2', endpoint: 'https://push.test/1', holdsPing: false });
    log.length = 0;
    await scheduler.run('tick');
    expect(log).toEqual(['ping a', 'ping b']);
    await forgetRelay('b');
    expect(await readRelays()).toEqual([]);
  });

  it('starts the Ping right after the sync of an opened app, not a minute later; without a push account waits for the interval', async () => {
    const log: string[] = [];
    const pushing = new Scheduler(fakeHosted([account('a', 'D1')], log));
    expect((await pushing.run('sync')).nextInMs).toBe(0);
    const manual = new Scheduler(fakeHosted([account('a', 'D1', { push: 'manual' })], log));
    expect((await manual.run('sync')).nextInMs).toBe(60_000);
  });
});

describe('registering at the proxy', () => {
  it('a renewed subscription (pushsubscriptionchange) replaces the old one for every registered account', async () => {
    const posted: { method?: string; body: unknown }[] = [];
    const fetcher = async (_: string, init?: RequestInit) => {
      posted.push({ method: init?.method, body: JSON.parse(String(init?.body)) });
      return Response.json({ holdsPing: true }, { status: 200 });
    };
    await registerDevice(fetcher, 'a', 'D1', { endpoint: 'https://push.test/old', keys: { p256dh: 'p', auth: 'x' } });
    await registerDevice(fetcher, 'b', 'D2', { endpoint: 'https://push.test/old', keys: { p256dh: 'p', auth: 'x' } });
    posted.length = 0;
    const renewed = { endpoint: 'https://push.test/new', keys: { p256dh: 'q', auth: 'y' } };
    await reregisterAll(fetcher, renewed);
    expect(posted).toEqual([
      { method: 'POST', body: { deviceId: 'D1', subscription: renewed } },
      { method: 'POST', body: { deviceId: 'D2', subscription: renewed } },
    ]);
    expect((await readRelays()).map((r) => [r.accountId, r.endpoint, r.holdsPing])).toEqual([
      ['a', 'https://push.test/new', true],
      ['b', 'https://push.test/new', true],
    ]);

    // The proxy unreachable: the record goes, and the tab Pings again.
    await registerDevice(async () => Promise.reject(new TypeError('offline')), 'a', 'D1', renewed);
    expect(await relayedAccounts()).toEqual(new Set(['b']));
    await forgetRelay('b');
  });
});
