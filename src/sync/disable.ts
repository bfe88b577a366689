/**
 * Turning a folder or a whole class off, as a phone does: the data leaves the device
 * (an iPhone that stops syncing Calendars removes them), and turning it on again later
 * is a clean initial sync from SyncKey 0.
 *
 * Edits made here and not yet confirmed by the server would be lost with the items, so
 * they are pushed first (a sync of just those folders). If any is still queued after
 * that (offline, server busy), nothing is removed and the switch is refused: the user
 * can try again once online. Queued mail in the outbox does not belong to a folder and
 * is never touched.
 */
import type { WriteOp } from '../store/db.ts';
import type { FolderRecord, PendingRecord, SyncClass } from '../store/schema.ts';
import { deletePendingOp, folderContentsOps, folderMetaOps, putOp } from './local.ts';

/** What is switched off: one folder, or every folder of a class. */
export type SyncTarget = { readonly folderId: string } | { readonly cls: SyncClass };

/** The folders whose local data goes when `target` is switched off. */
export function foldersOf(target: SyncTarget, folders: readonly FolderRecord[]): FolderRecord[] {
  return 'folderId' in target ? folders.filter((f) => f.serverId === target.folderId) : folders.filter((f) => f.class === target.cls);
}

/** Edits waiting for the server that touch these folders (a move into one counts too). */
export function unsentEdits(pending: readonly PendingRecord[], folderIds: ReadonlySet<string>): PendingRecord[] {
  return pending.filter((p) => {
    if (p.kind === 'send' || p.kind === 'fetchBody') return false;
    const dst = p.kind === 'move' ? (p.payload as { dstFolderId?: string }).dstFolderId : undefined;
    return (p.folderId !== undefined && folderIds.has(p.folderId)) || (dst !== undefined && folderIds.has(dst));
  });
}

/**
 * One write set: the folder back to SyncKey 0 with no items, bodies, counts, resync
 * marker, moved-in list or queued body fetches; `enabled` as given (unchanged for a class).
 */
export function clearFolderOps(folder: FolderRecord, pending: readonly PendingRecord[], enabled = folder.enabled): WriteOp[] {
  const { accountId, serverId } = folder;
  const cleared: FolderRecord = {
    ...folder,
    enabled,
    syncKey: '0',
    status: { kind: 'idle' },
    count: 0,
    unread: 0,
    estimate: undefined,
    lastSyncAt: undefined,
  };
  return [
    putOp('folders', cleared),
    ...folderContentsOps(accountId, serverId),
    ...folderMetaOps(accountId, serverId),
    ...pending
      .filter((p) => p.kind === 'fetchBody' && p.folderId === serverId && p.id !== undefined)
      .map((p) => deletePendingOp(p.id as number)),
  ];
}
