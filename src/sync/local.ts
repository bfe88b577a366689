/**
 * Reads of the local store and the write-set pieces every module builds on.
 * Writes are never done here: modules return WriteOps and commit them in one set.
 */
import { accountRange, folderRange, putOp, type Store, type WriteOp } from '../store/db.ts';
import { getItem as readItem, listFolders, listPendingOldestFirst, oldestFirst } from '../store/reads.ts';
import type { AccountRecord, FolderRecord, ItemRecord, MetaRecord, PendingRecord } from '../store/schema.ts';

export async function getAccount(store: Store, id: string): Promise<AccountRecord | undefined> {
  return store.db.get('accounts', id);
}

export async function getFolders(store: Store, accountId: string): Promise<FolderRecord[]> {
  return listFolders(store.db, accountId);
}

export async function getFolder(store: Store, accountId: string, folderId: string): Promise<FolderRecord | undefined> {
  return store.db.get('folders', [accountId, folderId]);
}

/** The account's queue, oldest first (ids increase with time). */
export async function getPending(store: Store, accountId: string): Promise<PendingRecord[]> {
  return listPendingOldestFirst(store.db, accountId);
}

export async function getItem(store: Store, accountId: string, folderId: string, serverId: string): Promise<ItemRecord | undefined> {
  return store.db.get('items', [accountId, folderId, serverId]);
}

/** The item with this stable id (ItemRecord.id), wherever it is now. */
export async function getItemById(store: Store, accountId: string, itemId: string): Promise<ItemRecord | undefined> {
  return readItem(store.db, { accountId, itemId });
}

export async function getItems(store: Store, accountId: string, folderId: string): Promise<ItemRecord[]> {
  return store.db.getAll('items', folderRange(accountId, folderId));
}

/**
 * The items with these ServerIds in one folder, read in one transaction (missing ones
 * are absent). `probed` ids are mostly new (a server's Adds): their keys are looked up
 * first and only the records that exist are read, which spares cloning a record per id.
 */
export async function getItemsById(
  store: Store,
  accountId: string,
  folderId: string,
  ids: Iterable<string>,
  probed: Iterable<string> = [],
): Promise<Map<string, ItemRecord>> {
  const tx = store.db.transaction('items', 'readonly');
  const wanted = new Set(ids);
  const guesses = [...new Set(probed)].filter((id) => !wanted.has(id));
  const keys = await Promise.all(guesses.map((id) => tx.store.getKey([accountId, folderId, id])));
  guesses.forEach((id, i) => {
    if (keys[i] !== undefined) wanted.add(id);
  });
  const unique = [...wanted];
  const found = await Promise.all(unique.map((id) => tx.store.get([accountId, folderId, id])));
  await tx.done;
  const out = new Map<string, ItemRecord>();
  found.forEach((item, i) => {
    if (item) out.set(unique[i] as string, item);
  });
  return out;
}

export { putOp };

/**
 * `meta` key of the ServerIds MoveItems gave mails moved into a folder (MS-ASCMD
 * 2.2.3.54). The folder's next Sync may bring them as Adds of items already held; only
 * those (and every Add during a resync) are looked up before a response is applied.
 */
export const movedInKey = (accountId: string, folderId: string): string => `movedin:${accountId}:${folderId}`;

export async function getMovedIn(store: Store, accountId: string, folderId: string): Promise<string[]> {
  return movedInOf(await store.db.get('meta', movedInKey(accountId, folderId)));
}

const movedInOf = (found: MetaRecord | undefined): string[] => (Array.isArray(found?.value) ? (found.value as string[]) : []);

/** The write op that stores a folder's moved-in list (deletes it when empty). */
export function movedInOp(accountId: string, folderId: string, ids: readonly string[]): WriteOp {
  const key = movedInKey(accountId, folderId);
  return ids.length > 0 ? putOp('meta', { key, value: [...ids] }) : { store: 'meta', op: 'delete', key };
}

/** `meta` key of a folder's resync marker: there while the folder is downloaded again from key 0 (apply.ts). */
export const resyncKey = (accountId: string, folderId: string): string => `resync:${accountId}:${folderId}`;

/** `meta` key of the account's resync generation (see startResyncOps in apply.ts). */
export const generationKey = (accountId: string): string => `generation:${accountId}`;

/** The account's resync generation: 0 until its first resync. */
export async function getGeneration(store: Store, accountId: string): Promise<number> {
  return generationOf(await store.db.get('meta', generationKey(accountId)));
}

const generationOf = (found: MetaRecord | undefined): number => (typeof found?.value === 'number' ? found.value : 0);

