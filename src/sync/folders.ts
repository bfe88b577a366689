/**
 * The folder hierarchy (FolderSync, MS-ASCMD 2.2.1.5), applied to the store in one
 * write set with the new hierarchy key.
 *
 * - Incremental: Add/Update/Delete since the last key. A deleted folder takes its
 *   subfolders, items and queued edits with it.
 * - Status 9 (invalid key): FolderSync again from key 0 and match the full list by
 *   ServerId. Folders that still exist keep their SyncKey, items and settings;
 *   only folders the server no longer lists are removed (MS-ASCMD 2.2.3.177.5).
 * - A full list that names a known folder under a new ServerId (Horde_ActiveSync gives
 *   every folder a new id on each FolderSync with key 0): same type and same path of
 *   names is the same folder. It moves to its new id with its items, bodies, settings and
 *   queued edits, and downloads again from key 0 (its old key belongs to the old id).
 */
import {
  FolderType,
  buildFolderSync,
  folderClass,
  parseFolderSync,
  type FolderEntry,
  type FolderSyncResponse,
} from '../eas/commands/foldersync.ts';
import { folderRange, type Store, type WriteOp } from '../store/db.ts';
import type { AccountRecord, FolderRecord, PendingRecord } from '../store/schema.ts';
import { isSyncClass } from './classes.ts';
import { SyncError } from './errors.ts';
import {
  folderContentsOps,
  folderMetaOps,
  generationKey,
  getAccount,
  getFolders,
  getGeneration,
  getMovedIn,
  getPending,
  movedInOp,
  putOp,
  removeFolderOps,
  resyncKey,
} from './local.ts';
import type { Session } from './session.ts';

export interface HierarchyResult {
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  /** The hierarchy was rebuilt from key 0 (Status 9). */
  readonly reset: boolean;
}

/**
 * Runs FolderSync (and the Status 9 reset), then commits the result with the new
 * hierarchy key in one write set, under `locked` (the account's data lock).
 */
