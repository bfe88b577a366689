/**
 * Sync (MS-ASCMD 2.2.1.21): synchronizes the items of one or more folders.
 *
 * The protocol in brief:
 * - Each folder (collection) has its own SyncKey. SyncKey "0" primes the
 *   server's state and returns the first real key, but no items (MS-ASCMD
 *   2.2.3.181.4); the next Sync with that key starts sending items.
 * - The server sends at most WindowSize changes per collection and sets
 *   MoreAvailable when more are waiting (MS-ASCMD 2.2.3.116): the client repeats
 *   Sync with the new key until MoreAvailable is absent.
 * - The client uploads its own changes in Commands (Add/Change/Delete/Fetch); the
 *   server answers each in Responses. A new item is identified by a ClientId the
 *   client chose; the response maps it to the server's ServerId.
 * - An HTTP 200 with an empty body (parsed here as null) means nothing changed
 *   (MS-ASCMD 4.5.10); the server keeps the request cached for an empty or
 *   Partial Sync (12.1+).
 *
 * ApplicationData stays an El here: the item codecs in src/eas/items/ turn it
 * into typed records per class.
 */
import type { EasCommandName, EasContext, EasRequest } from '../command.ts';
import type { Content, El } from '../../wbxml/tree.ts';
import { el, intAt, isEl, kid, kids, ns, opt, path, textAt } from '../../wbxml/tree.ts';
import type { EasVersion } from '../version.ts';
import { atLeast } from '../version.ts';
import { missing, requireRoot, requireStatus, requireText, statusText } from './common.ts';

const as = ns('AirSync');
const asb = ns('AirSyncBase');

// ------------------------------------------------------------------ request

/**
 * FilterType (MS-ASCMD 2.2.3.68.2): how far back the server keeps items on the client.
 * Email accepts 0-5, Calendar 0 and 4-7, Tasks 0 and 8; Contacts ignore it.
 */
export type FilterType =
  /** No filter: all items. */
  | 0
  /** 1 day back. */
  | 1
  /** 3 days back. */
  | 2
  /** 1 week back. */
  | 3
  /** 2 weeks back. */
  | 4
  /** 1 month back. */
  | 5
  /** 3 months back (calendar). */
  | 6
  /** 6 months back (calendar). */
  | 7
  /** Incomplete tasks only. */
  | 8;

/** Body format (MS-ASAIRS 2.2.2.41.1): 1 plain text, 2 HTML, 3 RTF, 4 MIME. */
export type BodyPreferenceType = 1 | 2 | 3 | 4;

/** airsyncbase:BodyPreference (MS-ASAIRS 2.2.2.12), 12.0+. One per Type. */
export interface BodyPreference {
  readonly type: BodyPreferenceType;
  /** Bytes of body data to send; the rest is fetched later (Fetch or ItemOperations). */
  readonly truncationSize?: number;
  /** True: send the body only if it fits TruncationSize, else send no data at all. */
  readonly allOrNone?: boolean;
  /** Characters of plain-text preview, 0-255 (14.0+). */
  readonly preview?: number;
}

/** airsyncbase:BodyPartPreference (MS-ASAIRS 2.2.2.11), 14.1+: the message part of a conversation. */
export interface BodyPartPreference {
  /** Only HTML (2) is defined for body parts. */
  readonly type: 2;
  readonly truncationSize?: number;
  readonly allOrNone?: boolean;
  readonly preview?: number;
}

