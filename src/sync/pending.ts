/**
 * Local edits and the durable queue (the `pending` store).
 *
 * Every edit is one write set: the optimistic change of the local item AND the
 * queued record that will push it, so neither exists without the other. Records
 * leave the queue only in the write set that applies the server's confirmation.
 *
 * - Add: the item is stored under a provisional ServerId "local:<ClientId>"; the
 *   ClientId makes the add idempotent (MS-ASCMD 2.2.3.28.2): a retried add after a
 *   lost response gets the same ServerId back. The ClientId is also the item's stable
 *   id (ItemRecord.id), which its confirmation and later moves keep.
 * - Every record names its item by that id (`itemId`); `folderId`/`serverId` say where
 *   the item is on the server and follow it when its ServerId changes.
 * - Change: merged into a queued change of the same item that is not on its way.
 * - Delete / Move: the item leaves its folder at once (a moved mail waits in the
 *   destination under "moved:<ServerId>").
 * - Edits of a provisional item are queued under its provisional ServerId and
 *   re-keyed when the server gives the real one, so an add is never changed after
 *   it may have reached the server.
 */
import type { EasContext } from '../eas/command.ts';
import type { SyncClientCommand } from '../eas/commands/sync.ts';
import type { CalendarException, CalendarItem } from '../eas/items/calendar.ts';
import type { AttachmentChanges } from '../eas/items/airsyncbase.ts';
import { atLeast } from '../eas/version.ts';
import type { WriteOp } from '../store/db.ts';
import { randomId } from '../store/db.ts';
import { sendsDraft } from '../store/drafts.ts';
import { itemOf } from '../store/item.ts';
import type { AccountRecord, FolderRecord, ItemRecord, PendingOf, PendingRecord, SyncClass } from '../store/schema.ts';
import { applyChange, encodeAdd, encodeChange, mergeChanges, readOf, sortKeyOf, type ChangePayload } from './classes.ts';
import { mergeAttachmentChanges, type DraftVersion } from './drafts.ts';
import { deleteItemOp, deletePendingOp, isProvisional, localId, movedId, putOp } from './local.ts';
import type { AddPayload, MeetingResponsePayload, MovePayload } from '../store/payloads.ts';

export type { AddPayload, MeetingResponsePayload, MovePayload };

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
  /** The item's stable id (ItemRecord.id). */
  readonly itemId: string;
}

/** A queued edit's own fields, its kind and payload together (Omit over each kind of the union). */
type NewPending = PendingRecord extends infer P
  ? P extends PendingRecord
    ? Omit<P, 'id' | 'accountId' | 'createdAt' | 'attempts'>
    : never
  : never;

function pendingRecord(env: EditEnv, fields: NewPending): PendingRecord {
  return { id: env.nextId(), accountId: env.account.id, createdAt: env.now, attempts: 0, ...fields };
}

function itemRecord(env: EditEnv, folder: FolderRecord, cls: SyncClass, serverId: string, id: string, data: unknown): ItemRecord {
  const read = readOf(cls, data);
  const base = {
    accountId: env.account.id,
    folderId: folder.serverId,
    serverId,
    id,
    sortKey: sortKeyOf(cls, data),
    updatedAt: env.now,
    generation: env.generation,
  };
  return itemOf({ ...base, ...(read !== undefined && { read }) }, cls, data);
}

const unreadOf = (item: ItemRecord | undefined): number => (item?.read === 0 ? 1 : 0);

function folderDelta(folder: FolderRecord, count: number, unread: number): WriteOp {
  return putOp('folders', { ...folder, count: Math.max(0, folder.count + count), unread: Math.max(0, folder.unread + unread) });
}

/**
 * A new contact, event or task, or a 16.x draft. Encoded once here so a bad record fails
 * now, not in the queue. `clientId`: the item's id when the caller has one (a draft's).
 */
export function addEdit(
  env: EditEnv,
  folder: FolderRecord,
  cls: SyncClass,
  given: unknown,
  clientId = randomId(16),
  attachments?: AttachmentChanges,
): Edit {
  const data = withUid(cls, given, env.ctx);
  encodeAdd(cls, data, env.ctx, attachments);
  const serverId = localId(clientId);
  const payload: AddPayload = { class: cls, data, ...(attachments && { attachments }) };
  return {
    itemId: clientId,
    ops: [
      putOp('items', itemRecord(env, folder, cls, serverId, clientId, data)),
      putOp('pending', pendingRecord(env, { kind: 'add', folderId: folder.serverId, serverId, itemId: clientId, clientId, payload })),
      folderDelta(folder, 1, 0),
    ],
  };
}

