/**
 * One Sync response -> one write set (MS-ASCMD 2.2.1.21).
 *
 * For every collection of the response, the set holds together: the items the
 * server sent (decoded into ItemRecord.data), the collection's new SyncKey, the
 * ClientId -> ServerId re-keying of confirmed adds, the removal of the queued edits
 * the server confirmed, conflicts, and the folder's counts. Applying the same
 * response twice gives the same store: every op is a put or delete by key, and an
 * Add of a ServerId already held overwrites it.
 *
 * A collection whose part of the response cannot be read (a malformed item) gets
 * an error state and keeps its old SyncKey; the other collections are applied.
 */
import type { EasContext } from '../eas/command.ts';
import type { El } from '../wbxml/tree.ts';
import type { SyncCollectionResult, SyncItemResponse, SyncServerCommand } from '../eas/commands/sync.ts';
import { isRetryLater } from '../eas/status.ts';
import { firstItemId, type WriteOp } from '../store/db.ts';
import { deleteDraftOps, sendsDraft } from '../store/drafts.ts';
import { itemOf } from '../store/item.ts';
import type { AccountRecord, ConflictRecord, FolderRecord, ItemRecord, PendingOf, PendingRecord, SyncClass } from '../store/schema.ts';
import { applyChange, confirmedData, isUpdate, itemData, mergeUpdate, readOf, sameContent, sortKeyOf, type ReadItem } from './classes.ts';
import { decodeAttachments, type Attachment } from '../eas/items/airsyncbase.ts';
import type { Email } from '../eas/items/email.ts';
import { withConfirmedFiles } from './drafts.ts';
import { deleteItemOp, deletePendingOp, generationKey, isProvisional, localId, putOp, resyncKey } from './local.ts';

/** How many failed attempts a queued edit gets before it is given up (kept as a conflict). */
export const MAX_ATTEMPTS = 5;

/** One collection as it was sent. */
export interface SentCollection {
  readonly folder: FolderRecord;
  readonly cls: SyncClass;
  /** Queued edits sent as Commands, in order. */
  readonly sent: readonly PendingRecord[];
  /** Items of the folder the response names, by ServerId; for a resync's last page, every item. */
  readonly items: ReadonlyMap<string, ItemRecord>;
  /** While the folder is re-downloaded after Status 3 or a full resync: the generation its resync started at. */
  readonly resync?: number;
  /** `items` holds the whole folder (needed to finish a resync). */
  readonly complete: boolean;
}

export interface ApplyEnv {
  readonly account: AccountRecord;
  readonly ctx: EasContext;
  readonly now: number;
  /** The account's resync generation, read under its lock: stamped on every item written. */
  readonly generation: number;
  /** Every queued edit of the account (fresh, read under the account's lock). */
  readonly pending: readonly PendingRecord[];
  readonly nextId: () => number;
}

export type CollectionOutcome =
  | {
      readonly kind: 'ok';
      readonly moreAvailable: boolean;
      readonly added: number;
      readonly changed: number;
      readonly deleted: number;
      readonly count: number;
      /** GetItemEstimate's count before the initial sync, if known. */
      readonly estimate?: number;
      /** A resync ended with this response. */
      readonly resynced: boolean;
    }
  /** Status 3: the folder starts over from key 0; local items stay. */
  | { readonly kind: 'resync' }
  /** Status 12 (or 8 for the collection): the hierarchy changed, run FolderSync. */
  | { readonly kind: 'folders' }
  /** A transient server status: try again later. */
  | { readonly kind: 'retry'; readonly message: string }
  /** The folder goes to an error state. */
  | { readonly kind: 'error'; readonly message: string };

export interface ApplyResult {
  readonly ops: WriteOp[];
  readonly outcomes: ReadonlyMap<string, CollectionOutcome>;
  readonly conflicts: readonly { folderId: string; serverId: string }[];
}

/** The write set for one Sync response. Pure: reads nothing, decides everything from its inputs. */
export function planResponse(
  collections: readonly SyncCollectionResult<ReadItem>[],
  sent: ReadonlyMap<string, SentCollection>,
  env: ApplyEnv,
): ApplyResult {
  const ops: WriteOp[] = [];
  const outcomes = new Map<string, CollectionOutcome>();
  const conflicts: { folderId: string; serverId: string }[] = [];
  for (const c of collections) {
    const s = sent.get(c.collectionId);
    if (!s) continue;
    try {
      const plan = planCollection(c, s, env);
      ops.push(...plan.ops);
      conflicts.push(...plan.conflicts);
      outcomes.set(c.collectionId, plan.outcome);
    } catch (e) {
      // A malformed item: this folder keeps its key and shows the error (MS-ASCMD gives no repair).
      outcomes.set(c.collectionId, { kind: 'error', message: e instanceof Error ? e.message : String(e) });
      ops.push(
        putOp('folders', { ...s.folder, status: { kind: 'error', message: String(e instanceof Error ? e.message : e), at: env.now } }),
      );
    }
  }
  return { ops, outcomes, conflicts };
}

