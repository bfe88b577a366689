/**
 * The page <-> worker protocol in Node: the page's client (engine-sw-adapter.ts) talks
 * to the worker's host (host.ts) over real MessageChannels and a BroadcastChannel,
 * with the real engine on the demo server, and with fakes where a worker restart or a
 * follow-up push is the point.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomId, type Store } from '../../src/store/db.ts';
import type { Engine } from '../../src/sync/engine.ts';
import { createDemo } from '../../src/sw/demo.ts';
import { DEMO_ACCOUNT } from '../../src/sw/demo-host.ts';
import { createHost, touched, type Host } from '../../src/sw/host.ts';
import { CHANNEL, type Broadcast } from '../../src/sw/protocol.ts';
import type { Hosted } from '../../src/sw/steps.ts';
import { createInPageClient } from '../../src/ui/engine-adapter.ts';
import { SetupError, type EngineClient, type EngineEvent, type SetupStep } from '../../src/ui/engine-client.ts';
import { WorkerRestarted, createSwClient } from '../../src/ui/engine-sw-adapter.ts';
import { journaledStore } from '../sync/support.ts';

const channels: BroadcastChannel[] = [];
function broadcaster(): (m: Broadcast) => void {
  const c = new BroadcastChannel(CHANNEL);
  channels.push(c);
  return (m) => c.postMessage(m);
}

/** A ServiceWorker stand-in: messages go to whatever host is current (a restart swaps it). */
function fakeWorker(current: () => Host): () => Promise<ServiceWorker> {
  const worker = {
    postMessage(message: unknown, transfer: Transferable[]) {
      void current().handle(structuredClone(message), transfer[0] as MessagePort);
    },
  };
  return async () => worker as unknown as ServiceWorker;
}

function hostFor(open: () => Promise<Hosted>, extra: { requested?: string[] } = {}): Host {
  return createHost({
    open,
    broadcast: broadcaster(),
    online: () => true,
    requestBackgroundSync: async () => void extra.requested?.push('outbox'),
  });
}

async function realHosted(store: Store, demo = createDemo({ dbName: randomId() })): Promise<Hosted> {
  let engine: Engine | undefined;
  const client = createInPageClient({ store, transport: (r) => demo.handle(r), onEngine: (e) => (engine = e) });
  if (!engine) throw new Error('no engine');
  return { client, engine, store };
}

beforeAll(() => {
  vi.stubGlobal('navigator', { onLine: true });
  vi.stubGlobal('addEventListener', () => undefined);
});

afterAll(() => {
  for (const c of channels) c.close();
  vi.unstubAllGlobals();
});

