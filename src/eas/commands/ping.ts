/**
 * Ping (MS-ASCMD 2.2.1.13): long poll for changes in a set of folders ("direct push").
 *
 * The client names the folders to watch and a heartbeat (seconds); the server
 * holds the request until something changes (Status 2, with the changed
 * folders) or the heartbeat expires (Status 1). Either way the client then
 * Syncs what changed and pings again. A Ping with no body reuses the folders and
 * heartbeat of the previous Ping, which the server keeps (MS-ASCMD 2.2.1.13);
 * the server answers Status 3 when it has none cached.
 */
import type { EasContext, EasRequest } from '../command.ts';
import type { El } from '../../wbxml/tree.ts';
import { intAt, kids, ns, opt, path, textOf } from '../../wbxml/tree.ts';
import { requireRoot, requireStatus, statusText } from './common.ts';

const ping = ns('Ping');

/** Class of a watched folder (MS-ASCMD 2.2.3.27.4); SMS and Notes need 14.0+. */
export type PingClass = 'Email' | 'Calendar' | 'Contacts' | 'Tasks' | 'Notes' | 'SMS';

export interface PingFolder {
  /** The folder's ServerId from FolderSync. */
  readonly id: string;
  readonly class: PingClass;
}

export interface PingRequest {
  /** Seconds the server may wait (MS-ASCMD 2.2.3.88.1); Exchange accepts 60-3540 by default. */
  readonly heartbeatInterval?: number;
  /** Folders to watch; omit both fields to send the empty Ping that reuses the cached set. */
  readonly folders?: readonly PingFolder[];
}

/** Ping status codes (MS-ASCMD 2.2.3.177.11). */
export type PingStatus =
  /** The heartbeat interval expired without changes: ping again. */
  | 1
  /** Changes occurred in at least one folder; Folders lists them: Sync those. */
  | 2
  /** The request omitted required parameters (an empty Ping with nothing cached): send the full Ping. */
  | 3
  /** Syntax error in the request. */
  | 4
  /** The heartbeat interval is out of range; HeartbeatInterval gives the minimum or maximum allowed. */
  | 5
  /** Too many folders to monitor; MaxFolders gives the limit. */
  | 6
  /** The folder hierarchy is out of date: FolderSync, then ping again. */
  | 7
  /** An error occurred on the server: retry. */
  | 8;

export const describePingStatus: Readonly<Record<PingStatus, string>> = {
  1: 'The heartbeat interval expired before any changes occurred',
  2: 'Changes occurred in at least one of the monitored folders',
  3: 'The Ping request omitted required parameters',
  4: 'Syntax error in the Ping request',
  5: 'The heartbeat interval is outside the allowed range',
  6: 'The Ping request specified more than the allowed number of folders',
  7: 'Folder hierarchy sync required',
  8: 'An error occurred on the server',
};

/** Short English text for a Ping status code, with a fallback for unlisted codes. */
export function pingStatusText(code: number): string {
  return statusText(describePingStatus, code, 'Ping');
}

export interface PingResponse {
  /** A PingStatus or a common status code. */
  readonly status: number;
  /** With Status 2: the ServerIds of the folders that changed. */
  readonly folders: readonly string[];
  /** With Status 6: the most folders the server watches. */
  readonly maxFolders?: number;
  /** With Status 5: the minimum (interval too short) or maximum (too long) heartbeat allowed. */
  readonly heartbeatInterval?: number;
}

export function buildPing(req: PingRequest, _ctx: EasContext): EasRequest {
  if (req.heartbeatInterval === undefined && !req.folders?.length) return { cmd: 'Ping' };
  const folders = req.folders?.length
    ? ping(
        'Folders',
        req.folders.map((f) => ping('Folder', ping('Id', f.id), ping('Class', f.class))),
      )
    : undefined;
  return { cmd: 'Ping', body: ping('Ping', opt('Ping', 'HeartbeatInterval', req.heartbeatInterval), folders) };
}

export function parsePing(root: El | null, _ctx: EasContext): PingResponse {
  const r = requireRoot(root, 'Ping', 'Ping');
  const folders = path(r, 'Folders');
  return {
    status: requireStatus(r, 'Ping'),
    folders: folders ? kids(folders, 'Folder').map((f) => textOf(f)) : [],
    maxFolders: intAt(r, 'MaxFolders'),
    heartbeatInterval: intAt(r, 'HeartbeatInterval'),
  };
}
