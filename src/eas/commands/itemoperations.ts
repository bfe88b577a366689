/**
 * ItemOperations (MS-ASCMD 2.2.1.10), 12.0+: a batch of operations on single
 * items, outside any sync state.
 *
 * - Fetch: one item (by ServerId, optionally with CollectionId), one attachment
 *   (by airsyncbase:FileReference), one Search result (by search:LongId) or one
 *   document-library file (by documentlibrary:LinkId). Used to get a full body
 *   after a truncated Sync, and to download attachments.
 * - EmptyFolderContents: delete every item of a folder (Deleted Items, typically).
 * - Move (14.0+): move a whole conversation to another folder.
 *
 * The response carries one result per operation, in request order. Binary
 * content comes base64-encoded in Data, or, when the client asked for a
 * multipart response (HTTP header MS-ASAcceptMultiPart: T), as a separate body
 * part whose index is given by Part (MS-ASCMD 2.2.3.130).
 */
import type { EasContext, EasRequest } from '../command.ts';
import type { El } from '../../wbxml/tree.ts';
import { boolAt, bytesOf, el, intAt, isEl, kid, ns, opt, path, textAt } from '../../wbxml/tree.ts';
import type { EasVersion } from '../version.ts';
import { atLeast } from '../version.ts';
import { missing, requireRoot, requireStatus, requireText, statusText } from './common.ts';
import type { BodyPartPreference, BodyPreference } from './sync.ts';
import { bodyPreferenceEl } from './sync.ts';

const io = ns('ItemOperations');
const as = ns('AirSync');
const asb = ns('AirSyncBase');

// ------------------------------------------------------------------ request

/** What a Fetch names; the Store follows from it (Mailbox, or DocumentLibrary for linkId). */
export type FetchTarget =
  /** A mailbox item; CollectionId narrows the lookup (MS-ASCMD 2.2.3.166.7). */
  | { readonly serverId: string; readonly collectionId?: string }
  /** An attachment, by the FileReference a Sync or Search returned (MS-ASCMD 2.2.3.8). */
  | { readonly fileReference: string }
  /** A Search result, by the search:LongId of a Search response. */
  | { readonly longId: string }
  /** A document-library file (UNC or SharePoint URI, MS-ASDOC). */
  | { readonly linkId: string };

/** Fetch Options (MS-ASCMD 2.2.3.125.3). With a fileReference only `range` is allowed. */
export interface FetchOptions {
  /** Properties to return, as empty elements (e.g. el('Email', 'Subject')); document libraries and mailbox items. */
  readonly schema?: readonly El[];
  /** Bytes to return, "m-n", zero-based and inclusive (MS-ASCMD 2.2.3.143.2). */
  readonly range?: string;
  /** Credentials for a document library other than the mailbox account. */
  readonly userName?: string;
  readonly password?: string;
  /** MS-ASCMD 2.2.3.110.1: 0 never MIME, 1 for S/MIME only, 2 always (with a BodyPreference of Type 4). */
  readonly mimeSupport?: 0 | 1 | 2;
  readonly bodyPreferences?: readonly BodyPreference[];
  /** 14.1+. */
  readonly bodyPartPreference?: BodyPartPreference;
  /** 14.1+: the client handles rights-managed mail. */
  readonly rightsManagementSupport?: boolean;
}

export type ItemOperation =
  | {
      readonly kind: 'Fetch';
      readonly target: FetchTarget;
      readonly options?: FetchOptions;
      /** 14.1+: fetch the mail with its IRM protection removed (MS-ASRM 2.2.2.13). */
      readonly removeRightsManagementProtection?: boolean;
    }
  | {
      readonly kind: 'EmptyFolderContents';
      readonly collectionId: string;
      /** Also delete the folder's subfolders (MS-ASCMD 2.2.3.44). */
      readonly deleteSubFolders?: boolean;
    }
  | {
      /** 14.0+: move a conversation (MS-ASCMD 2.2.3.117.1). */
      readonly kind: 'Move';
      /** The mail's email2:ConversationId bytes; a byte array sent as OPAQUE (MS-ASCON 2.2.2.3.1). */
      readonly conversationId: Uint8Array;
      /** ServerId of the destination folder. */
      readonly dstFldId: string;
      /** Also move the conversation's future mail there (MoveAlways). */
      readonly moveAlways?: boolean;
    };

