/**
 * Undo of the list's delete (a move to Deleted Items) and move: the mail comes back to its
 * folder with its read and flag state, and the store ends equal to the mock server, field
 * by field, whether the move was still queued (dropped unsent) or already sent (moved back).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType, type Item, type Mailbox } from '../../mocks/model.ts';
import type { Email } from '../../src/eas/items/email.ts';
import type { Store } from '../../src/store/db.ts';
import { textOf } from '../../src/wbxml/tree.ts';
import { alice, diffViews, engineFor, itemIdOf, journaledStore, localView, mockServer, restore, serverView } from './support.ts';

async function synced() {
  const server = mockServer();
  const online = { up: true };
  const requests: string[] = [];
  const hooks: { beforeMoveItems?: () => Promise<void> } = {};
  const transport = async (r: Request): Promise<Response> => {
    if (!online.up) throw new TypeError('offline');
    const cmd = new URL(r.url).searchParams.get('Cmd') ?? r.method;
    requests.push(cmd);
    if (cmd === 'MoveItems') await hooks.beforeMoveItems?.();
    return server.handle(r);
  };
  const journaled = await journaledStore();
  const h = engineFor(journaled.store, transport, { retries: 0 });
  const account = await h.engine.addAccount(alice);
  await h.engine.syncAccount(account.id);
  const mb = server.mock.world.mailboxes.get('alice') as Mailbox;
  const inbox = requireFolderOfType(mb, FolderType.Inbox).store;
  const deleted = requireFolderOfType(mb, FolderType.DeletedItems).store;
  const archive = [...mb.folders.values()].find((f) => f.type === FolderType.UserMail)?.store;
  if (!archive) throw new Error('no user mail folder');
  return { server, online, requests, hooks, ...journaled, ...h, account, inbox, deleted, archive };
}

const flagged = (item: Item): boolean =>
  item.data.kind === 'mail' &&
  item.data.flag?.children.some((c) => typeof c === 'object' && 'name' in c && c.name === 'Status' && textOf(c) === '2') === true;
const byId = (store: Store, accountId: string, id: string) => store.db.getFromIndex('items', 'byId', [accountId, id]);

/** A flagged unread mail and a read one of the Inbox, as the test's starting point. */
function pick(inbox: { items: Map<string, Item> }): Item[] {
  const mails = [...inbox.items.values()].filter((i) => i.data.kind === 'mail' && !i.data.meeting);
  const unread = mails.find((i) => i.data.kind === 'mail' && !i.data.read);
  const read = mails.find((i) => i.data.kind === 'mail' && i.data.read);
  if (!unread || !read) throw new Error('the seed has no read and unread mail');
  return [unread, read];
}

/** Each mail's stored record against the server's copy, for the fields the list shows and the undo must keep. */
async function expectSameAsServer(
  store: Store,
  accountId: string,
  folder: { id: string; items: Map<string, Item> },
  ids: readonly string[],
) {
  for (const id of ids) {
    const local = await byId(store, accountId, id);
    expect(local?.folderId).toBe(folder.id);
    const onServer = folder.items.get(local?.serverId as string);
    if (onServer?.data.kind !== 'mail') throw new Error(`mail ${id} is not in folder ${folder.id} on the server`);
    const mail = local?.data as Email;
    expect([mail.subject, mail.read, local?.read, mail.flag?.status === 2, mail.dateReceived?.getTime()]).toEqual([
      onServer.data.subject,
      onServer.data.read,
      onServer.data.read ? 1 : 0,
      flagged(onServer),
      onServer.data.date,
    ]);
  }
}

