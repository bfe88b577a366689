import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createFolder, deleteFolder, FolderType, removeItem, requireFolderOfType, type Mailbox } from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { Contact } from '../../src/eas/items/contact.ts';
import { decodeEas, encodeEas } from '../../src/eas/wbxml.ts';
import type { WriteOp } from '../../src/store/db.ts';
import { kid, kids, textAt, type El } from '../../src/wbxml/tree.ts';
import { movedInOp, putOp, resyncKey } from '../../src/sync/local.ts';
import type { Clock } from '../../src/sync/primitives.ts';
import { alice, diffViews, engineFor, instantClock, journaledStore, localView, mockServer, NOW, serverView } from './support.ts';

async function synced(transport?: (server: MockServer) => (r: Request) => Promise<Response>, clock?: Clock) {
  const server = mockServer();
  const requests: string[] = [];
  const inner = transport ? transport(server) : server.handle;
  const { store, journal } = await journaledStore();
  const h = engineFor(
    store,
    async (r) => {
      requests.push(r.method === 'OPTIONS' ? 'OPTIONS' : (new URL(r.url).searchParams.get('Cmd') ?? '?'));
      return inner(r);
    },
    clock && { clock },
  );
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  const mb = server.mock.world.mailboxes.get('alice') as Mailbox;
  return { server, store, journal, requests, ...h, account, mb };
}

/** An instant clock that can be set back, as a user or a bad time server does. */
function settableClock(): Clock & { back(ms: number): void } {
  const inner = instantClock();
  let shift = 0;
  return { now: () => inner.now() + shift, sleep: inner.sleep, back: (ms) => void (shift -= ms) };
}

const DAY = 86_400_000;

/** Item deletes in the journal after `from` that name items the server still has. */
function wrongDeletes(journal: readonly (readonly WriteOp[])[], from: number, server: MockServer): unknown[] {
  const live = new Set([...serverView(server).values()].flatMap((s) => [...s]));
  return journal
    .slice(from)
    .flat()
    .filter((op) => op.store === 'items' && op.op === 'delete' && live.has((op.key as string[])[2] ?? ''));
}

/**
 * One Sync answered with Status 3, and the resync after it: the item removed on the
 * server is gone locally, no live item was deleted on the way, and the views agree.
 */
async function resyncDropping(h: Awaited<ReturnType<typeof synced>>, folderId: string, goneId: string): Promise<void> {
  const { server, store, journal, engine, account } = h;
  server.control.faults.set({ invalidSyncKey: 1 });
  const mark = journal.length;
  expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
  expect(server.control.faults.log).toContain('sync3');
  expect(wrongDeletes(journal, mark, server)).toEqual([]);
  expect(await store.db.get('items', [account.id, folderId, goneId])).toBeUndefined();
  expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
}

describe('Sync Status 3 (invalid SyncKey)', () => {
  it('re-downloads from key 0 without wiping local items, and drops what the server no longer has', async () => {
    const h = await synced();
    const { server, store, engine, account, mb } = h;
    const contacts = requireFolderOfType(mb, FolderType.Contacts).store;
    const inbox = requireFolderOfType(mb, FolderType.Inbox).store;
    const goneId = [...inbox.items.keys()][3] as string;
    removeItem(server.mock.world, inbox, goneId);
    await engine.addItem(account.id, contacts.id, { fileAs: 'Queued during resync' } satisfies Contact);
    await resyncDropping(h, inbox.id, goneId);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect((await store.db.getAll('meta')).filter((m) => m.key.startsWith('resync:'))).toEqual([]);
    expect((await store.db.get('folders', [account.id, inbox.id]))?.count).toBe(inbox.items.size);
  });

  it('drops what the server no longer has even when the clock was set back after the items were stored', async () => {
    const clock = settableClock();
    const h = await synced(undefined, clock);
    const { server, mb } = h;
    const inbox = requireFolderOfType(mb, FolderType.Inbox).store;
    const goneId = [...inbox.items.keys()][3] as string;
    removeItem(server.mock.world, inbox, goneId);
    clock.back(DAY);
    await resyncDropping(h, inbox.id, goneId);
  });
});

