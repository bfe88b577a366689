/** FolderSync and the folder commands against the mock's hierarchy. */
import { describe, expect, it } from 'vitest';
import { kids, textAt, type El } from '../../src/wbxml/tree.ts';
import { F, TestClient, folderId, testServer } from './helpers.ts';

describe('FolderSync', () => {
  it('lists every standard folder type, user subfolders and the shared calendar, parents first', async () => {
    const c = new TestClient(testServer());
    const fs = await c.folderSync();
    expect(fs.status).toBe(1);
    const types = new Set(fs.adds.map((a) => Number(textAt(a, 'Type'))));
    for (const t of [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17]) expect(types, `type ${t}`).toContain(t);
    const shared = fs.adds.find((a) => textAt(a, 'DisplayName') === "Bob's calendar");
    expect(textAt(shared, 'Type')).toBe('13');
    const seen = new Set(['0']);
    for (const a of fs.adds) {
      expect(seen, `parent of ${textAt(a, 'DisplayName')}`).toContain(textAt(a, 'ParentId'));
      seen.add(textAt(a, 'ServerId') ?? '');
    }
    expect(textAt(fs.changes, 'Count')).toBe(String(fs.adds.length));
  });

  it('answers a bad key with Status 9 and an unchanged hierarchy with Count 0 and the same key', async () => {
    const c = new TestClient(testServer());
    const { key } = await c.folderSync();
    expect((await c.folderSync('nope')).status).toBe(9);
    const again = await c.folderSync(key);
    expect(again.key).toBe(key);
    expect(textAt(again.changes, 'Count')).toBe('0');
  });

  it('reports another device’s create, rename and delete incrementally, but not the device’s own', async () => {
    const s = testServer();
    const phone = new TestClient(s, { deviceId: 'PHONE' });
    const tablet = new TestClient(s, { deviceId: 'TABLET' });
    const p = await phone.folderSync();
    const t = await tablet.folderSync();
    const inbox = folderId(p.adds, 'Inbox');
    const created = await phone.post(
      'FolderCreate',
      F('FolderCreate', F('SyncKey', p.key), F('ParentId', inbox), F('DisplayName', '請求書'), F('Type', 12)),
    );
    const newId = textAt(created.tree as El, 'ServerId') ?? '';
    const pKey = textAt(created.tree as El, 'SyncKey') ?? '';
    expect(textAt(created.tree as El, 'Status')).toBe('1');
    const mine = await phone.folderSync(pKey);
    expect(textAt(mine.changes, 'Count')).toBe('0');
    const theirs = await tablet.folderSync(t.key);
    expect(theirs.adds.map((a) => textAt(a, 'DisplayName'))).toEqual(['請求書']);
    const renamed = await phone.post(
      'FolderUpdate',
      F('FolderUpdate', F('SyncKey', mine.key), F('ServerId', newId), F('ParentId', '0'), F('DisplayName', 'Invoices')),
    );
    expect(textAt(renamed.tree as El, 'Status')).toBe('1');
    const upd = await tablet.folderSync(theirs.key);
    expect(kids(upd.changes, 'Update').map((u) => [textAt(u, 'DisplayName'), textAt(u, 'ParentId')])).toEqual([['Invoices', '0']]);
    const del = await phone.post(
      'FolderDelete',
      F('FolderDelete', F('SyncKey', textAt(renamed.tree as El, 'SyncKey') ?? ''), F('ServerId', newId)),
    );
    expect(textAt(del.tree as El, 'Status')).toBe('1');
    const gone = await tablet.folderSync(upd.key);
    expect(kids(gone.changes, 'Delete').map((d) => textAt(d, 'ServerId'))).toEqual([newId]);
  });

  it('refuses duplicates (2), special folders (3), missing folders (4), missing parents (5) and bad keys (9)', async () => {
    const c = new TestClient(testServer());
    const fs = await c.folderSync();
    const inbox = folderId(fs.adds, 'Inbox');
    const create = (parent: string, name: string, key = fs.key) =>
      c.post('FolderCreate', F('FolderCreate', F('SyncKey', key), F('ParentId', parent), F('DisplayName', name), F('Type', 12)));
    const status = (a: { tree: El | null }) => textAt(a.tree as El, 'Status');
    expect(status(await create(inbox, 'Newsletters'))).toBe('2');
    expect(status(await create('4242', 'X'))).toBe('5');
    expect(status(await create(inbox, 'Y', 'bad'))).toBe('9');
    expect(status(await c.post('FolderDelete', F('FolderDelete', F('SyncKey', fs.key), F('ServerId', inbox))))).toBe('3');
    expect(status(await c.post('FolderDelete', F('FolderDelete', F('SyncKey', fs.key), F('ServerId', '4242'))))).toBe('4');
  });
});