/**
 * A new event gets its UID here before 16.0, where the client may send one (MS-ASCAL
 * 2.2.2.46): else the server makes one the device never learns, and the stored event
 * would differ from the server's. From 16.0 the server makes it and returns it in the
 * Add's response (classes.ts confirmedData).
 */
function withUid(cls: SyncClass, data: unknown, ctx: EasContext): unknown {
  if (cls !== 'Calendar' || atLeast(ctx.version, '16.0') || (data as CalendarItem).uid) return data;
  return { ...(data as CalendarItem), uid: randomId(32) };
}

/**
 * A change of an item. `queued` are the item's queued records. For calendar items
 * `change.previous` should be the server's version the edit started from.
 */
export function changeEdit(
  env: EditEnv,
  folder: FolderRecord,
  item: ItemRecord,
  change: ChangePayload,
  queued: readonly PendingRecord[],
): Edit {
  encodeChange(change, env.ctx);
  const cls = item.class as SyncClass;
  const next = itemRecord(env, folder, cls, item.serverId, item.id, applyChange(change, item.data));
  const open = queued.find((p): p is PendingOf<'change'> => p.kind === 'change' && !env.inFlight.has(p.id as number));
  const record = open
    ? { ...open, payload: mergeChanges(open.payload, change), attempts: 0 }
    : pendingRecord(env, { kind: 'change', folderId: folder.serverId, serverId: item.serverId, itemId: item.id, payload: change });
  return {
    itemId: item.id,
    ops: [putOp('items', next), putOp('pending', record), folderDelta(folder, 0, unreadOf(next) - unreadOf(item))],
  };
}

/** A delete (mail: to Deleted Items, DeletesAsMoves). Unsent changes of the item are dropped with it. */
export function deleteEdit(env: EditEnv, folder: FolderRecord, item: ItemRecord, queued: readonly PendingRecord[], sentBy?: number): Edit {
  const record = pendingRecord(env, {
    kind: 'delete',
    folderId: folder.serverId,
    serverId: item.serverId,
    itemId: item.id,
    payload: { class: item.class, ...(sentBy !== undefined && { purge: true as const, afterSend: sentBy }) },
  });
  return leaveEdit(env, folder, item, queued, record, -unreadOf(item));
}

const unsentChanges = (env: EditEnv, queued: readonly PendingRecord[]): PendingOf<'change'>[] =>
  queued.filter((p): p is PendingOf<'change'> => p.kind === 'change' && !env.inFlight.has(p.id as number));

/** The item leaves its folder on the device at once, for `record`; its unsent changes are dropped (or folded into `record`). */
function leaveEdit(
  env: EditEnv,
  folder: FolderRecord,
  item: ItemRecord,
  queued: readonly PendingRecord[],
  record: PendingRecord,
  unread: number,
): Edit {
  const dropped = unsentChanges(env, queued);
  return {
    itemId: item.id,
    ops: [
      deleteItemOp(env.account.id, folder.serverId, item.serverId),
      ...dropped.map((p) => deletePendingOp(p.id as number)),
      putOp('pending', record),
      folderDelta(folder, -1, unread),
    ],
  };
}

/**
 * A 16.x draft sent from the Drafts folder: a Sync Change with email2:Send (MS-ASEMAIL
 * 2.2.2.69) carrying its last version. The draft leaves the folder at once; its unsent
 * changes are folded into this one. The server moves it to Sent Items.
 */
export function sendDraftEdit(
  env: EditEnv,
  folder: FolderRecord,
  item: ItemRecord,
  draft: DraftVersion,
  queued: readonly PendingRecord[],
): Edit {
  // The uploads of the changes folded in go with it.
  let attachments: AttachmentChanges | undefined;
  for (const p of unsentChanges(env, queued))
    if (p.payload.class === 'Draft') attachments = mergeAttachmentChanges(attachments, p.payload.attachments);
  attachments = mergeAttachmentChanges(attachments, draft.attachments);
  const payload: ChangePayload = { class: 'Draft', next: draft.mail, send: true, ...(attachments && { attachments }) };
  encodeChange(payload, env.ctx);
  const record = pendingRecord(env, { kind: 'change', folderId: folder.serverId, serverId: item.serverId, itemId: item.id, payload });
  return leaveEdit(env, folder, item, queued, record, 0);
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
    itemId: item.id,
    ops: [
      deleteItemOp(env.account.id, src.serverId, item.serverId),
      putOp('items', moved),
      putOp('pending', pendingRecord(env, { kind: 'move', folderId: src.serverId, serverId: item.serverId, itemId: item.id, payload })),
      folderDelta(src, -1, -unreadOf(item)),
      folderDelta(dst, 1, unreadOf(item)),
    ],
  };
}

