import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/db.ts';
import type { ItemRecord } from '../../../src/store/schema.ts';
import { countFolderItems, readPage } from '../../../src/ui/data/read.ts';
import type { Email } from '../../../src/eas/items/email.ts';

const N = 1000;
let store: Store;

function item(i: number, folderId = 'f1'): ItemRecord {
  // Pairs share a sort key, so paging must fall back on the primary key.
  return {
    accountId: 'a',
    folderId,
    serverId: `s${String(i).padStart(5, '0')}`,
    id: `${folderId}-${i}`,
    class: 'Email',
    data: { i } as unknown as Email,
    sortKey: `2025-01-01T00:${String(Math.floor(i / 2) % 60).padStart(2, '0')}:${String(Math.floor(i / 120)).padStart(2, '0')}Z`,
    read: 1,
    updatedAt: 0,
  };
}

beforeAll(async () => {
  store = await openStore({ name: 'ui-read-test' });
  const tx = store.db.transaction('items', 'readwrite');
  for (let i = 0; i < N; i++) void tx.store.put(item(i));
  for (let i = 0; i < 10; i++) void tx.store.put(item(i, 'other'));
  await tx.done;
});
afterAll(() => store.close());

describe('paged folder reads', () => {
  it('counts one folder only', async () => {
    expect(await countFolderItems(store.db, 'a', 'f1')).toBe(N);
  });

  it('pages newest first, and anchors give the same rows as offsets', async () => {
    const byOffset: string[] = [];
    for (let p = 0; p < N / 100; p++)
      byOffset.push(...(await readPage(store.db, 'a', 'f1', { offset: p * 100 }, 100)).items.map((i) => i.serverId));
    const byAnchor: string[] = [];
    let page = await readPage(store.db, 'a', 'f1', { offset: 0 }, 100);
    while (page.items.length > 0) {
      byAnchor.push(...page.items.map((i) => i.serverId));
      if (!page.end) break;
      page = await readPage(store.db, 'a', 'f1', { after: page.end }, 100);
    }
    expect(byAnchor).toEqual(byOffset);
    expect(new Set(byAnchor).size).toBe(N);
    const keys = (await Promise.all(byAnchor.slice(0, 50).map((s) => store.db.get('items', ['a', 'f1', s])))).map((i) => i?.sortKey ?? '');
    expect([...keys].sort().reverse()).toEqual(keys);
  });

  it('continues after an anchor that was deleted meanwhile', async () => {
    const first = await readPage(store.db, 'a', 'f1', { offset: 0 }, 10);
    const anchor = first.end;
    if (!anchor) throw new Error('no anchor');
    await store.db.delete('items', anchor.primaryKey);
    const next = await readPage(store.db, 'a', 'f1', { after: anchor }, 5);
    const direct = await readPage(store.db, 'a', 'f1', { offset: 9 }, 5);
    expect(next.items.map((i) => i.serverId)).toEqual(direct.items.map((i) => i.serverId));
  });

  it('answers an anchor above every remaining row (newer rows deleted) without a DataError', async () => {
    const next = await readPage(store.db, 'a', 'other', { after: { sortKey: '9999', primaryKey: ['a', 'other', 'zzz'] } }, 3);
    expect(next.items).toHaveLength(3);
  });
});