describe('undo of delete and move', () => {
  it('delete then undo before the move went out: dropped unsent, the mails are back under their ServerIds, no MoveItems sent', async () => {
    const { server, store, engine, account, inbox, deleted, online, requests } = await synced();
    const mails = pick(inbox);
    const ids = await Promise.all(mails.map((m) => itemIdOf(store, account.id, inbox.id, m.id)));
    await engine.setFlag(account.id, ids[0] as string, { status: 2, flagType: 'Flag for follow up' });
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    online.up = false;
    for (const id of ids) await engine.moveItem(account.id, id, deleted.id);
    expect((await byId(store, account.id, ids[0] as string))?.folderId).toBe(deleted.id);
    for (const id of ids) await engine.undoMove(account.id, id, inbox.id);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect((await Promise.all(ids.map((id) => byId(store, account.id, id)))).map((i) => i?.serverId)).toEqual(mails.map((m) => m.id));
    online.up = true;
    requests.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(requests).not.toContain('MoveItems');
    await expectSameAsServer(store, account.id, inbox, ids);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
    const folders = await store.db.getAll('folders');
    for (const f of [inbox, deleted]) expect(folders.find((r) => r.serverId === f.id)?.count).toBe(f.items.size);
  });

  it('move then undo after the move was sent: moved back with a new MoveItems, read and flag as before', async () => {
    const { server, store, engine, account, inbox, archive, requests } = await synced();
    const mails = pick(inbox);
    const ids = await Promise.all(mails.map((m) => itemIdOf(store, account.id, inbox.id, m.id)));
    const before = mails.map((m) => (m.data.kind === 'mail' ? [m.data.subject, m.data.read, flagged(m)] : []));
    for (const id of ids) await engine.moveItem(account.id, id, archive.id);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    for (const m of mails) expect(inbox.items.has(m.id)).toBe(false);
    await expectSameAsServer(store, account.id, archive, ids);

    requests.length = 0;
    for (const id of ids) await engine.undoMove(account.id, id, inbox.id);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(requests).toContain('MoveItems');
    await expectSameAsServer(store, account.id, inbox, ids);
    const back = await Promise.all(ids.map(async (id) => inbox.items.get((await byId(store, account.id, id))?.serverId as string) as Item));
    expect(back.map((m) => (m.data.kind === 'mail' ? [m.data.subject, m.data.read, flagged(m)] : []))).toEqual(before);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });

  it('undo while the MoveItems is on its way: the mail is moved back once the first move is answered', async () => {
    const { server, store, engine, account, inbox, archive, hooks } = await synced();
    const [mail] = pick(inbox) as [Item];
    const id = await itemIdOf(store, account.id, inbox.id, mail.id);
    const before = mail.data.kind === 'mail' ? [mail.data.subject, mail.data.read, flagged(mail)] : [];
    await engine.moveItem(account.id, id, archive.id);
    let undone = false;
    hooks.beforeMoveItems = async () => {
      hooks.beforeMoveItems = undefined;
      await engine.undoMove(account.id, id, inbox.id);
      undone = true;
    };
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(undone).toBe(true);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    await expectSameAsServer(store, account.id, inbox, [id]);
    const back = inbox.items.get((await byId(store, account.id, id))?.serverId as string) as Item;
    expect(back.data.kind === 'mail' ? [back.data.subject, back.data.read, flagged(back)] : []).toEqual(before);
    expect(
      [...archive.items.values()].some(
        (i) => i.data.kind === 'mail' && mail.data.kind === 'mail' && i.data.messageId === mail.data.messageId,
      ),
    ).toBe(false);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
    const folders = await store.db.getAll('folders');
    for (const f of [inbox, archive]) expect(folders.find((r) => r.serverId === f.id)?.count).toBe(f.items.size);
  });

  it('move, mark read, undo, all offline: the read mark follows the mail back and reaches the server', async () => {
    const { server, store, engine, account, inbox, archive, online } = await synced();
    const [unread] = pick(inbox) as [Item];
    const id = await itemIdOf(store, account.id, inbox.id, unread.id);
    online.up = false;
    await engine.moveItem(account.id, id, archive.id);
    await engine.markRead(account.id, id, true);
    await engine.undoMove(account.id, id, inbox.id);
    expect((await byId(store, account.id, id))?.serverId).toBe(unread.id);
    online.up = true;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(unread.data.kind === 'mail' && unread.data.read).toBe(true);
    await expectSameAsServer(store, account.id, inbox, [id]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });

  it('a restart between the delete and its undo: the undo still finds the queued move; neither lost nor duplicated', async () => {
    const { server, store, engine, account, inbox, deleted, online, journal } = await synced();
    const [mail] = pick(inbox) as [Item];
    const id = await itemIdOf(store, account.id, inbox.id, mail.id);
    online.up = false;
    await engine.moveItem(account.id, id, deleted.id);
    store.db.close();

    const fresh = await restore(journal);
    const again = engineFor(fresh.store, (r) => server.handle(r), { retries: 0 }).engine;
    await again.undoMove(account.id, id, inbox.id);
    expect(await again.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(
      [...inbox.items.values()].filter(
        (i) => i.data.kind === 'mail' && mail.data.kind === 'mail' && i.data.messageId === mail.data.messageId,
      ),
    ).toHaveLength(1);
    await expectSameAsServer(fresh.store, account.id, inbox, [id]);
    expect(await fresh.store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(fresh.store, account.id))).toEqual([]);
  });
});