interface CollectionPlan {
  readonly ops: WriteOp[];
  readonly outcome: CollectionOutcome;
  readonly conflicts: { folderId: string; serverId: string }[];
}

function planCollection(c: SyncCollectionResult<ReadItem>, s: SentCollection, env: ApplyEnv): CollectionPlan {
  if (c.status === 1 && c.syncKey !== undefined) return new CollectionApply(c, s, env).run();
  const folder = s.folder;
  switch (c.status) {
    case 3:
      // MS-ASCMD 2.2.3.177.17: invalid SyncKey -> SyncKey 0 for this collection; local items stay.
      return { ops: startResyncOps(folder, env.generation), outcome: { kind: 'resync' }, conflicts: [] };
    case 8:
    case 12:
      return { ops: [], outcome: { kind: 'folders' }, conflicts: [] };
    case 5:
    case 16:
      return { ops: [], outcome: { kind: 'retry', message: `Sync status ${c.status}` }, conflicts: [] };
    default: {
      if (isRetryLater(c.status)) return { ops: [], outcome: { kind: 'retry', message: `Sync status ${c.status}` }, conflicts: [] };
      const message = `Sync status ${c.status}`;
      return {
        ops: [putOp('folders', { ...folder, status: { kind: 'error', message, at: env.now } })],
        outcome: { kind: 'error', message },
        conflicts: [],
      };
    }
  }
}

/**
 * Key 0 and a resync marker (MS-ASCMD 2.2.3.177.17: the folder starts over from
 * SyncKey 0; local items stay). The purge at the end removes the items the server did
 * not send again and that were not written since the resync began. "Since" is told by
 * a counter, not the clock (which may be set back): the account's resync generation,
 * raised here in the same write set as the marker, which keeps the new value. Items
 * are stamped with the account's generation, read under its lock, when the server
 * sends them and when they are edited here; one stamped below the marker's was last
 * written before the resync began.
 */
export function startResyncOps(folder: FolderRecord, generation: number): WriteOp[] {
  const next = generation + 1;
  return [
    putOp('folders', { ...folder, syncKey: '0', status: { kind: 'idle' } }),
    putOp('meta', { key: resyncKey(folder.accountId, folder.serverId), value: { generation: next } }),
    putOp('meta', { key: generationKey(folder.accountId), value: next }),
  ];
}

/** Applying one collection: a small state machine over the working copy of its items. */
class CollectionApply {
  private readonly ops: WriteOp[] = [];
  private readonly conflicts: { folderId: string; serverId: string }[] = [];
  /** ServerId -> item now (null: deleted in this response). */
  private readonly items: Map<string, ItemRecord | null>;
  private readonly touched = new Set<string>();
  /** Queued edits still alive, by ServerId (those of this folder). */
  private readonly queue = new Map<string, PendingRecord[]>();
  private readonly sentIds: Set<number>;
  private readonly adopted = new Set<number>();
  private count: number;
  private unread: number;
  private added = 0;
  private changed = 0;
  private deleted = 0;

  constructor(
    private readonly c: SyncCollectionResult<ReadItem>,
    private readonly s: SentCollection,
    private readonly env: ApplyEnv,
  ) {
    this.items = new Map(s.items);
    this.count = s.folder.count;
    this.unread = s.folder.unread;
    this.sentIds = new Set(s.sent.map((p) => p.id as number));
    for (const p of env.pending) {
      if (p.folderId !== s.folder.serverId || p.serverId === undefined) continue;
      const list = this.queue.get(p.serverId) ?? [];
      list.push(p);
      this.queue.set(p.serverId, list);
    }
  }

  run(): CollectionPlan {
    for (const p of this.s.sent) this.confirm(p);
    for (const cmd of this.c.commands) this.serverCommand(cmd);
    const resynced = this.s.resync !== undefined && !this.c.moreAvailable && this.s.complete;
    if (resynced) this.purge();
    this.finishFolder(resynced);
    return {
      ops: this.ops,
      conflicts: this.conflicts,
      outcome: {
        kind: 'ok',
        moreAvailable: this.c.moreAvailable,
        added: this.added,
        changed: this.changed,
        deleted: this.deleted,
        count: this.count,
        estimate: this.s.folder.estimate,
        resynced,
      },
    };
  }