describe('a resync over records of an older version (no generation)', () => {
  it('purges nothing when the older version started it, and purges their stale items at the next', async () => {
    const { server, store, engine, account, mb } = await synced();
    const inbox = requireFolderOfType(mb, FolderType.Inbox).store;
    const held = (await store.db.getAll('items')).filter((i) => i.folderId === inbox.id);
    const old = [...held, { ...held[0]!, serverId: 'stale', id: 'stale' }].map(({ generation: _, ...rest }) => rest);
    await store.commit([
      ...old.map((i) => putOp('items', i)),
      putOp('meta', { key: resyncKey(account.id, inbox.id), value: { since: NOW } }),
    ]);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(await store.db.get('meta', resyncKey(account.id, inbox.id))).toBeUndefined();
    expect(await store.db.get('items', [account.id, inbox.id, 'stale'])).toBeDefined();
    expect(await engine.fullResync(account.id, inbox.id)).toMatchObject({ ok: true });
    expect(await store.db.get('items', [account.id, inbox.id, 'stale'])).toBeUndefined();
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });
});

describe('Status 3 on a folder emptied on the server', () => {
  it('ends the resync even when the server answers with an empty body', async () => {
    const { server, store, engine, account, mb } = await synced();
    const errands = [...mb.folders.values()].find((f) => f.name === 'Errands')!.store;
    for (const id of [...errands.items.keys()]) removeItem(server.mock.world, errands, id);
    expect(await engine.fullResync(account.id, errands.id)).toMatchObject({ ok: true }); // alone in its request
    expect((await store.db.getAll('items')).filter((i) => i.folderId === errands.id)).toEqual([]);
    expect((await store.db.get('folders', [account.id, errands.id]))?.count).toBe(0);
    expect((await store.db.getAll('meta')).filter((m) => m.key.startsWith('resync:'))).toEqual([]);
  });
});

describe('full resync', () => {
  it('of one folder or the whole account keeps queued edits and local items', async () => {
    const { server, store, journal, engine, account, mb } = await synced();
    const contacts = requireFolderOfType(mb, FolderType.Contacts).store;
    const [first] = contacts.items.keys();
    const record = await store.db.get('items', [account.id, contacts.id, first!]);
    await engine.updateItem(account.id, record!.id, { ...(record!.data as Contact), jobTitle: 'Kept through resync' });
    const mark = journal.length;
    expect(await engine.fullResync(account.id, contacts.id)).toMatchObject({ ok: true });
    expect(await engine.fullResync(account.id)).toMatchObject({ ok: true });
    expect(wrongDeletes(journal, mark, server)).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
    const after = contacts.items.get(first!);
    expect(
      after?.data.kind === 'pim' && after.data.props.some((p) => p.name === 'JobTitle' && p.children[0] === 'Kept through resync'),
    ).toBe(true);
  });
});

