/**
 * Opening the database and the few operations every layer needs. The engine does
 * its own multi-store transactions (one per server response) on `store.db`.
 */
import { openDB, unwrap, type IDBPDatabase, type IDBPTransaction, type StoreNames, type StoreValue } from 'idb';
import { DB_NAME, DB_VERSION, type EasDb, type ItemRecord, type PendingRecord, type StoreName } from './schema.ts';

export type Db = IDBPDatabase<EasDb>;

export interface OpenOptions {
  readonly name?: string;
  /**
   * Called with every write set before it is applied. The Node CLI appends it to a journal
   * file here (fake-indexeddb lives in memory); browsers need nothing.
   */
  readonly journal?: (ops: readonly WriteOp[]) => Promise<void>;
}

export interface Store {
  readonly db: Db;
  /** Applies a write set in ONE transaction: all of it or (on a crash) none of it. */
  commit(ops: readonly WriteOp[]): Promise<void>;
  close(): void;
}

/**
 * One change in a write set. Values are plain structured-clonable data; ranges are
 * given as bounds so a write set can be serialized (the CLI's journal).
 */
export type WriteOp =
  | PutOp
  | { readonly store: StoreName; readonly op: 'delete'; readonly key: IDBValidKey }
  | { readonly store: StoreName; readonly op: 'deleteRange'; readonly lower: IDBValidKey; readonly upper: IDBValidKey }
  | { readonly store: 'pending' | 'conflicts'; readonly op: 'deleteByAccount'; readonly accountId: string };

/** A put, its value typed by its store. */
export type PutOp = { [N in StoreName]: { readonly store: N; readonly op: 'put'; readonly value: StoreValue<EasDb, N> } }[StoreName];

export const putOp = <N extends StoreName>(store: N, value: StoreValue<EasDb, N>): WriteOp => ({ store, op: 'put', value }) as PutOp;

export async function openStore(options: OpenOptions = {}): Promise<Store> {
  const db = await openDB<EasDb>(options.name ?? DB_NAME, DB_VERSION, { upgrade });
  const journal = options.journal;
  return {
    db,
    async commit(ops) {
      if (ops.length === 0) return;
      if (journal) await journal(ops);
      await applyOps(db, ops);
    },
    close: () => db.close(),
  };
}

function upgrade(db: IDBPDatabase<EasDb>, oldVersion: number, _newVersion: number | null, tx: UpgradeTx): Promise<void> | void {
  if (oldVersion < 1) createStores(db);
  if (oldVersion < 2) return upgradeToV2(tx);
}

type UpgradeTx = IDBPTransaction<EasDb, StoreNames<EasDb>[], 'versionchange'>;

function createStores(db: IDBPDatabase<EasDb>): void {
  db.createObjectStore('accounts', { keyPath: 'id' });
  db.createObjectStore('folders', { keyPath: ['accountId', 'serverId'] });
  const items = db.createObjectStore('items', { keyPath: ['accountId', 'folderId', 'serverId'] });
  items.createIndex('byFolderSort', ['accountId', 'folderId', 'sortKey']);
  const pending = db.createObjectStore('pending', { keyPath: 'id', autoIncrement: true });
  pending.createIndex('byAccount', 'accountId');
  const conflicts = db.createObjectStore('conflicts', { keyPath: 'id', autoIncrement: true });
  conflicts.createIndex('byAccount', 'accountId');
  db.createObjectStore('bodies', { keyPath: ['accountId', 'folderId', 'serverId'] });
  const attachments = db.createObjectStore('attachments', { keyPath: ['accountId', 'fileReference'] });
  attachments.createIndex('byLastUsed', 'lastUsed');
  db.createObjectStore('meta', { keyPath: 'key' });
}

/** An item as version 1 stored it: no stable id. */
type V1Item = Omit<ItemRecord, 'id'> & { readonly id?: string };

/**
 * Version 2: every item gets its stable id (a local add's keeps its ClientId), and every
 * queued edit names the item it is about (`itemId`), found by the ServerId it was queued
 * under. A queued move's item sits in the destination under its placeholder; changes
 * queued before the move still name the source, and are the same item. A reply's or
 * forward's original (a send's `source.ref`) is named by id too.
 */
async function upgradeToV2(tx: UpgradeTx): Promise<void> {
  const items = tx.objectStore('items');
  const ids = new Map<string, string>();
  for (let cursor = await items.openCursor(); cursor; cursor = await cursor.continue()) {
    const old: V1Item = cursor.value;
    const id = old.id ?? v1ItemId(old);
    ids.set(keyText(old.accountId, old.folderId, old.serverId), id);
    if (old.id === undefined) await cursor.update({ ...old, id } as ItemRecord); // a version 1 record, given its id
  }
  items.createIndex('byId', ['accountId', 'id'], { unique: true });
  const pending = tx.objectStore('pending');
  const queue = await pending.getAll();
  for (const p of queue) {
    const move = p.kind === 'move' ? (p.payload as { dstFolderId?: string; placeholder?: string }) : undefined;
    if (!move?.dstFolderId || !move.placeholder || p.folderId === undefined || p.serverId === undefined) continue;
    const id = ids.get(keyText(p.accountId, move.dstFolderId, move.placeholder));
    const source = keyText(p.accountId, p.folderId, p.serverId);
    if (id !== undefined && !ids.has(source)) ids.set(source, id);
  }
  const idOf = (accountId: string, folderId?: string, serverId?: string): string | undefined =>
    folderId === undefined || serverId === undefined
      ? undefined
      : (ids.get(keyText(accountId, folderId, serverId)) ?? firstItemId(accountId, folderId, serverId, 'v1'));
  for (const p of queue) {
    const next = pendingV2(p, idOf);
    if (next !== p) await pending.put(next);
  }
}