  // ---------------------------------------------------------------- our commands

  private confirm(p: PendingRecord): void {
    const r = this.responseFor(p);
    if (p.kind === 'add') return this.confirmAdd(p, r);
    const status = r?.status ?? 1; // Change/Delete: most servers answer only failures (MS-ASCMD 2.2.3.154)
    // A sent draft is gone from the Drafts folder: the server moved it to Sent Items (MS-ASEMAIL 2.2.2.69).
    if (status === 1 && sendsDraft(p)) this.removeItem(p.serverId as string);
    else if (status === 1 && p.kind === 'change') this.confirmChange(p.serverId as string, r);
    if (status === 1 || (p.kind === 'delete' && status === 8)) return this.drop(p);
    if (retryable(status)) return this.retry(p, `status ${status}`);
    if (p.kind === 'change') {
      // 7: conflict, the server's version wins (MS-ASCMD 2.2.3.34); 8: gone; 6: refused.
      this.conflict(p.serverId as string, `status ${status}`);
      if (status === 8) this.removeItem(p.serverId as string);
    }
    this.drop(p);
  }

  private responseFor(p: PendingRecord): SyncItemResponse | undefined {
    return this.c.responses.find((r) =>
      p.kind === 'add'
        ? r.kind === 'Add' && r.clientId === p.clientId
        : r.kind.toLowerCase() === p.kind && 'serverId' in r && r.serverId === p.serverId,
    );
  }

  private confirmAdd(p: PendingOf<'add'>, r: SyncItemResponse | undefined): void {
    const provisional = localId(p.clientId as string);
    if (r?.kind === 'Add' && r.status === 1 && r.serverId !== undefined) return this.rekey(p, provisional, r.serverId, r.applicationData);
    if (!r || retryable(r.status)) return this.retry(p, r ? `status ${r.status}` : 'no response');
    this.conflict(provisional, `add refused, status ${r.status}`);
    this.removeItem(provisional);
    this.drop(p);
  }

  /**
   * A confirmed add: the item moves from its provisional ServerId to the server's and
   * keeps its id (the add's ClientId), so screens and queued edits still find it.
   */
  private rekey(p: PendingOf<'add'>, provisional: string, serverId: string, response?: El): void {
    const payload = p.payload;
    const local = this.items.get(provisional);
    const queued = this.queue.get(provisional) ?? [];
    this.removeItem(provisional, false);
    // Deleted, moved or sent (a draft) locally while the add was on its way: the queued edit follows.
    if (local !== null && !queued.some((q) => q.kind === 'delete' || q.kind === 'move' || sendsDraft(q))) {
      this.putItem(
        serverId,
        confirmedData(this.s.cls, local ? local.data : payload.data, response),
        false,
        local?.id ?? p.itemId ?? p.clientId,
      );
    }
    this.drop(p);
    const confirmed = this.s.cls === 'Email' && response ? decodeAttachments(response) : [];
    for (const other of this.queue.get(provisional) ?? []) {
      const moved = { ...(withConfirmedFiles(other, confirmed) ?? other), serverId };
      this.ops.push(putOp('pending', moved));
      this.enqueue(serverId, moved);
    }
    this.queue.delete(provisional);
  }

  // ---------------------------------------------------------------- server commands

  private serverCommand(cmd: SyncServerCommand<ReadItem>): void {
    if (cmd.kind === 'Delete' || cmd.kind === 'SoftDelete') return this.serverDelete(cmd.serverId, cmd.kind === 'Delete');
    const data = this.serverData(cmd.serverId, cmd.applicationData);
    if (data === undefined) return;
    if (cmd.kind === 'Add') this.adoptEarlierAdd(cmd.serverId, data);
    if (this.s.cls === 'Email') this.confirmFiles(cmd.serverId, (data as Email).attachments);
    const queued = this.queue.get(cmd.serverId) ?? [];
    if (queued.some((p) => p.kind === 'delete' || p.kind === 'move' || sendsDraft(p))) return; // our delete/move/send goes out next
    const change = queued.find((p) => p.kind === 'change');
    if (change && (this.s.cls === 'Email' || cmd.kind === 'Add')) {
      // Mail flags merge; and an Add (a re-download, not a change on the server) is no
      // conflict: the server's item with our unsent change on top, which still goes out.
      this.putItem(cmd.serverId, applyChange(change.payload, data), true);
      return;
    }
    if (change) {
      this.conflict(cmd.serverId, 'changed on the server');
      this.drop(change);
    }
    this.putItem(cmd.serverId, data, true);
  }