describe('hierarchy', () => {
  it('Sync Status 12 runs FolderSync, then the sync goes on', async () => {
    const { server, engine, account, requests } = await synced();
    server.control.newMail('alice');
    server.control.faults.set({ folderSyncRequired: 1 });
    requests.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(requests.filter((r) => r === 'FolderSync').length).toBe(2);
  });

  it('GetItemEstimate Status 2 (a collection gone: the hierarchy changed) runs FolderSync at once, like Sync Status 12', async () => {
    let beforeEstimate: (() => void) | undefined;
    const { server, store, engine, account, requests, mb } = await synced((srv) => async (r) => {
      if (new URL(r.url).searchParams.get('Cmd') === 'GetItemEstimate') beforeEstimate?.();
      return srv.handle(r);
    });
    const inbox = requireFolderOfType(mb, FolderType.Inbox).store;
    const kept = createFolder(server.mock.world, mb, 'Kept', FolderType.UserMail, inbox.id);
    const doomed = createFolder(server.mock.world, mb, 'Doomed', FolderType.UserMail, inbox.id);
    beforeEstimate = () => {
      beforeEstimate = undefined;
      deleteFolder(server.mock.world, mb, doomed.store.id); // gone between the priming Sync and the estimate
    };
    requests.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true, folderErrors: [] });
    const at = requests.indexOf('GetItemEstimate');
    expect(requests.slice(0, at + 2)).toEqual(['FolderSync', 'Sync', 'GetItemEstimate', 'FolderSync']);
    expect(await store.db.get('folders', [account.id, doomed.store.id])).toBeUndefined();
    expect((await store.db.get('folders', [account.id, kept.store.id]))?.syncKey).not.toBe('0');
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });

  it('a folder deleted on the server takes its resync marker and moved-in list with it', async () => {
    const { server, store, engine, account, mb } = await synced();
    const errands = [...mb.folders.entries()].find(([, f]) => f.name === 'Errands')![0];
    await store.commit([
      putOp('meta', { key: resyncKey(account.id, errands), value: { generation: 1 } }),
      movedInOp(account.id, errands, ['moved-in']),
    ]);
    deleteFolder(server.mock.world, mb, errands);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(await store.db.get('folders', [account.id, errands])).toBeUndefined();
    expect((await store.db.getAllKeys('meta')).filter((k) => String(k).endsWith(`:${errands}`))).toEqual([]);
  });

  it('FolderSync Status 9 rebuilds the hierarchy by ServerId without losing items', async () => {
    const { server, store, journal, engine, account, mb, events } = await synced();
    const errands = [...mb.folders.entries()].find(([, f]) => f.name === 'Errands')![0];
    deleteFolder(server.mock.world, mb, errands);
    server.mock.devices.find('alice', account.deviceId)!.folderKey = 'stale';
    const mark = journal.length;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(wrongDeletes(journal, mark, server)).toEqual([]);
    expect(await store.db.get('folders', [account.id, errands])).toBeUndefined();
    expect((await store.db.getAll('items')).some((i) => i.folderId === errands)).toBe(false);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
    expect(events.some((e) => e.type === 'folders')).toBe(true);
  });
});

describe('HTTP and provisioning errors', () => {
  it('provisions once on 142-144, then goes on', async () => {
    const { server, engine, account, requests } = await synced();
    server.control.requireProvisioning(true);
    server.mock.devices.find('alice', account.deviceId)!.policyKey = '1234'; // the policy changed: 144
    requests.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(requests.filter((r) => r === 'Provision').length).toBe(2); // download + acknowledge
  });

  it('449 after a Provision is reported, never looped, and stops the account', async () => {
    let always449 = false;
    const { store, engine, account, requests } = await synced((server) => async (r) => {
      const cmd = new URL(r.url).searchParams.get('Cmd');
      if (always449 && cmd !== 'Provision' && r.method === 'POST') return new Response(null, { status: 449 });
      return server.handle(r);
    });
    always449 = true;
    requests.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: false, error: { kind: 'provisioning' } });
    expect(requests.filter((r) => r === 'Provision').length).toBe(2);
    expect(requests.length).toBeLessThan(6);
    expect((await store.db.get('accounts', account.id))?.state.kind).toBe('blocked');
    requests.length = 0;
    await engine.syncAccount(account.id);
    expect(requests).toEqual([]);
  });

  it('451 follows X-MS-Location and keeps the new URL; more than 3 hops is an error', async () => {
    let hops = 0;
    const { store, engine, account } = await synced((server) => async (r) => {
      if (hops > 0 && r.method === 'POST') {
        hops--;
        return new Response(null, {
          status: 451,
          headers: { 'X-MS-Location': `https://mail${hops}.example.test/Microsoft-Server-ActiveSync` },
        });
      }
      return server.handle(r);
    });
    hops = 2;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect((await store.db.get('accounts', account.id))?.url).toBe('https://mail0.example.test/Microsoft-Server-ActiveSync');
    hops = 4;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: false, error: { kind: 'redirect' } });
  });

  it('503 waits for Retry-After, then goes on', async () => {
    const { server, engine, account, clock } = await synced();
    server.control.faults.set({ unavailable: 1, retryAfter: 7 });
    clock.slept.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(clock.slept).toContain(7000);
  });

  it('401 stops the account (state auth) with no retry storm until the password is set again', async () => {
    const { server, store, engine, account, requests } = await synced();
    server.control.faults.set({ unauthorized: 1 });
    requests.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: false, error: { kind: 'wrong-password' } });
    expect(requests.length).toBe(1);
    expect((await store.db.get('accounts', account.id))?.state.kind).toBe('auth');
    for (let i = 0; i < 5; i++) await engine.syncAccount(account.id);
    expect(requests.length).toBe(1);
    await engine.setPassword(account.id, 'alicepass');
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
  });

  it('network errors back off and retry, then report when the next attempt is due', async () => {
    let down = false;
    const { engine, account, clock } = await synced((server) => async (r) => {
      if (down) throw new TypeError('network down');
      return server.handle(r);
    });
    down = true;
    clock.slept.length = 0;
    const report = await engine.syncAccount(account.id);
    expect(report).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect(clock.slept).toEqual([1000, 2000, 4000]);
    // The back-off between syncs (sync/errors.ts backoffMs): 30 s, then 1 min.
    const secondsLeft = (at = 0) => Math.round((at - clock.now()) / 1000);
    expect(secondsLeft(report.retryAt)).toBe(30);
    expect(secondsLeft((await engine.syncAccount(account.id)).retryAt)).toBe(60);
    down = false;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
  });
});