function pendingV2(p: PendingRecord, idOf: (accountId: string, folderId?: string, serverId?: string) => string | undefined): PendingRecord {
  if (p.kind === 'send') {
    const payload = p.payload as { source?: { ref?: { accountId: string; folderId?: string; serverId?: string; itemId?: string } } };
    const ref = payload.source?.ref;
    if (!ref || ref.itemId !== undefined) return p;
    const itemId = idOf(ref.accountId, ref.folderId, ref.serverId) ?? '';
    return { ...p, payload: { ...payload, source: { ...payload.source, ref: { accountId: ref.accountId, itemId } } } } as PendingRecord;
  }
  const itemId = p.itemId ?? (p.kind === 'add' && p.clientId ? p.clientId : idOf(p.accountId, p.folderId, p.serverId));
  return itemId === undefined || itemId === p.itemId ? p : { ...p, itemId };
}

/** A local add waits under "local:<ClientId>" (sync/local.ts LOCAL_PREFIX): its ClientId becomes its id, as for adds made now. */
const v1ItemId = (item: V1Item): string =>
  item.serverId.startsWith('local:')
    ? item.serverId.slice('local:'.length)
    : firstItemId(item.accountId, item.folderId, item.serverId, 'v1');

const keyText = (accountId: string, folderId: string, serverId: string): string => JSON.stringify([accountId, folderId, serverId]);

/**
 * The stable id of an item seen for the first time under this ServerId, in a response to
 * the request sent with `syncKey`: the same response applied twice gives the same id
 * (apply.ts), and a later item that reuses the ServerId gets another. 64 bits of two
 * FNV-1a hashes: a clash among an account's items (unique index) is not to be expected.
 */
export function firstItemId(accountId: string, folderId: string, serverId: string, syncKey: string): string {
  const text = JSON.stringify([accountId, folderId, serverId, syncKey]);
  return fnv1a(text, 0x811c9dc5) + fnv1a(text, 0x050c5d1f);
}

function fnv1a(text: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const ALL_STORES: readonly StoreName[] = ['accounts', 'folders', 'items', 'pending', 'conflicts', 'bodies', 'attachments', 'meta'];

/**
 * Applies a write set in one readwrite transaction over the stores it names.
 *
 * Puts and deletes go to the plain IDB object stores, without a promise per request: a
 * write set of 512 mails would otherwise make 1,000 promises. A request that fails
 * aborts the transaction (its error event is not handled), so `tx.done` rejects and
 * none of the write set is kept.
 */
export async function applyOps(db: Db, ops: readonly WriteOp[]): Promise<void> {
  const names = ALL_STORES.filter((n) => ops.some((o) => o.store === n));
  const tx = db.transaction(names, 'readwrite');
  const plain = unwrap(tx);
  try {
    for (const o of ops) {
      if (o.op === 'put') plain.objectStore(o.store).put(o.value);
      else if (o.op === 'delete') plain.objectStore(o.store).delete(o.key);
      else if (o.op === 'deleteRange') plain.objectStore(o.store).delete(IDBKeyRange.bound(o.lower, o.upper));
      else await deleteByAccount(tx.objectStore(o.store).index('byAccount'), o.accountId);
    }
  } catch (e) {
    // A request that throws does not abort the transaction by itself: without this, the
    // ops before it would commit and the write set would be half applied.
    abortQuietly(tx);
    await tx.done.catch(() => undefined);
    throw e;
  }
  await tx.done;
}

function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // already finished or aborted
  }
}

async function deleteByAccount(
  index: { openCursor(q: string): Promise<{ delete(): Promise<void>; continue(): Promise<unknown> } | null> },
  accountId: string,
): Promise<void> {
  let cursor = await index.openCursor(accountId);
  while (cursor) {
    await cursor.delete();
    cursor = (await cursor.continue()) as typeof cursor;
  }
}

/** Every record of the store as one write set of puts (the CLI's journal compaction, test snapshots). */
export async function everyRecordOps(db: Db): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  for (const name of ALL_STORES) ops.push(...(await putsOf(db, name)));
  return ops;
}

async function putsOf<N extends StoreName>(db: Db, name: N): Promise<WriteOp[]> {
  return (await db.getAll(name)).map((value) => putOp(name, value));
}

/** Every key of an account lies in [accountId] .. [accountId, []]: arrays sort after strings. */
export function accountRange(accountId: string): IDBKeyRange {
  return IDBKeyRange.bound([accountId], [accountId, []]);
}

/** Every item key of one folder. */
export function folderRange(accountId: string, folderId: string): IDBKeyRange {
  return IDBKeyRange.bound([accountId, folderId], [accountId, folderId, []]);
}

/** The write set that removes an account and everything stored for it (remote wipe, removal). */
export function wipeAccountOps(accountId: string): WriteOp[] {
  const lower = [accountId];
  const upper = [accountId, []];
  return [
    { store: 'accounts', op: 'delete', key: accountId },
    ...(['folders', 'items', 'bodies', 'attachments'] as const).map((store): WriteOp => ({ store, op: 'deleteRange', lower, upper })),
    { store: 'pending', op: 'deleteByAccount', accountId },
    { store: 'conflicts', op: 'deleteByAccount', accountId },
  ];
}

/** A random id for devices, accounts and ClientIds: 32 hex digits from the platform's CSPRNG. */
export function randomId(bytes = 16): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}
