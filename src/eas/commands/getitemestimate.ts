/**
 * GetItemEstimate (MS-ASCMD 2.2.1.9): how many items a Sync of a collection
 * would bring, for progress bars and for choosing a FilterType.
 *
 * The collection must already be primed (a Sync with SyncKey 0 done); the
 * server does not change the SyncKey (MS-ASCMD 2.2.3.181.3).
 *
 * The request Collection has two shapes (GetItemEstimate request schema):
 * - 2.5/12.x: getitemestimate:Class?, CollectionId, airsync:FilterType, airsync:SyncKey
 * - 14.0+:    airsync:SyncKey, CollectionId, airsync:ConversationMode?, airsync:Options{0,2}
 */
import type { EasContext, EasRequest } from '../command.ts';
import type { El } from '../../wbxml/tree.ts';
import { intAt, kids, ns, opt, path, textAt } from '../../wbxml/tree.ts';
import { atLeast } from '../version.ts';
import { requireRoot, requireStatus, requireText, statusText } from './common.ts';
import type { FilterType } from './sync.ts';

const gie = ns('GetItemEstimate');
const as = ns('AirSync');

export interface EstimateOptions {
  /** The class these options apply to (SMS next to Email), MS-ASCMD 2.2.3.27.2. */
  readonly class?: string;
  readonly filterType?: FilterType;
  /** Recipient Information Cache only: the most entries to count (MS-ASCMD 2.2.3.103.1). */
  readonly maxItems?: number;
}

export interface EstimateCollection {
  /** The collection's current SyncKey (from the last Sync). */
  readonly syncKey: string;
  readonly collectionId: string;
  /** 2.5/12.x: the collection's class (Email, Calendar, Contacts, Tasks). */
  readonly class?: string;
  /** 2.5/12.x: FilterType, required there (MS-ASCMD 2.2.3.68.1); 0 when absent. */
  readonly filterType?: FilterType;
  /** 14.0+: count whole conversations (MS-ASCMD 2.2.3.36.1). */
  readonly conversationMode?: boolean;
  /** 14.0+: 0..2 Options, each for a different class. */
  readonly options?: readonly EstimateOptions[];
}

export interface GetItemEstimateRequest {
  /** 1 to 300 collections (MS-ASCMD 2.2.3.31.1). */
  readonly collections: readonly EstimateCollection[];
}

/** GetItemEstimate status codes (MS-ASCMD 2.2.3.177.7). */
export type GetItemEstimateStatus =
  /** Success. */
  | 1
  /** A collection is invalid or was not found: FolderSync. */
  | 2
  /** The sync state is not primed: Sync the collection with SyncKey 0 first. */
  | 3
  /** The SyncKey is invalid: Sync the collection from SyncKey 0. */
  | 4;

export const describeGetItemEstimateStatus: Readonly<Record<GetItemEstimateStatus, string>> = {
  1: 'Success',
  2: 'A collection was invalid or one of the specified collection IDs was invalid',
  3: 'The synchronization state has not been primed',
  4: 'The specified synchronization key was invalid',
};

/** Short English text for a GetItemEstimate status code, with a fallback for unlisted codes. */
export function getItemEstimateStatusText(code: number): string {
  return statusText(describeGetItemEstimateStatus, code, 'GetItemEstimate');
}

export interface ItemEstimate {
  /** A GetItemEstimateStatus or a common status code. */
  readonly status: number;
  /** Absent in some error responses. */
  readonly collectionId?: string;
  /** 2.5/12.x servers may echo the class. */
  readonly class?: string;
  /** Items a Sync would bring; absent in error responses. */
  readonly estimate?: number;
}

export interface GetItemEstimateResponse {
  /** Top-level Status: 1 unless the server sent a request-wide error. */
  readonly status: number;
  /** One per requested collection. */
  readonly responses: readonly ItemEstimate[];
}

export function buildGetItemEstimate(req: GetItemEstimateRequest, ctx: EasContext): EasRequest {
  const modern = atLeast(ctx.version, '14.0');
  for (const c of req.collections) checkShape(c, modern);
  const collections = req.collections.map((c) => (modern ? modernCollection(c) : legacyCollection(c)));
  return { cmd: 'GetItemEstimate', body: gie('GetItemEstimate', gie('Collections', collections)) };
}

function checkShape(c: EstimateCollection, modern: boolean): void {
  if (modern && (c.class !== undefined || c.filterType !== undefined)) {
    throw new RangeError('GetItemEstimate: from 14.0, Class and FilterType go in options (MS-ASCMD 2.2.3.27.2, 2.2.3.68.1)');
  }
  if (!modern && (c.conversationMode !== undefined || c.options !== undefined)) {
    throw new RangeError('GetItemEstimate: ConversationMode and Options need EAS 14.0 (MS-ASCMD 2.2.3.36.1, 2.2.3.125.2)');
  }
}

function modernCollection(c: EstimateCollection): El {
  return gie(
    'Collection',
    as('SyncKey', c.syncKey),
    gie('CollectionId', c.collectionId),
    opt('AirSync', 'ConversationMode', c.conversationMode),
    (c.options ?? []).map((o) =>
      as('Options', opt('AirSync', 'Class', o.class), opt('AirSync', 'FilterType', o.filterType), opt('AirSync', 'MaxItems', o.maxItems)),
    ),
  );
}

function legacyCollection(c: EstimateCollection): El {
  return gie(
    'Collection',
    opt('GetItemEstimate', 'Class', c.class),
    gie('CollectionId', c.collectionId),
    as('FilterType', c.filterType ?? 0),
    as('SyncKey', c.syncKey),
  );
}

export function parseGetItemEstimate(root: El | null, _ctx: EasContext): GetItemEstimateResponse {
  const r = requireRoot(root, 'GetItemEstimate', 'GetItemEstimate');
  return { status: intAt(r, 'Status') ?? 1, responses: kids(r, 'Response').map(estimate) };
}

function estimate(e: El): ItemEstimate {
  const c = path(e, 'Collection');
  return {
    status: requireStatus(e, 'GetItemEstimate'),
    collectionId: c ? requireText(c, 'CollectionId', 'GetItemEstimate') : undefined,
    class: textAt(c, 'Class'),
    estimate: intAt(c, 'Estimate'),
  };
}
