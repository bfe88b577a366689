/**
 * Local edits and the durable queue (the `pending` store).
 *
 * Every edit is one write set: the optimistic change of the local item AND the
 * queued record that will push it, so neither exists without the other. Records
 * leave the queue only in the write set that applies the server's confirmation.
 *
 * - Add: the item is stored under a provisional ServerId "local:<ClientId>"; the
 *   ClientId makes the add idempotent (MS-ASCMD 2.2.3.28.2): a retried add after a
 *   lost response gets the same ServerId back.
 * - Change: merged into a queued change of the same item that is not on its way.
 * - Delete / Move: the item leaves its folder at once (a moved mail waits in the
 *   destination under "moved:<ServerId>").
 * - Edits of a provisional item are queued under its provisional ServerId and
 *   re-keyed when the server gives the real one, so an add is never changed after
 *   it may have reached the server.
 */
import type { EasContext } from '../eas/command.ts';
import type { SyncClientCommand } from '../eas/commands/sync.ts';
import type { CalendarItem } from '../eas/items/calendar.ts';
import type { WriteOp } from '../store/db.ts';
import { randomId } from '../store/db.ts';
import type { AccountRecord, FolderRecord, ItemRecord, PendingRecord, SyncClass } from '../store/schema.ts';
import { applyChange, encodeAdd, encodeChange, mergeChanges, readOf, sortKeyOf, type ChangePayload } from './classes.ts';
import { deleteItemOp, deletePendingOp, isProvisional, localId, movedId, putOp } from './local.ts';

export interface AddPayload {
  readonly class: SyncClass;
  readonly data: unknown;
}

export interface MovePayload {
  readonly dstFolderId: string;
  /** The item's provisional ServerId in the destination until MoveItems answers. */
  readonly placeholder: string;
}

export interface MeetingResponsePayload {
  /** 1 accepted, 2 tentative, 3 declined (MS-ASCMD 2.2.3.194). */
  readonly userResponse: 1 | 2 | 3;
  /**
   * A request with this answer went out and no answer came back (set before sending,
   * so a kill counts too): the server may have recorded it already (push.ts).
   */
  readonly unanswered?: boolean;
}

/** What an edit needs to know besides the records it touches. */
export interface EditEnv {
  readonly account: AccountRecord;
  readonly ctx: EasContext;
  readonly now: number;
  /** The account's resync generation, read under its lock: stamped on every item written (apply.ts startResyncOps). */
  readonly generation: number;
  readonly nextId: () => number;
  /** Queued records being sent right now: not merged into. */
  readonly inFlight: ReadonlySet<number>;
}

export interface Edit {
  readonly ops: WriteOp[];
  /** The item's ServerId after the edit (provisional for an add). */
  readonly serverId: string;
}

function pendingRecord(env: EditEnv, fields: Omit<PendingRecord, 'id' | 'accountId' | 'createdAt' | 'attempts'>): PendingRecord {
  return { id: env.nextId(), accountId: env.account.id, createdAt: env.now, attempts: 0, ...fields };
}

function itemRecord(env: EditEnv, folder: FolderRecord, cls: SyncClass, serverId: string, data: unknown): ItemRecord {
  const read = readOf(cls, data);
  return {
    accountId: env.account.id, folderId: folder.serverId, serverId, class: cls, data,
    sortKey: sortKeyOf(cls, data), ...(read !== undefined && { read }), updatedAt: env.now, generation: env.generation,
  };
}

const unreadOf = (item: ItemRecord | undefined): number => (item?.read === 0 ? 1 : 0);

function folderDelta(folder: FolderRecord, count: number, unread: number): WriteOp {
  return putOp('folders', { ...folder, count: Math.max(0, folder.count + count), unread: Math.max(0, folder.unread + unread) });
}

/** A new contact, event or task. Encoded once here so a bad record fails now, not in the queue. */
export function addEdit(env: EditEnv, folder: FolderRecord, cls: SyncClass, data: unknown): Edit {
  encodeAdd(cls, data, env.ctx);
  const clientId = randomId(16);
  const serverId = localId(clientId);
  const payload: AddPayload = { class: cls, data };
  return {
    serverId,
    ops: [
      putOp('items', itemRecord(env, folder, cls, serverId, data)),
      putOp('pending', pendingRecord(env, { kind: 'add', folderId: folder.serverId, serverId, clientId, payload })),
      folderDelta(folder, 1, 0),
    ],
  };
}

/**
 * A change of an item. `queued` are the item's queued records. For calendar items
 * `change.previous` should be the server's version the edit started from.
 */
export function changeEdit(env: EditEnv, folder: FolderRecord, item: ItemRecord, change: ChangePayload, queued: readonly PendingRecord[]): Edit {
  encodeChange(change, env.ctx);
  const cls = item.class as SyncClass;
  const next = itemRecord(env, folder, cls, item.serverId, applyChange(change, item.data));
  const open = queued.find((p) => p.kind === 'change' && !env.inFlight.has(p.id as number));
  const record = open
    ? { ...open, payload: mergeChanges(open.payload as ChangePayload, change), attempts: 0 }
    : pendingRecord(env, { kind: 'change', folderId: folder.serverId, serverId: item.serverId, payload: change });
  return {
    serverId: item.serverId,
    ops: [putOp('items', next), putOp('pending', record), folderDelta(folder, 0, unreadOf(next) - unreadOf(item))],
  };
}

