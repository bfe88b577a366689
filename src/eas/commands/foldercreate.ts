/**
 * FolderCreate (MS-ASCMD 2.2.1.3): creates a folder under a parent folder.
 *
 * The request carries the current hierarchy SyncKey; a successful response
 * returns the new folder's ServerId and a new hierarchy SyncKey, which replaces
 * the one from FolderSync (the next FolderSync needs it).
 */
import type { EasContext, EasRequest } from '../command.ts';
import type { El } from '../../wbxml/tree.ts';
import { ns, textAt } from '../../wbxml/tree.ts';
import type { FolderType } from './foldersync.ts';
import { missing, requireRoot, requireStatus, statusText } from './common.ts';

const fh = ns('FolderHierarchy');

/** Folder types a client may create (MS-ASCMD 2.2.3.186.2): generic and user-created ones. */
export type CreatableFolderType = Extract<FolderType, 1 | 12 | 13 | 14 | 15 | 16 | 17>;

export interface FolderCreateRequest {
  readonly syncKey: string;
  /** ServerId of the parent folder, "0" for the mailbox root. */
  readonly parentId: string;
  readonly displayName: string;
  readonly type: CreatableFolderType;
}

/** FolderCreate status codes (MS-ASCMD 2.2.3.177.3). */
export type FolderCreateStatus =
  /** Success. */
  | 1
  /** A folder that has this name already exists under the parent. */
  | 2
  /** The specified parent folder is a special system folder (the Recipient information folder). */
  | 3
  /** The specified parent folder was not found: FolderSync, then retry. */
  | 5
  /** An error occurred on the server: retry. */
  | 6
  /** Synchronization key mismatch or invalid synchronization key: FolderSync with SyncKey 0. */
  | 9
  /** Incorrectly formatted request. */
  | 10
  /** An unknown error occurred. */
  | 11;

export const describeFolderCreateStatus: Readonly<Record<FolderCreateStatus, string>> = {
  1: 'Success',
  2: 'A folder that has this name already exists',
  3: 'The specified parent folder is a special system folder',
  5: 'The specified parent folder was not found',
  6: 'An error occurred on the server',
  9: 'Synchronization key mismatch or invalid synchronization key',
  10: 'Incorrectly formatted request',
  11: 'An unknown error occurred',
};

/** Short English text for a FolderCreate status code, with a fallback for unlisted codes. */
export function folderCreateStatusText(code: number): string {
  return statusText(describeFolderCreateStatus, code, 'FolderCreate');
}

export interface FolderCreateResponse {
  /** A FolderCreateStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  /** New hierarchy SyncKey; present on success. */
  readonly syncKey?: string;
  /** ServerId of the new folder; present on success. */
  readonly serverId?: string;
}

export function buildFolderCreate(req: FolderCreateRequest, _ctx: EasContext): EasRequest {
  // Element order of the FolderCreate request schema (MS-ASCMD 2.2.1.3).
  const body = fh(
    'FolderCreate',
    fh('SyncKey', req.syncKey),
    fh('ParentId', req.parentId),
    fh('DisplayName', req.displayName),
    fh('Type', req.type),
  );
  return { cmd: 'FolderCreate', body };
}

export function parseFolderCreate(root: El | null, _ctx: EasContext): FolderCreateResponse {
  const r = requireRoot(root, 'FolderCreate', 'FolderCreate');
  const status = requireStatus(r, 'FolderCreate');
  const syncKey = textAt(r, 'SyncKey');
  const serverId = textAt(r, 'ServerId');
  if (status === 1 && syncKey === undefined) missing('FolderCreate', 'SyncKey'); // MS-ASCMD 2.2.3.181.1
  if (status === 1 && serverId === undefined) missing('FolderCreate', 'ServerId'); // MS-ASCMD 2.2.3.166.2
  return { status, syncKey, serverId };
}