/** Options (MS-ASCMD 2.2.3.125.6): how the server presents a collection's items. */
export interface SyncOptions {
  /**
   * 14.0+: the class these options apply to, for a collection with two classes
   * (SMS in an Email folder). At most one Options per class (MS-ASCMD 2.2.3.27.6).
   * In 2.5/12.x the class is named on the collection instead (SyncCollection.class).
   */
  readonly class?: string;
  readonly filterType?: FilterType;
  readonly bodyPreferences?: readonly BodyPreference[];
  readonly bodyPartPreference?: BodyPartPreference;
  /** MS-ASCMD 2.2.3.110.3: 0 never MIME, 1 MIME for S/MIME messages only, 2 MIME for all mail. */
  readonly mimeSupport?: 0 | 1 | 2;
  /** MS-ASCMD 2.2.3.111: 0 truncate all, 1 at 4 KB, 2 at 5 KB, ..., 7 at 100 KB, 8 no truncation. */
  readonly mimeTruncation?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
  /** MS-ASCMD 2.2.3.34: on a conflict, 0 the client's version wins, 1 the server's (default). */
  readonly conflict?: 0 | 1;
  /** 14.0+: maximum number of entries of the Recipient Information Cache (MS-ASCMD 2.2.3.103.2). */
  readonly maxItems?: number;
  /** 14.1+: the client can handle rights-managed (IRM) mail (MS-ASRM 2.2.2.15). */
  readonly rightsManagementSupport?: boolean;
}

/** A change the client uploads (MS-ASCMD 2.2.3.32, Commands in a request). */
export type SyncClientCommand =
  | {
      readonly kind: 'Add';
      /** Chosen by the client, unique among its pending adds; the response maps it to a ServerId. */
      readonly clientId: string;
      /** 14.0+: the class of the new item when it is not the folder's default (SMS). */
      readonly class?: string;
      /** The airsync:ApplicationData element, from an item codec. */
      readonly applicationData: El;
    }
  | {
      readonly kind: 'Change';
      readonly serverId: string;
      /** 16.0+: change only this occurrence of a recurring series (MS-ASAIRS 2.2.2.25, compact DateTime). */
      readonly instanceId?: string;
      readonly applicationData: El;
      /** 16.0+: send this draft instead of saving it (email2:Send, MS-ASEMAIL 2.2.2.69). */
      readonly send?: boolean;
    }
  | {
      readonly kind: 'Delete';
      readonly serverId: string;
      /** 16.0+: delete only this occurrence of a recurring series. */
      readonly instanceId?: string;
    }
  | {
      /** Ask for the full item again (e.g. a truncated one), MS-ASCMD 2.2.3.67.2. */
      readonly kind: 'Fetch';
      readonly serverId: string;
    };

/** One Collection of a Sync request (MS-ASCMD 2.2.3.29.2). */
export interface SyncCollection {
  readonly syncKey: string;
  readonly collectionId: string;
  /** 2.5/12.x only: the collection's class (Email, Calendar, Contacts, Tasks). */
  readonly class?: string;
  /**
   * Initial sync (SyncKey 0) of Contacts/Calendar in 2.5-14.1: the properties the
   * client manages (airsync:Supported, MS-ASCMD 2.2.3.179). Properties not listed
   * are "ghosted": the server keeps its value when a Change omits them. An empty
   * array sends an empty Supported (everything ghosted). Children are the empty
   * Contacts/Calendar property elements, e.g. el('Contacts', 'Email1Address').
   */
  readonly supported?: readonly El[];
  /** MS-ASCMD 2.2.3.43: deletes move items to Deleted Items (true, the default) or purge them. */
  readonly deletesAsMoves?: boolean;
  /**
   * MS-ASCMD 2.2.3.84: ask for server changes. When absent the server assumes
   * false for SyncKey 0 and true otherwise; true with SyncKey 0 is refused here.
   */
  readonly getChanges?: boolean;
  /** Maximum changes in the response for this collection (MS-ASCMD 2.2.3.199): 1-512. */
  readonly windowSize?: number;
  /** 14.0+: include whole conversations, not only mails inside the filter (MS-ASCMD 2.2.3.36.2). */
  readonly conversationMode?: boolean;
  /** 0..2 Options; two only from 14.0, each for a different class. */
  readonly options?: readonly SyncOptions[];
  /** The client's changes; not allowed with SyncKey 0. */
  readonly commands?: readonly SyncClientCommand[];
}

