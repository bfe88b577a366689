/**
 * Queued edits that are not Sync commands: mail moves (MoveItems, MS-ASCMD 2.2.1.12)
 * and meeting answers (MeetingResponse, MS-ASCMD 2.2.1.11). They go out before the
 * Sync round, and each answer is applied in one write set.
 */
import { buildItemOperations, parseItemOperations } from '../eas/commands/itemoperations.ts';
import { buildMeetingResponse, parseMeetingResponse, type MeetingResponseResult } from '../eas/commands/meetingresponse.ts';
import { buildMoveItems, parseMoveItems, type MoveItemResult } from '../eas/commands/moveitems.ts';
import { isRetryLater } from '../eas/status.ts';
import { atLeast } from '../eas/version.ts';
import type { WriteOp } from '../store/db.ts';
import { decodeCalendar, type CalendarItem } from '../eas/items/calendar.ts';
import type { FolderRecord, ItemRecord, PendingOf, PendingRecord } from '../store/schema.ts';
import { MAX_ATTEMPTS } from './apply.ts';
import { sending, type AccountRun } from './context.ts';
import {
  deleteItemOp,
  deletePendingOp,
  getFolders,
  getGeneration,
  getItem,
  getMovedIn,
  getPending,
  isProvisional,
  movedInOp,
  putOp,
} from './local.ts';
import { answeredIn, RESPONSE_TYPE } from './pending.ts';
import type { MeetingResponsePayload } from '../store/payloads.ts';

/** Most items per MoveItems or MeetingResponse request. */
const BATCH = 50;

/** Sends the queued moves that can go now; true when any did. */
export async function pushMoves(run: AccountRun): Promise<boolean> {
  const queue = await getPending(run.store, run.session.account.id);
  // A move waits for the edits queued before it on the same item (they go out in Sync first).
  const waiting = (m: PendingRecord): boolean =>
    queue.some((p) => p.id !== m.id && (p.id ?? 0) < (m.id ?? 0) && p.folderId === m.folderId && p.serverId === m.serverId);
  const moves = queue
    .filter(
      (p): p is PendingOf<'move'> => p.kind === 'move' && !isProvisional(p.serverId) && !run.inFlight.has(p.id as number) && !waiting(p),
    )
    .slice(0, BATCH);
  if (moves.length === 0) return false;
  const res = await sending(
    run,
    moves.map((m) => m.id),
    () =>
      run.session.run(
        (ctx) =>
          buildMoveItems(
            {
              moves: moves.map((m) => ({
                srcMsgId: m.serverId as string,
                srcFldId: m.folderId as string,
                dstFldId: m.payload.dstFolderId,
              })),
            },
            ctx,
          ),
        parseMoveItems,
        (r) => r.status,
      ),
  );
  await run.locked(async () => {
    const ops: WriteOp[] = [];
    const fresh = await getPending(run.store, run.session.account.id);
    const folders = new Map((await getFolders(run.store, run.session.account.id)).map((f) => [f.serverId, f]));
    const effects = new MoveEffects();
    for (const [i, m] of moves.entries()) {
      if (!fresh.some((p) => p.id === m.id)) continue; // already settled
      const result = res.results.find((r) => r.srcMsgId === m.serverId) ?? res.results[i];
      ops.push(...(await settleMove(run, m, result, fresh, folders, effects)));
    }
    await run.store.commit([...ops, ...effects.ops(folders), ...(await effects.movedInOps(run))]);
  });
  return true;
}

/**
 * MoveItems statuses (MS-ASCMD 2.2.3.177.10): 3 moved (the placeholder takes the new
 * ServerId); 1 source gone, e.g. moved already by a request whose answer was lost
 * (the destination's next Sync brings it); 2/4/5 refused (the mail goes back);
 * 7 or no answer: try again, up to MAX_ATTEMPTS, then the mail goes back too.
 */
