/**
 * The sync engine: one object over the focused modules (account, folders,
 * collections, apply, pending, edit-commands, outbox, ping). It runs unchanged in a
 * service worker, a page, a worker and Node: its only needs are a store, a
 * fetch-shaped transport and timers. Its parts live in engine/: what they share
 * (core.ts: the sync job, its failure), the sync cycle (cycle.ts), local edits
 * (edits.ts), settings (settings.ts), the outbox (sending.ts), fetches and searches
 * (on-demand.ts) and push (push.ts).
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
import type { EmailFlag } from '../eas/items/email.ts';
import type { EasExchange } from '../eas/http.ts';
import type { Transport } from '../eas/endpoint.ts';
import type { SearchRange } from '../eas/commands/search.ts';
import type { FilterType } from '../eas/commands/sync.ts';
import { wipeAccountOps } from '../store/db.ts';
import type { Store } from '../store/db.ts';
import type { AccountRecord, AttachmentRecord, BodyRecord, PushMode, Signature, SyncClass } from '../store/schema.ts';
import { connect, deviceId, draftAccount, locateServer, type AccountSetup } from './account.ts';
import type { BodyOptions } from './classes.ts';
import type { BodyType, BodyWish } from './bodies.ts';
import { classify, type ErrorKind } from './errors.ts';
import type { SyncEvent } from './events.ts';
import { putOp } from './local.ts';
import type { OutgoingMessage } from './outbox.ts';
import type { FreeBusy } from './recipients.ts';
import type { PushOptions, PushStep, StopReason } from './ping.ts';
import type { Clock } from './primitives.ts';
import type { GalSearchResult, HitTarget, MailboxSearchOptions, MailboxSearchResult, OpenedHit } from './search.ts';
import type { OutOfOffice } from './oof.ts';
import { wipeDraftOps, type LocalDraft } from '../store/drafts.ts';
import { wipeRecentsOps } from '../store/recents.ts';
import { wipePhotosOps } from '../store/photos.ts';
import type { SenderPhotoAnswer } from './sender-photos.ts';
import { Session } from './session.ts';
import { createCore } from './engine/core.ts';
import { drafts } from './engine/drafts.ts';
import { syncCycle } from './engine/cycle.ts';
import { localEdits } from './engine/edits.ts';
import { onDemand } from './engine/on-demand.ts';
import { push } from './engine/push.ts';
import { sending } from './engine/sending.ts';
import { settings } from './engine/settings.ts';

export interface EngineOptions {
  readonly store: Store;
  readonly transport: Transport;
  readonly clock?: Clock;
  readonly onEvent?: (event: SyncEvent) => void;
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
  /**
   * A new contact, event or task; returns its stable id (ItemRecord.id). Edits name items
   * by that id, which stays while the ServerId changes (the add confirmed, a move).
   */
  addItem(accountId: string, folderId: string, data: unknown): Promise<string>;
  /** Replaces a contact, event or task with `next` (events: only what changed is sent). */
  updateItem(accountId: string, itemId: string, next: unknown): Promise<void>;
  markRead(accountId: string, itemId: string, read: boolean): Promise<void>;
  setFlag(accountId: string, itemId: string, flag: EmailFlag | null): Promise<void>;
  deleteItem(accountId: string, itemId: string): Promise<void>;
  /** Moves a mail to another folder; it keeps its id. */
  moveItem(accountId: string, itemId: string, dstFolderId: string): Promise<void>;
  /** Takes back a move of the mail from `srcFolderId` (pending.ts undoMoveEdit): it returns there with its read and flag state. */
  undoMove(accountId: string, itemId: string, srcFolderId: string): Promise<void>;
  /** Answers an invitation; `occurrence` (a series' original start, 14.1+) answers only that one. */
  respondToMeeting(accountId: string, itemId: string, answer: MeetingAnswer, occurrence?: Date): Promise<void>;
  /**
   * Whole bodies with ItemOperations (a mail being opened; MIME for export), by
   * ServerId; kept in the `bodies` store when `cache` is set.
   */
  fetchBodies(
    accountId: string,
    folderId: string,
    serverIds: readonly string[],
    type: BodyType,
    cache?: boolean,
  ): Promise<Map<string, string>>;
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
  /** Free/busy of these addresses between start and end (ResolveRecipients with Availability). */
  freeBusy(accountId: string, emails: readonly string[], start: Date, end: Date): Promise<FreeBusy[]>;
  /** The directory photos of these senders (ResolveRecipients with Picture, 14.1+), kept PHOTO_TTL_MS in the store. */
  senderPhotos(accountId: string, emails: readonly string[]): Promise<SenderPhotoAnswer[]>;
  /** Mail on the server matching the text (Find on 16.1 servers that have it, else Search). */
  searchMailbox(accountId: string, query: string, options?: MailboxSearchOptions): Promise<MailboxSearchResult>;
  /** A search hit the store does not hold, whole (ItemOperations by LongId, else by ServerId). */
  openSearchHit(accountId: string, target: HitTarget): Promise<OpenedHit>;

  /** The server's automatic replies (Settings Oof Get); needs the connection. */
  getOof(accountId: string): Promise<OutOfOffice>;
  /** Changes them (Settings Oof Set); needs the connection. */
  setOof(accountId: string, oof: OutOfOffice): Promise<void>;

  /**
   * Keeps a draft on this device (store/drafts.ts), replacing its earlier version; at 16.x
   * also in the server's Drafts folder (a queued Sync Add, then Changes; sync/drafts.ts).
   */
  saveDraft(draft: LocalDraft): Promise<void>;
  /** Removes a draft (at 16.x a queued Sync Delete of its item). */
  deleteDraft(accountId: string, id: string): Promise<void>;
  /**
   * Sends a draft: at 16.x one in the server's Drafts folder goes by a queued Sync Change
   * with email2:Send; otherwise the mail goes into the outbox and the draft is removed.
   */
  sendDraft(mail: OutgoingMessage, draftId: string): Promise<void>;

  /** Push, interval or manual sync, and the interval. */
  setPushMode(accountId: string, mode: PushMode, intervalMinutes?: number): Promise<void>;
  /** The account's signature; undefined or blank removes it. */
  setSignature(accountId: string, signature: Signature | undefined): Promise<void>;
  /** Runs the Ping loop until the signal aborts or the account needs the user; see ping.ts. */
  push(accountId: string, options?: PushOptions): Promise<StopReason>;
  /** One step of the Ping loop (a service worker runs one per waitUntil). */
  pushStep(accountId: string, options?: PushOptions): Promise<PushStep>;
  /** Ends the Ping loops' back-off at once (the network is back); all accounts when none is given. */
  wakePush(accountId?: string): Promise<void>;
  subscribe(listener: (event: SyncEvent) => void): () => void;
}

export function createEngine(options: EngineOptions): Engine {
  const core = createCore(options);
  const { store, clock, listeners, syncQueue, dataLock, sessionDeps, idsReady, runFor } = core;
  const cycle = syncCycle(core);
  const { hierarchy } = cycle;
  const outbox = sending(core);

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
      await syncQueue.run(accountId, () =>
        dataLock.run(accountId, () =>
          store.commit([
            ...wipeAccountOps(accountId),
            ...wipeDraftOps(accountId),
            ...wipeRecentsOps(accountId),
            ...wipePhotosOps(accountId),
          ]),
        ),
      );
    },

    accounts: () => store.db.getAll('accounts'),

    syncAccount: cycle.syncAccount,
    syncFolders: cycle.syncFolders,
    syncHierarchy: cycle.syncHierarchy,
    fullResync: cycle.fullResync,
    ...settings(core, cycle),
    ...localEdits(core),
    ...onDemand(core),
    ...outbox,
    ...drafts(core, outbox.queueMail),
    ...push(core, cycle),

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
