/**
 * What the screens need from the sync engine, and nothing more. The screens read the
 * IndexedDB store directly (src/store/schema.ts) and call this interface to change
 * anything or to reach the server. The same interface fits an engine running in the
 * page and one running in the service worker (then the calls and events travel over
 * postMessage/BroadcastChannel).
 *
 * Local edits follow the engine's contract: the engine applies them to the store at
 * once (optimistically) and queues them durably in `pending` until the server
 * confirms; the UI only calls and then re-reads the store when `changed` arrives.
 */
import type { GalEntry } from '../eas/commands/search.ts';
import type { UserResponse } from '../eas/commands/meetingresponse.ts';
import type { FilterType } from '../eas/commands/sync.ts';
import type { EasExchange } from '../eas/http.ts';
import type { Email, EmailFlag } from '../eas/items/email.ts';
import type { EasVersion } from '../eas/version.ts';
import type { AccountRecord, AttachmentRecord, BodyRecord, PushMode, Signature, StoreName, SyncClass } from '../store/schema.ts';
import type { OutOfOffice } from '../sync/oof.ts';
import type { LocalDraft } from '../store/drafts.ts';
import type { OutboxPayload, OutboxState, OutgoingAttachment, OutgoingMessage } from '../sync/outbox.ts';
import type { HitTarget, OpenedHit } from '../sync/search.ts';
import type { FreeBusy } from '../sync/recipients.ts';
import type { SenderPhotoAnswer } from '../sync/sender-photos.ts';
import type { ItemPlace, ItemRef } from '../store/reads.ts';

export type { FreeBusy, HitTarget, OpenedHit, SenderPhotoAnswer };

/**
 * Items are named by their stable id (ItemRef, ItemRecord.id): the add's confirmation, a
 * move or a resync change their ServerId and folder, never this. Body and attachment
 * fetches name where the item is now (ItemPlace).
 */
export type { ItemPlace, ItemRef };

export const refOf = (item: { readonly accountId: string; readonly id: string }): ItemRef => ({
  accountId: item.accountId,
  itemId: item.id,
});

/** What the phone-style setup collects. */
export interface AccountInput {
  readonly email: string;
  readonly password: string;
  /** Server host or URL as the user typed it; with `ssl` it becomes the base URL. */
  readonly server: string;
  readonly ssl: boolean;
  /** EAS user and domain after the `@`/`defaultcontext` rule (eas/login.ts); an empty domain: none. */
  readonly user: string;
  readonly domain: string;
  readonly description?: string;
  readonly classes: Readonly<Record<SyncClass, boolean>>;
  /** A protocol version chosen under advanced settings (AccountSetup.version); absent: automatic. */
  readonly version?: EasVersion;
}

/** Server settings found by Autodiscover (MS-ASCMD 2.2.1.1) for the setup form. */
export interface DiscoveredServer {
  readonly url: string;
  readonly displayName?: string;
}

export type SetupStep = 'autodiscover' | 'options' | 'provision' | 'folders';

/** Why setup failed, in the words the setup screen shows. */
export type SetupErrorKind = 'auth' | 'unreachable' | 'notEas' | 'blocked' | 'cors' | 'autodiscover' | 'version' | 'unknown';

export class SetupError extends Error {
  constructor(
    readonly kind: SetupErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SetupError';
  }
}

export interface AccountSettingsPatch {
  readonly classes?: Readonly<Record<SyncClass, boolean>>;
  readonly filters?: Readonly<Record<SyncClass, FilterType>>;
  readonly push?: PushMode;
  readonly intervalMinutes?: number;
  /** null removes the signature. */
  readonly signature?: Signature | null;
}

/**
 * A mail for the outbox: the engine's own type (src/sync/outbox.ts). The engine builds the
 * MIME message and sends it with SendMail, or SmartReply/SmartForward when `source` is set
 * (falling back to SendMail). The payload of a `send` pending record is this object: the
 * outbox view reads it.
 */
export type OutgoingMail = OutgoingMessage;
/** A queued mail's pending record payload and its sending state (the outbox view shows them). */
export type { OutboxPayload, OutboxState, OutgoingAttachment };

/** Automatic replies as Settings shows them: the engine's own type (src/sync/oof.ts). */
export type { OutOfOffice };

/** A draft kept on this device: the store's type (src/store/drafts.ts). */
export type { LocalDraft };

/** A Mailbox search result (MS-ASCMD 2.2.1.16) that may not be in the local store. */
export interface MailSearchHit {
  /** Set when the item is in the local store too. */
  readonly ref?: ItemRef;
  readonly longId?: string;
  readonly folderId?: string;
  /** The ServerId, when the server gave one (Find) or the stored copy has it. */
  readonly serverId?: string;
  readonly email: Email;
}

/** One protocol exchange for the inspector. */
export interface TraceEntry extends EasExchange {
  readonly id: number;
  readonly accountId: string;
  readonly at: number;
}

/** One new mail, as a notification names it. */
export interface NewMailSummary {
  readonly ref: ItemRef;
  /** The folder it arrived in (the list a click on the notification opens beside it). */
  readonly folderId: string;
  readonly from?: string;
  readonly subject?: string;
}