  /**
   * The whole item a server Add or Change leaves. A mail Change carries only the fields
   * that changed (readItem): it is laid over the stored mail. One for a mail not held here
   * cannot make a whole item and is skipped (storing it would show a mail with no sender
   * or subject); the mail comes back whole with the next resync.
   */
  private serverData(serverId: string, read: ReadItem): unknown {
    const data = itemData(read);
    if (!isUpdate(read)) return data;
    const stored = this.items.get(serverId);
    return stored ? mergeUpdate(this.s.cls, stored.data, data) : undefined;
  }

  /**
   * During a resync the server has forgotten our ClientIds: a queued add that reached
   * it before shows up as a server Add. Such an add is taken as confirmed with that
   * ServerId (and not sent again; adds wait while a folder resyncs).
   */
  private adoptEarlierAdd(serverId: string, data: unknown): void {
    if (this.s.resync === undefined || this.items.get(serverId)) return;
    for (const p of this.env.pending) {
      if (p.kind !== 'add' || p.folderId !== this.s.folder.serverId || !p.clientId || this.adopted.has(p.id as number)) continue;
      if (this.sentIds.has(p.id as number) || !sameContent(this.s.cls, p.payload.data, data, this.env.ctx)) continue;
      this.adopted.add(p.id as number);
      this.rekey(p, localId(p.clientId), serverId);
      return;
    }
  }

  /** Delete: gone on the server. SoftDelete: out of the filter window (MS-ASCMD 2.2.3.172), still on the server. */
  private serverDelete(serverId: string, hard: boolean): void {
    const held = this.items.get(serverId);
    // A 16.x draft sent or discarded on another device: this device's copy of it goes too (store/drafts.ts).
    if (hard && held?.class === 'Email' && held.data.isDraft) this.ops.push(...deleteDraftOps(this.env.account.id, held.id));
    if (hard) {
      // A queued move or meeting answer stays: its own command reports the item gone and
      // cleans up (the moved mail's placeholder, edit-commands.ts).
      for (const p of this.queue.get(serverId) ?? []) {
        if (p.kind === 'change') this.conflict(serverId, 'deleted on the server');
        if (p.kind === 'change' || p.kind === 'delete') this.drop(p);
      }
    }
    this.removeItem(serverId);
  }

  // ---------------------------------------------------------------- items, queue, counts

  /** `id`: the item's stable id when it is known from elsewhere (a confirmed add); else the held item's, or a first one. */
  private putItem(serverId: string, data: unknown, fromServer: boolean, id?: string): void {
    const before = this.items.get(serverId);
    const cls = this.s.cls;
    const read = readOf(cls, data);
    const accountId = this.env.account.id;
    const folderId = this.s.folder.serverId;
    const id_ = id ?? before?.id ?? firstItemId(accountId, folderId, serverId, this.s.folder.syncKey);
    const base = {
      accountId,
      folderId,
      serverId,
      id: id_,
      sortKey: sortKeyOf(cls, data),
      ...(read !== undefined && { read }),
      updatedAt: this.env.now,
      generation: this.env.generation,
    };
    const item: ItemRecord = itemOf(base, cls, data);
    this.ops.push(putOp('items', item));
    this.touched.add(serverId);
    if (before) {
      if (fromServer) this.changed += 1;
      this.unread += unreadOf(item) - unreadOf(before);
    } else {
      if (fromServer) this.added += 1;
      this.count += 1;
      this.unread += unreadOf(item);
    }
    this.items.set(serverId, item);
  }

  /**
   * The server now holds our version of this item and will not send it again: during a
   * resync it counts as sent, stamped with the current generation so the purge at the end keeps it.
   */
  /**
   * A change the server took. A 16.x server may answer a draft's Change that adds attachments
   * with their FileReferences (MS-ASCMD 2.2.3.154; the published schema, 6.46, leaves them
   * out, and the mock sends the draft back whole instead): recorded like an Add's.
   */
  private confirmChange(serverId: string, r: SyncItemResponse | undefined): void {
    const item = this.items.get(serverId);
    const data = r?.kind === 'Change' ? r.applicationData : undefined;
    if (!item || !data || this.s.cls !== 'Email') return this.stamp(serverId);
    this.putItem(serverId, confirmedData(this.s.cls, item.data, data), false);
    this.confirmFiles(serverId, decodeAttachments(data));
  }

