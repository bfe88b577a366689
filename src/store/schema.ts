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

export const DB_NAME = 'eas-pwa';
export const DB_VERSION = 1;

/** The four classes a user can choose to sync. */
export type SyncClass = 'Email' | 'Calendar' | 'Contacts' | 'Tasks';
export const SYNC_CLASSES: readonly SyncClass[] = ['Email', 'Calendar', 'Contacts', 'Tasks'];

export type PushMode = 'push' | 'interval' | 'manual';

/** Why an account stopped syncing until the user acts. */
export type AccountState =
  | { readonly kind: 'ok' }
  | { readonly kind: 'auth'; readonly message: string }
  | { readonly kind: 'blocked'; readonly message: string }
  /** A busy server (503/429) asked with Retry-After for no request before `until` (ms); syncs resume by themselves then. */
  | { readonly kind: 'busy'; readonly until: number }
  | { readonly kind: 'error'; readonly message: string };

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
  readonly createdAt: number;
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

/** One synced item. `data` is the codec's record for the folder's class. */
export interface ItemRecord {
  readonly accountId: string;
  readonly folderId: string;
  readonly serverId: string;
  readonly class: string;
  readonly data: unknown;
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

/** A local edit waiting for the server's confirmation (the durable queue). */
export type PendingKind = 'add' | 'change' | 'delete' | 'move' | 'send' | 'meetingResponse' | 'fetchBody';

export interface PendingRecord {
  readonly id?: number;
  readonly accountId: string;
  readonly kind: PendingKind;
  readonly folderId?: string;
  readonly serverId?: string;
  /** Adds: our ClientId, which makes the add idempotent (MS-ASCMD 2.2.3.28.2). */
  readonly clientId?: string;
  readonly payload: unknown;
  readonly createdAt: number;
  readonly attempts: number;
  readonly lastError?: string;
}

/** A local version that lost a conflict (server wins), kept for the user to see. */
export interface ConflictRecord {
  readonly id?: number;
  readonly accountId: string;
  readonly folderId: string;
  readonly serverId: string;
  readonly local: unknown;
  readonly at: number;
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
    indexes: { byFolderSort: [string, string, string] };
  };
  pending: { key: number; value: PendingRecord; indexes: { byAccount: string } };
  conflicts: { key: number; value: ConflictRecord; indexes: { byAccount: string } };
  bodies: { key: [string, string, string]; value: BodyRecord };
  attachments: { key: [string, string]; value: AttachmentRecord; indexes: { byLastUsed: number } };
  meta: { key: string; value: MetaRecord };
}

export type StoreName = 'accounts' | 'folders' | 'items' | 'pending' | 'conflicts' | 'bodies' | 'attachments' | 'meta';
