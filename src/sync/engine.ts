/**
 * The sync engine: one object over the focused modules (account, folders,
 * collections, apply, pending, push). It runs unchanged in a service worker, a
 * page, a worker and Node: its only needs are a store, a fetch-shaped transport
 * and timers.
 *
 * Per account, syncs run one at a time (a queue), and every write set that depends
 * on what was read runs under a data lock shared with the local-edit API, so an
 * edit made during a sync is neither lost nor applied twice.
 *
 * Hooks for what is built on top: `syncFolders` (Ping Status 2: exactly the changed
 * folders), `syncHierarchy` (Ping Status 7), events for the UI and for relaying
 * to other tabs.
 */
import type { DeviceInformation } from '../eas/commands/provision.ts';
import type { CalendarItem } from '../eas/items/calendar.ts';
import type { Contact } from '../eas/items/contact.ts';
import type { EmailFlag } from '../eas/items/email.ts';
import type { Task } from '../eas/items/task.ts';
import type { EasExchange, Transport } from '../eas/http.ts';
import { buildPing, parsePing } from '../eas/commands/ping.ts';
import type { SearchRange } from '../eas/commands/search.ts';
import type { FilterType } from '../eas/commands/sync.ts';
import { wipeAccountOps, type Store } from '../store/db.ts';
import type { AccountRecord, AccountState, AttachmentRecord, BodyRecord, FolderRecord, ItemRecord, PushMode, SyncClass } from '../store/schema.ts';
import { connect, deviceId, draftAccount, locateServer, type AccountSetup } from './account.ts';
import { startResyncOps } from './apply.ts';
import { DEFAULT_BODIES, type BodyOptions, type ChangePayload } from './classes.ts';
import { DEFAULT_ATTACHMENT_CACHE, fetchAttachment, fetchInline, type AttachmentCache } from './attachments.ts';
import { fetchBodies, openBody, type BodyType, type BodyWish } from './bodies.ts';
import { syncCollections } from './collections.ts';
import type { AccountRun } from './context.ts';
import { clearFolderOps, foldersOf, unsentEdits, type SyncTarget } from './disable.ts';
import { SyncError, classify, type ErrorKind } from './errors.ts';
import type { EngineEvent } from './events.ts';
import { syncHierarchy } from './folders.ts';
import { getAccount, getFolder, getFolders, getGeneration, getItem, getPending, putOp } from './local.ts';
import { addEdit, changeEdit, deleteEdit, meetingResponseEdit, moveEdit, type Edit, type EditEnv } from './pending.ts';
import { pushMeetingResponses, pushMoves } from './push.ts';
import { flushOutbox, outboxRecord, type OutboxPayload, type OutgoingMessage } from './outbox.ts';
import { clearBackoff, pushStep, runPush, type PushDeps, type PushOptions, type PushStep, type StopReason } from './ping.ts';
import { IdSource, Mutex, Mutexes, systemClock, type Clock } from './runtime.ts';
import { searchGal, searchMailbox, type GalSearchResult, type MailboxSearchOptions, type MailboxSearchResult } from './search.ts';
import { MAX_WAIT_MS, Session } from './session.ts';

export interface EngineOptions {
  readonly store: Store;
  readonly transport: Transport;
  readonly clock?: Clock;
  readonly onEvent?: (event: EngineEvent) => void;
  /** For accounts set up with rememberPassword false (e.g. the CLI's --password-env). */
  readonly password?: (account: AccountRecord) => string | undefined;
  readonly deviceInformation?: DeviceInformation;
  readonly userAgent?: string;
  readonly bodies?: BodyOptions;
  /** Every HTTP exchange, for the protocol inspector. */
  readonly onExchange?: (exchange: EasExchange) => void;
  /** Per-command retries and first back-off (see SessionDeps). */
  readonly retries?: number;
  readonly backoffMs?: number;
  /** Bytes the attachment cache may hold (least recently used out first). Default 50 MB. */
  readonly attachmentCacheBytes?: number;
}