  /**
   * FileReferences the server gave a draft's new files (by their ClientIds, MS-ASAIRS
   * 2.2.2.24.1): the draft's queued Changes, made while the upload was on its way, name
   * those files by them (a file removed meanwhile is deleted by its FileReference).
   */
  private confirmFiles(serverId: string, confirmed: readonly Attachment[]): void {
    if (!confirmed.some((a) => a.clientId !== undefined && a.fileReference)) return;
    const queued = this.queue.get(serverId) ?? [];
    const next = queued.map((p) => {
      const renamed = this.sentIds.has(p.id as number) ? undefined : withConfirmedFiles(p, confirmed);
      if (renamed) this.ops.push(putOp('pending', renamed));
      return renamed ?? p;
    });
    this.queue.set(serverId, next);
  }

  private stamp(serverId: string): void {
    const item = this.items.get(serverId);
    if (!item || this.s.resync === undefined) return;
    const stamped = { ...item, generation: this.env.generation };
    this.ops.push(putOp('items', stamped));
    this.items.set(serverId, stamped);
    this.touched.add(serverId);
  }

  private removeItem(serverId: string, counted = true): void {
    const before = this.items.get(serverId);
    this.ops.push(deleteItemOp(this.env.account.id, this.s.folder.serverId, serverId));
    this.items.set(serverId, null);
    if (!before) return;
    if (counted) this.deleted += 1;
    this.count -= 1;
    this.unread -= unreadOf(before);
  }

  private drop(p: PendingRecord): void {
    this.ops.push(deletePendingOp(p.id as number));
    if (p.serverId === undefined) return;
    const rest = (this.queue.get(p.serverId) ?? []).filter((q) => q.id !== p.id);
    this.queue.set(p.serverId, rest);
  }

  private enqueue(serverId: string, p: PendingRecord): void {
    this.queue.set(serverId, [...(this.queue.get(serverId) ?? []), p]);
  }

  private retry(p: PendingRecord, why: string): void {
    if (p.attempts + 1 >= MAX_ATTEMPTS) {
      if (p.serverId !== undefined) this.conflict(p.serverId, `given up after ${MAX_ATTEMPTS} attempts (${why})`);
      if (p.kind === 'add' && p.serverId !== undefined) this.removeItem(p.serverId);
      this.drop(p);
      return;
    }
    this.ops.push(putOp('pending', { ...p, attempts: p.attempts + 1, lastError: why }));
  }

  /** Keeps the local version that lost, for the user to see (server wins by default). */
  private conflict(serverId: string, why: string): void {
    const local = this.items.get(serverId);
    const record: ConflictRecord = {
      id: this.env.nextId(),
      accountId: this.env.account.id,
      folderId: this.s.folder.serverId,
      serverId,
      local: local?.data ?? null,
      at: this.env.now,
      reason: why,
    };
    this.ops.push(putOp('conflicts', record));
    this.conflicts.push({ folderId: this.s.folder.serverId, serverId });
  }

  /** End of a resync: local items the server did not send again are gone on the server. */
  private purge(): void {
    const since = this.s.resync ?? 0;
    for (const [serverId, item] of this.items) {
      if (!item || this.touched.has(serverId) || isProvisional(serverId)) continue;
      // Written since the resync began (an earlier page, a local edit). An item stored by
      // an older version has no generation: 0, below every marker this version writes.
      if ((item.generation ?? 0) >= since) continue;
      if ((this.queue.get(serverId) ?? []).length > 0) continue; // a queued edit still names it
      this.removeItem(serverId);
    }
    this.ops.push({ store: 'meta', op: 'delete', key: resyncKey(this.env.account.id, this.s.folder.serverId) });
  }

  private finishFolder(exact: boolean): void {
    if (exact) {
      const live = [...this.items.values()].filter((i): i is ItemRecord => i !== null);
      this.count = live.length;
      this.unread = live.filter((i) => i.read === 0).length;
    }
    const folder: FolderRecord = {
      ...this.s.folder,
      syncKey: this.c.syncKey as string,
      status: { kind: this.c.moreAvailable ? 'syncing' : 'idle' },
      count: Math.max(0, this.count),
      unread: Math.max(0, this.unread),
      lastSyncAt: this.env.now,
    };
    this.ops.push(putOp('folders', folder));
  }
}

function unreadOf(item: ItemRecord): number {
  return item.read === 0 ? 1 : 0;
}

/** Item statuses worth sending again: server error and retry (MS-ASCMD 2.2.3.177.17), retry-later common codes. */
function retryable(status: number): boolean {
  return status === 5 || status === 16 || isRetryLater(status);
}