export interface SyncRequest {
  /** May be empty for a Partial Sync (12.1+) or omitted entirely for an empty Sync request. */
  readonly collections?: readonly SyncCollection[];
  /** 12.1+: minutes (1-59) the server may hold the request open waiting for changes. */
  readonly wait?: number;
  /** 14.0+: seconds the server may hold the request open (instead of Wait). */
  readonly heartbeatInterval?: number;
  /** 12.1+: maximum changes in the whole response (MS-ASCMD 2.2.3.199). */
  readonly windowSize?: number;
  /**
   * 12.1+: the request lists only some collections; the others keep the settings
   * and keys of the server's cached request (MS-ASCMD 2.2.3.131). Not valid alone.
   */
  readonly partial?: boolean;
}

/**
 * The Sync request. An empty request (no collections, no wait, nothing) has no
 * body: the server replays its cached request (MS-ASCMD 2.2.1.21.1, 12.1+).
 * Throws RangeError for elements the negotiated version does not have.
 */
export function buildSync(req: SyncRequest, ctx: EasContext): EasRequest {
  const v = ctx.version;
  if (req.wait !== undefined) need(v, '12.1', 'Wait', '2.2.3.198');
  if (req.heartbeatInterval !== undefined) need(v, '14.0', 'HeartbeatInterval', '2.2.3.88.2');
  if (req.partial) need(v, '12.1', 'Partial', '2.2.3.131');
  if (req.wait !== undefined && req.heartbeatInterval !== undefined) {
    // MS-ASCMD 2.2.3.198: either one, not both (the server answers Status 4).
    throw new RangeError('Sync: send Wait or HeartbeatInterval, not both');
  }
  const children: Content[] = [
    req.collections?.length
      ? as(
          'Collections',
          req.collections.map((c) => collectionEl(c, v)),
        )
      : undefined,
    opt('AirSync', 'Wait', req.wait),
    opt('AirSync', 'HeartbeatInterval', req.heartbeatInterval),
    opt('AirSync', 'WindowSize', req.windowSize),
    req.partial ? as('Partial') : undefined,
  ];
  const body = as('Sync', children);
  if (req.partial && body.children.length === 1) {
    // MS-ASCMD 2.2.3.131: Partial needs Collections, Wait/HeartbeatInterval or WindowSize beside it.
    throw new RangeError('Sync: Partial cannot be sent alone');
  }
  if (body.children.length === 0) {
    need(v, '12.1', 'an empty Sync request', '2.2.1.21.1');
    return { cmd: 'Sync' };
  }
  return { cmd: 'Sync', body };
}

/** Element order is strict in a request Collection (MS-ASCMD 2.2.3.29.2). */
function collectionEl(c: SyncCollection, v: EasVersion): El {
  const initial = c.syncKey === '0';
  if (initial && c.getChanges) {
    // MS-ASCMD 2.2.3.84/2.2.3.181.4: SyncKey 0 only primes the state; there are no changes to get yet.
    throw new RangeError('Sync: GetChanges cannot be requested with SyncKey 0');
  }
  if (initial && c.commands?.length) throw new RangeError('Sync: Commands cannot be sent with SyncKey 0');
  if (c.class !== undefined && atLeast(v, '14.0')) {
    throw new RangeError('Sync: Collection/Class is 2.5/12.x only; from 14.0 use Options class (MS-ASCMD 2.2.3.27.6)');
  }
  if (c.conversationMode !== undefined) need(v, '14.0', 'ConversationMode', '2.2.3.36.2');
  if ((c.options?.length ?? 0) > 1) need(v, '14.0', 'a second Options', '2.2.3.125.6');
  return as(
    'Collection',
    opt('AirSync', 'Class', c.class),
    as('SyncKey', c.syncKey),
    as('CollectionId', c.collectionId),
    c.supported ? as('Supported', c.supported) : undefined,
    opt('AirSync', 'DeletesAsMoves', c.deletesAsMoves),
    opt('AirSync', 'GetChanges', c.getChanges),
    opt('AirSync', 'WindowSize', c.windowSize),
    opt('AirSync', 'ConversationMode', c.conversationMode),
    (c.options ?? []).map((o) => optionsEl(o, v)),
    c.commands?.length
      ? as(
          'Commands',
          c.commands.map((cmd) => clientCommandEl(cmd, v)),
        )
      : undefined,
  );
}