export interface SyncReport {
  readonly ok: boolean;
  readonly error?: { readonly kind: ErrorKind; readonly message: string };
  readonly folderErrors: readonly { folderId: string; message: string; transient: boolean }[];
  /** After a network failure: when a scheduler should try again. */
  readonly retryAt?: number;
}

export type MeetingAnswer = 'accept' | 'tentative' | 'decline';

export interface Engine {
  addAccount(setup: AccountSetup): Promise<AccountRecord>;
  removeAccount(accountId: string): Promise<void>;
  accounts(): Promise<AccountRecord[]>;
  /** FolderSync, queued moves and answers, then every chosen folder. */
  syncAccount(accountId: string): Promise<SyncReport>;
  /** Only these folders (Ping Status 2), queued edits included. */
  syncFolders(accountId: string, folderIds: readonly string[]): Promise<SyncReport>;
  /** FolderSync only (Ping Status 7). */
  syncHierarchy(accountId: string): Promise<SyncReport>;
  /** Keys to 0 and download again (one folder, or the whole account), keeping queued edits. */
  fullResync(accountId: string, folderId?: string): Promise<SyncReport>;
  /** New credentials; an account stopped by a 401 syncs again. */
  setPassword(accountId: string, password: string): Promise<void>;
  /**
   * On: the folder syncs (from SyncKey 0 if it was switched off). Off, as a phone does it:
   * its queued edits are sent first, then its items leave the device and its SyncKey
   * returns to 0, in one write set; rejects (SyncError, nothing removed) when an edit
   * could not be sent (offline, server busy).
   */
  setFolderEnabled(accountId: string, folderId: string, enabled: boolean): Promise<void>;
  /** The same for every folder of a class (Calendar off: the events leave the device). */
  setClassEnabled(accountId: string, cls: SyncClass, enabled: boolean): Promise<void>;
  setFilter(accountId: string, cls: SyncClass, filter: FilterType): Promise<void>;
  /** A FilterType for one folder, over its class's; undefined returns to the class's. */
  setFolderFilter(accountId: string, folderId: string, filter: FilterType | undefined): Promise<void>;
  /** A new contact, event or task; returns its (provisional) ServerId. */
  addItem(accountId: string, folderId: string, data: unknown): Promise<string>;
  /** Replaces a contact, event or task with `next` (events: only what changed is sent). */
  updateItem(accountId: string, folderId: string, serverId: string, next: unknown): Promise<void>;
  markRead(accountId: string, folderId: string, serverId: string, read: boolean): Promise<void>;
  setFlag(accountId: string, folderId: string, serverId: string, flag: EmailFlag | null): Promise<void>;
  deleteItem(accountId: string, folderId: string, serverId: string): Promise<void>;
  /** Moves a mail; returns its provisional ServerId in the destination. */
  moveItem(accountId: string, folderId: string, serverId: string, dstFolderId: string): Promise<string>;
  respondToMeeting(accountId: string, folderId: string, serverId: string, answer: MeetingAnswer): Promise<void>;
  /**
   * Whole bodies with ItemOperations (a mail being opened; MIME for export), by
   * ServerId; kept in the `bodies` store when `cache` is set.
   */
  fetchBodies(accountId: string, folderId: string, serverIds: readonly string[], type: BodyType, cache?: boolean): Promise<Map<string, string>>;
  /**
   * The whole body of a mail being opened, from the `bodies` store or fetched and kept
   * there: MIME where only MIME is faithful (inline images, S/MIME), else HTML ('auto').
   */
  openBody(accountId: string, folderId: string, serverId: string, wish?: BodyWish): Promise<BodyRecord>;
  /** An attachment's bytes (ItemOperations Fetch, multipart), cached under the size limit. */
  fetchAttachment(accountId: string, fileReference: string): Promise<AttachmentRecord>;
  /** The inline part a mail's HTML names as cid:<contentId>, when the mail has it. */
  fetchInline(accountId: string, folderId: string, serverId: string, contentId: string): Promise<AttachmentRecord | undefined>;

