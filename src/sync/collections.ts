/**
 * The Sync rounds of an account (MS-ASCMD 2.2.1.21):
 *
 * 1. A folder never synced (or reset) is primed with SyncKey 0, several per request;
 *    the response has keys but no items (MS-ASCMD 2.2.3.181.4). GetItemEstimate then
 *    tells how many items will come (MS-ASCMD 2.2.1.9), for the progress bar.
 * 2. Rounds: one Sync request for several collections. Each carries its queued edits
 *    as Commands, which the server applies before it computes the changes it sends
 *    back (so local edits are pushed before the pull, and conflicts are the server's
 *    to detect: Status 7, server wins with Conflict 1). WindowSize starts small and
 *    doubles while MoreAvailable, up to 512 (MS-ASCMD 2.2.3.199).
 * 3. Each response is applied in one write set (apply.ts).
 *
 * Collection statuses: 3 -> key 0 and re-download keeping local items; 12 -> the
 * caller runs FolderSync and comes back; a malformed response is retried folder by
 * folder so that only the bad folder ends in an error state.
 */
import { buildGetItemEstimate, parseGetItemEstimate } from '../eas/commands/getitemestimate.ts';
import type { EasContext } from '../eas/command.ts';
import { buildSync, parseSyncItems, type SyncCollection, type SyncResponse } from '../eas/commands/sync.ts';
import { needsProvisioning } from '../eas/status.ts';
import { atLeast } from '../eas/version.ts';
import type { El } from '../wbxml/tree.ts';
import type { WriteOp } from '../store/db.ts';
import type { FolderRecord, ItemRecord, PendingRecord, SyncClass } from '../store/schema.ts';
import { planResponse, type CollectionOutcome, type SentCollection } from './apply.ts';
import { isSyncClass, readItem, syncOptions, type ReadItem } from './classes.ts';
import { sending, type AccountRun } from './context.ts';
import { SyncError, isMalformed } from './errors.ts';
import { getFolders, getItems, getItemsById, localId, movedInOp, putOp, readRound, type RoundState } from './local.ts';
import { commandsFor, foldersWithCommands } from './pending.ts';

export const FIRST_WINDOW = 25;
export const MAX_WINDOW = 512;
/** Collections per Sync request (a server may lower it with Status 15 and Limit). */
export const MAX_COLLECTIONS = 25;

export interface CollectionsReport {
  /** A collection said the hierarchy changed (Status 12): run FolderSync, then call again. */
  readonly needFolderSync: boolean;
  readonly errors: readonly { folderId: string; message: string; transient: boolean }[];
}

interface LoopState {
  readonly work: Set<string>;
  readonly window: Map<string, number>;
  /** Folders that failed in this call: not sent again until the next call. */
  readonly done: Set<string>;
  readonly errors: { folderId: string; message: string; transient: boolean }[];
  /** Commands sent for a folder in its last round: a folder whose queue cannot go out is not picked again. */
  readonly sentLast: Map<string, number>;
  /** Mail folders that had their confirming round (`confirms`) in this call. */
  readonly confirmed: Set<string>;
  maxCollections: number;
  needFolderSync: boolean;
}

/** The folders a sync covers: enabled, of a chosen class, and named in `only` when given. */
export function syncable(
  folders: readonly FolderRecord[],
  classes: Readonly<Record<SyncClass, boolean>>,
  only?: readonly string[],
): FolderRecord[] {
  return folders.filter((f) => f.enabled && isSyncClass(f.class) && classes[f.class] && (!only || only.includes(f.serverId)));
}

