/**
 * The folder hierarchy (FolderSync, MS-ASCMD 2.2.1.5), applied to the store in one
 * write set with the new hierarchy key.
 *
 * - Incremental: Add/Update/Delete since the last key. A deleted folder takes its
 *   subfolders, items and queued edits with it.
 * - Status 9 (invalid key): FolderSync again from key 0 and match the full list by
 *   ServerId. Folders that still exist keep their SyncKey, items and settings;
 *   only folders the server no longer lists are removed (MS-ASCMD 2.2.3.177.5).
 */
import { FolderType, buildFolderSync, folderClass, parseFolderSync, type FolderEntry, type FolderSyncResponse } from '../eas/commands/foldersync.ts';
import type { Store, WriteOp } from '../store/db.ts';
import type { AccountRecord, FolderRecord, PendingRecord } from '../store/schema.ts';
import { isSyncClass } from './classes.ts';
import { SyncError } from './errors.ts';
import { getAccount, getFolders, getPending, putOp, removeFolderOps } from './local.ts';
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
export async function syncHierarchy(session: Session, store: Store, locked: <T>(fn: () => Promise<T>) => Promise<T>): Promise<HierarchyResult> {
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
    await store.commit([...plan.ops, putOp('accounts', { ...account, folderSyncKey: syncKey })]);
    session.remember({ folderSyncKey: syncKey });
    return { added: plan.added, updated: plan.updated, removed: plan.removed, reset };
  });
}

function folderSync(session: Session, syncKey: string): Promise<FolderSyncResponse> {
  return session.run((ctx) => buildFolderSync({ syncKey }, ctx), parseFolderSync, (r) => r.status);
}

interface Plan {
  readonly ops: WriteOp[];
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
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
  let added = 0;
  let updated = 0;
  for (const entry of [...res.added, ...res.updated]) {
    const old = after.get(entry.serverId);
    if (old) updated += 1;
    else added += 1;
    after.set(entry.serverId, folderFrom(account, entry, old));
  }
  const listed = new Set([...res.added, ...res.updated].map((e) => e.serverId));
  const gone = new Set(res.deleted);
  if (full) for (const id of before.keys()) if (!listed.has(id)) gone.add(id);
  for (const id of descendants(after, gone)) gone.add(id);
  for (const id of gone) after.delete(id);
  const ops: WriteOp[] = [...gone].filter((id) => before.has(id)).flatMap((id) => removeFolderOps(account.id, id, pending));
  for (const f of withOwners(after)) if (f !== before.get(f.serverId)) ops.push(putOp('folders', f));
  return { ops, added, updated, removed: [...gone].filter((id) => before.has(id)).length };
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
export function folderOwner(f: Pick<FolderRecord, 'serverId' | 'parentId' | 'displayName'>, folders: ReadonlyMap<string, Pick<FolderRecord, 'serverId' | 'parentId' | 'displayName'>>): string | undefined {
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
