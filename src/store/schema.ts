/**
 * The IndexedDB schema: one database for all accounts, every key starting with the
 * account id so that an account's data is one key range (wipe = delete the ranges).
 *
 * Records are structured-clonable plain data. Items keep the typed record that the
 * item codec decoded (src/eas/items/), so the UI never sees WBXML.
 */
import type { DBSchema } from 'idb';
import type { FilterType } from '../eas/commands/sync.ts';
import type { FolderClass } from '../eas/commands/foldersync.ts';
import type { EasVersion } from '../eas/version.ts';
import type { CalendarItem } from '../eas/items/calendar.ts';
import type { Contact } from '../eas/items/contact.ts';
import type { Email } from '../eas/items/email.ts';
import type { Note } from '../eas/items/note.ts';
import type { Task } from '../eas/items/task.ts';
import type { AddPayload, ChangePayload, DeletePayload, MeetingResponsePayload, MovePayload, OutboxPayload } from './payloads.ts';

export const DB_NAME = 'eas-pwa';
/**
 * 2: items carry a stable client-side `id` (index byId) and queued edits name it
 * (`itemId`); version 1 stores are upgraded on first open (db.ts upgradeToV2).
 */
export const DB_VERSION = 2;

/** The four classes a user can choose to sync. */
export type SyncClass = 'Email' | 'Calendar' | 'Contacts' | 'Tasks';
export const SYNC_CLASSES: readonly SyncClass[] = ['Email', 'Calendar', 'Contacts', 'Tasks'];

export type PushMode = 'push' | 'interval' | 'manual';

/**
 * Why an account stopped syncing until the user acts. `message` is the technical detail
 * (English, for the inspector-style details); `reason` is the error kind the UI words
 * in the user's language (an ErrorKind of src/sync/errors.ts).
 */
export type AccountState =
  | { readonly kind: 'ok' }
  | { readonly kind: 'auth'; readonly message: string }
  | { readonly kind: 'blocked'; readonly message: string; readonly reason?: string }
  /** A busy server (503/429) asked with Retry-After for no request before `until` (ms); syncs resume by themselves then. */
  | { readonly kind: 'busy'; readonly until: number }
  | { readonly kind: 'error'; readonly message: string; readonly reason?: string };

/** The last sync (or Ping) failed for a passing reason; the next good one clears it. */
export interface AccountFailure {
  /** An ErrorKind (src/sync/errors.ts): 'unreachable', 'server', 'busy'... */
  readonly kind: string;
  /** When it failed (ms). */
  readonly at: number;
}

/** The account's signature, added to new mails, replies and forwards above the quote. */
export interface Signature {
  /** As the user wrote it: plain text, or HTML when `html` is set. */
  readonly text: string;
  readonly html: boolean;
}

export interface AccountRecord {
  readonly id: string;
  readonly email: string;
  readonly displayName?: string;
  /** EAS base URL (the endpoint is URL/Microsoft-Server-ActiveSync unless it ends with it). */
  readonly url: string;
  readonly user: string;
  readonly domain?: string;
  /** Stored so the service worker can sync with no page open, as a phone's client does. */
  readonly password?: string;
  readonly bearerToken?: string;
  readonly deviceId: string;
  readonly deviceType: string;
  readonly version?: EasVersion;
  /**
   * The protocol version chosen at setup (AccountSetup.version): OPTIONS must offer it
   * and the daily recheck keeps it. Absent: the highest version both sides speak.
   */
  readonly chosenVersion?: EasVersion;
  /** When OPTIONS was last asked; it is asked again daily. */
  readonly versionCheckedAt?: number;
  readonly serverVersions?: readonly string[];
  readonly serverCommands?: readonly string[];
  readonly policyKey?: string;
  readonly folderSyncKey: string;
  readonly classes: Readonly<Record<SyncClass, boolean>>;
  readonly filters: Readonly<Record<SyncClass, FilterType>>;
  readonly push: PushMode;
  readonly intervalMinutes: number;
  readonly state: AccountState;
  /**
   * A busy server (503/429, MS-ASHTTP 3.1.5.2.3) asked with Retry-After not to be called
   * before this time (ms); syncs wait until then.
   */
  readonly busyUntil?: number;
  readonly lastSyncAt?: number;
  /** Set while the server cannot be reached or fails (the status line says so, with lastSyncAt). */
  readonly lastFailure?: AccountFailure;
  readonly createdAt: number;
  /** Absent: no signature. */
  readonly signature?: Signature;
}

export type FolderStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'syncing' }
  | { readonly kind: 'error'; readonly message: string; readonly at: number };

export interface FolderRecord {
  readonly accountId: string;
  readonly serverId: string;
  readonly parentId: string;
  readonly displayName: string;
  /** MS-ASCMD 2.2.3.186.3 folder type. */
  readonly type: number;
  readonly class?: FolderClass;
  /** The sharing user's name for shared and public folders, when it can be told. */
  readonly owner?: string;
  readonly syncKey: string;
  /** The user chose to sync this folder. */
  readonly enabled: boolean;
  readonly filterType?: FilterType;
  readonly status: FolderStatus;
  /** GetItemEstimate's count before the initial sync, for the progress bar. */
  readonly estimate?: number;
  readonly count: number;
  readonly unread: number;
  readonly lastSyncAt?: number;
}

