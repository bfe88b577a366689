/**
 * Opening the database and the few operations every layer needs. The engine does
 * its own multi-store transactions (one per server response) on `store.db`.
 */
import { openDB, unwrap, type IDBPDatabase } from 'idb';
import { DB_NAME, DB_VERSION, type EasDb, type StoreName } from './schema.ts';

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
  | { readonly store: StoreName; readonly op: 'put'; readonly value: unknown }
  | { readonly store: StoreName; readonly op: 'delete'; readonly key: IDBValidKey }
  | { readonly store: StoreName; readonly op: 'deleteRange'; readonly lower: IDBValidKey; readonly upper: IDBValidKey }
  | { readonly store: 'pending' | 'conflicts'; readonly op: 'deleteByAccount'; readonly accountId: string };

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

function upgrade(db: IDBPDatabase<EasDb>): void {
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

async function deleteByAccount(index: { openCursor(q: string): Promise<{ delete(): Promise<void>; continue(): Promise<unknown> } | null> }, accountId: string): Promise<void> {
  let cursor = await index.openCursor(accountId);
  while (cursor) {
    await cursor.delete();
    cursor = (await cursor.continue()) as typeof cursor;
  }
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