async function settleMove(
  run: AccountRun,
  m: PendingOf<'move'>,
  r: MoveItemResult | undefined,
  queue: readonly PendingRecord[],
  folders: Map<string, FolderRecord>,
  effects: MoveEffects,
): Promise<WriteOp[]> {
  const p = m.payload;
  const accountId = run.session.account.id;
  const dst = folders.get(p.dstFolderId);
  const src = folders.get(m.folderId as string);
  const placeholder = dst ? await getItem(run.store, accountId, dst.serverId, p.placeholder) : undefined;
  const followers = queue.filter((q) => q.folderId === p.dstFolderId && q.serverId === p.placeholder);
  const again = !r || r.status === 7 || isRetryLater(r.status);
  if (again && m.attempts + 1 < MAX_ATTEMPTS)
    return [putOp('pending', { ...m, attempts: m.attempts + 1, lastError: r ? `MoveItems status ${r.status}` : 'no answer' })];
  const ops: WriteOp[] = [deletePendingOp(m.id as number), deleteItemOp(accountId, p.dstFolderId, p.placeholder)];
  if (r?.status === 3 && r.dstMsgId) {
    const keeps = !followers.some((q) => q.kind === 'delete' || q.kind === 'move');
    if (placeholder && keeps) {
      ops.push(putOp('items', { ...placeholder, serverId: r.dstMsgId }));
      effects.movedIn(p.dstFolderId, r.dstMsgId);
    } else effects.shift(dst, placeholder, -1); // a queued delete or move of the moved mail follows
    ops.push(...followers.map((q) => putOp('pending', { ...q, serverId: r.dstMsgId })));
    return ops;
  }
  effects.shift(dst, placeholder, -1);
  if (r?.status === 1) {
    // Known gap: edits of the moved mail made before this answer cannot be matched to the
    // mail's new ServerId; they are kept as conflicts for the user to see.
    const lost = followers.map(
      (q): WriteOp =>
        putOp('conflicts', {
          id: run.ids.next(),
          accountId,
          folderId: p.dstFolderId,
          serverId: p.placeholder,
          local: q.payload,
          at: run.clock.now(),
        }),
    );
    return [...ops, ...followers.map((q) => deletePendingOp(q.id as number)), ...lost];
  }
  // Refused or given up: the mail returns to its folder with its edits.
  if (placeholder && src && m.serverId !== undefined) {
    ops.push(putOp('items', { ...placeholder, folderId: src.serverId, serverId: m.serverId }));
    effects.shift(src, placeholder, 1);
  }
  ops.push(...followers.map((q) => putOp('pending', { ...q, folderId: m.folderId, serverId: m.serverId })));
  return ops;
}

/**
 * What a batch of moves changes per folder, written once per folder at the end: counts
 * (two moves into one folder must add up, not overwrite each other), and the ServerIds
 * of mails moved in (see movedInKey).
 */
class MoveEffects {
  private readonly deltas = new Map<string, { count: number; unread: number }>();
  private readonly arrived = new Map<string, string[]>();

  movedIn(folderId: string, serverId: string): void {
    this.arrived.set(folderId, [...(this.arrived.get(folderId) ?? []), serverId]);
  }

  async movedInOps(run: AccountRun): Promise<WriteOp[]> {
    const accountId = run.session.account.id;
    const ops: WriteOp[] = [];
    for (const [folderId, ids] of this.arrived)
      ops.push(movedInOp(accountId, folderId, [...(await getMovedIn(run.store, accountId, folderId)), ...ids]));
    return ops;
  }

  shift(folder: FolderRecord | undefined, item: ItemRecord | undefined, sign: 1 | -1): void {
    if (!folder || !item) return;
    const d = this.deltas.get(folder.serverId) ?? { count: 0, unread: 0 };
    this.deltas.set(folder.serverId, { count: d.count + sign, unread: d.unread + (item.read === 0 ? sign : 0) });
  }