/** What the screens hear (the engine's own SyncEvent, src/sync/events.ts, is turned into these by engine-adapter.ts). */
export type EngineEvent =
  /** Store contents changed; re-read what depends on these stores. */
  | { readonly type: 'changed'; readonly accountId?: string; readonly stores: readonly StoreName[]; readonly folderIds?: readonly string[] }
  | { readonly type: 'sync'; readonly accountId: string; readonly phase: 'start' | 'end' }
  | { readonly type: 'online'; readonly online: boolean }
  /** New unread mail arrived in an Inbox by an incremental sync (never by the folder's first one). */
  | { readonly type: 'newMail'; readonly accountId: string; readonly folderId: string; readonly mails: readonly NewMailSummary[] }
  | { readonly type: 'trace'; readonly entry: TraceEntry };

export interface ClientStatus {
  readonly online: boolean;
  /** Accounts with a sync running now. */
  readonly syncing: readonly string[];
}

export interface EngineClient {
  // ---- accounts
  /** Autodiscover from the email address; null when nothing was found. */
  discover(email: string, password: string): Promise<DiscoveredServer | null>;
  /** Verifies the account (OPTIONS, Provision, FolderSync) and stores it. Throws SetupError. */
  addAccount(input: AccountInput, onStep?: (step: SetupStep) => void): Promise<AccountRecord>;
  /** Removes the account and wipes its local data. */
  removeAccount(accountId: string): Promise<void>;
  updateAccount(accountId: string, patch: AccountSettingsPatch): Promise<void>;
  /** After a 401: store the new password and resume. */
  setPassword(accountId: string, password: string): Promise<void>;
  setFolderEnabled(accountId: string, folderId: string, enabled: boolean): Promise<void>;

  // ---- sync
  /**
   * Push local changes, then pull (all accounts when none is given; with `folderId`, only
   * that folder of the account, as a pull to refresh of its list asks).
   */
  syncNow(accountId?: string, folderId?: string): Promise<void>;
  /** Forget sync state and download again: one folder or the whole account. */
  fullResync(accountId: string, folderId?: string): Promise<void>;

  // ---- mail
  markRead(refs: readonly ItemRef[], read: boolean): Promise<void>;
  setFlag(ref: ItemRef, flag: EmailFlag | null): Promise<void>;
  moveItems(refs: readonly ItemRef[], toFolderId: string): Promise<void>;
  /**
   * Takes back moves (the list's delete is a move to Deleted Items): the mails return to
   * `fromFolderId` as they were. A move still queued is dropped unsent; one already sent
   * is reversed with another MoveItems.
   */
  undoMove(refs: readonly ItemRef[], fromFolderId: string): Promise<void>;
  /** Mail goes to Deleted Items; other classes are deleted. */
  deleteItems(refs: readonly ItemRef[]): Promise<void>;
  /** Queues the mail in the durable outbox; resolves once it is queued, not sent. */
  sendMail(mail: OutgoingMail): Promise<void>;
  /**
   * Keeps compose's state as a draft on this device (replacing the draft's earlier version);
   * at 16.x also in the server's Drafts folder (queued, synced when online).
   */
  saveDraft(draft: LocalDraft): Promise<void>;
  /** Removes a draft (discarded); at 16.x from the server's Drafts folder too. */
  deleteDraft(accountId: string, id: string): Promise<void>;
  /** Sends a draft: at 16.x from the server's Drafts folder (email2:Send), else through the outbox; the draft goes. */
  sendDraft(mail: OutgoingMail, draftId: string): Promise<void>;
  /** Drops a queued send that has not gone out. */
  discardOutgoing(pendingId: number): Promise<void>;
  /** Puts a 'failed' send back in the queue (its tries counted from zero) and sends it when online. */
  retryOutgoing(pendingId: number): Promise<void>;
  /** The full body (the list holds previews); cached in `bodies`. */
  fetchBody(place: ItemPlace): Promise<BodyRecord>;
  /** An attachment's bytes (ItemOperations Fetch), cached in `attachments`. */
  fetchAttachment(accountId: string, fileReference: string): Promise<AttachmentRecord>;
  searchMailbox(accountId: string, query: string, folderId?: string): Promise<MailSearchHit[]>;
  /** A server-only search hit, whole, with its body (nothing is stored). */
  openSearchHit(accountId: string, target: HitTarget): Promise<OpenedHit>;

  // ---- calendar, contacts, tasks
  createItem(accountId: string, folderId: string, data: unknown): Promise<ItemRef>;
  /**
   * `previous` is the record as read from the store; `next` is it with the user's edits.
   * The engine sends only what changed (an alarm-only edit never touches attendees).
   */
  updateItem(ref: ItemRef, previous: unknown, next: unknown): Promise<void>;
  /** MeetingResponse for an invitation mail or a calendar item; never adds a second event. */
  respondToMeeting(ref: ItemRef, response: UserResponse, instance?: Date): Promise<void>;
  searchGal(accountId: string, query: string): Promise<GalEntry[]>;
  /** Free/busy of people between start and end (ResolveRecipients Availability); rejects offline. */
  freeBusy(accountId: string, emails: readonly string[], start: Date, end: Date): Promise<FreeBusy[]>;
  /** Directory photos of mail senders, kept in the store for days (each answer, photo or none); rejects offline. */
  senderPhotos(accountId: string, emails: readonly string[]): Promise<SenderPhotoAnswer[]>;

  // ---- settings on the server
  /** Automatic replies as the server has them now (Settings Oof Get); rejects offline. */
  getOutOfOffice(accountId: string): Promise<OutOfOffice>;
  /** Sets them on the server (Settings Oof Set); rejects offline or when the server refuses. */
  setOutOfOffice(accountId: string, oof: OutOfOffice): Promise<void>;

  // ---- events
  status(): ClientStatus;
  subscribe(listener: (event: EngineEvent) => void): () => void;
}