function optionsEl(o: SyncOptions, v: EasVersion): El {
  if (o.class !== undefined) need(v, '14.0', 'Options/Class', '2.2.3.27.6');
  if (o.maxItems !== undefined) need(v, '14.0', 'MaxItems', '2.2.3.103.2');
  if (o.bodyPartPreference) need(v, '14.1', 'BodyPartPreference', 'MS-ASAIRS 2.2.2.11');
  if (o.rightsManagementSupport !== undefined) need(v, '14.1', 'RightsManagementSupport', 'MS-ASRM 2.2.2.15');
  return as(
    'Options',
    opt('AirSync', 'Class', o.class),
    opt('AirSync', 'FilterType', o.filterType),
    (o.bodyPreferences ?? []).map((p) => bodyPreferenceEl('BodyPreference', p, v)),
    o.bodyPartPreference ? bodyPreferenceEl('BodyPartPreference', o.bodyPartPreference, v) : undefined,
    opt('AirSync', 'Conflict', o.conflict),
    opt('AirSync', 'MIMESupport', o.mimeSupport),
    opt('AirSync', 'MIMETruncation', o.mimeTruncation),
    opt('AirSync', 'MaxItems', o.maxItems),
    opt('RightsManagement', 'RightsManagementSupport', o.rightsManagementSupport),
  );
}

/**
 * airsyncbase:BodyPreference or BodyPartPreference with its children in the
 * order of MS-ASAIRS 2.2.2.12: Type, TruncationSize, AllOrNone, Preview.
 * Shared with ItemOperations and other commands that take body preferences.
 */
export function bodyPreferenceEl(
  name: 'BodyPreference' | 'BodyPartPreference',
  p: BodyPreference | BodyPartPreference,
  v: EasVersion,
  cmd: EasCommandName = 'Sync',
): El {
  need(v, '12.0', name, 'MS-ASAIRS 2.2.2.12', cmd);
  if (p.preview !== undefined) need(v, '14.0', 'Preview', 'MS-ASAIRS 2.2.2.35', cmd);
  return asb(
    name,
    asb('Type', p.type),
    opt('AirSyncBase', 'TruncationSize', p.truncationSize),
    opt('AirSyncBase', 'AllOrNone', p.allOrNone),
    opt('AirSyncBase', 'Preview', p.preview),
  );
}

function clientCommandEl(c: SyncClientCommand, v: EasVersion): El {
  switch (c.kind) {
    case 'Add':
      if (c.class !== undefined) need(v, '14.0', 'Add/Class', '2.2.3.27.6');
      return as('Add', opt('AirSync', 'Class', c.class), as('ClientId', c.clientId), appData(c.applicationData));
    case 'Change':
      return as('Change', as('ServerId', c.serverId), instanceIdEl(c.instanceId, v), appData(c.applicationData), sendEl(c.send, v));
    case 'Delete':
      return as('Delete', as('ServerId', c.serverId), instanceIdEl(c.instanceId, v));
    case 'Fetch':
      return as('Fetch', as('ServerId', c.serverId));
  }
}

function instanceIdEl(instanceId: string | undefined, v: EasVersion): El | undefined {
  if (instanceId === undefined) return undefined;
  need(v, '16.0', 'InstanceId', 'MS-ASAIRS 2.2.2.25');
  return asb('InstanceId', instanceId);
}

/** email2:Send, a child of Change (MS-ASEMAIL 2.2.2.69, MS-ASCMD 2.2.3.24): the draft is sent, not saved. */
function sendEl(send: boolean | undefined, v: EasVersion): El | undefined {
  if (!send) return undefined;
  need(v, '16.0', 'email2:Send', 'MS-ASEMAIL 2.2.2.69');
  return el('Email2', 'Send');
}