  /** Queues a mail in the durable outbox; returns its `pending` id. It goes out with the next sync or flush. */
  queueMail(mail: OutgoingMessage): Promise<number>;
  /** Drops a queued mail; false when it is being sent right now. */
  discardMail(accountId: string, id: number): Promise<boolean>;
  /** Puts a failed mail back in the queue. */
  retryMail(accountId: string, id: number): Promise<void>;
  /** Sends what the outbox holds (one account, or all): what Background Sync calls. */
  flushOutbox(accountId?: string): Promise<SyncReport>;

  /** GAL entries matching the text (Search, store GAL). */
  searchGal(accountId: string, query: string, range?: SearchRange): Promise<GalSearchResult>;
  /** Mail on the server matching the text (Find on 16.1 servers that have it, else Search). */
  searchMailbox(accountId: string, query: string, options?: MailboxSearchOptions): Promise<MailboxSearchResult>;

  /** Push, interval or manual sync, and the interval. */
  setPushMode(accountId: string, mode: PushMode, intervalMinutes?: number): Promise<void>;
  /** Runs the Ping loop until the signal aborts or the account needs the user; see ping.ts. */
  push(accountId: string, options?: PushOptions): Promise<StopReason>;
  /** One step of the Ping loop (a service worker runs one per waitUntil). */
  pushStep(accountId: string, options?: PushOptions): Promise<PushStep>;
  /** Ends the Ping loops' back-off at once (the network is back); all accounts when none is given. */
  wakePush(accountId?: string): Promise<void>;
  subscribe(listener: (event: EngineEvent) => void): () => void;
}


const NETWORK_BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 900_000];

