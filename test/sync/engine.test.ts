import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType } from '../../mocks/model.ts';
import type { Contact } from '../../src/eas/items/contact.ts';
import { alice, diffViews, engineFor, journaledStore, localView, mockServer, serverView } from './support.ts';

describe('engine against the mock', () => {
  it('sets up an account and syncs every folder of the four classes', async () => {
    const server = mockServer();
    const { store } = await journaledStore();
    const { engine, events } = engineFor(store, server.handle);
    const account = await engine.addAccount(alice);
    expect(account.version).toBe('16.1');
    const report = await engine.syncAccount(account.id);
    expect(report).toMatchObject({ ok: true, folderErrors: [] });
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
    expect(events.some((e) => e.type === 'synced')).toBe(true);
  });
});

describe('engine events and concurrency', () => {
  it('reports progress per folder with the estimate, and changes', async () => {
    const server = mockServer();
    const { store } = await journaledStore();
    const { engine, events } = engineFor(store, server.handle);
    const account = await engine.addAccount(alice);
    await engine.syncAccount(account.id);
    const inbox = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Inbox).store;
    const progress = events.filter((e) => e.type === 'progress' && e.folderId === inbox.id);
    expect(progress.at(-1)).toMatchObject({ count: inbox.items.size, estimate: inbox.items.size, done: true });
    expect(progress.length).toBeGreaterThan(2);
    expect(events.some((e) => e.type === 'changes' && e.folderId === inbox.id && e.added > 0)).toBe(true);
    expect(events.some((e) => e.type === 'folders')).toBe(true);
  });

  it('an edit made while a sync is on the wire is neither lost nor applied twice', async () => {
    const server = mockServer();
    const { store } = await journaledStore();
    let during: (() => Promise<void>) | undefined;
    const { engine } = engineFor(store, async (r) => {
      const hook = during;
      if (hook && r.url.includes('Cmd=Sync')) {
        during = undefined;
        await hook();
      }
      return server.handle(r);
    });
    const account = await engine.addAccount(alice);
    await engine.syncAccount(account.id);
    const contacts = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Contacts).store;
    await engine.addItem(account.id, contacts.id, { fileAs: 'First' } satisfies Contact);
    during = async () => {
      await engine.addItem(account.id, contacts.id, { fileAs: 'Second' } satisfies Contact);
      const [id] = contacts.items.keys();
      const record = await store.db.get('items', [account.id, contacts.id, id!]);
      await engine.updateItem(account.id, record!.id, { ...(record!.data as Contact), jobTitle: 'While syncing' });
    };
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const named = (n: string) =>
      [...contacts.items.values()].filter(
        (i) => i.data.kind === 'pim' && i.data.props.some((p) => p.name === 'FileAs' && p.children[0] === n),
      );
    expect(named('First')).toHaveLength(1);
    expect(named('Second')).toHaveLength(1);
    const [id] = contacts.items.keys();
    const edited = contacts.items.get(id!)?.data;
    expect(edited?.kind === 'pim' && edited.props.some((p) => p.name === 'JobTitle' && p.children[0] === 'While syncing')).toBe(true);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });
});
