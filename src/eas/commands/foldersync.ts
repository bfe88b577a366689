/**
 * FolderSync (MS-ASCMD 2.2.1.5): synchronizes the folder hierarchy.
 *
 * The client sends its hierarchy SyncKey ("0" for the first sync); the server
 * answers with a new SyncKey and the folders added, updated (renamed or moved)
 * and deleted since the key was issued. Every later Sync/Ping/FolderCreate...
 * refers to folders by the ServerId learned here.
 *
 * Also home of the helpers shared by the other FolderHierarchy commands
 * (FolderCreate, FolderUpdate, FolderDelete).
 */
import type { EasContext, EasRequest } from '../command.ts';
import type { El } from '../../wbxml/tree.ts';
import { intAt, kids, ns, path, textAt } from '../../wbxml/tree.ts';
import { missing, requireRoot, requireStatus, requireText, statusText } from './common.ts';

const fh = ns('FolderHierarchy');

/**
 * Folder types (MS-ASCMD 2.2.3.186.3, Type in FolderSync responses).
 * 1 and 12-17 are user-created folders; 2-11 and 19 are the default folders.
 */
export const FolderType = {
  /** 1: user-created folder (generic). */
  UserGeneric: 1,
  /** 2: default Inbox folder. */
  Inbox: 2,
  /** 3: default Drafts folder. */
  Drafts: 3,
  /** 4: default Deleted Items folder. */
  DeletedItems: 4,
  /** 5: default Sent Items folder. */
  SentItems: 5,
  /** 6: default Outbox folder. */
  Outbox: 6,
  /** 7: default Tasks folder. */
  Tasks: 7,
  /** 8: default Calendar folder. */
  Calendar: 8,
  /** 9: default Contacts folder. */
  Contacts: 9,
  /** 10: default Notes folder. */
  Notes: 10,
  /** 11: default Journal folder. */
  Journal: 11,
  /** 12: user-created Mail folder. */
  UserMail: 12,
  /** 13: user-created Calendar folder. */
  UserCalendar: 13,
  /** 14: user-created Contacts folder. */
  UserContacts: 14,
  /** 15: user-created Tasks folder. */
  UserTasks: 15,
  /** 16: user-created Journal folder. */
  UserJournal: 16,
  /** 17: user-created Notes folder. */
  UserNotes: 17,
  /** 18: unknown folder type. */
  Unknown: 18,
  /** 19: Recipient Information Cache (MS-ASCMD 2.2.3.186.3; synced with Options MaxItems). */
  RecipientInfoCache: 19,
} as const;

export type FolderType = (typeof FolderType)[keyof typeof FolderType];

/** Item classes a folder holds, as named in Sync/Ping Class elements. */
export type FolderClass = 'Email' | 'Calendar' | 'Contacts' | 'Tasks' | 'Notes' | 'Journal';

const CLASS_BY_TYPE: Readonly<Partial<Record<FolderType, FolderClass>>> = {
  2: 'Email',
  3: 'Email',
  4: 'Email',
  5: 'Email',
  6: 'Email',
  12: 'Email',
  7: 'Tasks',
  15: 'Tasks',
  8: 'Calendar',
  13: 'Calendar',
  9: 'Contacts',
  14: 'Contacts',
  10: 'Notes',
  17: 'Notes',
  11: 'Journal',
  16: 'Journal',
};

/**
 * The class of the items a folder of this type holds, or undefined when the type
 * does not say: 1 (generic user folder), 18 (unknown) and 19 (the Recipient
 * Information Cache: its items are contacts-like, but it is not a contacts folder
 * the user keeps; sync it only on purpose, with Options MaxItems).
 */
export function folderClass(type: number): FolderClass | undefined {
  return CLASS_BY_TYPE[type as FolderType];
}

/** FolderSync status codes (MS-ASCMD 2.2.3.177.5). */
export type FolderSyncStatus =
  /** Success. */
  | 1
  /** An error occurred on the server (often transient): retry, then consider SyncKey 0. */
  | 6
  /** Synchronization key mismatch or invalid synchronization key: FolderSync again with SyncKey 0. */
  | 9
  /** Incorrectly formatted request. */
  | 10
  /** An unknown error occurred. */
  | 11
  /** Code unknown (the server failed in an unexpected way): retry. */
  | 12;

export const describeFolderSyncStatus: Readonly<Record<FolderSyncStatus, string>> = {
  1: 'Success',
  6: 'An error occurred on the server',
  9: 'Synchronization key mismatch or invalid synchronization key',
  10: 'Incorrectly formatted request',
  11: 'An unknown error occurred',
  12: 'Code unknown',
};

/** Short English text for a FolderSync status code. */
export function folderSyncStatusText(code: number): string {
  return statusText(describeFolderSyncStatus, code, 'FolderSync');
}

export interface FolderSyncRequest {
  /** "0" for the initial hierarchy sync, else the key of the last successful response. */
  readonly syncKey: string;
}

/** A folder as FolderSync Add/Update describe it (MS-ASCMD 2.2.3.7.1, 2.2.3.187). */
export interface FolderEntry {
  readonly serverId: string;
  /** "0" for folders at the root of the mailbox. */
  readonly parentId: string;
  readonly displayName: string;
  /** Out-of-range values from a server are read as FolderType.Unknown (18). */
  readonly type: FolderType;
}

export interface FolderSyncResponse {
  /** A FolderSyncStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  /** The new hierarchy key; present when status is 1. */
  readonly syncKey?: string;
  /** Changes Count: the number of Add + Update + Delete entries, when the server sent it. */
  readonly count?: number;
  readonly added: readonly FolderEntry[];
  readonly updated: readonly FolderEntry[];
  /** ServerIds of deleted folders (their subfolders are gone too). */
  readonly deleted: readonly string[];
}

export function buildFolderSync(req: FolderSyncRequest, _ctx: EasContext): EasRequest {
  return { cmd: 'FolderSync', body: fh('FolderSync', fh('SyncKey', req.syncKey)) };
}

export function parseFolderSync(root: El | null, _ctx: EasContext): FolderSyncResponse {
  const r = requireRoot(root, 'FolderSync', 'FolderSync');
  const status = requireStatus(r, 'FolderSync');
  const syncKey = textAt(r, 'SyncKey');
  const changes = path(r, 'Changes');
  if (status === 1 && syncKey === undefined) missing('FolderSync', 'SyncKey'); // MS-ASCMD 2.2.3.181.2
  return {
    status,
    syncKey,
    count: intAt(changes, 'Count'),
    added: changes ? kids(changes, 'Add').map((e) => folderEntry(e)) : [],
    updated: changes ? kids(changes, 'Update').map((e) => folderEntry(e)) : [],
    deleted: changes ? kids(changes, 'Delete').map((e) => requireText(e, 'ServerId', 'FolderSync')) : [],
  };
}

function folderEntry(e: El): FolderEntry {
  const rawType = intAt(e, 'Type');
  if (rawType === undefined) missing('FolderSync', `${e.name}/Type`);
  return {
    serverId: requireText(e, 'ServerId', 'FolderSync'),
    parentId: requireText(e, 'ParentId', 'FolderSync'),
    displayName: requireText(e, 'DisplayName', 'FolderSync'),
    type: rawType >= 1 && rawType <= 19 ? (rawType as FolderType) : FolderType.Unknown,
  };
}