/**
 * One synced item. `data` is the codec's record for the folder's class.
 *
 * The key is where the item is on the server ([accountId, folderId, serverId]); `id` is
 * who it is: given once on this device (a local add's ClientId, or at the item's first
 * arrival) and kept through the add's confirmation, moves and resyncs, which change
 * its ServerId. Screens, routes, notifications and queued edits name items by `id`.
 */
/** What an item of each class holds: the record its codec decoded (src/eas/items/). */
export interface ItemData {
  readonly Email: Email;
  readonly Calendar: CalendarItem;
  readonly Contacts: Contact;
  readonly Tasks: Task;
  readonly Notes: Note;
}
export type ItemClass = keyof ItemData;

export interface ItemBase {
  readonly accountId: string;
  readonly folderId: string;
  readonly serverId: string;
  /** The stable client-side id, unique per account (index byId). */
  readonly id: string;
  /** Sort key: received date for mail, start for events, due date for tasks, file-as for contacts. */
  readonly sortKey: string;
  /** Mail only: 1 read, 0 unread. (A number, so it can be indexed.) */
  readonly read?: 0 | 1;
  /** When the item was last written, by the device's clock (which may go back: nothing is ordered by it). */
  readonly updatedAt: number;
  /**
   * The account's resync generation when the item was last written (apply.ts
   * startResyncOps). Absent on records of older versions, where it reads as 0.
   */
  readonly generation?: number;
}

/** An item of one class: `class` tells what `data` is. */
export type ItemOf<C extends ItemClass> = C extends ItemClass ? ItemBase & { readonly class: C; readonly data: ItemData[C] } : never;
/** An item of any class; test `class` to reach its fields. */
export type ItemRecord = ItemOf<ItemClass>;

/** What every queued edit holds besides its kind and payload. */
interface PendingBase {
  readonly id?: number;
  readonly accountId: string;
  /** Where the item is on the server now (the engine moves these when the ServerId changes). */
  readonly folderId?: string;
  readonly serverId?: string;
  /** The item's stable id (ItemRecord.id): what the edit is about, whatever its ServerId becomes. */
  readonly itemId?: string;
  /** Adds: our ClientId, which makes the add idempotent (MS-ASCMD 2.2.3.28.2). */
  readonly clientId?: string;
  readonly createdAt: number;
  readonly attempts: number;
  readonly lastError?: string;
}

/** A local edit waiting for the server's confirmation (the durable queue), its payload typed by its kind. */
export type PendingRecord =
  | (PendingBase & { readonly kind: 'add'; readonly payload: AddPayload })
  | (PendingBase & { readonly kind: 'change'; readonly payload: ChangePayload })
  | (PendingBase & { readonly kind: 'delete'; readonly payload: DeletePayload })
  | (PendingBase & { readonly kind: 'move'; readonly payload: MovePayload })
  | (PendingBase & { readonly kind: 'send'; readonly payload: OutboxPayload })
  | (PendingBase & { readonly kind: 'meetingResponse'; readonly payload: MeetingResponsePayload })
  /** Not queued by this version; older stores may hold one (disable.ts drops them with their folder). */
  | (PendingBase & { readonly kind: 'fetchBody'; readonly payload: unknown });

export type PendingKind = PendingRecord['kind'];

/** The queued edits of one kind. */
export type PendingOf<K extends PendingKind> = Extract<PendingRecord, { readonly kind: K }>;

/** A local version that lost a conflict (server wins), kept for the user to see. */
export interface ConflictRecord {
  readonly id?: number;
  readonly accountId: string;
  readonly folderId: string;
  readonly serverId: string;
  readonly local: unknown;
  readonly at: number;
  /** Why the local version lost (apply.ts): "status 7", "changed on the server", "given up after…". */
  readonly reason?: string;
}

export interface BodyRecord {
  readonly accountId: string;
  readonly folderId: string;
  readonly serverId: string;
  /** MS-ASAIRS body type: 1 plain, 2 HTML, 3 RTF, 4 MIME. */
  readonly type: number;
  readonly data: string;
  readonly fetchedAt: number;
}

export interface AttachmentRecord {
  readonly accountId: string;
  readonly fileReference: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly lastUsed: number;
}

export interface MetaRecord {
  readonly key: string;
  readonly value: unknown;
}

export interface EasDb extends DBSchema {
  accounts: { key: string; value: AccountRecord };
  folders: { key: [string, string]; value: FolderRecord };
  items: {
    key: [string, string, string];
    value: ItemRecord;
    indexes: { byFolderSort: [string, string, string]; byId: [string, string] };
  };
  pending: { key: number; value: PendingRecord; indexes: { byAccount: string } };
  conflicts: { key: number; value: ConflictRecord; indexes: { byAccount: string } };
  bodies: { key: [string, string, string]; value: BodyRecord };
  attachments: { key: [string, string]; value: AttachmentRecord; indexes: { byLastUsed: number } };
  meta: { key: string; value: MetaRecord };
}

export type StoreName = 'accounts' | 'folders' | 'items' | 'pending' | 'conflicts' | 'bodies' | 'attachments' | 'meta';