function appData(e: El): El {
  if (e.ns !== 'AirSync' || e.name !== 'ApplicationData') {
    throw new RangeError(`Sync: expected an AirSync:ApplicationData element, got ${e.ns}:${e.name}`);
  }
  return e;
}

function need(v: EasVersion, min: EasVersion, what: string, section: string, cmd: EasCommandName = 'Sync'): void {
  if (atLeast(v, min)) return;
  const ref = section.startsWith('MS-') ? section : `MS-ASCMD ${section}`;
  throw new RangeError(`${cmd}: ${what} needs EAS ${min} or later (${ref}); negotiated ${v}`);
}

// ------------------------------------------------------------------ status

/**
 * Sync status codes (MS-ASCMD 2.2.3.177.17). The same table serves the
 * top-level Status, each Collection's Status and each item's Status in
 * Responses (Add/Change/Delete/Fetch). Codes 1-9 can be per item; 3, 12 and 16
 * concern a collection; 4, 13, 14 and 15 the whole request.
 */
export type SyncStatus =
  /** Success. */
  | 1
  /** Invalid or mismatched synchronization key, or sync state corrupted on the server: sync the collection from SyncKey 0. */
  | 3
  /** Protocol error: the request does not follow the specification (for an item: a malformed item). */
  | 4
  /** Server error (often transient): retry. */
  | 5
  /** Error in client/server conversion: the item is invalid (e.g. a bad value); fix or drop it. */
  | 6
  /** Conflict matching the client and server object: with Conflict 1 the server version wins. */
  | 7
  /** Object not found: the item was deleted on the server; drop it locally. */
  | 8
  /** The Sync command cannot be completed: the mailbox may be out of space (quota). */
  | 9
  /** The folder hierarchy has changed: run FolderSync, then Sync again. */
  | 12
  /** The request is not complete: an empty or Partial Sync without a cached request; send the full request. */
  | 13
  /** Invalid Wait or HeartbeatInterval value: the response's Limit gives the bound to use. */
  | 14
  /** Invalid request: too many collections (Limit gives the maximum). */
  | 15
  /** Retry: something on the server caused a retriable error. */
  | 16;

export const describeSyncStatus: Readonly<Record<SyncStatus, string>> = {
  1: 'Success',
  3: 'Invalid synchronization key',
  4: 'Protocol error',
  5: 'Server error',
  6: 'Error in client/server conversion',
  7: 'Conflict matching the client and server object',
  8: 'Object not found',
  9: 'The Sync command cannot be completed',
  12: 'The folder hierarchy has changed',
  13: 'The Sync command request is not complete',
  14: 'Invalid Wait or HeartbeatInterval value',
  15: 'Invalid Sync command request: too many collections',
  16: 'Retry',
};

/** Short English text for a Sync status code, with a fallback for unlisted codes. */
export function syncStatusText(code: number): string {
  return statusText(describeSyncStatus, code, 'Sync');
}

// ------------------------------------------------------------------ response

/**
 * A change the server sends (MS-ASCMD 2.2.3.32, Commands in a response), in document order.
 * `D` is what the item's ApplicationData became: the element itself (parseSync), or what
 * the caller's item decoder made of it (parseSyncItems).
 */
export type SyncServerCommand<D = El> =
  | { readonly kind: 'Add'; readonly serverId: string; readonly class?: string; readonly applicationData: D }
  | { readonly kind: 'Change'; readonly serverId: string; readonly class?: string; readonly applicationData: D }
  | { readonly kind: 'Delete'; readonly serverId: string; readonly class?: string }
  /** The item left the FilterType window: remove it locally, it still exists on the server (MS-ASCMD 2.2.3.172). */
  | { readonly kind: 'SoftDelete'; readonly serverId: string };

/**
 * The server's answer to one client command (MS-ASCMD 2.2.3.154, Responses).
 * Only failed Changes/Deletes are reported by most servers; Adds and Fetches always are.
 * `status` is a SyncStatus (see its per-item codes) or a common code.
 */
