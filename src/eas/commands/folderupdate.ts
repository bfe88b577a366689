/**
 * FolderUpdate (MS-ASCMD 2.2.1.6): renames a folder and/or moves it to another parent.
 *
 * Like FolderCreate, a successful response carries a new hierarchy SyncKey.
 */
import type { EasContext, EasRequest } from '../command.ts';
import type { El } from '../../wbxml/tree.ts';
import { ns, textAt } from '../../wbxml/tree.ts';
import { missing, requireRoot, requireStatus, statusText } from './common.ts';

const fh = ns('FolderHierarchy');

export interface FolderUpdateRequest {
  readonly syncKey: string;
  /** The folder to rename or move. */
  readonly serverId: string;
  /** Its (new) parent, "0" for the mailbox root; send the current parent to only rename. */
  readonly parentId: string;
  /** Its (new) name; send the current name to only move. */
  readonly displayName: string;
}

/** FolderUpdate status codes (MS-ASCMD 2.2.3.177.6). */
export type FolderUpdateStatus =
  /** Success. */
  | 1
  /** A folder with that name already exists, or the folder is a special folder (Inbox, Outbox, Contacts, Drafts...). */
  | 2
  /** The folder is the Recipient information folder, which the client cannot update. */
  | 3
  /** The folder does not exist: FolderSync, then retry. */
  | 4
  /** The parent folder was not found: FolderSync, then retry. */
  | 5
  /** An error occurred on the server: retry. */
  | 6
  /** Synchronization key mismatch or invalid synchronization key: FolderSync with SyncKey 0. */
  | 9
  /** Incorrectly formatted request (for example, no SyncKey). */
  | 10
  /** An unknown error occurred. */
  | 11;

export const describeFolderUpdateStatus: Readonly<Record<FolderUpdateStatus, string>> = {
  1: 'Success',
  2: 'A folder with that name already exists or the folder is a special folder',
  3: 'The folder is the Recipient information folder, which cannot be updated',
  4: 'The folder does not exist',
  5: 'The specified parent folder was not found',
  6: 'An error occurred on the server',
  9: 'Synchronization key mismatch or invalid synchronization key',
  10: 'Incorrectly formatted request',
  11: 'An unknown error occurred',
};

/** Short English text for a FolderUpdate status code, with a fallback for unlisted codes. */
export function folderUpdateStatusText(code: number): string {
  return statusText(describeFolderUpdateStatus, code, 'FolderUpdate');
}

export interface FolderUpdateResponse {
  /** A FolderUpdateStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  /** New hierarchy SyncKey; present on success. */
  readonly syncKey?: string;
}

export function buildFolderUpdate(req: FolderUpdateRequest, _ctx: EasContext): EasRequest {
  // Element order of the FolderUpdate request schema (MS-ASCMD 2.2.1.6).
  const body = fh(
    'FolderUpdate',
    fh('SyncKey', req.syncKey),
    fh('ServerId', req.serverId),
    fh('ParentId', req.parentId),
    fh('DisplayName', req.displayName),
  );
  return { cmd: 'FolderUpdate', body };
}

export function parseFolderUpdate(root: El | null, _ctx: EasContext): FolderUpdateResponse {
  const r = requireRoot(root, 'FolderUpdate', 'FolderUpdate');
  const status = requireStatus(r, 'FolderUpdate');
  const syncKey = textAt(r, 'SyncKey');
  if (status === 1 && syncKey === undefined) missing('FolderUpdate', 'SyncKey'); // MS-ASCMD 2.2.3.181.1
  return { status, syncKey };
}