/** Runs Sync rounds until the chosen folders have nothing more to send or receive. */
export async function syncCollections(run: AccountRun, only?: readonly string[]): Promise<CollectionsReport> {
  const chosen = (all: readonly FolderRecord[]) => syncable(all, run.session.account.classes, only);
  const initial = chosen(await getFolders(run.store, run.session.account.id));
  const state: LoopState = {
    work: new Set(initial.map((f) => f.serverId)),
    window: new Map(),
    done: new Set(),
    errors: [],
    sentLast: new Map(),
    confirmed: new Set(),
    maxCollections: MAX_COLLECTIONS,
    needFolderSync: false,
  };
  for (let round = 0; round < 100_000 && !state.needFolderSync; round++) {
    const stored = await readRound(run.store, run.session.account.id);
    const queue = stored.pending;
    const folders = chosen(stored.folders).filter((f) => !state.done.has(f.serverId));
    const unprimed = folders.filter((f) => f.syncKey === '0' && state.work.has(f.serverId));
    if (unprimed.length > 0) {
      await prime(run, unprimed.slice(0, state.maxCollections), state);
      continue;
    }
    const withCommands = foldersWithCommands(queue);
    const wanted = (f: FolderRecord): boolean =>
      state.work.has(f.serverId) || (withCommands.has(f.serverId) && state.sentLast.get(f.serverId) !== 0);
    const batch = folders.filter((f) => f.syncKey !== '0' && wanted(f)).slice(0, state.maxCollections);
    if (batch.length === 0) break;
    await syncRound(run, batch, stored, state);
  }
  return { needFolderSync: state.needFolderSync, errors: state.errors };
}

// ------------------------------------------------------------------ priming

async function prime(run: AccountRun, folders: readonly FolderRecord[], state: LoopState): Promise<void> {
  const ctx = run.session.ctx;
  const collections: SyncCollection[] = folders.map((f) => ({
    syncKey: '0',
    collectionId: f.serverId,
    class: atLeast(ctx.version, '14.0') ? undefined : f.class,
    options: [syncOptions(f.class as SyncClass, filterOf(run, f), run.bodies, ctx)],
  }));
  const res = await sendSync(run, collections, folders, state);
  if (!res) return;
  await run.locked(async () => {
    const fresh = new Map((await getFolders(run.store, run.session.account.id)).map((f) => [f.serverId, f]));
    const ops: WriteOp[] = [];
    for (const folder of folders) {
      const c = res.collections.find((x) => x.collectionId === folder.serverId);
      const f = fresh.get(folder.serverId);
      if (!f) continue;
      if (c?.status === 1 && c.syncKey) ops.push(putOp('folders', { ...f, syncKey: c.syncKey, status: { kind: 'syncing' } }));
      else failed(state, f.serverId, c?.status, ops, f, run.clock.now());
    }
    await run.store.commit(ops);
  });
  await estimate(
    run,
    folders.filter((f) => res.collections.some((c) => c.collectionId === f.serverId && c.status === 1)),
    state,
  );
}

/**
 * GetItemEstimate after priming (MS-ASCMD 2.2.1.9); a failure only costs the progress bar,
 * but Status 2 (a collection is invalid: the hierarchy changed, MS-ASCMD 2.2.3.177.7)
 * asks for FolderSync, as Sync Status 12 does.
 */
async function estimate(run: AccountRun, folders: readonly FolderRecord[], state: LoopState): Promise<void> {
  if (folders.length === 0 || !atLeast(run.session.ctx.version, '12.1')) return;
  const keys = new Map((await getFolders(run.store, run.session.account.id)).map((f) => [f.serverId, f.syncKey]));
  const v14 = atLeast(run.session.ctx.version, '14.0');
  try {
    const res = await run.session.run(
      (ctx) =>
        buildGetItemEstimate(
          {
            collections: folders.map((f) => ({
              syncKey: keys.get(f.serverId) ?? f.syncKey,
              collectionId: f.serverId,
              ...(v14
                ? { options: [{ filterType: f.class === 'Contacts' ? undefined : filterOf(run, f) }] }
                : { class: f.class, filterType: filterOf(run, f) }),
            })),
          },
          ctx,
        ),
      parseGetItemEstimate,
      (r) => r.status,
    );
    if (res.status === 2 || res.responses.some((r) => r.status === 2)) state.needFolderSync = true;
    await run.locked(async () => {
      const fresh = new Map((await getFolders(run.store, run.session.account.id)).map((f) => [f.serverId, f]));
      const ops = res.responses.flatMap((r) => {
        const f = r.collectionId === undefined ? undefined : fresh.get(r.collectionId);
        return f && r.status === 1 && r.estimate !== undefined ? [putOp('folders', { ...f, estimate: r.estimate })] : [];
      });
      await run.store.commit(ops);
    });
  } catch (e) {
    if (!isMalformed(e) && !(e instanceof SyncError && (e.kind === 'server' || e.kind === 'busy'))) throw e;
  }
}