describe('a malformed response', () => {
  /** Breaks every Sync answer that carries `folderId`: its items lose their required StartTime. */
  function breakFolder(folderId: () => string) {
    return (server: MockServer) =>
      async (r: Request): Promise<Response> => {
        const res = await server.handle(r);
        if (!r.url.includes('Cmd=Sync') || res.status !== 200) return res;
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (bytes.length === 0) return new Response(null, { status: 200, headers: res.headers });
        const tree = decodeEas(bytes);
        for (const c of kids(kid(tree, 'Collections') ?? tree, 'Collection')) {
          if (textAt(c, 'CollectionId') !== folderId()) continue;
          for (const cmd of kids(kid(c, 'Commands') ?? c)) {
            const data = kid(cmd, 'ApplicationData');
            if (data) data.children.splice(0, data.children.length, ...(data.children as El[]).filter((x) => x.name !== 'StartTime'));
          }
        }
        return new Response(encodeEas(tree).slice(), { status: 200, headers: res.headers });
      };
  }

  it('puts that folder in an error state; the others go on', async () => {
    let bad = '';
    const server = mockServer();
    const { store } = await journaledStore();
    const h = engineFor(store, breakFolder(() => bad)(server));
    const account = await h.engine.addAccount(alice);
    bad = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Calendar).store.id;
    const report = await h.engine.syncAccount(account.id);
    expect(report.ok).toBe(true);
    expect(report.folderErrors.map((e) => e.folderId)).toEqual([bad]);
    expect((await store.db.get('folders', [account.id, bad]))?.status.kind).toBe('error');
    const view = await localView(store, account.id);
    view.delete(bad);
    const expected = serverView(server);
    expected.delete(bad);
    expect(diffViews(expected, view)).toEqual([]);
    bad = '';
    expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true, folderErrors: [] });
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });

  it('that is not WBXML at all: the batch is retried folder by folder', async () => {
    let bad = '';
    const server = mockServer();
    const { store } = await journaledStore();
    const h = engineFor(store, async (r) => {
      if (
        bad &&
        r.url.includes('Cmd=Sync') &&
        new TextDecoder('latin1').decode(new Uint8Array(await r.clone().arrayBuffer())).includes(bad)
      ) {
        return new Response(Uint8Array.from([3, 1, 106, 0, 0x45, 0x5c, 0xff, 0xff]), {
          status: 200,
          headers: { 'Content-Type': 'application/vnd.ms-sync.wbxml' },
        });
      }
      return server.handle(r);
    });
    const account = await h.engine.addAccount(alice);
    await h.engine.syncAccount(account.id);
    const mb = server.mock.world.mailboxes.get('alice')!;
    const tasks = requireFolderOfType(mb, FolderType.Tasks).store.id;
    server.control.newMail('alice');
    bad = `\x03${tasks}\x00`; // the CollectionId string in the WBXML request
    const report = await h.engine.syncAccount(account.id);
    expect(report.folderErrors.map((e) => e.folderId)).toEqual([tasks]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });
});