export function createEngine(options: EngineOptions): Engine {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const listeners = new Set<(e: EngineEvent) => void>();
  if (options.onEvent) listeners.add(options.onEvent);
  const emit = (e: EngineEvent): void => listeners.forEach((l) => l(e));
  const syncQueue = new Mutexes();
  const dataLock = new Mutexes();
  const ids = new IdSource(clock);
  const inFlight = new Set<number>();
  const failures = new Map<string, number>();
  const sessionDeps = {
    store, transport: options.transport, clock, emit,
    deviceInformation: options.deviceInformation ?? { model: 'Web', friendlyName: 'EAS PWA', os: 'Web' },
    userAgent: options.userAgent, onExchange: options.onExchange, retries: options.retries, backoffMs: options.backoffMs,
    lockFor: (accountId: string) => <T>(fn: () => Promise<T>) => dataLock.run(accountId, fn),
  };
  const idsReady = seedIds(store, ids);
  const cacheLock = new Mutex();
  const attachmentCache: AttachmentCache = {
    limit: options.attachmentCacheBytes ?? DEFAULT_ATTACHMENT_CACHE,
    lock: (fn) => cacheLock.run(fn),
  };
  const wakers = new Map<string, AbortController>();

  function runFor(account: AccountRecord): AccountRun {
    const password = account.password ?? options.password?.(account);
    return {
      session: new Session(sessionDeps, account, password),
      store, clock, ids, emit, inFlight,
      locked: (fn) => dataLock.run(account.id, fn),
      bodies: options.bodies ?? DEFAULT_BODIES,
    };
  }

  async function requireAccount(accountId: string): Promise<AccountRecord> {
    const account = await getAccount(store, accountId);
    if (!account) throw new RangeError(`no account ${accountId}`);
    return account;
  }

  /** One sync job of an account: queued behind the others, errors turned into a report. */
  function job(accountId: string, body: (run: AccountRun) => Promise<SyncReport['folderErrors']>, stamp = true): Promise<SyncReport> {
    return syncQueue.run(accountId, async () => {
      await idsReady;
      await seedIds(store, ids);
      const account = await requireAccount(accountId);
      if (account.state.kind === 'auth' || account.state.kind === 'blocked') {
        // Stopped until the user acts: no request at all (no retry storm on a 401).
        return { ok: false, error: { kind: account.state.kind === 'auth' ? 'wrong-password' : 'blocked', message: account.state.message }, folderErrors: [] };
      }
      if (account.busyUntil !== undefined && account.busyUntil > clock.now()) {
        // The server asked for quiet until then (Retry-After): no request before.
        return { ok: false, error: { kind: 'busy', message: busyText(account.busyUntil) }, folderErrors: [], retryAt: account.busyUntil };
      }
      const run = runFor(account);
      try {
        await run.session.recheckVersion();
        const folderErrors = await body(run);
        failures.delete(accountId);
        if (!stamp) {
          if (account.busyUntil !== undefined) await run.session.update({ busyUntil: undefined, state: { kind: 'ok' } });
          return { ok: true, folderErrors };
        }
        await run.session.update({ lastSyncAt: clock.now(), state: { kind: 'ok' }, busyUntil: undefined });
        emit({ type: 'synced', accountId, at: clock.now() });
        return { ok: true, folderErrors };
      } catch (e) {
        return failed(run, e);
      }
    });
  }

  async function failed(run: AccountRun, e: unknown): Promise<SyncReport> {
    const err = classify(e, run.session.account.url);
    const accountId = run.session.account.id;
    emit({ type: 'error', accountId, kind: err.kind, message: err.message });
    if (err.kind === 'wiped') return { ok: false, error: { kind: err.kind, message: err.message }, folderErrors: [] };
    const state = stateFor(err);
    if (state) {
      await run.session.update({ state });
      emit({ type: 'account', accountId, state });
    }
    const now = clock.now();
    if (err.kind === 'busy' && err.retryAfterMs !== undefined) await busy(run, now + err.retryAfterMs);
    const n = (failures.get(accountId) ?? 0) + 1;
    failures.set(accountId, n);
    const retryAt = err.kind === 'unreachable' || err.kind === 'busy' || err.kind === 'server'
      ? now + (err.retryAfterMs ?? NETWORK_BACKOFF_MS[Math.min(n, NETWORK_BACKOFF_MS.length) - 1] ?? 900_000)
      : undefined;
    return { ok: false, error: { kind: err.kind, message: err.message }, folderErrors: [], retryAt };
  }

  /** A Retry-After too long to wait inside one request: kept on the account, and shown in its state. */
  async function busy(run: AccountRun, until: number): Promise<void> {
    const state: AccountState = { kind: 'busy', until };
    await run.session.update({ busyUntil: until, state });
    emit({ type: 'account', accountId: run.session.account.id, state });
  }

  /**
   * The outbox; hierarchy; meeting answers (so the pull sees their effect); Sync rounds (queued
   * changes out, server changes in); mail moves (after the changes queued before
   * them); and Sync again for edits that waited for a moved mail's new ServerId.
   */
  async function fullCycle(run: AccountRun, only?: readonly string[]): Promise<SyncReport['folderErrors']> {
    await flushOutbox(run);
    if (!only) await hierarchy(run);
    await pushMeetingResponses(run);
    const first = await collectionsWithHierarchy(run, only);
    if (!(await pushMoves(run))) return first;
    return [...first, ...(await collectionsWithHierarchy(run, only))];
  }

  /** Sync rounds; FolderSync once more if a collection asks (Sync Status 12, GetItemEstimate Status 2). */
  async function collectionsWithHierarchy(run: AccountRun, only?: readonly string[]): Promise<SyncReport['folderErrors']> {
    let report = await syncCollections(run, only);
    if (report.needFolderSync) {
      await hierarchy(run);
      report = await syncCollections(run, only);
      if (report.needFolderSync) throw new SyncError('server', 'the server keeps reporting a changed folder hierarchy (Sync status 12 or GetItemEstimate status 2)');
    }
    return report.errors;
  }

  async function hierarchy(run: AccountRun): Promise<void> {
    const r = await syncHierarchy(run.session, store, run.locked);
    if (r.added + r.updated + r.removed > 0 || r.reset) emit({ type: 'folders', accountId: run.session.account.id });
  }

  /** A local edit: read what it touches and commit its write set under the data lock. */
  async function edit(accountId: string, folderId: string, build: (env: EditEnv, folder: FolderRecord) => Promise<Edit>): Promise<string> {
    await idsReady;
    return dataLock.run(accountId, async () => {
      await seedIds(store, ids); // records queued by someone else (autoIncrement) stay untouched
      const account = await requireAccount(accountId);
      const folder = await getFolder(store, accountId, folderId);
      if (!folder) throw new RangeError(`no folder ${folderId}`);
      const generation = await getGeneration(store, accountId);
      const env: EditEnv = { account, ctx: { version: account.version ?? '14.1' }, now: clock.now(), generation, nextId: () => ids.next(), inFlight };
      const result = await build(env, folder);
      await store.commit(result.ops);
      emit({ type: 'changes', accountId, folderId, added: 0, changed: 1, deleted: 0 });
      return result.serverId;
    });
  }

  async function itemAndQueue(accountId: string, folderId: string, serverId: string): Promise<{ item: ItemRecord; queued: Awaited<ReturnType<typeof getPending>> }> {
    const item = await getItem(store, accountId, folderId, serverId);
    if (!item) throw new RangeError(`no item ${serverId} in folder ${folderId}`);
    const queued = (await getPending(store, accountId)).filter((p) => p.folderId === folderId && p.serverId === serverId);
    return { item, queued };
  }

  async function change(accountId: string, folderId: string, serverId: string, payload: (item: ItemRecord) => ChangePayload): Promise<void> {
    await edit(accountId, folderId, async (env, folder) => {
      const { item, queued } = await itemAndQueue(accountId, folderId, serverId);
      return changeEdit(env, folder, item, payload(item), queued);
    });
  }

  async function updateAccount(accountId: string, patch: (a: AccountRecord) => Partial<AccountRecord>): Promise<void> {
    await dataLock.run(accountId, async () => {
      const account = await requireAccount(accountId);
      await store.commit([putOp('accounts', { ...account, ...patch(account) })]);
    });
  }

  async function updateFolder(accountId: string, folderId: string, patch: Partial<FolderRecord>): Promise<void> {
    await dataLock.run(accountId, async () => {
      const folder = await getFolder(store, accountId, folderId);
      if (folder) await store.commit([putOp('folders', { ...folder, ...patch })]);
    });
  }

  /**
   * A folder or class switched off (disable.ts): queued edits of its folders go out first
   * with a sync of just those folders; then, if none is left, their items go and their
   * keys return to 0 in one write set. Refused with a SyncError, nothing changed, while
   * an edit is still queued.
   */
  async function switchOff(accountId: string, target: SyncTarget): Promise<void> {
    await idsReady;
    const targeted = new Set(foldersOf(target, await getFolders(store, accountId)).map((f) => f.serverId));
    const waiting = unsentEdits(await getPending(store, accountId), targeted);
    const report = waiting.length > 0 ? await syncFolders(accountId, [...targeted]) : undefined;
    const cleared = await syncQueue.run(accountId, () => dataLock.run(accountId, async () => {
      const account = await requireAccount(accountId);
      const folders = foldersOf(target, await getFolders(store, accountId));
      const pending = await getPending(store, accountId);
      const left = unsentEdits(pending, new Set(folders.map((f) => f.serverId)));
      if (left.length > 0) {
        const why = report?.error ? ` (${report.error.message})` : '';
        throw new SyncError(report?.error?.kind ?? 'server', `${left.length} local change(s) could not be sent to the server first${why}; nothing was removed`);
      }
      const ops = folders.flatMap((f) => clearFolderOps(f, pending, 'folderId' in target ? false : f.enabled));
      if ('cls' in target) ops.push(putOp('accounts', { ...account, classes: { ...account.classes, [target.cls]: false } }));
      await store.commit(ops);
      return folders;
    }));
    for (const f of cleared) if (f.count > 0) emit({ type: 'changes', accountId, folderId: f.serverId, added: 0, changed: 0, deleted: f.count });
    emit({ type: 'folders', accountId });
  }

  /** Work that needs the server now (a mail opened, a search): outside the sync queue, errors classified. */
  async function online<T>(accountId: string, fn: (run: AccountRun) => Promise<T>): Promise<T> {
    await idsReady;
    const account = await requireAccount(accountId);
    if (account.state.kind === 'auth' || account.state.kind === 'blocked') {
      throw new SyncError(account.state.kind === 'auth' ? 'wrong-password' : 'blocked', account.state.message);
    }
    const run = runFor(account);
    try {
      return await fn(run);
    } catch (e) {
      const err = classify(e, run.session.account.url);
      if (stateFor(err)) await failed(run, err);
      throw err;
    }
  }

  const syncAccount = (accountId: string): Promise<SyncReport> => job(accountId, (run) => fullCycle(run));
  const syncFolders = (accountId: string, folderIds: readonly string[]): Promise<SyncReport> => job(accountId, (run) => fullCycle(run, folderIds));
  const syncHierarchyOnly = (accountId: string): Promise<SyncReport> => job(accountId, async (run) => {
    await hierarchy(run);
    return [];
  });

  const pushDeps: PushDeps = {
    store, clock, emit, syncAccount, syncFolders, syncHierarchy: syncHierarchyOnly,
    async ping(account, req, signal) {
      const run = runFor(account);
      try {
        return await run.session.run((ctx) => buildPing(req, ctx), parsePing, (r) => r.status, { signal, retries: 0 });
      } catch (e) {
        if (signal.aborted) throw e;
        const err = classify(e, account.url);
        const longBusy = err.kind === 'busy' && (err.retryAfterMs ?? 0) > MAX_WAIT_MS; // kept on the account, like a sync's
        if (stateFor(err) || longBusy) await failed(run, err);
        throw err;
      }
    },
  };

  /** The signal that ends an account's back-off sleep early; a new one after each wake. */
  function wakeSignal(accountId: string): AbortSignal {
    let c = wakers.get(accountId);
    if (!c || c.signal.aborted) {
      c = new AbortController();
      wakers.set(accountId, c);
    }
    return c.signal;
  }

  return {
    async addAccount(setup) {
      await idsReady;
      try {
        const device = await deviceId(store);
        const found = await locateServer(setup, sessionDeps);
        const draft = draftAccount({ ...setup, displayName: setup.displayName ?? found.displayName }, found.url, device, clock.now());
        const session = new Session(sessionDeps, draft, setup.password, false);
        await connect(session);
        await store.commit([putOp('accounts', session.account)]);
        session.persisted = true;
        const run = { ...runFor(session.account), session };
        await syncQueue.run(draft.id, () => hierarchy(run));
        return session.account;
      } catch (e) {
        throw classify(e);
      }
    },

    async removeAccount(accountId) {
      await syncQueue.run(accountId, () => dataLock.run(accountId, () => store.commit(wipeAccountOps(accountId))));
    },

    accounts: () => store.db.getAll('accounts'),

    syncAccount,

    syncFolders,

    syncHierarchy: syncHierarchyOnly,

    fullResync: (accountId, folderId) => job(accountId, async (run) => {
      await run.locked(async () => {
        const folders = (await getFolders(store, accountId)).filter((f) => folderId === undefined || f.serverId === folderId);
        const generation = await getGeneration(store, accountId);
        const ops = folders.flatMap((f) => startResyncOps(f, generation));
        const account = await requireAccount(accountId);
        if (folderId === undefined) ops.push(putOp('accounts', { ...account, folderSyncKey: '0' }));
        await store.commit(ops);
        if (folderId === undefined) run.session.remember({ folderSyncKey: '0' });
      });
      return fullCycle(run, folderId === undefined ? undefined : [folderId]);
    }),

    async setPassword(accountId, password) {
      await updateAccount(accountId, (a) => ({ password: a.password === undefined ? undefined : password, state: { kind: 'ok' } }));
      emit({ type: 'account', accountId, state: { kind: 'ok' } });
    },

    setFolderEnabled: (accountId, folderId, enabled) => (enabled ? updateFolder(accountId, folderId, { enabled }) : switchOff(accountId, { folderId })),

    setFolderFilter: (accountId, folderId, filterType) => updateFolder(accountId, folderId, { filterType }),

    setClassEnabled: (accountId, cls, enabled) =>
      (enabled ? updateAccount(accountId, (a) => ({ classes: { ...a.classes, [cls]: enabled } })) : switchOff(accountId, { cls })),

    setFilter: (accountId, cls, filter) => updateAccount(accountId, (a) => ({ filters: { ...a.filters, [cls]: filter } })),

    addItem: (accountId, folderId, data) =>
      edit(accountId, folderId, async (env, folder) => addEdit(env, folder, classOf(folder), data)),

    updateItem: (accountId, folderId, serverId, next) =>
      change(accountId, folderId, serverId, (item) => pimChange(item, next)),

    markRead: (accountId, folderId, serverId, read) =>
      change(accountId, folderId, serverId, () => ({ class: 'Email', change: { read } })),

    setFlag: (accountId, folderId, serverId, flag) =>
      change(accountId, folderId, serverId, () => ({ class: 'Email', change: { flag } })),

    async deleteItem(accountId, folderId, serverId) {
      await edit(accountId, folderId, async (env, folder) => {
        const { item, queued } = await itemAndQueue(accountId, folderId, serverId);
        return deleteEdit(env, folder, item, queued);
      });
    },

    moveItem: (accountId, folderId, serverId, dstFolderId) =>
      edit(accountId, folderId, async (env, folder) => {
        const dst = await getFolder(store, accountId, dstFolderId);
        if (!dst || dst.class !== 'Email' || folder.class !== 'Email') throw new RangeError('mail moves go between mail folders');
        const { item } = await itemAndQueue(accountId, folderId, serverId);
        return moveEdit(env, folder, item, dst);
      }),

    async respondToMeeting(accountId, folderId, serverId, answer) {
      await edit(accountId, folderId, async (env, folder) => {
        const { item } = await itemAndQueue(accountId, folderId, serverId);
        return meetingResponseEdit(env, folder, item, { accept: 1, tentative: 2, decline: 3 }[answer] as 1 | 2 | 3);
      });
    },

    async fetchBodies(accountId, folderId, serverIds, type, cache = true) {
      await idsReady;
      const run = runFor(await requireAccount(accountId));
      try {
        return await fetchBodies(run, folderId, serverIds, type, cache);
      } catch (e) {
        throw classify(e, run.session.account.url);
      }
    },

    openBody: (accountId, folderId, serverId, wish = 'auto') => online(accountId, (run) => openBody(run, folderId, serverId, wish)),

    fetchAttachment: (accountId, fileReference) => online(accountId, (run) => fetchAttachment(run, attachmentCache, fileReference)),

    fetchInline: (accountId, folderId, serverId, contentId) =>
      online(accountId, (run) => fetchInline(run, attachmentCache, folderId, serverId, contentId)),

    async queueMail(mail) {
      await idsReady;
      const id = await dataLock.run(mail.accountId, async () => {
        await seedIds(store, ids);
        const record = outboxRecord(await requireAccount(mail.accountId), mail, ids.next(), clock.now());
        await store.commit([putOp('pending', record)]);
        return record.id as number;
      });
      emit({ type: 'outbox', accountId: mail.accountId, id, state: 'queued' });
      return id;
    },

    discardMail: (accountId, id) =>
      dataLock.run(accountId, async () => {
        const p = await store.db.get('pending', id);
        if (!p || p.kind !== 'send' || p.accountId !== accountId) return true;
        if (inFlight.has(id)) return false;
        await store.commit([{ store: 'pending', op: 'delete', key: id }]);
        emit({ type: 'outbox', accountId, id, state: 'discarded' });
        return true;
      }),

    async retryMail(accountId, id) {
      await dataLock.run(accountId, async () => {
        const p = await store.db.get('pending', id);
        if (!p || p.kind !== 'send' || (p.payload as OutboxPayload).state !== 'failed') return;
        await store.commit([putOp('pending', { ...p, attempts: 0, lastError: undefined, payload: { ...(p.payload as OutboxPayload), state: 'queued' } })]);
      });
      emit({ type: 'outbox', accountId, id, state: 'queued' });
    },

    async flushOutbox(accountId) {
      const ids = accountId ? [accountId] : (await store.db.getAllKeys('accounts'));
      const reports = await Promise.all(ids.map((id) => job(id, async (run) => {
        await flushOutbox(run);
        return [];
      }, false)));
      const bad = reports.find((r) => !r.ok);
      return bad ?? { ok: true, folderErrors: [] };
    },

    searchGal: (accountId, query, range) => online(accountId, (run) => searchGal(run, query, range)),

    searchMailbox: (accountId, query, searchOptions) => online(accountId, (run) => searchMailbox(run, query, searchOptions)),

    setPushMode: (accountId, mode, intervalMinutes) =>
      updateAccount(accountId, (a) => ({ push: mode, intervalMinutes: intervalMinutes ?? a.intervalMinutes })),

    async push(accountId, pushOptions = {}) {
      await idsReady;
      return runPush(pushDeps, accountId, pushOptions, () => wakeSignal(accountId));
    },

    async pushStep(accountId, pushOptions = {}) {
      await idsReady;
      return pushStep(pushDeps, accountId, pushOptions);
    },

    async wakePush(accountId) {
      const ids = accountId ? [accountId] : await store.db.getAllKeys('accounts');
      for (const id of ids) {
        await clearBackoff(store, id);
        wakers.get(id)?.abort();
      }
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function busyText(until: number): string {
  return `The server is busy and asked to wait: next try at ${new Date(until).toISOString()}`;
}

/** The account state an error leaves: stopped until the user acts, or unchanged. */
function stateFor(err: SyncError): AccountState | undefined {
  switch (err.kind) {
    case 'wrong-password':
    case 'password-expired':
      return { kind: 'auth', message: err.message };
    case 'blocked':
    case 'provisioning':
      return { kind: 'blocked', message: err.message };
    case 'version':
      return { kind: 'error', message: err.message };
    default:
      return undefined;
  }
}

function classOf(folder: FolderRecord): SyncClass {
  if (folder.class === 'Calendar' || folder.class === 'Contacts' || folder.class === 'Tasks') return folder.class;
  throw new RangeError(`items cannot be added to a ${folder.class ?? 'generic'} folder`);
}

function pimChange(item: ItemRecord, next: unknown): ChangePayload {
  switch (item.class) {
    case 'Calendar':
      return { class: 'Calendar', previous: item.data as CalendarItem, next: next as CalendarItem };
    case 'Contacts':
      return { class: 'Contacts', next: next as Contact };
    case 'Tasks':
      return { class: 'Tasks', next: next as Task };
    default:
      throw new RangeError('mail is changed with markRead/setFlag');
  }
}

/** Ids of new queued records stay above those already stored (they order the queue). */
async function seedIds(store: Store, ids: IdSource): Promise<void> {
  for (const name of ['pending', 'conflicts'] as const) {
    const cursor = await store.db.transaction(name).store.openCursor(null, 'prev');
    if (cursor) ids.seen(Number(cursor.key));
  }
}