export interface ItemOperationsRequest {
  readonly operations: readonly ItemOperation[];
}

/** Throws RangeError for what the negotiated version or the spec does not allow. */
export function buildItemOperations(req: ItemOperationsRequest, ctx: EasContext): EasRequest {
  const v = ctx.version;
  need(v, '12.0', 'ItemOperations', '2.2.1.10');
  return {
    cmd: 'ItemOperations',
    body: io(
      'ItemOperations',
      req.operations.map((op) => operationEl(op, v)),
    ),
  };
}

function operationEl(op: ItemOperation, v: EasVersion): El {
  switch (op.kind) {
    case 'Fetch':
      return fetchEl(op.target, op.options, op.removeRightsManagementProtection, v);
    case 'EmptyFolderContents':
      return io(
        'EmptyFolderContents',
        as('CollectionId', op.collectionId),
        op.deleteSubFolders ? io('Options', io('DeleteSubFolders')) : undefined,
      );
    case 'Move':
      need(v, '14.0', 'Move', '2.2.3.117.1');
      return io(
        'Move',
        io('ConversationId', op.conversationId),
        io('DstFldId', op.dstFldId),
        op.moveAlways ? io('Options', io('MoveAlways')) : undefined,
      );
  }
}

function fetchEl(t: FetchTarget, o: FetchOptions | undefined, removeRm: boolean | undefined, v: EasVersion): El {
  if (removeRm !== undefined) need(v, '14.1', 'RemoveRightsManagementProtection', 'MS-ASRM 2.2.2.13');
  return io(
    'Fetch',
    io('Store', 'linkId' in t ? 'DocumentLibrary' : 'Mailbox'),
    'serverId' in t ? [opt('AirSync', 'CollectionId', t.collectionId), as('ServerId', t.serverId)] : undefined,
    'longId' in t ? el('Search', 'LongId', t.longId) : undefined,
    'linkId' in t ? el('DocumentLibrary', 'LinkId', t.linkId) : undefined,
    'fileReference' in t ? asb('FileReference', t.fileReference) : undefined,
    o ? fetchOptionsEl(o, 'fileReference' in t, v) : undefined,
    removeRm ? el('RightsManagement', 'RemoveRightsManagementProtection') : undefined,
  );
}

function fetchOptionsEl(o: FetchOptions, attachment: boolean, v: EasVersion): El {
  const { range, ...rest } = o;
  if (attachment && Object.values(rest).some((x) => x !== undefined)) {
    // MS-ASCMD 2.2.3.8: with FileReference, Range is the only valid child of Options.
    throw new RangeError('ItemOperations: an attachment Fetch takes only the range option');
  }
  if (o.bodyPartPreference) need(v, '14.1', 'BodyPartPreference', 'MS-ASAIRS 2.2.2.11');
  if (o.rightsManagementSupport !== undefined) need(v, '14.1', 'RightsManagementSupport', 'MS-ASRM 2.2.2.15');
  return io(
    'Options',
    o.schema ? io('Schema', o.schema) : undefined,
    opt('ItemOperations', 'Range', range),
    opt('ItemOperations', 'UserName', o.userName),
    opt('ItemOperations', 'Password', o.password),
    opt('AirSync', 'MIMESupport', o.mimeSupport),
    (o.bodyPreferences ?? []).map((p) => bodyPreferenceEl('BodyPreference', p, v, 'ItemOperations')),
    o.bodyPartPreference ? bodyPreferenceEl('BodyPartPreference', o.bodyPartPreference, v, 'ItemOperations') : undefined,
    opt('RightsManagement', 'RightsManagementSupport', o.rightsManagementSupport),
  );
}