/**
 * The generation a folder's resync started at, from its marker; undefined when it is not
 * resyncing. A marker written by an older version holds a start time (`{since}`) instead:
 * it counts as generation 0, so that one resync purges nothing. Its clock stamps cannot
 * be trusted; an item it leaves behind goes at the next resync, and no edit is lost.
 */
function resyncOf(found: MetaRecord | undefined): number | undefined {
  if (!found) return undefined;
  const generation = (found.value as { generation?: unknown } | undefined)?.generation;
  return typeof generation === 'number' ? generation : 0;
}

/** What a Sync round starts from: the account's folders, queue, resync state and moved-in lists. */
export interface RoundState {
  readonly folders: FolderRecord[];
  /** Oldest first, as getPending. */
  readonly pending: PendingRecord[];
  readonly generation: number;
  /** By folder id, while the folder resyncs: the generation its resync started at (resyncOf). */
  readonly resync: ReadonlyMap<string, number | undefined>;
  /** By folder id: its moved-in list (getMovedIn). */
  readonly movedIn: ReadonlyMap<string, string[]>;
}

/**
 * getFolders, getPending, getGeneration, and every folder's resync marker and moved-in
 * list, in one read transaction: a Sync round made eight, and a transaction costs a browser about
 * a millisecond.
 */
export async function readRound(store: Store, accountId: string): Promise<RoundState> {
  const tx = store.db.transaction(['folders', 'pending', 'meta'], 'readonly');
  const meta = tx.objectStore('meta');
  const [folders, pending, generation, resync, movedIn] = await Promise.all([
    tx.objectStore('folders').getAll(accountRange(accountId)),
    tx.objectStore('pending').index('byAccount').getAll(accountId),
    meta.get(generationKey(accountId)),
    meta.getAll(prefixRange(resyncKey(accountId, ''))),
    meta.getAll(prefixRange(movedInKey(accountId, ''))),
    tx.done,
  ]);
  return {
    folders,
    pending: oldestFirst(pending),
    generation: generationOf(generation),
    resync: byFolder(resync, resyncKey(accountId, ''), resyncOf),
    movedIn: byFolder(movedIn, movedInKey(accountId, ''), movedInOf),
  };
}

/** Every string key that starts with `prefix`. */
const prefixRange = (prefix: string): IDBKeyRange => IDBKeyRange.bound(prefix, `${prefix}\uffff`);

function byFolder<T>(records: readonly MetaRecord[], prefix: string, value: (r: MetaRecord) => T): Map<string, T> {
  return new Map(records.map((r) => [String(r.key).slice(prefix.length), value(r)]));
}

/** A folder's records in `meta`: its resync marker and moved-in list. */
export function folderMetaOps(accountId: string, folderId: string): WriteOp[] {
  return [{ store: 'meta', op: 'delete', key: resyncKey(accountId, folderId) }, movedInOp(accountId, folderId, [])];
}

export function deleteItemOp(accountId: string, folderId: string, serverId: string): WriteOp {
  return { store: 'items', op: 'delete', key: [accountId, folderId, serverId] };
}

export function deletePendingOp(id: number): WriteOp {
  return { store: 'pending', op: 'delete', key: id };
}

/** Every item and stored body of a folder (keys [accountId, folderId, serverId]). */
export function folderContentsOps(accountId: string, folderId: string): WriteOp[] {
  const lower = [accountId, folderId];
  const upper = [accountId, folderId, []];
  return [
    { store: 'items', op: 'deleteRange', lower, upper },
    { store: 'bodies', op: 'deleteRange', lower, upper },
  ];
}

/** A folder and everything stored under it: items, bodies, `meta` records, and its queued edits. */
export function removeFolderOps(accountId: string, folderId: string, pending: readonly PendingRecord[]): WriteOp[] {
  return [
    { store: 'folders', op: 'delete', key: [accountId, folderId] },
    ...folderContentsOps(accountId, folderId),
    ...folderMetaOps(accountId, folderId),
    ...pending.filter((p) => p.folderId === folderId && p.id !== undefined).map((p) => deletePendingOp(p.id as number)),
  ];
}

/** Prefix of the ServerId under which a locally added item waits for its real one. */
export const LOCAL_PREFIX = 'local:';
/** Prefix of the ServerId of a mail moved locally whose MoveItems has not been confirmed. */
export const MOVED_PREFIX = 'moved:';

export const localId = (clientId: string): string => LOCAL_PREFIX + clientId;
export const movedId = (serverId: string): string => MOVED_PREFIX + serverId;

/** True for ServerIds the server does not know yet (local adds, unconfirmed moves). */
export function isProvisional(serverId: string | undefined): boolean {
  return serverId !== undefined && (serverId.startsWith(LOCAL_PREFIX) || serverId.startsWith(MOVED_PREFIX));
}