  ops(folders: ReadonlyMap<string, FolderRecord>): WriteOp[] {
    return [...this.deltas].flatMap(([id, d]) => {
      const f = folders.get(id);
      return f ? [putOp('folders', { ...f, count: Math.max(0, f.count + d.count), unread: Math.max(0, f.unread + d.unread) })] : [];
    });
  }
}

function retryOps(p: PendingRecord, why: string): WriteOp[] {
  if (p.attempts + 1 >= MAX_ATTEMPTS) return [deletePendingOp(p.id as number)];
  return [putOp('pending', { ...p, attempts: p.attempts + 1, lastError: why })];
}

// ------------------------------------------------------------------ meeting responses

/**
 * Sends the queued meeting answers. One whose earlier request got no answer is first
 * checked on the server (see `alreadyRecorded`): a second MeetingResponse would mail
 * the organizer twice (16.0+ SendResponse).
 */
export async function pushMeetingResponses(run: AccountRun): Promise<void> {
  const queue = await getPending(run.store, run.session.account.id);
  const waiting = queue
    .filter((p): p is PendingOf<'meetingResponse'> => p.kind === 'meetingResponse' && !run.inFlight.has(p.id as number))
    .slice(0, BATCH);
  if (waiting.length === 0) return;
  const answers = await sending(
    run,
    waiting.map((a) => a.id),
    () => withoutRecorded(run, waiting),
  );
  if (answers.length === 0) return;
  await markUnanswered(run, answers);
  const res = await sending(
    run,
    answers.map((a) => a.id),
    () =>
      run.session.run(
        (ctx) =>
          buildMeetingResponse(
            {
              requests: answers.map((a) => ({
                collectionId: a.folderId as string,
                requestId: a.serverId as string,
                userResponse: a.payload.userResponse,
                ...(a.payload.instanceId && { instanceId: a.payload.instanceId }),
                // 16.0+: the server tells the organizer (MS-ASCMD 2.2.3.163); before, that is the outbox's iTIP reply.
                ...(atLeast(ctx.version, '16.0') && { sendResponse: {} }),
              })),
            },
            ctx,
          ),
        parseMeetingResponse,
        (r) => r.results[0]?.status,
      ),
  );
  await run.locked(async () => {
    const fresh = await getPending(run.store, run.session.account.id);
    const calendars = (await getFolders(run.store, run.session.account.id)).filter((f) => f.class === 'Calendar');
    const generation = await getGeneration(run.store, run.session.account.id);
    const ops: WriteOp[] = [];
    for (const [i, a] of answers.entries()) {
      if (!fresh.some((p) => p.id === a.id)) continue;
      const result = res.results.find((r) => r.requestId === a.serverId) ?? res.results[i];
      ops.push(...(await settleAnswer(run, a, result, calendars, generation)));
    }
    await run.store.commit(ops);
  });
}

/** Marks the answers as sent-without-answer, durably, before the request goes (still queued ones only). */
async function markUnanswered(run: AccountRun, answers: readonly PendingOf<'meetingResponse'>[]): Promise<void> {
  await run.locked(async () => {
    const ops: WriteOp[] = [];
    for (const a of answers) {
      const p = await run.store.db.get('pending', a.id as number);
      if (p?.kind === 'meetingResponse') ops.push(putOp('pending', { ...p, payload: { ...p.payload, unanswered: true } }));
    }
    await run.store.commit(ops);
  });
}

/**
 * The answers still to send: those whose earlier request may have reached the server
 * are checked first, and dropped from the queue when the server already shows them.
 */
async function withoutRecorded(run: AccountRun, answers: readonly PendingOf<'meetingResponse'>[]): Promise<PendingOf<'meetingResponse'>[]> {
  const calendars = new Set(
    (await getFolders(run.store, run.session.account.id)).filter((f) => f.class === 'Calendar').map((f) => f.serverId),
  );
  const doubtful = answers.filter((a) => a.payload.unanswered && calendars.has(a.folderId as string));
  if (doubtful.length === 0) return [...answers];
  const recorded = await alreadyRecorded(run, doubtful);
  if (recorded.size === 0) return [...answers];
  await run.locked(() => run.store.commit([...recorded].map((id) => deletePendingOp(id))));
  return answers.filter((a) => !recorded.has(a.id as number));
}

