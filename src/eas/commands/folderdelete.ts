/**
 * FolderDelete (MS-ASCMD 2.2.1.4): deletes a folder and everything in it.
 *
 * A successful response carries a new hierarchy SyncKey.
 */
import type { EasContext, EasRequest } from '../command.ts';
import type { El } from '../../wbxml/tree.ts';
import { ns, textAt } from '../../wbxml/tree.ts';
import { missing, requireRoot, requireStatus, statusText } from './common.ts';

const fh = ns('FolderHierarchy');

export interface FolderDeleteRequest {
  readonly syncKey: string;
  readonly serverId: string;
}

/** FolderDelete status codes (MS-ASCMD 2.2.3.177.4). */
export type FolderDeleteStatus =
  /** Success. */
  | 1
  /** The folder is a special system folder (Inbox, Outbox, Contacts, Drafts...) and cannot be deleted. */
  | 3
  /** The folder does not exist: FolderSync, then retry. */
  | 4
  /** An error occurred on the server: retry. */
  | 6
  /** Synchronization key mismatch or invalid synchronization key: FolderSync with SyncKey 0. */
  | 9
  /** Incorrectly formatted request. */
  | 10
  /** An unknown error occurred. */
  | 11;

export const describeFolderDeleteStatus: Readonly<Record<FolderDeleteStatus, string>> = {
  1: 'Success',
  3: 'The specified folder is a special system folder',
  4: 'The specified folder does not exist',
  6: 'An error occurred on the server',
  9: 'Synchronization key mismatch or invalid synchronization key',
  10: 'Incorrectly formatted request',
  11: 'An unknown error occurred',
};

/** Short English text for a FolderDelete status code, with a fallback for unlisted codes. */
export function folderDeleteStatusText(code: number): string {
  return statusText(describeFolderDeleteStatus, code, 'FolderDelete');
}

export interface FolderDeleteResponse {
  /** A FolderDeleteStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  /** New hierarchy SyncKey; present on success. */
  readonly syncKey?: string;
}

export function buildFolderDelete(req: FolderDeleteRequest, _ctx: EasContext): EasRequest {
  const body = fh('FolderDelete', fh('SyncKey', req.syncKey), fh('ServerId', req.serverId));
  return { cmd: 'FolderDelete', body };
}

export function parseFolderDelete(root: El | null, _ctx: EasContext): FolderDeleteResponse {
  const r = requireRoot(root, 'FolderDelete', 'FolderDelete');
  const status = requireStatus(r, 'FolderDelete');
  const syncKey = textAt(r, 'SyncKey');
  if (status === 1 && syncKey === undefined) missing('FolderDelete', 'SyncKey'); // MS-ASCMD 2.2.3.181.1
  return { status, syncKey };
}