function filterOf(run: AccountRun, f: FolderRecord): 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 {
  return f.filterType ?? run.session.account.filters[f.class as SyncClass] ?? 0;
}

// ------------------------------------------------------------------ one round

async function syncRound(run: AccountRun, batch: readonly FolderRecord[], stored: RoundState, state: LoopState): Promise<void> {
  const ctx = run.session.ctx;
  const sentBy = new Map<string, PendingRecord[]>();
  const collections: SyncCollection[] = batch.map((f) => {
    const cls = f.class as SyncClass;
    const resyncing = stored.resync.get(f.serverId) !== undefined;
    const { sent, commands, purge } = commandsFor(f, cls, stored.pending, run.inFlight, ctx, { holdAdds: resyncing });
    sentBy.set(f.serverId, sent);
    state.sentLast.set(f.serverId, sent.length);
    return {
      syncKey: f.syncKey,
      collectionId: f.serverId,
      class: atLeast(ctx.version, '14.0') ? undefined : cls,
      // MS-ASCMD 2.2.3.43: deleted mail goes to Deleted Items; a draft sent as a reply does not (DeletePayload.purge).
      deletesAsMoves: cls === 'Email' ? !purge : undefined,
      windowSize: state.window.get(f.serverId) ?? FIRST_WINDOW,
      options: [syncOptions(cls, filterOf(run, f), run.bodies, ctx)],
      commands,
    };
  });
  const ids = [...sentBy.values()].flat().map((p) => p.id);
  const got = await sending(run, ids, () => sendSync(run, collections, batch, state));
  if (!got) return;
  // MS-ASCMD 2.2.1.21.2: an empty response means nothing changed in any collection. It is
  // applied as such (same key, no commands), which also ends a resync with nothing left.
  const res = got.empty ? { ...got, collections: batch.map((f) => unchanged(f)) } : got;
  if (got.empty && ids.length > 0) batch.forEach((f) => state.done.add(f.serverId)); // our commands got no answer
  const outcomes = await run.locked(() => applyResponse(run, res, batch, got.empty ? new Map() : sentBy));
  for (const [folderId, outcome] of outcomes) afterOutcome(run, batch, folderId, outcome, state);
  for (const f of batch) {
    if (outcomes.has(f.serverId)) continue;
    // Not in the response: nothing for it this time.
    state.work.delete(f.serverId);
    state.done.add(f.serverId);
  }
}

function unchanged(f: FolderRecord): Round['collections'][number] {
  return { collectionId: f.serverId, syncKey: f.syncKey, status: 1, moreAvailable: false, commands: [], responses: [] };
}

/** A Sync response with its items decoded as it was read (readItem). */
type Round = SyncResponse<ReadItem>;

/**
 * Sends a Sync and handles request-wide outcomes. Returns undefined when the round
 * must be repeated differently (fewer collections, FolderSync first, one folder at a time).
 */