/**
 * Which answers to calendar items the server already shows: their events fetched from
 * the server (ItemOperations Fetch, MS-ASCMD 2.2.1.10, safe to repeat) carry the
 * answer's ResponseType (MS-ASCAL 2.2.2.40), or, for a decline, are gone (Status 6;
 * a declined meeting leaves the calendar). A Sync of the calendar cannot tell: the
 * local event already shows the answer since it was queued (pending.ts
 * meetingResponseEdit), and a Sync that brings no change for it says nothing.
 * At 12.1 there is no ResponseType: the answer goes again, which at 12.1 only records
 * it again (no SendResponse before 16.0, MS-ASCMD 2.2.3.163).
 * Answers given on a request mail are not checked: a server that recorded one retires
 * the mail (the mock, Exchange), and the repeat then gets Status 2 and is dropped.
 */
async function alreadyRecorded(run: AccountRun, answers: readonly PendingOf<'meetingResponse'>[]): Promise<Set<number>> {
  const res = await run.session.run(
    (ctx) =>
      buildItemOperations(
        {
          operations: answers.map((a) => ({
            kind: 'Fetch' as const,
            target: { collectionId: a.folderId as string, serverId: a.serverId as string },
          })),
        },
        ctx,
      ),
    parseItemOperations,
    (r) => r.status,
  );
  const out = new Set<number>();
  for (const [i, a] of answers.entries()) {
    const r = res.results.find((x) => x.kind === 'Fetch' && x.serverId === a.serverId) ?? res.results[i];
    if (r?.kind !== 'Fetch') continue;
    const userResponse = a.payload.userResponse;
    const gone = r.status === 6 && userResponse === 3; // MS-ASCMD 2.2.3.177.8 Status 6: object not found
    const props = r.status === 1 ? r.properties?.el : undefined;
    const shown = props ? shownAnswer(decodeCalendar(props, run.session.ctx), a.payload) : undefined;
    if (gone || (shown !== undefined && shown === RESPONSE_TYPE[userResponse])) out.add(a.id as number);
  }
  return out;
}

/** The ResponseType the server shows for the answer's event, or for its one occurrence (a declined one: deleted). */
function shownAnswer(event: CalendarItem, answer: MeetingResponsePayload): number | undefined {
  if (!answer.instanceId) return event.responseType;
  const at = answer.instanceId.getTime();
  const exception = event.exceptions?.find((x) => x.exceptionStartTime.getTime() === at);
  return exception?.deleted ? RESPONSE_TYPE[3] : exception?.responseType;
}

/**
 * MeetingResponse statuses (MS-ASCMD 2.2.3.177.9): 1 done, and the calendar item the
 * server names (CalendarId) is updated in place; 2 not a (current) meeting request,
 * e.g. answered already: dropped; 3/4: try again.
 */
async function settleAnswer(
  run: AccountRun,
  a: PendingOf<'meetingResponse'>,
  r: MeetingResponseResult | undefined,
  calendars: readonly FolderRecord[],
  generation: number,
): Promise<WriteOp[]> {
  // `a` is the record as read before it was marked unanswered: an answer clears the mark.
  if (!r || r.status === 3 || r.status === 4 || isRetryLater(r.status))
    return retryOps(a, r ? `MeetingResponse status ${r.status}` : 'no answer');
  const ops: WriteOp[] = [deletePendingOp(a.id as number)];
  if (r.status !== 1 || !r.calendarId) return ops;
  for (const folder of calendars) {
    const event = await getItem(run.store, run.session.account.id, folder.serverId, r.calendarId);
    if (event?.class !== 'Calendar') continue;
    const data = answeredIn(event.data, a.payload, run.session.account.email);
    ops.push(putOp('items', { ...event, data, updatedAt: run.clock.now(), generation }));
  }
  return ops;
}