export type SyncItemResponse =
  | {
      readonly kind: 'Add';
      readonly clientId: string;
      /** The new item's id; absent when the add failed. */
      readonly serverId?: string;
      readonly status: number;
      readonly class?: string;
      /** 16.0+: properties the server set on the new item (e.g. calendar UID). */
      readonly applicationData?: El;
    }
  | {
      readonly kind: 'Change';
      readonly serverId: string;
      readonly instanceId?: string;
      readonly status: number;
      readonly class?: string;
      /** 16.x: a draft's attachments added by the Change, as ClientId and FileReference (MS-ASCMD 2.2.3.24, 2.2.3.154). */
      readonly applicationData?: El;
    }
  | { readonly kind: 'Delete'; readonly serverId: string; readonly instanceId?: string; readonly status: number }
  | { readonly kind: 'Fetch'; readonly serverId?: string; readonly status: number; readonly applicationData?: El };

export interface SyncCollectionResult<D = El> {
  readonly collectionId: string;
  /** The new SyncKey; present on success. Use it for the next Sync of this collection. */
  readonly syncKey?: string;
  /** A SyncStatus or a common status code. */
  readonly status: number;
  /** 2.5/12.x: the collection's class. */
  readonly class?: string;
  /** More changes are waiting: Sync again with the new key (MS-ASCMD 2.2.3.116). */
  readonly moreAvailable: boolean;
  readonly commands: readonly SyncServerCommand<D>[];
  readonly responses: readonly SyncItemResponse[];
  /**
   * Responses/Change with Status 1 but no ServerId (Horde_ActiveSync at 16.0 answers every
   * Contacts and Tasks Change so): left out of `responses`, counted here for `eas probe`.
   */
  readonly changesWithoutServerId?: number;
}

export interface SyncResponse<D = El> {
  /** The HTTP body was empty: no changes in any collection of the (cached) request. */
  readonly empty: boolean;
  /** Top-level Status: 1 unless the server sent a request-wide error. */
  readonly status: number;
  /** With Status 14: the minimum or maximum Wait/HeartbeatInterval; with 15: the maximum number of collections. */
  readonly limit?: number;
  readonly collections: readonly SyncCollectionResult<D>[];
}

/** What parseSyncItems makes of an item's ApplicationData; `kind` is the command that carries it. */
export type ItemReader<D> = (appData: El, collectionId: string, kind: 'Add' | 'Change') => D;

export function parseSync(root: El | null, ctx: EasContext): SyncResponse {
  return parseSyncItems(root, ctx, (appData) => appData);
}

/**
 * parseSync that hands each server Add's and Change's ApplicationData, with its
 * collection's id, to `item` and keeps what it returns: the caller can turn items into
 * records while the response is read, and the response's element tree is garbage as
 * soon as this returns (a page of 512 mails then holds no item trees while it is stored).
 */
export function parseSyncItems<D>(root: El | null, _ctx: EasContext, item: ItemReader<D>): SyncResponse<D> {
  if (root === null) return { empty: true, status: 1, collections: [] };
  const r = requireRoot(root, 'Sync', 'Sync');
  const collections = path(r, 'Collections');
  return {
    empty: false,
    status: intAt(r, 'Status') ?? 1,
    limit: intAt(r, 'Limit'),
    collections: collections ? kids(collections, 'Collection').map((c) => collectionResult(c, item)) : [],
  };
}

function collectionResult<D>(c: El, item: ItemReader<D>): SyncCollectionResult<D> {
  const status = requireStatus(c, 'Sync');
  const syncKey = textAt(c, 'SyncKey');
  if (status === 1 && syncKey === undefined) missing('Sync', 'Collection/SyncKey');
  const collectionId = requireText(c, 'CollectionId', 'Sync');
  const commands = kid(c, 'Commands');
  const responses = kid(c, 'Responses')?.children.filter(isEl) ?? [];
  const nameless = responses.filter(isNamelessSuccess);
  return {
    collectionId,
    syncKey,
    status,
    class: textAt(c, 'Class'),
    moreAvailable: kid(c, 'MoreAvailable') !== undefined,
    commands: commands ? serverCommands(commands, collectionId, item) : [],
    responses: responses.filter((e) => !isNamelessSuccess(e)).flatMap(itemResponse),
    ...(nameless.length > 0 && { changesWithoutServerId: nameless.length }),
  };
}

