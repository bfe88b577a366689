/**
 * A store written by version 1 (items keyed by ServerId only, queued edits naming
 * ServerIds) opens under version 2 with every item and queued edit intact, each item
 * with its stable id and each edit naming it. The records are what version 1's engine
 * wrote (test/fixtures/store-v1/make.ts, run against commit c30d499): one queued edit of
 * every kind, including edits of a provisional item and of a moved mail.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { gunzipSync } from 'node:zlib';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { openStore, randomId } from '../../src/store/db.ts';
import type { ItemRecord, PendingRecord } from '../../src/store/schema.ts';
import { engineFor } from '../sync/support.ts';

type V1Item = Omit<ItemRecord, 'id'>;
type Dump = Record<'accounts' | 'folders' | 'items' | 'pending' | 'conflicts' | 'bodies' | 'attachments' | 'meta', unknown[]>;

const dump = deserialize(
  gunzipSync(Buffer.from(readFileSync(new URL('../fixtures/store-v1/store.b64', import.meta.url), 'utf8'), 'base64')),
) as Dump;

/** Version 1's layout (c30d499 src/store/db.ts) with the dumped records in it. */
async function v1Store(): Promise<string> {
  const name = randomId();
  const db = await openDB(name, 1, {
    upgrade(d) {
      d.createObjectStore('accounts', { keyPath: 'id' });
      d.createObjectStore('folders', { keyPath: ['accountId', 'serverId'] });
      d.createObjectStore('items', { keyPath: ['accountId', 'folderId', 'serverId'] }).createIndex('byFolderSort', [
        'accountId',
        'folderId',
        'sortKey',
      ]);
      d.createObjectStore('pending', { keyPath: 'id', autoIncrement: true }).createIndex('byAccount', 'accountId');
      d.createObjectStore('conflicts', { keyPath: 'id', autoIncrement: true }).createIndex('byAccount', 'accountId');
      d.createObjectStore('bodies', { keyPath: ['accountId', 'folderId', 'serverId'] });
      d.createObjectStore('attachments', { keyPath: ['accountId', 'fileReference'] }).createIndex('byLastUsed', 'lastUsed');
      d.createObjectStore('meta', { keyPath: 'key' });
    },
  });
  const names = Object.keys(dump) as (keyof Dump)[];
  const tx = db.transaction(names, 'readwrite');
  for (const n of names) for (const v of dump[n]) void tx.objectStore(n).put(v);
  await tx.done;
  db.close();
  return name;
}

const v1Items = dump.items as V1Item[];
const v1Pending = dump.pending as PendingRecord[];
const keyOf = (i: { folderId?: string; serverId?: string }): string => `${i.folderId}/${i.serverId}`;

describe('upgrade from version 1', () => {
  it('keeps every item and queued edit; items get stable ids and the edits name them', async () => {
    expect(v1Pending.map((p) => p.kind).sort()).toEqual([
      'add',
      'change',
      'change',
      'change',
      'change',
      'delete',
      'meetingResponse',
      'move',
      'send',
    ]);
    const store = await openStore({ name: await v1Store() });
    const items = await store.db.getAll('items');
    // Every item, field for field, plus its id; ids unique, and found by id.
    expect(items.map(({ id: _id, ...rest }) => rest)).toEqual(v1Items);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    for (const i of items) expect(await store.db.getFromIndex('items', 'byId', [i.accountId, i.id])).toEqual(i);
    const byPlace = new Map(items.map((i) => [keyOf(i), i]));

    const pending = await store.db.getAll('pending');
    expect(pending.map(({ itemId: _id, payload: _p, ...rest }) => rest)).toEqual(v1Pending.map(({ payload: _p, ...rest }) => rest));
    const add = pending.find((p) => p.kind === 'add') as PendingRecord;
    const local = byPlace.get(keyOf(add)) as ItemRecord;
    expect(local.id, 'a local add keeps its ClientId as its id').toBe(add.clientId);
    expect(add.itemId).toBe(local.id);
    const move = pending.find((p) => p.kind === 'move') as PendingRecord;
    const placeholder = move.payload as { dstFolderId: string; placeholder: string };
    const moved = byPlace.get(`${placeholder.dstFolderId}/${placeholder.placeholder}`) as ItemRecord;
    expect(move.itemId, 'a queued move names the mail, now in its destination').toBe(moved.id);
    for (const p of pending.filter((q) => q.kind === 'change' || q.kind === 'meetingResponse')) {
      // Changes queued before the move name the source; they are the same mail.
      const item = byPlace.get(keyOf(p)) ?? (keyOf(p) === keyOf(move) ? moved : undefined);
      expect(item, `the item of the queued ${p.kind} ${keyOf(p)}`).toBeDefined();
      expect(p.itemId).toBe(item?.id);
    }
    const deleted = pending.find((p) => p.kind === 'delete') as PendingRecord;
    expect(deleted.itemId).toEqual(expect.any(String));
    const send = pending.find((p) => p.kind === 'send') as PendingRecord;
    const v1Send = v1Pending.find((p) => p.kind === 'send') as PendingRecord;
    const v1Ref = (v1Send.payload as { source: { ref: { folderId: string; serverId: string } } }).source.ref;
    const { source, ...rest } = send.payload as { source: { ref: { accountId: string; itemId: string } } };
    const { source: v1Source, ...v1Rest } = v1Send.payload as { source: object };
    expect(rest).toEqual(v1Rest);
    expect(source).toEqual({ ...v1Source, ref: { accountId: send.accountId, itemId: byPlace.get(keyOf(v1Ref))?.id } });
    store.close();
  });

  it('the engine edits the upgraded items by id: an edit of the unconfirmed add merges into its queued change', async () => {
    const store = await openStore({ name: await v1Store() });
    const { engine } = engineFor(store, async () => {
      throw new TypeError('offline');
    });
    const add = (await store.db.getAll('pending')).find((p) => p.kind === 'add') as PendingRecord;
    const before = await store.db.getFromIndex('items', 'byId', [add.accountId, add.itemId as string]);
    await engine.updateItem(add.accountId, add.itemId as string, { ...(before?.data as object), jobTitle: 'Edited after the upgrade' });
    const after = await store.db.getFromIndex('items', 'byId', [add.accountId, add.itemId as string]);
    expect(after?.data).toMatchObject({ fileAs: 'Upgrade, Nina', jobTitle: 'Edited after the upgrade' });
    const changes = (await store.db.getAll('pending')).filter((p) => p.kind === 'change' && p.itemId === add.itemId);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.payload).toMatchObject({ class: 'Contacts' });
    store.close();
  });
});