async function sendSync(
  run: AccountRun,
  collections: SyncCollection[],
  batch: readonly FolderRecord[],
  state: LoopState,
): Promise<Round | undefined> {
  const classes = new Map(batch.map((f) => [f.serverId, f.class as SyncClass]));
  const parse = (root: El | null, ctx: EasContext): Round =>
    parseSyncItems(root, ctx, (appData, collectionId, kind) => {
      const cls = classes.get(collectionId);
      return cls
        ? readItem(cls, appData, ctx, kind)
        : { error: new Error(`an item for collection ${collectionId}, which was not asked for`) };
    });
  let res: Round;
  try {
    res = await run.session.run(
      (ctx) => buildSync({ collections }, ctx),
      parse,
      (r) => (r.status !== 1 ? r.status : r.collections.find((c) => needsProvisioning(c.status))?.status),
    );
  } catch (e) {
    if (!isMalformed(e)) throw e;
    if (batch.length > 1)
      state.maxCollections = 1; // find the folder that breaks it
    else await markFailed(run, state, batch[0] as FolderRecord, e instanceof Error ? e.message : String(e));
    return undefined;
  }
  if (res.status === 1) return res;
  if (res.status === 12) state.needFolderSync = true;
  else if (res.status === 15 && res.limit)
    state.maxCollections = Math.max(1, res.limit); // MS-ASCMD 2.2.3.87
  else throw new SyncError(res.status === 4 ? 'protocol' : 'server', `Sync status ${res.status}`);
  return undefined;
}

async function markFailed(run: AccountRun, state: LoopState, f: FolderRecord, message: string): Promise<void> {
  state.done.add(f.serverId);
  state.errors.push({ folderId: f.serverId, message, transient: false });
  run.emit({ type: 'error', accountId: f.accountId, folderId: f.serverId, kind: 'protocol', message });
  await run.locked(async () => {
    const fresh = (await getFolders(run.store, f.accountId)).find((x) => x.serverId === f.serverId);
    if (fresh) await run.store.commit([putOp('folders', { ...fresh, status: { kind: 'error', message, at: run.clock.now() } })]);
  });
}

function failed(state: LoopState, folderId: string, status: number | undefined, ops: WriteOp[], f: FolderRecord, now: number): void {
  if (status === 12 || status === 8) {
    state.needFolderSync = true;
    return;
  }
  const message = status === undefined ? 'no answer for this folder' : `Sync status ${status}`;
  state.done.add(folderId);
  state.errors.push({ folderId, message, transient: status === 5 || status === 16 });
  ops.push(putOp('folders', { ...f, status: { kind: 'error', message, at: now } }));
}

/** Reads what the response names, plans the write set, commits it. Under the account's lock. */
async function applyResponse(
  run: AccountRun,
  res: Round,
  batch: readonly FolderRecord[],
  sentBy: ReadonlyMap<string, PendingRecord[]>,
): Promise<Map<string, CollectionOutcome>> {
  const account = run.session.account;
  const { folders, pending, generation, ...meta } = await readRound(run.store, account.id);
  const fresh = new Map(folders.map((f) => [f.serverId, f]));
  const live = new Set(pending.map((p) => p.id));
  const sent = new Map<string, SentCollection>();
  const extra: WriteOp[] = [];
  for (const c of res.collections) {
    const folder = fresh.get(c.collectionId);
    if (!folder || !batch.some((b) => b.serverId === c.collectionId)) continue;
    const resync = meta.resync.get(folder.serverId);
    const movedIn = meta.movedIn.get(folder.serverId) ?? [];
    const complete = resync !== undefined && !c.moreAvailable && c.status === 1;
    const mine = (sentBy.get(c.collectionId) ?? []).filter((p) => live.has(p.id));
    const adds = c.commands.flatMap((x) => (x.kind === 'Add' ? [x.serverId] : []));
    // An Add names an item already held only during a resync or for a mail moved in here.
    const probed = resync !== undefined ? adds : adds.filter((id) => movedIn.includes(id));
    const named = namedIds(c, mine);
    const items = complete
      ? new Map((await getItems(run.store, account.id, folder.serverId)).map((i): [string, ItemRecord] => [i.serverId, i]))
      : named.length + probed.length === 0 // a page of new items only (an initial sync): nothing to read
        ? new Map<string, ItemRecord>()
        : await getItemsById(run.store, account.id, folder.serverId, named, probed);
    sent.set(c.collectionId, { folder, cls: folder.class as SyncClass, sent: mine, items, resync, complete });
    if (movedIn.length > 0 && c.status === 1)
      extra.push(movedInOp(account.id, folder.serverId, c.moreAvailable ? movedIn.filter((id) => !adds.includes(id)) : []));
  }
  const plan = planResponse(res.collections, sent, {
    account,
    ctx: run.session.ctx,
    now: run.clock.now(),
    generation,
    pending,
    nextId: () => run.ids.next(),
  });
  await run.store.commit([...plan.ops, ...extra]);
  for (const c of plan.conflicts) run.emit({ type: 'conflict', accountId: account.id, ...c });
  return new Map(plan.outcomes);
}

