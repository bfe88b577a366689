/**
 * Search (MS-ASCMD 2.2.1.16): finds entries in the Global Address List, the
 * mailbox, or a document library (UNC or SharePoint).
 *
 * <Search><Store><Name/><Query/><Options/></Store></Search>
 *
 * - GAL: Query is the text to match (prefix match on names and addresses).
 * - Mailbox: Query is a tree of And/Or/FreeText/airsync:Class/
 *   airsync:CollectionId/ConversationId/GreaterThan/LessThan; results are
 *   items with a LongId (usable in ItemOperations, SmartReply/SmartForward
 *   and MeetingResponse) and their Properties.
 * - DocumentLibrary: Query is EqualTo documentlibrary:LinkId.
 */
import { fromBase64 } from '../../wbxml/base64.ts';
import type { El } from '../../wbxml/tree.ts';
import { el, intAt, isEl, kid, kids, ns, opt, path, textAt, textOf } from '../../wbxml/tree.ts';
import type { EasContext, EasRequest } from '../command.ts';
import { EasProtocolError } from '../command.ts';
import { formatEasDateTime } from '../items/dates.ts';
import { atLeast, type EasVersion } from '../version.ts';
import { missing, requireRoot, statusText } from './common.ts';
import { bodyPreferenceEl, type BodyPartPreference, type BodyPreference } from './sync.ts';

const se = ns('Search');

/** Search status codes (MS-ASCMD 2.2.3.177.13), for Search/Status and Store/Status. */
export type SearchStatus =
  /** Success. */
  | 1
  /** Invalid request: the server could not parse it. */
  | 2
  /** Server error: retry. */
  | 3
  /** Bad link (DocumentLibrary: the LinkId is malformed). */
  | 4
  /** Access denied (DocumentLibrary). */
  | 5
  /** Not found (DocumentLibrary). */
  | 6
  /** Connection failed (DocumentLibrary). */
  | 7
  /** The query is too complex. */
  | 8
  /** The search timed out: narrow the query or retry. */
  | 10
  /** The folder hierarchy is out of date: FolderSync, then retry. */
  | 11
  /** The requested range is beyond the end of the results that can be retrieved. */
  | 12
  /** Access blocked (DocumentLibrary: the server does not allow access to that store). */
  | 13
  /** Credentials required (DocumentLibrary: send UserName and Password). */
  | 14;

export const describeSearchStatus: Readonly<Record<SearchStatus, string>> = {
  1: 'Success',
  2: 'Invalid request',
  3: 'Server error',
  4: 'Bad link',
  5: 'Access denied',
  6: 'Not found',
  7: 'Connection failed',
  8: 'The query is too complex',
  10: 'The search timed out',
  11: 'The folder hierarchy is out of date',
  12: 'End of the retrievable range',
  13: 'Access blocked',
  14: 'Credentials required',
};

/** Short English text for a Search status code. */
export function searchStatusText(code: number): string {
  return statusText(describeSearchStatus, code, 'Search');
}

/** Zero-based, inclusive range of results, "first-last" on the wire (MS-ASCMD 2.2.3.143.3). */
export interface SearchRange {
  readonly first: number;
  readonly last: number;
}

/** Contact photos in GAL results (MS-ASCMD 2.2.3.135), 14.1+. Also used by ResolveRecipients and Find. */
export interface PictureOptions {
  /** Largest photo in bytes the client wants, at most 102400 (MS-ASCMD 2.2.3.105). */
  readonly maxSize?: number;
  /** Most photos the client wants in the response (MS-ASCMD 2.2.3.104). */
  readonly maxPictures?: number;
}

/**
 * A mailbox or document library query (MS-ASCMD 2.2.3.142.2). Exchange wants
 * a mailbox query as an And of airsync:Class, airsync:CollectionId and FreeText.
 */
