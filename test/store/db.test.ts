import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { accountRange, openStore, randomId, wipeAccountOps, type WriteOp } from '../../src/store/db.ts';
import type { AccountRecord, FolderRecord, ItemRecord } from '../../src/store/schema.ts';
import type { Email } from '../../src/eas/items/email.ts';

const item = (accountId: string, folderId: string, serverId: string): ItemRecord => ({
  accountId,
  folderId,
  serverId,
  id: `${folderId}-${serverId}`,
  class: 'Email',
  data: { subject: serverId } as Email,
  sortKey: serverId,
  updatedAt: 0,
});

/** Only what the test needs of a record: the store keeps any structured-clonable value. */
const partial = <T>(value: Partial<T>): T => value as T;

describe('store', () => {
  it('applies a write set atomically: a bad op rolls back the ops before it', async () => {
    const store = await openStore({ name: randomId() });
    await store.commit([{ store: 'items', op: 'put', value: item('a', 'f', '1') }]);
    const bad: WriteOp[] = [
      { store: 'items', op: 'put', value: item('a', 'f', '2') },
      { store: 'folders', op: 'put', value: partial<FolderRecord>({ accountId: 'a', syncKey: 'x' }) }, // no serverId: DataError
    ];
    await expect(store.commit(bad)).rejects.toThrow();
    expect((await store.db.getAllKeys('items')).map((k) => k[2])).toEqual(['1']);
  });

  it('rolls back the whole write set when a value cannot be stored', async () => {
    const store = await openStore({ name: randomId() });
    const bad: WriteOp[] = [
      { store: 'items', op: 'put', value: item('a', 'f', '1') },
      { store: 'meta', op: 'put', value: { key: 'k', value: () => 1 } }, // DataCloneError
    ];
    await expect(store.commit(bad)).rejects.toThrow();
    expect(await store.db.count('items')).toBe(0);
    await store.commit([{ store: 'items', op: 'put', value: item('a', 'f', '2') }]);
    expect((await store.db.getAllKeys('items')).map((k) => k[2])).toEqual(['2']);
  });

  it('journals each write set before applying it', async () => {
    const seen: (readonly WriteOp[])[] = [];
    const store = await openStore({ name: randomId(), journal: async (ops) => void seen.push(ops) });
    const ops: WriteOp[] = [{ store: 'meta', op: 'put', value: { key: 'k', value: 1 } }];
    await store.commit(ops);
    expect(seen).toEqual([ops]);
  });

  it('wipes exactly one account', async () => {
    const store = await openStore({ name: randomId() });
    await store.commit([
      { store: 'accounts', op: 'put', value: partial<AccountRecord>({ id: 'a' }) },
      { store: 'accounts', op: 'put', value: partial<AccountRecord>({ id: 'ab' }) },
      { store: 'items', op: 'put', value: item('a', 'f', '1') },
      { store: 'items', op: 'put', value: item('ab', 'f', '1') },
      { store: 'pending', op: 'put', value: { accountId: 'a', kind: 'delete', payload: { class: 'Email' }, createdAt: 0, attempts: 0 } },
      { store: 'pending', op: 'put', value: { accountId: 'ab', kind: 'delete', payload: { class: 'Email' }, createdAt: 0, attempts: 0 } },
    ]);
    await store.commit(wipeAccountOps('a'));
    expect(await store.db.getAllKeys('accounts')).toEqual(['ab']);
    expect(await store.db.count('items', accountRange('a'))).toBe(0);
    expect(await store.db.count('items', accountRange('ab'))).toBe(1);
    expect((await store.db.getAll('pending')).map((p) => p.accountId)).toEqual(['ab']);
  });
});