/** ServerIds a collection's part of the response touches: server commands other than Add, our commands, our adds. */
function namedIds(c: Round['collections'][number], sent: readonly PendingRecord[]): string[] {
  return [
    ...c.commands.flatMap((x) => (x.kind === 'Add' ? [] : [x.serverId])),
    ...c.responses.flatMap((r) => ('serverId' in r && r.serverId !== undefined ? [r.serverId] : [])),
    ...sent.flatMap((p) => (p.serverId !== undefined ? [p.serverId] : [])),
    ...sent.flatMap((p) => (p.clientId !== undefined ? [localId(p.clientId)] : [])),
  ];
}

/**
 * New mail came in the last page of a mail folder: one more round sends the new SyncKey. A server
 * learns that the client got a key only when the client sends it back (MS-ASCMD 2.2.3.181.4), and
 * SOGo's Ping compares with what it last stored: after a Sync that added mail it stores
 * `<first UID added>-<MODSEQ>`, not the folder's `<UIDNEXT>-<MODSEQ>`, so its next Ping answers
 * Status 2 at once with nothing new (the proxy's relay pushes for nothing) until a Sync with that
 * key stores the folder's own. Elsewhere the round is an empty Sync; it comes once per call.
 */
function confirms(batch: readonly FolderRecord[], folderId: string, o: CollectionOutcome & { kind: 'ok' }, state: LoopState): boolean {
  if (o.moreAvailable || o.added === 0 || state.confirmed.has(folderId)) return false;
  return batch.find((f) => f.serverId === folderId)?.class === 'Email';
}

function afterOutcome(run: AccountRun, batch: readonly FolderRecord[], folderId: string, o: CollectionOutcome, state: LoopState): void {
  const accountId = run.session.account.id;
  switch (o.kind) {
    case 'ok': {
      // Our own commands answered change the queue too (a draft's Send leaves the outbox's view).
      const answered = state.sentLast.get(folderId) ?? 0;
      if (o.added + o.changed + o.deleted + answered > 0)
        run.emit({ type: 'changes', accountId, folderId, added: o.added, changed: o.changed, deleted: o.deleted });
      run.emit({ type: 'progress', accountId, folderId, count: o.count, estimate: o.estimate, done: !o.moreAvailable });
      if (o.resynced) state.sentLast.delete(folderId); // adds held during the resync may go now
      if (o.moreAvailable) {
        state.work.add(folderId);
        state.window.set(folderId, Math.min(MAX_WINDOW, (state.window.get(folderId) ?? FIRST_WINDOW) * 2));
      } else if (confirms(batch, folderId, o, state)) {
        state.confirmed.add(folderId);
        state.work.add(folderId);
      } else state.work.delete(folderId);
      return;
    }
    case 'resync':
      state.work.add(folderId); // primed again from key 0 in the next round
      return;
    case 'folders':
      state.needFolderSync = true;
      return;
    case 'retry':
    case 'error':
      state.work.delete(folderId);
      state.done.add(folderId);
      state.errors.push({ folderId, message: o.message, transient: o.kind === 'retry' });
      run.emit({ type: 'error', accountId, folderId, kind: o.kind === 'retry' ? 'busy' : 'protocol', message: o.message });
  }
}