function need(v: EasVersion, min: EasVersion, what: string, section: string): void {
  if (atLeast(v, min)) return;
  const ref = section.startsWith('MS-') ? section : `MS-ASCMD ${section}`;
  throw new RangeError(`ItemOperations: ${what} needs EAS ${min} or later (${ref}); negotiated ${v}`);
}

// ------------------------------------------------------------------ status

/** ItemOperations status codes (MS-ASCMD 2.2.3.177.8), top level and per operation. */
export type ItemOperationsStatus =
  /** Success. */
  | 1
  /** Protocol error: protocol violation or XML validation error. */
  | 2
  /** Server error. */
  | 3
  /** Document library access: the specified URI is bad. */
  | 4
  /** Document library: access denied. */
  | 5
  /** Document library: the object was not found or access was denied. */
  | 6
  /** Document library: failed to connect to the server. */
  | 7
  /** The byte range is invalid or too large. */
  | 8
  /** The store is unknown or unsupported. */
  | 9
  /** The file is empty. */
  | 10
  /** The requested data size is too large. */
  | 11
  /** Failed to download the file because of an input/output failure. */
  | 12
  /** Mailbox fetch: the item failed conversion. */
  | 14
  /** Attachment fetch: the attachment or attachment ID is invalid. */
  | 15
  /** Access to the resource is denied. */
  | 16
  /** Partial success: EmptyFolderContents could not delete everything. */
  | 17
  /** Credentials are required (document library). */
  | 18
  /** Protocol error: one or more required elements are missing. */
  | 155
  /** The action is not supported. */
  | 156;

export const describeItemOperationsStatus: Readonly<Record<ItemOperationsStatus, string>> = {
  1: 'Success',
  2: 'Protocol error',
  3: 'Server error',
  4: 'Document library access: the specified URI is bad',
  5: 'Document library: access denied',
  6: 'Document library: the object was not found or access denied',
  7: 'Document library: failed to connect to the server',
  8: 'The byte-range is invalid or too large',
  9: 'The store is unknown or unsupported',
  10: 'The file is empty',
  11: 'The requested data size is too large',
  12: 'Failed to download the file because of an input/output failure',
  14: 'Mailbox fetch provider: the item failed conversion',
  15: 'Attachment fetch provider: attachment or attachment ID is invalid',
  16: 'Access to the resource is denied',
  17: 'Partial success: the command completed partially',
  18: 'Credentials required',
  155: 'Protocol error: one or more elements are missing',
  156: 'Action not supported',
};

/** Short English text for an ItemOperations status code, with a fallback for unlisted codes. */
export function itemOperationsStatusText(code: number): string {
  return statusText(describeItemOperationsStatus, code, 'ItemOperations');
}

// ------------------------------------------------------------------ response

/** airsyncbase:Body inside fetched Properties (MS-ASAIRS 2.2.2.9). */
export interface FetchedBody {
  /** MS-ASAIRS 2.2.2.41.1: 1 plain text, 2 HTML, 3 RTF, 4 MIME. */
  readonly type: number;
  readonly estimatedDataSize?: number;
  readonly truncated?: boolean;
  /** The body text (base64 for RTF); absent in a multipart response. */
  readonly data?: string;
  /** Multipart response: index of the part holding the body (MS-ASCMD 2.2.3.130). */
  readonly part?: number;
}

/** Fetch Properties (MS-ASCMD 2.2.3.139.2): the element as received, plus the fields every reader wants. */
export interface FetchProperties {
  /** The whole Properties element, for the item codecs (its children are like ApplicationData's). */
  readonly el: El;
  /** Attachment or document content, base64-encoded (MS-ASCMD 2.2.3.39.2); absent in a multipart response. */
  readonly data?: string;
  /** Multipart response: index of the part holding the attachment or document. */
  readonly part?: number;
  /** MIME type of an attachment (airsyncbase:ContentType). */
  readonly contentType?: string;
  /** Bytes returned, "m-n" (MS-ASCMD 2.2.3.143.2). */
  readonly range?: string;
  /** Total size of the document or attachment in bytes (MS-ASCMD 2.2.3.184.2). */
  readonly total?: number;
  /** Last modification of a document-library item (MS-ASCMD 2.2.3.197). */
  readonly version?: string;
  readonly body?: FetchedBody;
}