export async function syncHierarchy(
  session: Session,
  store: Store,
  locked: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<HierarchyResult> {
  const key = session.account.folderSyncKey;
  let res = await folderSync(session, key);
  const reset = res.status === 9 && key !== '0';
  if (reset) res = await folderSync(session, '0');
  const syncKey = res.syncKey;
  if (res.status !== 1 || syncKey === undefined) throw new SyncError('server', `FolderSync status ${res.status}`);
  return locked(async () => {
    const account = (await getAccount(store, session.account.id)) ?? session.account;
    const existing = await getFolders(store, account.id);
    const pending = await getPending(store, account.id);
    const plan = planHierarchy(account, existing, res, reset || key === '0', pending);
    const moves = await renameOps(store, account.id, plan.renamed);
    await store.commit([...plan.ops, ...moves, putOp('accounts', { ...account, folderSyncKey: syncKey })]);
    session.remember({ folderSyncKey: syncKey });
    return { added: plan.added, updated: plan.updated, removed: plan.removed, reset };
  });
}

function folderSync(session: Session, syncKey: string): Promise<FolderSyncResponse> {
  return session.run(
    (ctx) => buildFolderSync({ syncKey }, ctx),
    parseFolderSync,
    (r) => r.status,
  );
}

interface Plan {
  readonly ops: WriteOp[];
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  /** Old ServerId -> new, for folders the full list names under a new id (their items move in renameOps). */
  readonly renamed: ReadonlyMap<string, string>;
}

/**
 * The write set for a FolderSync response. With `full`, the response lists the whole
 * hierarchy (key 0) and local folders it does not list are removed.
 */
export function planHierarchy(
  account: AccountRecord,
  existing: readonly FolderRecord[],
  res: Pick<FolderSyncResponse, 'added' | 'updated' | 'deleted'>,
  full: boolean,
  pending: readonly PendingRecord[] = [],
): Plan {
  const before = new Map(existing.map((f) => [f.serverId, f]));
  const after = new Map(before);
  const entries = [...res.added, ...res.updated];
  const listed = new Set(entries.map((e) => e.serverId));
  const renamed = full ? renamedFolders(before, entries) : new Map<string, string>();
  const newIds = new Map([...renamed].map(([from, to]) => [to, from]));
  let added = 0;
  let updated = 0;
  for (const entry of entries) {
    const moved = before.get(newIds.get(entry.serverId) ?? '');
    const old = after.get(entry.serverId);
    if (old || moved) updated += 1;
    else added += 1;
    // A moved folder starts again from key 0 under its new id (its old key named the old id).
    const record = moved
      ? { ...folderFrom(account, entry, moved), serverId: entry.serverId, syncKey: '0', status: { kind: 'idle' as const } }
      : folderFrom(account, entry, old);
    after.set(entry.serverId, record);
  }
  const gone = new Set(res.deleted);
  if (full) for (const id of before.keys()) if (!listed.has(id) && !renamed.has(id)) gone.add(id);
  for (const id of descendants(after, gone)) gone.add(id);
  for (const id of [...gone, ...renamed.keys()]) after.delete(id);
  const ops: WriteOp[] = [...gone].filter((id) => before.has(id)).flatMap((id) => removeFolderOps(account.id, id, pending));
  for (const from of renamed.keys()) ops.push({ store: 'folders', op: 'delete', key: [account.id, from] });
  ops.push(...pendingRenameOps(pending, renamed));
  for (const f of withOwners(after)) if (f !== before.get(f.serverId)) ops.push(putOp('folders', f));
  return { ops, added, updated, removed: [...gone].filter((id) => before.has(id)).length, renamed };
}

/**
 * Known folders that a full FolderSync no longer lists, matched to listed entries with an id
 * not known here: the same type and the same path of display names, unique on both sides.
 */
export function renamedFolders(before: ReadonlyMap<string, FolderRecord>, entries: readonly FolderEntry[]): Map<string, string> {
  const listed = new Map(entries.map((e) => [e.serverId, e]));
  const pathOf = <T extends { parentId: string; displayName: string; type: number }>(f: T, all: ReadonlyMap<string, T>): string => {
    const names = [`${f.type}`, f.displayName];
    for (let p = all.get(f.parentId), hops = 0; p && hops < 64; p = all.get(p.parentId), hops += 1) names.push(p.displayName);
    return names.join('\u0000');
  };
  const unique = <T>(list: readonly T[], key: (x: T) => string): Map<string, T> => {
    const counts = new Map<string, number>();
    for (const x of list) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
    return new Map(list.filter((x) => counts.get(key(x)) === 1).map((x) => [key(x), x]));
  };
  const lost = unique(
    [...before.values()].filter((f) => !listed.has(f.serverId)),
    (f) => pathOf(f, before),
  );
  const fresh = unique(
    entries.filter((e) => !before.has(e.serverId)),
    (e) => pathOf(e, listed),
  );
  const renamed = new Map<string, string>();
  for (const [path, f] of lost) {
    const e = fresh.get(path);
    if (e) renamed.set(f.serverId, e.serverId);
  }
  return renamed;
}

/** Queued edits of a moved folder, and moves into it, follow it to its new id. */
function pendingRenameOps(pending: readonly PendingRecord[], renamed: ReadonlyMap<string, string>): WriteOp[] {
  const ops: WriteOp[] = [];
  for (const p of pending) {
    const folderId = p.folderId !== undefined ? renamed.get(p.folderId) : undefined;
    const dst = p.kind === 'move' ? renamed.get(p.payload.dstFolderId) : undefined;
    if (folderId === undefined && dst === undefined) continue;
    const next: PendingRecord = p.kind === 'move' && dst !== undefined ? { ...p, payload: { ...p.payload, dstFolderId: dst } } : p;
    ops.push(putOp('pending', folderId !== undefined ? { ...next, folderId } : next));
  }
  return ops;
}

/**
 * The stored contents of moved folders under their new ids: items and bodies re-keyed, the
 * moved-in list carried over, and a resync marker (the one it had, or a new generation) so
 * that the download from key 0 drops what the server no longer has.
 */
async function renameOps(store: Store, accountId: string, renamed: ReadonlyMap<string, string>): Promise<WriteOp[]> {
  if (renamed.size === 0) return [];
  const next = (await getGeneration(store, accountId)) + 1;
  const ops: WriteOp[] = [putOp('meta', { key: generationKey(accountId), value: next })];
  for (const [from, to] of renamed) {
    const [items, bodies, movedIn, marker] = await Promise.all([
      store.db.getAll('items', folderRange(accountId, from)),
      store.db.getAll('bodies', folderRange(accountId, from)),
      getMovedIn(store, accountId, from),
      store.db.get('meta', resyncKey(accountId, from)),
    ]);
    ops.push(...folderContentsOps(accountId, from), ...folderMetaOps(accountId, from));
    for (const item of items) ops.push(putOp('items', { ...item, folderId: to }));
    for (const body of bodies) ops.push(putOp('bodies', { ...body, folderId: to }));
    ops.push(movedInOp(accountId, to, movedIn));
    ops.push(putOp('meta', { key: resyncKey(accountId, to), value: marker?.value ?? { generation: next } }));
  }
  return ops;
}

/** A folder record from a FolderSync entry, keeping the local state of a folder already known. */
function folderFrom(account: AccountRecord, e: FolderEntry, old: FolderRecord | undefined): FolderRecord {
  const cls = folderClass(e.type);
  if (old) return { ...old, parentId: e.parentId, displayName: e.displayName, type: e.type, class: cls };
  return {
    accountId: account.id,
    serverId: e.serverId,
    parentId: e.parentId,
    displayName: e.displayName,
    type: e.type,
    class: cls,
    syncKey: '0',
    enabled: defaultEnabled(account, e.type, cls),
    status: { kind: 'idle' },
    count: 0,
    unread: 0,
  };
}

/** Synced by default: every folder of a chosen class except the Outbox (the outbox is local). */
export function defaultEnabled(account: AccountRecord, type: number, cls: string | undefined): boolean {
  return isSyncClass(cls) && account.classes[cls] && type !== FolderType.Outbox;
}

function descendants(folders: ReadonlyMap<string, FolderRecord>, roots: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let frontier = new Set(roots);
  while (frontier.size > 0) {
    const next = new Set<string>();
    for (const f of folders.values()) {
      if (frontier.has(f.parentId) && !roots.has(f.serverId) && !out.includes(f.serverId)) {
        out.push(f.serverId);
        next.add(f.serverId);
      }
    }
    frontier = next;
  }
  return out;
}

/** The folders with `owner` set where it can be told; unchanged records are returned as they were. */
function withOwners(folders: ReadonlyMap<string, FolderRecord>): FolderRecord[] {
  return [...folders.values()].map((f) => {
    const owner = folderOwner(f, folders);
    return owner === f.owner ? f : { ...f, owner };
  });
}

/** Names of folders that hold other people's folders (Exchange, OX, SOGo, Zimbra...). */
const SHARED_ROOT = /^(shared( folders)?|public( folders)?|other users|freigegebene? ordner|öffentliche ordner|gemeinsame ordner)$/i;

/**
 * Whose folder this is, when the server tells: "Bob's calendar" in the name, or a folder under a "Shared folders"/"Public folders" root, where the
 * first level below the root is the owner's name.
 */
export function folderOwner(
  f: Pick<FolderRecord, 'serverId' | 'parentId' | 'displayName'>,
  folders: ReadonlyMap<string, Pick<FolderRecord, 'serverId' | 'parentId' | 'displayName'>>,
): string | undefined {
  const chain = ancestors(f, folders);
  const rootIndex = chain.findIndex((a) => SHARED_ROOT.test(a.displayName.trim()));
  if (rootIndex > 0) {
    const ownerFolder = chain[rootIndex - 1];
    if (ownerFolder && ownerFolder !== f) return ownerFolder.displayName.trim();
  }
  const possessive = /^(.+?)['’]s\s+\S/.exec(f.displayName);
  return possessive?.[1]?.trim();
}

/** f, its parent, its grandparent... up to the root (guarding against cycles). */
function ancestors<T extends Pick<FolderRecord, 'serverId' | 'parentId'>>(f: T, folders: ReadonlyMap<string, T>): T[] {
  const chain: T[] = [f];
  const seen = new Set([f.serverId]);
  let parent = folders.get(f.parentId);
  while (parent && !seen.has(parent.serverId)) {
    chain.push(parent);
    seen.add(parent.serverId);
    parent = folders.get(parent.parentId);
  }
  return chain;
}
