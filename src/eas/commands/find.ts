/**
 * Find (MS-ASCMD 2.2.1.2), 16.1 only: searches the mailbox (Keyword Query
 * Language text) or the GAL, and pages through the results by SearchId.
 *
 * <Find><SearchId/><ExecuteSearch>
 *   <MailBoxSearchCriterion><Query><FreeText/><airsync:Class/><airsync:CollectionId/></Query>
 *     <Options><Range/><DeepTraversal/></Options></MailBoxSearchCriterion>
 *   | <GalSearchCriterion><Query/><Options><Range/><Picture/></Options></GalSearchCriterion>
 * </ExecuteSearch></Find>
 */
import type { El } from '../../wbxml/tree.ts';
import { el, intAt, isEl, kid, kids, ns, path, textAt } from '../../wbxml/tree.ts';
import type { EasContext, EasRequest } from '../command.ts';
import { EasProtocolError } from '../command.ts';
import { atLeast } from '../version.ts';
import { missing, requireRoot, statusText } from './common.ts';
import { galEntry, parseRange, pictureElement, rangeText, type GalEntry, type PictureOptions, type SearchRange } from './search.ts';

const fd = ns('Find');

/** Find status codes (MS-ASCMD 2.2.3.177.2), for Find/Status and Response/Status. */
export type FindStatus =
  /** Success. */
  | 1
  /** Invalid request: one or more search parameters are invalid. */
  | 2
  /** The folder hierarchy is out of date: FolderSync, then retry. */
  | 3
  /** The requested range does not begin with 0. */
  | 4;

export const describeFindStatus: Readonly<Record<FindStatus, string>> = {
  1: 'Success',
  2: 'Invalid request',
  3: 'The folder hierarchy is out of date',
  4: 'The requested range does not begin with 0',
};

/** Short English text for a Find status code. */
export function findStatusText(code: number): string {
  return statusText(describeFindStatus, code, 'Find');
}

/** A mailbox search (MS-ASCMD 2.2.3.99). */
export interface MailboxFindCriterion {
  readonly kind: 'mailbox';
  /** Keyword Query Language text (MS-ASCMD 2.2.3.80.1). */
  readonly freeText: string;
  /** airsync:Class of the items wanted, e.g. "Email". */
  readonly class?: string;
  /** airsync:CollectionId of the folder to search; all folders when absent. */
  readonly collectionId?: string;
  /** Search the subfolders too (MS-ASCMD 2.2.3.41.1). */
  readonly deepTraversal?: boolean;
}

/** A GAL search (MS-ASCMD 2.2.3.82): prefix match on the text. */
export interface GalFindCriterion {
  readonly kind: 'gal';
  readonly query: string;
  readonly picture?: PictureOptions;
}

export interface FindRequest {
  /** A GUID naming the search; reuse it to page (MS-ASCMD 2.2.3.160). */
  readonly searchId: string;
  readonly criterion: MailboxFindCriterion | GalFindCriterion;
  /** Results wanted; the server answers Status 4 unless it starts at 0 (MS-ASCMD 2.2.3.177.2). */
  readonly range: SearchRange;
}

/** One Result (MS-ASCMD 2.2.3.155.1). */
export interface FindResult {
  readonly class?: string;
  /** airsync:ServerId of a mailbox item. */
  readonly serverId?: string;
  readonly collectionId?: string;
  /** email:Subject, email:From, Find:Preview, Find:HasAttachments... or gal:* (MS-ASCMD 2.2.3.139.1). */
  readonly properties?: El;
  /** Set when the properties are a GAL entry. */
  readonly gal?: GalEntry;
}

export interface FindResponse {
  /** A FindStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  readonly response?: {
    /** itemoperations:Store: the store searched. */
    readonly store?: string;
    readonly status: number;
    readonly results: readonly FindResult[];
    readonly range?: SearchRange;
    /** Entries found in all. */
    readonly total?: number;
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function buildFind(req: FindRequest, ctx: EasContext): EasRequest {
  if (!atLeast(ctx.version, '16.1')) {
    throw new EasProtocolError(`Find needs protocol 16.1 (negotiated ${ctx.version})`, 'Find');
  }
  // Find request schema (MS-ASCMD 6.7): SearchId is a GUID.
  if (!GUID.test(req.searchId)) throw new EasProtocolError(`SearchId must be a GUID: ${req.searchId}`, 'Find');
  const c = req.criterion;
  const range = fd('Range', rangeText(req.range));
  const criterion =
    c.kind === 'mailbox'
      ? fd(
          'MailBoxSearchCriterion',
          fd(
            'Query',
            fd('FreeText', c.freeText),
            c.class !== undefined && el('AirSync', 'Class', c.class),
            c.collectionId !== undefined && el('AirSync', 'CollectionId', c.collectionId),
          ),
          fd('Options', range, c.deepTraversal && fd('DeepTraversal')),
        )
      : fd(
          // MS-ASCMD 2.2.3.82 spells it GALSearchCriterion; the MS-ASWBXML token 0x19 is GalSearchCriterion.
          'GalSearchCriterion',
          fd('Query', c.query),
          fd('Options', range, c.picture && pictureElement('Find', c.picture, ctx.version, 'Find')),
        );
  return { cmd: 'Find', body: fd('Find', fd('SearchId', req.searchId), fd('ExecuteSearch', criterion)) };
}

export function parseFind(root: El | null, _ctx: EasContext): FindResponse {
  const r = requireRoot(root, 'Find', 'Find');
  const status = intAt(r, 'Status');
  if (status === undefined) missing('Find', 'Find/Status');
  const response = kid(r, 'Response');
  return { status, response: response && responseResult(response) };
}

function responseResult(e: El): NonNullable<FindResponse['response']> {
  const status = intAt(e, 'Status');
  if (status === undefined) missing('Find', 'Response/Status');
  return {
    store: textAt(e, 'Store'),
    status,
    results: kids(e, 'Result').map(findResult),
    range: parseRange(textAt(e, 'Range')),
    total: intAt(e, 'Total'),
  };
}

function findResult(e: El): FindResult {
  const properties = path(e, 'Properties');
  const isGal = properties?.children.some((c) => isEl(c) && c.ns === 'GAL') ?? false;
  return {
    class: textAt(e, 'Class'),
    serverId: textAt(e, 'ServerId'),
    collectionId: textAt(e, 'CollectionId'),
    properties,
    gal: properties && isGal ? galEntry(properties, 'Find') : undefined,
  };
}