/**
 * The undo of a mail's move (the list's delete is a move to Deleted Items). While the
 * queued MoveItems has not gone out, it is dropped and the mail is back in `src` under
 * its old ServerId, with the edits queued on the moved mail, in one write set: the
 * server never hears of it. Once the move is sent or on its way, the mail is moved
 * back with a new MoveItems (MS-ASCMD 2.2.1.12). A mail already in `src`: nothing to do.
 */
export function undoMoveEdit(env: EditEnv, at: FolderRecord, item: ItemRecord, src: FolderRecord, queue: readonly PendingRecord[]): Edit {
  if (at.serverId === src.serverId) return { itemId: item.id, ops: [] };
  const move = queue.find(
    (p): p is PendingOf<'move'> =>
      p.kind === 'move' &&
      p.itemId === item.id &&
      p.folderId === src.serverId &&
      p.payload.dstFolderId === at.serverId &&
      p.payload.placeholder === item.serverId,
  );
  if (!move || move.serverId === undefined || env.inFlight.has(move.id as number)) return moveEdit(env, at, item, src);
  const serverId = move.serverId;
  const followers = queue.filter((q) => q.folderId === at.serverId && q.serverId === item.serverId);
  return {
    itemId: item.id,
    ops: [
      deletePendingOp(move.id as number),
      deleteItemOp(env.account.id, at.serverId, item.serverId),
      putOp('items', { ...item, folderId: src.serverId, serverId, updatedAt: env.now, generation: env.generation }),
      ...followers.map((q) => putOp('pending', { ...q, folderId: src.serverId, serverId })),
      folderDelta(at, -1, -unreadOf(item)),
      folderDelta(src, 1, unreadOf(item)),
    ],
  };
}

/**
 * An answer to a meeting request (a mail's MeetingRequest or the calendar item),
 * sent with MeetingResponse (MS-ASCMD 2.2.1.11), never as a new calendar item.
 * A calendar item is updated at once; for a mail, when the server names the item.
 */
export function meetingResponseEdit(
  env: EditEnv,
  folder: FolderRecord,
  item: ItemRecord,
  userResponse: 1 | 2 | 3,
  occurrence?: Date,
): Edit {
  if (isProvisional(item.serverId)) throw new RangeError('this item is not on the server yet');
  if (occurrence) checkOccurrenceAnswer(env, item);
  const payload = { userResponse, ...(occurrence && { instanceId: occurrence }) };
  const ops: WriteOp[] = [
    putOp(
      'pending',
      pendingRecord(env, { kind: 'meetingResponse', folderId: folder.serverId, serverId: item.serverId, itemId: item.id, payload }),
    ),
  ];
  if (item.class === 'Calendar') {
    const data = answeredIn(item.data, payload, env.account.email);
    ops.push(putOp('items', { ...item, data, updatedAt: env.now, generation: env.generation }));
  }
  return { itemId: item.id, ops };
}

/** MS-ASCMD 2.2.3.92.1: InstanceId names an occurrence of a calendar series, from 14.1 on. */
function checkOccurrenceAnswer(env: EditEnv, item: ItemRecord): void {
  if (item.class !== 'Calendar' || !item.data.recurrence)
    throw new RangeError('only an occurrence of a recurring event can be answered on its own');
  if (!atLeast(env.ctx.version, '14.1')) throw new RangeError(`EAS ${env.ctx.version} cannot answer one occurrence (14.1+)`);
}

/** The event after the answer: the whole series, or the one occurrence the answer names. */
export function answeredIn(event: CalendarItem, answer: MeetingResponsePayload, ownEmail?: string): CalendarItem {
  return answer.instanceId
    ? answeredOccurrence(event, answer.instanceId, answer.userResponse)
    : answered(event, answer.userResponse, ownEmail);
}

