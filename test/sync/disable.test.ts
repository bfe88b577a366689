import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType, type Mailbox } from '../../mocks/model.ts';
import type { Contact } from '../../src/eas/items/contact.ts';
import type { FolderRecord } from '../../src/store/schema.ts';
import { SyncError } from '../../src/sync/errors.ts';
import { alice, diffViews, engineFor, journaledStore, localView, mockServer, serverView, itemIdOf } from './support.ts';

const SMALL = { data: { mails: 10, contacts: 6, events: 5, tasks: 3, notes: 0, gal: 0 } } as const;

async function synced() {
  const server = mockServer(SMALL);
  const net = { online: true, cmds: [] as string[], syncKeys: [] as string[] };
  const { store, journal } = await journaledStore();
  const h = engineFor(store, async (r) => {
    if (!net.online) throw new TypeError('Failed to fetch');
    net.cmds.push(r.method === 'OPTIONS' ? 'OPTIONS' : (new URL(r.url).searchParams.get('Cmd') ?? '?'));
    return server.handle(r);
  });
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  const mb = server.mock.world.mailboxes.get('alice') as Mailbox;
  return { server, store, journal, net, ...h, account, mb };
}

const itemsIn = async (store: Awaited<ReturnType<typeof synced>>['store'], folderId: string) =>
  (await store.db.getAll('items')).filter((i) => i.folderId === folderId);

describe('switching a folder off', () => {
  it('removes its items and resets its SyncKey in one write set; switched on, it syncs again from key 0', async () => {
    const { server, store, journal, engine, account, mb, events } = await synced();
    const inbox = requireFolderOfType(mb, FolderType.Inbox).store;
    const contacts = requireFolderOfType(mb, FolderType.Contacts).store;
    const contactsBefore = (await itemsIn(store, contacts.id)).length;
    expect((await itemsIn(store, inbox.id)).length).toBeGreaterThan(0);
    const mark = journal.length;
    await engine.setFolderEnabled(account.id, inbox.id, false);
    expect(journal.length).toBe(mark + 1); // one write set
    expect(await itemsIn(store, inbox.id)).toEqual([]);
    expect(await store.db.get('folders', [account.id, inbox.id])).toMatchObject({ enabled: false, syncKey: '0', count: 0, unread: 0 });
    expect((await itemsIn(store, contacts.id)).length).toBe(contactsBefore);
    expect(events.some((e) => e.type === 'changes' && e.folderId === inbox.id && e.deleted === inbox.items.size)).toBe(true);

    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(await itemsIn(store, inbox.id)).toEqual([]); // off stays off

    await engine.setFolderEnabled(account.id, inbox.id, true);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
    expect((await store.db.get('folders', [account.id, inbox.id]))?.count).toBe(inbox.items.size);
  });

  it('sends its queued edits first, then removes it', async () => {
    const { store, net, engine, account, mb } = await synced();
    const inbox = requireFolderOfType(mb, FolderType.Inbox).store;
    const unread = [...inbox.items.values()].find((i) => i.data.kind === 'mail' && !i.data.read)!;
    await engine.markRead(account.id, await itemIdOf(store, account.id, inbox.id, unread.id), true);
    net.cmds.length = 0;
    await engine.setFolderEnabled(account.id, inbox.id, false);
    expect(net.cmds).toContain('Sync');
    expect(inbox.items.get(unread.id)?.data).toMatchObject({ read: true });
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(await itemsIn(store, inbox.id)).toEqual([]);
  });

  it('offline with a queued edit: refused, nothing removed, the edit still queued', async () => {
    const { store, net, engine, account, mb } = await synced();
    const inbox = requireFolderOfType(mb, FolderType.Inbox).store;
    const before = (await itemsIn(store, inbox.id)).length;
    const first = [...inbox.items.keys()][0] as string;
    await engine.setFlag(account.id, await itemIdOf(store, account.id, inbox.id, first), { status: 2 });
    net.online = false;
    const e = await engine.setFolderEnabled(account.id, inbox.id, false).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SyncError);
    expect(e).toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/^1 local change\(s\) could not be sent/) });
    expect((await itemsIn(store, inbox.id)).length).toBe(before);
    expect(await store.db.get('folders', [account.id, inbox.id])).toMatchObject({ enabled: true });
    expect((await store.db.get('folders', [account.id, inbox.id]))?.syncKey).not.toBe('0');
    expect(await store.db.getAll('pending')).toHaveLength(1);

    net.online = true;
    await engine.setFolderEnabled(account.id, inbox.id, false);
    expect(await itemsIn(store, inbox.id)).toEqual([]);
    expect(await store.db.getAll('pending')).toEqual([]);
  });
});

describe('switching a class off', () => {
  it('pushes a contact added offline, then removes every contact folder; on again, they come back', async () => {
    const { server, store, engine, account, mb } = await synced();
    const contacts = requireFolderOfType(mb, FolderType.Contacts).store;
    const onServer = contacts.items.size;
    await engine.addItem(account.id, contacts.id, { fileAs: 'Added before switching off' } satisfies Contact);
    await engine.setClassEnabled(account.id, 'Contacts', false);
    expect(contacts.items.size).toBe(onServer + 1);
    expect((await store.db.getAll('items')).filter((i) => i.class === 'Contacts')).toEqual([]);
    const folders: FolderRecord[] = (await store.db.getAll('folders')).filter((f) => f.class === 'Contacts');
    expect(folders.length).toBeGreaterThan(0);
    for (const f of folders) expect(f).toMatchObject({ syncKey: '0', count: 0 });
    expect((await store.db.get('accounts', account.id))?.classes.Contacts).toBe(false);
    expect((await store.db.getAll('items')).some((i) => i.class === 'Calendar')).toBe(true);

    await engine.setClassEnabled(account.id, 'Contacts', true);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });
});
