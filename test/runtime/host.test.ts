/**
 * The page <-> worker protocol in Node: the page's client (sw-client.ts) talks
 * to the worker's host (host.ts) over real MessageChannels and a BroadcastChannel,
 * with the real engine on the demo server, and with fakes where a worker restart or a
 * follow-up push is the point.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomId, type Store } from '../../src/store/db.ts';
import type { PendingRecord } from '../../src/store/schema.ts';
import { createDemo } from '../../src/demo/demo.ts';
import { DEMO_ACCOUNT } from '../../src/demo/demo-host.ts';
import { createHost, touched, type Host } from '../../src/runtime/host.ts';
import { CHANNEL, type Broadcast } from '../../src/runtime/protocol.ts';
import type { Hosted } from '../../src/runtime/engine-adapter.ts';
import { openEngine } from '../../src/runtime/engine-adapter.ts';
import { SetupError, type EngineClient, type EngineEvent, type SetupStep } from '../../src/runtime/engine-client.ts';
import { WorkerRestarted, createSwClient } from '../../src/runtime/sw-client.ts';
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
  return openEngine({ store, transport: (r) => demo.handle(r) });
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
      {
        ...DEMO_ACCOUNT,
        server: found?.url ?? '',
        ssl: true,
        user: 'alice',
        domain: 'example.test',
        classes: { Email: true, Calendar: true, Contacts: true, Tasks: true },
      },
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

  it('sends a mail once, right after the call, shown as a sync of its account', async () => {
    const { store } = await journaledStore();
    const demo = createDemo({ dbName: randomId() });
    const host = hostFor(() => realHosted(store, demo));
    const client = createSwClient(fakeWorker(() => host));
    const account = await client.addAccount({
      ...DEMO_ACCOUNT,
      server: 'https://example.test/Microsoft-Server-ActiveSync',
      ssl: true,
      user: 'alice',
      domain: 'example.test',
      classes: { Email: true, Calendar: false, Contacts: false, Tasks: false },
    });
    const events: EngineEvent[] = [];
    client.subscribe((e) => events.push(e));

    await client.sendMail({
      accountId: account.id,
      to: [{ email: 'bob@example.test' }],
      cc: [],
      bcc: [],
      subject: 'Figures for the host test',
      text: 'Noon at the usual place.',
      attachments: [],
    });
    const bobInbox = async () =>
      (
        (await (await demo.handle(new Request('https://example.test/__demo/mailbox?user=bob'))).json()) as {
          items: { subject?: string; from?: string }[];
        }
      ).items;
    await vi.waitFor(async () =>
      expect((await bobInbox()).filter((i) => i.subject === 'Figures for the host test')).toEqual([
        {
          subject: 'Figures for the host test',
          from: DEMO_ACCOUNT.email,
          to: ['bob@example.test'],
          id: expect.any(String),
          date: expect.any(Number),
          read: false,
          flagged: false,
        },
      ]),
    );
    await vi.waitFor(() =>
      expect(events.filter((e) => e.type === 'sync')).toEqual([
        { type: 'sync', accountId: account.id, phase: 'start' },
        { type: 'sync', accountId: account.id, phase: 'end' },
      ]),
    );
    expect(await store.db.getAll('pending')).toEqual([]);
  }, 20_000);

  it('turns setup failures back into SetupError with their kind', async () => {
    const { store } = await journaledStore();
    const host = hostFor(() => realHosted(store));
    const client = createSwClient(fakeWorker(() => host));
    const bad = client.addAccount({
      email: DEMO_ACCOUNT.email,
      password: 'wrong',
      server: 'https://example.test',
      ssl: true,
      user: 'alice',
      domain: 'example.test',
      classes: { Email: true, Calendar: false, Contacts: false, Tasks: false },
    });
    await expect(bad).rejects.toBeInstanceOf(SetupError);
    await expect(bad).rejects.toMatchObject({ kind: 'auth' });
  });

  it('notices a restarted worker: a repeatable call is sent again, an edit fails', async () => {
    const calls: string[] = [];
    let hanging = true;
    const fake = (name: string): Hosted => ({
      client: new Proxy(
        {},
        {
          get: (_t, m: string) =>
            m === 'subscribe'
              ? () => () => undefined
              : async () => {
                  calls.push(`${name}.${m}`);
                  if (hanging) await new Promise(() => undefined); // stopped mid-call: never answers
                  return 'result';
                },
        },
      ) as unknown as EngineClient,
      engine: { accounts: async () => [] } as unknown as Hosted['engine'],
      store: {} as Store,
      sendOutbox: async () => undefined,
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
    const edit = client.markRead([{ accountId: 'a', itemId: 's' }], true);
    await vi.waitFor(() => expect(calls.at(-1)).toBe('second.markRead'));
    host = hostFor(async () => fake('third'));
    await expect(edit).rejects.toBeInstanceOf(WorkerRestarted);
    expect(calls.filter((c) => c.endsWith('markRead'))).toHaveLength(1);
  }, 20_000);

  it('pushes an edit at once, asks for Background Sync and sends after a send, and keeps it while mail waits', async () => {
    const pushed: [string, string[]][] = [];
    const requested: string[] = [];
    const sent: (string | undefined)[] = [];
    const hosted: Hosted = {
      client: {
        markRead: async () => undefined,
        moveItems: async () => undefined,
        sendMail: async () => undefined,
        subscribe: () => () => undefined,
      } as unknown as EngineClient,
      engine: {
        syncFolders: async (a: string, f: string[]) => void pushed.push([a, f]),
        accounts: async () => [],
      } as unknown as Hosted['engine'],
      store: {
        db: {
          getAll: async () => [
            { kind: 'send', payload: { state: 'queued' } },
            { kind: 'send', payload: { state: 'failed' } },
            { accountId: 'a', kind: 'change', folderId: 'inbox', serverId: '1', itemId: 'i1' },
          ],
        },
      } as unknown as Store,
      sendOutbox: async (accountId) => void sent.push(accountId),
    };
    const host = hostFor(async () => hosted, { requested });
    const client = createSwClient(fakeWorker(() => host));
    await client.markRead([{ accountId: 'a', itemId: 'i1' }], true);
    await vi.waitFor(() => expect(pushed).toEqual([['a', ['inbox']]]));
    await client.moveItems([{ accountId: 'a', itemId: 'i1' }], 'archive');
    await vi.waitFor(() => expect(pushed.at(-1)).toEqual(['a', ['inbox', 'archive']]));
    await client.sendMail({ accountId: 'a', to: [], cc: [], bcc: [], subject: 's', text: 't', attachments: [] });
    await vi.waitFor(() => expect(requested).toEqual(['outbox']));
    await vi.waitFor(() => expect(sent).toEqual(['a']));
    await expect(host.backgroundSync()).rejects.toThrow(/outbox/);
    expect(sent).toEqual(['a', undefined]);
  });

  it('Background Sync also sends a 16.x draft sent offline (a Sync of its Drafts folder), and is kept while its Send waits', async () => {
    const pushed: [string, string[]][] = [];
    const draftSend = {
      accountId: 'a',
      kind: 'change',
      folderId: 'drafts',
      serverId: '3:1',
      itemId: 'd1',
      payload: { class: 'Draft', next: {}, send: true },
    };
    const net = { up: true };
    let queue: unknown[] = [draftSend];
    const hosted: Hosted = {
      client: { subscribe: () => () => undefined } as unknown as EngineClient,
      engine: {
        syncFolders: async (a: string, f: string[]) => {
          pushed.push([a, f]);
          if (net.up) queue = []; // the Send answered
        },
        accounts: async () => [],
      } as unknown as Hosted['engine'],
      store: { db: { getAll: async () => queue } } as unknown as Store,
      sendOutbox: async () => undefined,
    };
    const host = hostFor(async () => hosted);
    await host.backgroundSync();
    expect(pushed).toEqual([['a', ['drafts']]]);
    net.up = false;
    queue = [draftSend];
    await expect(host.backgroundSync()).rejects.toThrow(/outbox/);
    expect(pushed).toEqual([
      ['a', ['drafts']],
      ['a', ['drafts']],
    ]);
  });

  it('finds the folders an edit touched: those of the queued edits of the items it names', () => {
    const queue: PendingRecord[] = [
      {
        id: 1,
        accountId: 'a',
        kind: 'change',
        folderId: 'f',
        serverId: '1',
        itemId: 'x',
        payload: { class: 'Email', change: {} },
        createdAt: 0,
        attempts: 0,
      },
      {
        id: 2,
        accountId: 'b',
        kind: 'delete',
        folderId: 'g',
        serverId: '2',
        itemId: 'y',
        payload: { class: 'Email' },
        createdAt: 0,
        attempts: 0,
      },
      {
        id: 3,
        accountId: 'b',
        kind: 'change',
        folderId: 'h',
        serverId: '3',
        itemId: 'z',
        payload: { class: 'Email', change: {} },
        createdAt: 0,
        attempts: 0,
      },
    ];
    expect(touched('createItem', ['a', 'cal'], queue)).toEqual(new Map([['a', new Set(['cal'])]]));
    expect(touched('setFlag', [{ accountId: 'a', itemId: 'x' }, null], queue)).toEqual(new Map([['a', new Set(['f'])]]));
    expect(
      touched(
        'deleteItems',
        [
          [
            { accountId: 'a', itemId: 'x' },
            { accountId: 'b', itemId: 'y' },
          ],
        ],
        queue,
      ),
    ).toEqual(
      new Map([
        ['a', new Set(['f'])],
        ['b', new Set(['g'])],
      ]),
    );
  });

  it("finds the Drafts folder a draft call touched at 16.x: the draft's id names its item; a draft kept only here touches none", () => {
    const queue: PendingRecord[] = [
      {
        id: 1,
        accountId: 'a',
        kind: 'add',
        folderId: 'drafts',
        serverId: 'local:d1',
        itemId: 'd1',
        clientId: 'd1',
        payload: { class: 'Email', data: {} },
        createdAt: 0,
        attempts: 0,
      },
    ];
    const draft = {
      id: 'd1',
      accountId: 'a',
      mode: 'new',
      to: '',
      cc: '',
      bcc: '',
      subject: 'Plan',
      text: '',
      attachments: [],
      savedAt: 0,
    };
    const mail = { accountId: 'a', to: [], cc: [], bcc: [], subject: 'Plan', text: '', attachments: [] };
    expect(touched('saveDraft', [draft], queue)).toEqual(new Map([['a', new Set(['drafts'])]]));
    expect(touched('deleteDraft', ['a', 'd1'], queue)).toEqual(new Map([['a', new Set(['drafts'])]]));
    expect(touched('sendDraft', [mail, 'd1'], queue)).toEqual(new Map([['a', new Set(['drafts'])]]));
    expect(touched('saveDraft', [{ ...draft, id: 'd2' }], queue)).toEqual(new Map());
  });
});