/**
 * One occurrence answered: its exception (MS-ASCAL 2.2.2.21) records ResponseType and
 * BusyStatus, as the server records it; declined, the occurrence is deleted from the series
 * (a declined meeting leaves the calendar, MS-ASCMD 2.2.1.11).
 */
export function answeredOccurrence(event: CalendarItem, occurrence: Date, userResponse: 1 | 2 | 3): CalendarItem {
  const at = occurrence.getTime();
  const others = (event.exceptions ?? []).filter((x) => x.exceptionStartTime.getTime() !== at);
  const own = event.exceptions?.find((x) => x.exceptionStartTime.getTime() === at);
  const exception: CalendarException =
    userResponse === 3
      ? { exceptionStartTime: occurrence, deleted: true }
      : { ...own, exceptionStartTime: occurrence, responseType: RESPONSE_TYPE[userResponse], busyStatus: userResponse === 1 ? 2 : 1 };
  return { ...event, exceptions: [...others, exception] };
}

/** MS-ASCAL 2.2.2.40 ResponseType after MeetingResponse UserResponse 1/2/3: accepted 3, tentative 2, declined 4. */
export const RESPONSE_TYPE = { 1: 3, 2: 2, 3: 4 } as const;

/** MS-ASCAL 2.2.2.4 AttendeeStatus after MeetingResponse UserResponse 1/2/3: accepted 3, tentative 2, declined 4. */
export const ATTENDEE_ANSWER = { 1: 3, 2: 2, 3: 4 } as const;

/**
 * MS-ASCAL 2.2.2.40 ResponseType and 2.2.2.9 BusyStatus after the user's answer, and
 * the user's own entry in the attendee list (2.2.2.4 AttendeeStatus), so that the event
 * does not say "Accepted" above a list that shows the user as not answered.
 */
export function answered(event: CalendarItem, userResponse: 1 | 2 | 3, ownEmail?: string): CalendarItem {
  const responseType = RESPONSE_TYPE[userResponse];
  const busyStatus = { 1: 2, 2: 1, 3: 0 }[userResponse];
  const own = ownEmail?.trim().toLowerCase();
  const attendees =
    own && event.attendees?.some((a) => a.email.trim().toLowerCase() === own)
      ? event.attendees.map((a) => (a.email.trim().toLowerCase() === own ? { ...a, status: ATTENDEE_ANSWER[userResponse] } : a))
      : event.attendees;
  return { ...event, responseType, busyStatus, ...(attendees && { attendees }) };
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
  folder: FolderRecord,
  cls: SyncClass,
  queue: readonly PendingRecord[],
  inFlight: ReadonlySet<number>,
  ctx: EasContext,
  options: { readonly holdAdds?: boolean; readonly limit?: number } = {},
): { sent: PendingRecord[]; commands: SyncClientCommand[]; purge: boolean } {
  const limit = options.limit ?? COMMANDS_PER_REQUEST;
  const sent: PendingRecord[] = [];
  const commands: SyncClientCommand[] = [];
  const busy = new Set<string>();
  // DeletesAsMoves is one for the whole collection: a request carries deletes of one kind.
  let purge: boolean | undefined;
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
    if (p.kind === 'delete' && waitsForSend(p, queue)) continue;
    if (p.kind === 'delete' && !isProvisional(item)) {
      if (purge !== undefined && purge !== (p.payload.purge === true)) continue;
      purge = p.payload.purge === true;
    }
    const command = commandOf(p, cls, ctx);
    if (!command) continue;
    sent.push(p);
    commands.push(command);
  }
  return { sent, commands, purge: purge === true };
}

/** A draft sent as a reply or forward stays on the server while its mail is queued (DeletePayload.afterSend). */
const waitsForSend = (p: PendingOf<'delete'>, queue: readonly PendingRecord[]): boolean =>
  p.payload.afterSend !== undefined && queue.some((q) => q.id === p.payload.afterSend && q.kind === 'send');

function commandOf(p: PendingRecord, cls: SyncClass, ctx: EasContext): SyncClientCommand | undefined {
  const serverId = p.serverId as string;
  if (p.kind === 'add' && p.clientId) {
    return { kind: 'Add', clientId: p.clientId, applicationData: encodeAdd(cls, p.payload.data, ctx, p.payload.attachments) };
  }
  if (isProvisional(serverId)) return undefined;
  if (p.kind === 'change')
    return { kind: 'Change', serverId, applicationData: encodeChange(p.payload, ctx), ...(sendsDraft(p) && { send: true }) };
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