/**
 * A Change answered with Status 1 and no ServerId. MS-ASCMD 2.2.3.166.8 requires the ServerId,
 * but a success says no more than no answer does (a Change is answered only when it fails,
 * MS-ASCMD 2.2.3.154): nothing is lost by passing over it, while refusing the whole answer
 * would lose the collection's new SyncKey and every server change in it.
 */
function isNamelessSuccess(e: El): boolean {
  return e.name === 'Change' && kid(e, 'ServerId') === undefined && intAt(e, 'Status') === 1;
}

/** The server commands of a collection, in order; unknown elements are skipped. */
function serverCommands<D>(commands: El, collectionId: string, item: ItemReader<D>): SyncServerCommand<D>[] {
  const out: SyncServerCommand<D>[] = [];
  for (const e of commands.children) {
    const cmd = isEl(e) ? serverCommand(e, collectionId, item) : undefined;
    if (cmd) out.push(cmd);
  }
  return out;
}

/** One server command, or undefined for an element Sync does not define there. */
function serverCommand<D>(e: El, collectionId: string, item: ItemReader<D>): SyncServerCommand<D> | undefined {
  switch (e.name) {
    case 'Add':
    case 'Change':
      return {
        kind: e.name,
        serverId: requireText(e, 'ServerId', 'Sync'),
        class: textAt(e, 'Class'),
        applicationData: item(requireAppData(e), collectionId, e.name),
      };
    case 'Delete':
      return { kind: 'Delete', serverId: requireText(e, 'ServerId', 'Sync'), class: textAt(e, 'Class') };
    case 'SoftDelete':
      return { kind: 'SoftDelete', serverId: requireText(e, 'ServerId', 'Sync') };
    default:
      return undefined;
  }
}

function itemResponse(e: El): SyncItemResponse[] {
  const status = (): number => requireStatus(e, 'Sync');
  const instanceId = textAt(e, 'InstanceId');
  switch (e.name) {
    case 'Add':
      return [
        {
          kind: 'Add',
          clientId: requireText(e, 'ClientId', 'Sync'),
          serverId: textAt(e, 'ServerId'),
          status: status(),
          class: textAt(e, 'Class'),
          applicationData: kid(e, 'ApplicationData'),
        },
      ];
    case 'Change':
      return [
        {
          kind: 'Change',
          serverId: requireText(e, 'ServerId', 'Sync'),
          instanceId,
          status: status(),
          class: textAt(e, 'Class'),
          applicationData: kid(e, 'ApplicationData'),
        },
      ];
    case 'Delete':
      return [{ kind: 'Delete', serverId: requireText(e, 'ServerId', 'Sync'), instanceId, status: status() }];
    case 'Fetch':
      return [{ kind: 'Fetch', serverId: textAt(e, 'ServerId'), status: status(), applicationData: kid(e, 'ApplicationData') }];
    default:
      return [];
  }
}

function requireAppData(e: El): El {
  const data = kid(e, 'ApplicationData');
  if (!data) missing('Sync', `${e.name}/ApplicationData`);
  return data;
}

/**
 * ClientId -> ServerId for the adds the server accepted (Status 1) in one
 * collection's Responses: what the client needs to re-key its new items.
 */
export function serverIdsByClientId(c: SyncCollectionResult): Map<string, string> {
  const ids = new Map<string, string>();
  for (const r of c.responses) {
    if (r.kind === 'Add' && r.status === 1 && r.serverId !== undefined) ids.set(r.clientId, r.serverId);
  }
  return ids;
}