export type SearchQuery =
  | { readonly kind: 'and'; readonly terms: readonly SearchQuery[] }
  | { readonly kind: 'or'; readonly terms: readonly SearchQuery[] }
  /** Words to look for (MS-ASCMD 2.2.3.80.2). */
  | { readonly kind: 'freeText'; readonly text: string }
  /** airsync:Class: Email, Calendar, Contacts, Tasks, Notes, SMS (MS-ASCMD 2.2.3.27.5). */
  | { readonly kind: 'class'; readonly value: string }
  /** airsync:CollectionId: the folder to search (MS-ASCMD 2.2.3.30.5). */
  | { readonly kind: 'collectionId'; readonly value: string }
  /** The items of one conversation (MS-ASCMD 2.2.3.35.2), 14.0+. */
  | { readonly kind: 'conversationId'; readonly value: string }
  /** email:DateReceived later than the date (MS-ASCMD 2.2.3.86). */
  | { readonly kind: 'greaterThan'; readonly dateReceived: Date }
  /** email:DateReceived earlier than the date (MS-ASCMD 2.2.3.96). */
  | { readonly kind: 'lessThan'; readonly dateReceived: Date }
  /** DocumentLibrary: the item at this UNC or SharePoint link (MS-ASCMD 2.2.3.62). */
  | { readonly kind: 'equalTo'; readonly linkId: string };

export interface GalSearchRequest {
  readonly store: 'GAL';
  /** Text to match against names and addresses. */
  readonly query: string;
  readonly range?: SearchRange;
  /** 14.1+. */
  readonly picture?: PictureOptions;
}

export interface MailboxSearchRequest {
  readonly store: 'Mailbox';
  readonly query: SearchQuery;
  readonly range?: SearchRange;
  /** Search the subfolders of the CollectionId folders too (MS-ASCMD 2.2.3.41.2). */
  readonly deepTraversal?: boolean;
  /** Run the query again instead of paging a cached result set (MS-ASCMD 2.2.3.144). */
  readonly rebuildResults?: boolean;
  readonly bodyPreferences?: readonly BodyPreference[];
  /** 14.1+. */
  readonly bodyPartPreference?: BodyPartPreference;
  /** airsync:MIMESupport: 0 never, 1 S/MIME messages only, 2 all messages (MS-ASCMD 2.2.3.110.2). */
  readonly mimeSupport?: 0 | 1 | 2;
  /** rm:RightsManagementSupport (MS-ASRM), 14.1+. */
  readonly rightsManagementSupport?: boolean;
}

export interface DocumentLibrarySearchRequest {
  readonly store: 'DocumentLibrary';
  readonly query: SearchQuery;
  readonly range?: SearchRange;
  /** Credentials for the library (MS-ASCMD 2.2.3.193.2, 2.2.3.132.2). */
  readonly userName?: string;
  readonly password?: string;
}

export type SearchRequest = GalSearchRequest | MailboxSearchRequest | DocumentLibrarySearchRequest;

/** A contact photo in a response: gal:Picture, or ResolveRecipients Picture (MS-ASCMD 2.2.3.135). */
export interface GalPicture {
  /** 1 success, 173 no photo, 174 too large, 175 too many photos (common codes, MS-ASCMD 2.2.2). */
  readonly status: number;
  readonly data?: Uint8Array;
}

/** A GAL entry (MS-ASCMD 2.2.3.139.3; gal namespace, GAL.xsd). */
export interface GalEntry {
  readonly displayName?: string;
  readonly phone?: string;
  readonly office?: string;
  readonly title?: string;
  readonly company?: string;
  readonly alias?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly homePhone?: string;
  readonly mobilePhone?: string;
  readonly emailAddress?: string;
  /** 14.1+. */
  readonly picture?: GalPicture;
}

/** One Result (MS-ASCMD 2.2.3.155.3). */
export interface SearchResult {
  /** airsync:Class of a mailbox result. */
  readonly class?: string;
  /** Mailbox result id for ItemOperations/SmartReply/SmartForward/MeetingResponse (MS-ASCMD 2.2.3.98.3). */
  readonly longId?: string;
  /** airsync:CollectionId of the folder that holds a mailbox result. */
  readonly collectionId?: string;
  /** The item's elements (Email, Calendar, AirSyncBase...) for the item codecs. */
  readonly properties?: El;
  /** Set when the properties are a GAL entry. */
  readonly gal?: GalEntry;
}