/** A delete (mail: to Deleted Items, DeletesAsMoves). Unsent changes of the item are dropped with it. */
export function deleteEdit(env: EditEnv, folder: FolderRecord, item: ItemRecord, queued: readonly PendingRecord[]): Edit {
  const dropped = queued.filter((p) => p.kind === 'change' && !env.inFlight.has(p.id as number));
  return {
    serverId: item.serverId,
    ops: [
      deleteItemOp(env.account.id, folder.serverId, item.serverId),
      ...dropped.map((p) => deletePendingOp(p.id as number)),
      putOp('pending', pendingRecord(env, { kind: 'delete', folderId: folder.serverId, serverId: item.serverId, payload: { class: item.class } })),
      folderDelta(folder, -1, -unreadOf(item)),
    ],
  };
}

/**
 * A mail moved to another folder (MoveItems, MS-ASCMD 2.2.1.12). Changes queued
 * before the move stay on the source item and go out first (the move waits for
 * them); later edits of the moved mail wait for the ServerId MoveItems gives.
 */
export function moveEdit(env: EditEnv, src: FolderRecord, item: ItemRecord, dst: FolderRecord): Edit {
  const placeholder = movedId(item.serverId);
  const moved: ItemRecord = { ...item, folderId: dst.serverId, serverId: placeholder, updatedAt: env.now, generation: env.generation };
  const payload: MovePayload = { dstFolderId: dst.serverId, placeholder };
  return {
    serverId: placeholder,
    ops: [
      deleteItemOp(env.account.id, src.serverId, item.serverId),
      putOp('items', moved),
      putOp('pending', pendingRecord(env, { kind: 'move', folderId: src.serverId, serverId: item.serverId, payload })),
      folderDelta(src, -1, -unreadOf(item)),
      folderDelta(dst, 1, unreadOf(item)),
    ],
  };
}

/**
 * An answer to a meeting request (a mail's MeetingRequest or the calendar item),
 * sent with MeetingResponse (MS-ASCMD 2.2.1.11), never as a new calendar item.
 * A calendar item is updated at once; for a mail, when the server names the item.
 */
export function meetingResponseEdit(env: EditEnv, folder: FolderRecord, item: ItemRecord, userResponse: 1 | 2 | 3): Edit {
  if (isProvisional(item.serverId)) throw new RangeError('this item is not on the server yet');
  const ops: WriteOp[] = [
    putOp('pending', pendingRecord(env, { kind: 'meetingResponse', folderId: folder.serverId, serverId: item.serverId, payload: { userResponse } })),
  ];
  if (item.class === 'Calendar') ops.push(putOp('items', { ...item, data: answered(item.data as CalendarItem, userResponse), updatedAt: env.now, generation: env.generation }));
  return { serverId: item.serverId, ops };
}

/** MS-ASCAL 2.2.2.40 ResponseType after MeetingResponse UserResponse 1/2/3: accepted 3, tentative 2, declined 4. */
export const RESPONSE_TYPE = { 1: 3, 2: 2, 3: 4 } as const;

/** MS-ASCAL 2.2.2.40 ResponseType and 2.2.2.9 BusyStatus after the user's answer. */
export function answered(event: CalendarItem, userResponse: 1 | 2 | 3): CalendarItem {
  const responseType = RESPONSE_TYPE[userResponse];
  const busyStatus = { 1: 2, 2: 1, 3: 0 }[userResponse];
  return { ...event, responseType, busyStatus };
}

// ------------------------------------------------------------------ Sync commands

/** Most client commands per collection in one Sync request. */
export const COMMANDS_PER_REQUEST = 100;

/**
 * The queued adds, changes and deletes of a folder that can go out now, as Sync
 * commands: oldest first, one per item per request, none for a provisional
 * ServerId (it waits for its add or move), none already on its way. While the
 * folder resyncs, adds wait: the server lost the ClientIds of earlier attempts, and
 * the re-download shows whether an add got through (apply.ts adoptEarlierAdd).
 */
export function commandsFor(
  folder: FolderRecord, cls: SyncClass, queue: readonly PendingRecord[], inFlight: ReadonlySet<number>, ctx: EasContext,
  options: { readonly holdAdds?: boolean; readonly limit?: number } = {},
): { sent: PendingRecord[]; commands: SyncClientCommand[] } {
  const limit = options.limit ?? COMMANDS_PER_REQUEST;
  const sent: PendingRecord[] = [];
  const commands: SyncClientCommand[] = [];
  const busy = new Set<string>();
  for (const p of queue) {
    if (sent.length >= limit) break;
    if (p.folderId !== folder.serverId || p.serverId === undefined) continue;
    const item = p.serverId;
    if (busy.has(item) || inFlight.has(p.id as number)) {
      busy.add(item);
      continue;
    }
    busy.add(item);
    if (p.kind === 'add' && options.holdAdds) continue;
    const command = commandOf(p, cls, ctx);
    if (!command) continue;
    sent.push(p);
    commands.push(command);
  }
  return { sent, commands };
}

function commandOf(p: PendingRecord, cls: SyncClass, ctx: EasContext): SyncClientCommand | undefined {
  const serverId = p.serverId as string;
  if (p.kind === 'add' && p.clientId) {
    return { kind: 'Add', clientId: p.clientId, applicationData: encodeAdd(cls, (p.payload as AddPayload).data, ctx) };
  }
  if (isProvisional(serverId)) return undefined;
  if (p.kind === 'change') return { kind: 'Change', serverId, applicationData: encodeChange(p.payload as ChangePayload, ctx) };
  if (p.kind === 'delete') return { kind: 'Delete', serverId };
  return undefined;
}

/** Folders with queued Sync commands that can go out now. */
export function foldersWithCommands(queue: readonly PendingRecord[]): Set<string> {
  const out = new Set<string>();
  for (const p of queue) {
    if (p.folderId === undefined) continue;
    if (p.kind === 'add' || ((p.kind === 'change' || p.kind === 'delete') && !isProvisional(p.serverId))) out.add(p.folderId);
  }
  return out;
}