/** One result per requested operation, in order. `status` is an ItemOperationsStatus or a common code. */
export type ItemOperationResult =
  | {
      readonly kind: 'Fetch';
      readonly status: number;
      readonly collectionId?: string;
      readonly serverId?: string;
      readonly longId?: string;
      readonly linkId?: string;
      readonly fileReference?: string;
      /** Class of a fetched item (Email, Calendar...). */
      readonly class?: string;
      readonly properties?: FetchProperties;
    }
  | { readonly kind: 'EmptyFolderContents'; readonly status: number; readonly collectionId: string }
  | { readonly kind: 'Move'; readonly status: number; readonly conversationId: Uint8Array };

export interface ItemOperationsResponse {
  /** Top-level status; when not 1 there are usually no results. */
  readonly status: number;
  readonly results: readonly ItemOperationResult[];
}

export function parseItemOperations(root: El | null, _ctx: EasContext): ItemOperationsResponse {
  const r = requireRoot(root, 'ItemOperations', 'ItemOperations');
  const response = kid(r, 'Response');
  return {
    status: requireStatus(r, 'ItemOperations'),
    results: response ? response.children.filter(isEl).flatMap(result) : [],
  };
}

function result(e: El): ItemOperationResult[] {
  const status = (): number => requireStatus(e, 'ItemOperations');
  switch (e.name) {
    case 'Fetch':
      return [fetchResult(e, status())];
    case 'EmptyFolderContents':
      return [{ kind: 'EmptyFolderContents', status: status(), collectionId: requireText(e, 'CollectionId', 'ItemOperations') }];
    case 'Move':
      return [{ kind: 'Move', status: status(), conversationId: requireBytes(e, 'ConversationId') }];
    default:
      return [];
  }
}

function requireBytes(e: El, name: string): Uint8Array {
  const bytes = bytesOf(kid(e, name));
  if (!bytes) missing('ItemOperations', `${e.name}/${name}`);
  return bytes;
}

function fetchResult(e: El, status: number): ItemOperationResult {
  const props = kid(e, 'Properties');
  return {
    kind: 'Fetch',
    status,
    collectionId: textAt(e, 'CollectionId'),
    serverId: textAt(e, 'ServerId'),
    longId: textAt(e, 'LongId'),
    linkId: textAt(e, 'LinkId'),
    fileReference: textAt(e, 'FileReference'),
    class: textAt(e, 'Class'),
    properties: props ? fetchProperties(props) : undefined,
  };
}

function fetchProperties(p: El): FetchProperties {
  const body = path(p, 'Body');
  return {
    el: p,
    data: textAt(p, 'Data'),
    part: intAt(p, 'Part'),
    contentType: textAt(p, 'ContentType'),
    range: textAt(p, 'Range'),
    total: intAt(p, 'Total'),
    version: textAt(p, 'Version'),
    body: body ? fetchedBody(body) : undefined,
  };
}

/** Part is read in any namespace: MS-ASCMD puts it in ItemOperations, MS-ASAIRS in AirSyncBase. */
function fetchedBody(b: El): FetchedBody {
  const type = intAt(b, 'Type');
  if (type === undefined) missing('ItemOperations', 'Body/Type'); // MS-ASAIRS 2.2.2.9
  return {
    type,
    estimatedDataSize: intAt(b, 'EstimatedDataSize'),
    truncated: boolAt(b, 'Truncated'),
    data: textAt(b, 'Data'),
    part: intAt(b, 'Part'),
  };
}