describe('engine in the worker, screens in the page', () => {
  it('sets up the demo account with its steps, syncs, and relays events to the page', async () => {
    const { store } = await journaledStore();
    const demo = createDemo({ dbName: randomId() });
    const host = hostFor(() => realHosted(store, demo));
    const client = createSwClient(fakeWorker(() => host));
    const events: EngineEvent[] = [];
    client.subscribe((e) => events.push(e));

    const found = await client.discover(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
    expect(found?.url).toBe('https://example.test/Microsoft-Server-ActiveSync');
    const steps: SetupStep[] = [];
    const account = await client.addAccount(
      { ...DEMO_ACCOUNT, server: found?.url ?? '', ssl: true, user: 'alice', domain: 'example.test', classes: { Email: true, Calendar: true, Contacts: true, Tasks: true } },
      (s) => steps.push(s),
    );
    expect(steps).toContain('options');
    expect(account.email).toBe(DEMO_ACCOUNT.email);
    await client.syncNow(account.id);
    await vi.waitFor(() => expect(events.some((e) => e.type === 'sync' && e.phase === 'end')).toBe(true));
    expect(events.some((e) => e.type === 'changed' && e.stores.includes('items'))).toBe(true);
    expect(events.some((e) => e.type === 'trace')).toBe(true);
    expect(client.status().syncing).toEqual([]);
    expect(await store.db.count('items')).toBeGreaterThan(200);

    // A tick holds one Ping (push is the default); new mail on the server ends it.
    const before = await store.db.count('items');
    const tick = client.step('tick');
    await new Promise((r) => setTimeout(r, 300));
    await demo.act('new-mail', 'alice');
    expect((await tick).nextInMs).toBe(0);
    expect(await store.db.count('items')).toBe(before + 1);

    await client.updateAccount(account.id, { push: 'interval', intervalMinutes: 15 });
    expect((await client.step('tick')).nextInMs).toBe(60_000);
  });

  it('turns setup failures back into SetupError with their kind', async () => {
    const { store } = await journaledStore();
    const host = hostFor(() => realHosted(store));
    const client = createSwClient(fakeWorker(() => host));
    const bad = client.addAccount(
      { email: DEMO_ACCOUNT.email, password: 'wrong', server: 'https://example.test', ssl: true, user: 'alice', domain: 'example.test', classes: { Email: true, Calendar: false, Contacts: false, Tasks: false } },
    );
    await expect(bad).rejects.toBeInstanceOf(SetupError);
    await expect(bad).rejects.toMatchObject({ kind: 'auth' });
  });

  it('notices a restarted worker: a repeatable call is sent again, an edit fails', async () => {
    const calls: string[] = [];
    let hanging = true;
    const fake = (name: string): Hosted => ({
      client: new Proxy({}, { get: (_t, m: string) => (m === 'subscribe' ? () => () => undefined : async () => {
        calls.push(`${name}.${m}`);
        if (hanging) await new Promise(() => undefined); // stopped mid-call: never answers
        return 'result';
      }) }) as unknown as EngineClient,
      engine: { accounts: async () => [], flushOutbox: async () => ({ ok: true, folderErrors: [] }) } as unknown as Hosted['engine'],
      store: {} as Store,
    });
    let host = hostFor(async () => fake('first'));
    const client = createSwClient(fakeWorker(() => host));
    const search = client.searchGal('acct', 'bob');
    await vi.waitFor(() => expect(calls).toEqual(['first.searchGal']));
    hanging = false;
    host = hostFor(async () => fake('second')); // the browser stopped the worker and started a new one
    await expect(search).resolves.toBe('result');
    expect(calls).toEqual(['first.searchGal', 'second.searchGal']);

    hanging = true;
    const edit = client.markRead([{ accountId: 'a', folderId: 'f', serverId: 's' }], true);
    await vi.waitFor(() => expect(calls.at(-1)).toBe('second.markRead'));
    host = hostFor(async () => fake('third'));
    await expect(edit).rejects.toBeInstanceOf(WorkerRestarted);
    expect(calls.filter((c) => c.endsWith('markRead'))).toHaveLength(1);
  }, 20_000);

  it('pushes an edit at once, asks for Background Sync after a send, and keeps it while mail waits', async () => {
    const pushed: [string, string[]][] = [];
    const requested: string[] = [];
    const hosted: Hosted = {
      client: { markRead: async () => undefined, moveItems: async () => undefined, sendMail: async () => undefined, subscribe: () => () => undefined } as unknown as EngineClient,
      engine: {
        syncFolders: async (a: string, f: string[]) => void pushed.push([a, f]),
        accounts: async () => [],
        flushOutbox: async () => ({ ok: false, folderErrors: [] }),
      } as unknown as Hosted['engine'],
      store: { db: { getAll: async () => [{ kind: 'send', payload: { state: 'queued' } }, { kind: 'send', payload: { state: 'failed' } }] } } as unknown as Store,
    };
    const host = hostFor(async () => hosted, { requested });
    const client = createSwClient(fakeWorker(() => host));
    await client.markRead([{ accountId: 'a', folderId: 'inbox', serverId: '1' }], true);
    await vi.waitFor(() => expect(pushed).toEqual([['a', ['inbox']]]));
    await client.moveItems([{ accountId: 'a', folderId: 'inbox', serverId: '1' }], 'archive');
    await vi.waitFor(() => expect(pushed.at(-1)).toEqual(['a', ['inbox', 'archive']]));
    await client.sendMail({ accountId: 'a', to: [], cc: [], bcc: [], subject: 's', text: 't', attachments: [] });
    await vi.waitFor(() => expect(requested).toEqual(['outbox']));
    await expect(host.backgroundSync()).rejects.toThrow(/outbox/);
  });

  it('finds the folders an edit touched', () => {
    expect(touched('createItem', ['a', 'cal'])).toEqual(new Map([['a', new Set(['cal'])]]));
    expect(touched('setFlag', [{ accountId: 'a', folderId: 'f', serverId: '1' }, null])).toEqual(new Map([['a', new Set(['f'])]]));
    expect(touched('deleteItems', [[{ accountId: 'a', folderId: 'f', serverId: '1' }, { accountId: 'b', folderId: 'g', serverId: '2' }]])).toEqual(
      new Map([['a', new Set(['f'])], ['b', new Set(['g'])]]),
    );
  });
});
