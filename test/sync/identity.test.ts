/**
 * An item keeps one id from creation to deletion (ItemRecord.id): the server confirming
 * an add, MoveItems giving a new ServerId and a full resync change where it is, never
 * who it is. Every edit here names the item by the id it had at first, goes through the
 * queue, and the store ends equal to the server, field by field where the edit wrote.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType, type Item, type Mailbox } from '../../mocks/model.ts';
import type { Contact } from '../../src/eas/items/contact.ts';
import type { Email } from '../../src/eas/items/email.ts';
import type { Task } from '../../src/eas/items/task.ts';
import type { Store } from '../../src/store/db.ts';
import { textOf } from '../../src/wbxml/tree.ts';
import { alice, diffViews, engineFor, itemIdOf, journaledStore, localView, mockServer, serverView } from './support.ts';

const prop = (item: Item | undefined, ns: string, name: string): string | undefined => {
  if (item?.data.kind !== 'pim') return undefined;
  const p = item.data.props.find((x) => x.ns === ns && x.name === name);
  return p ? textOf(p) : undefined;
};

async function synced() {
  const server = mockServer();
  const online = { up: true };
  const transport = async (r: Request): Promise<Response> => {
    if (!online.up) throw new TypeError('offline');
    return server.handle(r);
  };
  const { store } = await journaledStore();
  const h = engineFor(store, transport, { retries: 0 });
  const account = await h.engine.addAccount(alice);
  await h.engine.syncAccount(account.id);
  const mb = server.mock.world.mailboxes.get('alice') as Mailbox;
  const folder = (type: number) => requireFolderOfType(mb, type).store;
  return { server, store, online, ...h, account, folder, mb };
}

/** MS-ASEMAIL Flag Status 2: flagged; an empty Flag or none: not. */
const flagged = (item: Item): boolean =>
  item.data.kind === 'mail' &&
  item.data.flag?.children.some((c) => typeof c === 'object' && 'name' in c && c.name === 'Status' && textOf(c) === '2') === true;

const byId = (store: Store, accountId: string, id: string) => store.db.getFromIndex('items', 'byId', [accountId, id]);

describe('stable identity', () => {
  it('a contact: add, the server confirms, edit, full resync, edit, delete; all by the id the add gave', async () => {
    const { server, store, engine, account, folder } = await synced();
    const contacts = folder(FolderType.Contacts);
    const id = await engine.addItem(account.id, contacts.id, {
      fileAs: 'Stable, Sam',
      firstName: 'Sam',
      lastName: 'Stable',
    } satisfies Contact);
    expect((await byId(store, account.id, id))?.serverId).toMatch(/^local:/);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const confirmed = await byId(store, account.id, id);
    expect(confirmed?.serverId).not.toMatch(/^local:/);
    expect(contacts.items.has(confirmed?.serverId as string)).toBe(true);

    await engine.updateItem(account.id, id, { ...(confirmed?.data as Contact), jobTitle: 'Edited after the add' });
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(prop(contacts.items.get(confirmed?.serverId as string), 'Contacts', 'JobTitle')).toBe('Edited after the add');

    expect(await engine.fullResync(account.id, contacts.id)).toMatchObject({ ok: true });
    const resynced = await byId(store, account.id, id);
    expect(resynced?.serverId).toBe(confirmed?.serverId);
    await engine.updateItem(account.id, id, { ...(resynced?.data as Contact), jobTitle: 'Edited after the resync' });
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(prop(contacts.items.get(confirmed?.serverId as string), 'Contacts', 'JobTitle')).toBe('Edited after the resync');
    expect((await byId(store, account.id, id))?.data).toMatchObject({ fileAs: 'Stable, Sam', jobTitle: 'Edited after the resync' });

    await engine.deleteItem(account.id, id);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(contacts.items.has(confirmed?.serverId as string)).toBe(false);
    expect(await byId(store, account.id, id)).toBeUndefined();
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });

  it('a task edited twice before its add reached the server: both edits follow it to its ServerId', async () => {
    const { server, store, engine, account, folder, online } = await synced();
    const tasks = folder(FolderType.Tasks);
    online.up = false;
    const id = await engine.addItem(account.id, tasks.id, { subject: 'Pay rent', complete: false } satisfies Task);
    await engine.updateItem(account.id, id, { subject: 'Pay rent today', complete: false } satisfies Task);
    expect((await engine.syncAccount(account.id)).ok).toBe(false);
    await engine.updateItem(account.id, id, {
      subject: 'Pay rent today',
      complete: true,
      dateCompleted: new Date(Date.UTC(2026, 4, 15, 3)),
    } satisfies Task);
    online.up = true;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const stored = await byId(store, account.id, id);
    const onServer = tasks.items.get(stored?.serverId as string);
    expect(prop(onServer, 'Tasks', 'Subject')).toBe('Pay rent today');
    expect(prop(onServer, 'Tasks', 'Complete')).toBe('1');
    expect(stored?.data).toMatchObject({ subject: 'Pay rent today', complete: true });
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });

  it('a mail: edit, move, edit before MoveItems answers, MoveItems gives a new ServerId, edit again; one id throughout', async () => {
    const { server, store, engine, account, folder, mb, online } = await synced();
    const inbox = folder(FolderType.Inbox);
    const archive = [...mb.folders.values()].find((f) => f.type === FolderType.UserMail)?.store;
    if (!archive) throw new Error('no user mail folder');
    const mail = [...inbox.items.values()].find((i) => i.data.kind === 'mail' && !i.data.read && !i.data.meeting) as Item;
    const messageId = mail.data.kind === 'mail' ? mail.data.messageId : '';
    const id = await itemIdOf(store, account.id, inbox.id, mail.id);

    online.up = false;
    await engine.markRead(account.id, id, true);
    await engine.moveItem(account.id, id, archive.id);
    const placeholder = await byId(store, account.id, id);
    expect([placeholder?.folderId, placeholder?.serverId]).toEqual([archive.id, `moved:${mail.id}`]);
    await engine.setFlag(account.id, id, { status: 2, flagType: 'Flag for follow up' });
    online.up = true;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });

    const moved = await byId(store, account.id, id);
    expect(moved?.folderId).toBe(archive.id);
    expect(moved?.serverId).not.toMatch(/^moved:/);
    const onServer = archive.items.get(moved?.serverId as string);
    expect(onServer?.data.kind === 'mail' && onServer.data.messageId).toBe(messageId);
    expect(onServer?.data.kind === 'mail' && [onServer.data.read, flagged(onServer)]).toEqual([true, true]);

    await engine.setFlag(account.id, id, null);
    await engine.markRead(account.id, id, false);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const after = archive.items.get(moved?.serverId as string);
    expect(after?.data.kind === 'mail' && [after.data.read, flagged(after)]).toEqual([false, false]);
    const local = await byId(store, account.id, id);
    expect([(local?.data as Email).read, (local?.data as Email).flag, local?.read]).toEqual([false, undefined, 0]);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });
});