/** Store in a response (MS-ASCMD 2.2.3.178.3). */
export interface SearchStoreResult {
  /** A SearchStatus, or a common status code. */
  readonly status: number;
  readonly results: readonly SearchResult[];
  /** The range actually returned. */
  readonly range?: SearchRange;
  /** How many results the whole search has. */
  readonly total?: number;
}

export interface SearchResponse {
  /** A SearchStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  readonly store?: SearchStoreResult;
}

export function buildSearch(req: SearchRequest, ctx: EasContext): EasRequest {
  const v = ctx.version;
  const query = req.store === 'GAL' ? se('Query', req.query) : se('Query', queryElement(req.query, v));
  const options = optionsElement(req, v);
  return {
    cmd: 'Search',
    body: se('Search', se('Store', se('Name', req.store), query, options.children.length > 0 && options)),
  };
}

function queryElement(q: SearchQuery, v: EasVersion): El {
  switch (q.kind) {
    case 'and':
      return se(
        'And',
        q.terms.map((t) => queryElement(t, v)),
      );
    case 'or':
      return se(
        'Or',
        q.terms.map((t) => queryElement(t, v)),
      );
    case 'freeText':
      return se('FreeText', q.text);
    case 'class':
      return el('AirSync', 'Class', q.value);
    case 'collectionId':
      return el('AirSync', 'CollectionId', q.value);
    case 'conversationId':
      need(v, '14.0', 'ConversationId');
      return se('ConversationId', q.value);
    case 'greaterThan':
    case 'lessThan':
      // MS-ASCMD 2.2.3.86: an empty email:DateReceived names the property, Value holds the dateTime.
      return se(
        q.kind === 'greaterThan' ? 'GreaterThan' : 'LessThan',
        el('Email', 'DateReceived'),
        se('Value', formatEasDateTime(q.dateReceived)),
      );
    case 'equalTo':
      return se('EqualTo', el('DocumentLibrary', 'LinkId'), se('Value', q.linkId));
  }
}

function optionsElement(req: SearchRequest, v: EasVersion): El {
  const range = req.range && se('Range', rangeText(req.range));
  switch (req.store) {
    case 'GAL':
      return se('Options', range, req.picture && pictureElement('Search', req.picture, v, 'Search'));
    case 'DocumentLibrary':
      return se('Options', range, opt('Search', 'UserName', req.userName), opt('Search', 'Password', req.password));
    case 'Mailbox':
      return mailboxOptions(req, range, v);
  }
}

function mailboxOptions(req: MailboxSearchRequest, range: El | undefined, v: EasVersion): El {
  if (req.bodyPartPreference) need(v, '14.1', 'BodyPartPreference');
  if (req.rightsManagementSupport !== undefined) need(v, '14.1', 'RightsManagementSupport');
  return se(
    'Options',
    opt('AirSync', 'MIMESupport', req.mimeSupport),
    (req.bodyPreferences ?? []).map((p) => bodyPreferenceEl('BodyPreference', p, v, 'Search')),
    req.bodyPartPreference && bodyPreferenceEl('BodyPartPreference', req.bodyPartPreference, v, 'Search'),
    opt('RightsManagement', 'RightsManagementSupport', req.rightsManagementSupport),
    range,
    // MS-ASCMD 2.2.3.41.2, 2.2.3.144: empty tags.
    req.deepTraversal && se('DeepTraversal'),
    req.rebuildResults && se('RebuildResults'),
  );
}

/** Range text "first-last" (MS-ASCMD 2.2.3.143: up to three digits each). */
export function rangeText(r: SearchRange): string {
  const ok = Number.isInteger(r.first) && Number.isInteger(r.last) && r.first >= 0 && r.first <= r.last && r.last <= 999;
  if (!ok) throw new RangeError(`invalid range ${r.first}-${r.last}`);
  return `${r.first}-${r.last}`;
}

/** Parses "first-last"; undefined when malformed. */
export function parseRange(text: string | undefined): SearchRange | undefined {
  const m = /^\s*(\d+)-(\d+)\s*$/.exec(text ?? '');
  return m ? { first: Number(m[1]), last: Number(m[2]) } : undefined;
}

/** <Picture><MaxSize/><MaxPictures/></Picture> in the given namespace, 14.1+. */
export function pictureElement(namespace: string, p: PictureOptions, v: EasVersion, cmd: 'Search' | 'ResolveRecipients' | 'Find'): El {
  need(v, '14.1', 'Picture', cmd);
  return el(namespace, 'Picture', opt(namespace, 'MaxSize', p.maxSize), opt(namespace, 'MaxPictures', p.maxPictures));
}

function need(v: EasVersion, min: EasVersion, what: string, cmd: 'Search' | 'ResolveRecipients' | 'Find' = 'Search'): void {
  if (!atLeast(v, min)) throw new EasProtocolError(`${what} needs protocol ${min} or later (negotiated ${v})`, cmd);
}

export function parseSearch(root: El | null, _ctx: EasContext): SearchResponse {
  const r = requireRoot(root, 'Search', 'Search');
  const status = intAt(r, 'Status');
  if (status === undefined) missing('Search', 'Search/Status');
  const store = path(r, 'Response', 'Store');
  return { status, store: store && storeResult(store) };
}

function storeResult(store: El): SearchStoreResult {
  const status = intAt(store, 'Status');
  if (status === undefined) missing('Search', 'Store/Status');
  return {
    status,
    // MS-ASCMD 2.2.3.155.3: an empty <Result/> stands for "no results".
    results: kids(store, 'Result')
      .filter((e) => e.children.some(isEl))
      .map(searchResult),
    range: parseRange(textAt(store, 'Range')),
    total: intAt(store, 'Total'),
  };
}

function searchResult(e: El): SearchResult {
  const properties = kid(e, 'Properties');
  const gal = properties?.children.some((c) => isEl(c) && c.ns === 'GAL') ? galEntry(properties) : undefined;
  return {
    class: textAt(e, 'Class'),
    longId: textAt(e, 'LongId'),
    collectionId: textAt(e, 'CollectionId'),
    properties,
    gal,
  };
}

/** Reads the gal:* children of a Properties element (Search and Find). */
export function galEntry(properties: El, cmd: 'Search' | 'Find' = 'Search'): GalEntry {
  const text = (name: string): string | undefined => {
    const e = kid(properties, name, 'GAL');
    return e && textOf(e);
  };
  const picture = kid(properties, 'Picture', 'GAL');
  return {
    displayName: text('DisplayName'),
    phone: text('Phone'),
    office: text('Office'),
    title: text('Title'),
    company: text('Company'),
    alias: text('Alias'),
    firstName: text('FirstName'),
    lastName: text('LastName'),
    homePhone: text('HomePhone'),
    mobilePhone: text('MobilePhone'),
    emailAddress: text('EmailAddress'),
    picture: picture && pictureResult(picture, cmd),
  };
}

/** A Picture of a response: Status and optional Data (GAL and ResolveRecipients). */
export function pictureResult(e: El, cmd: 'Search' | 'ResolveRecipients' | 'Find'): GalPicture {
  const status = intAt(e, 'Status');
  if (status === undefined) missing(cmd, 'Picture/Status');
  const data = kid(e, 'Data');
  return { status, data: data && pictureBytes(data) };
}

/** Data travels as OPAQUE bytes; a server that sends base64 text is read too. */
function pictureBytes(data: El): Uint8Array | undefined {
  const first = data.children[0];
  if (first instanceof Uint8Array) return first;
  const text = data.children.filter((c): c is string => typeof c === 'string').join('');
  try {
    return fromBase64(text);
  } catch {
    return undefined;
  }
}
