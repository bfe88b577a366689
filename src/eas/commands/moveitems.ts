/**
 * MoveItems (MS-ASCMD 2.2.1.12): moves items between folders. One Move per
 * item; the response has one Response per item, with the item's new server id.
 *
 * <MoveItems><Move><SrcMsgId/><SrcFldId/><DstFldId/></Move>...</MoveItems>
 */
import type { El } from '../../wbxml/tree.ts';
import { intAt, kids, ns, textAt } from '../../wbxml/tree.ts';
import type { EasContext, EasRequest } from '../command.ts';
import { EasProtocolError } from '../command.ts';
import { missing, requireRoot, requireText, statusText } from './common.ts';

const mv = ns('Move');

/** MoveItems status codes (MS-ASCMD 2.2.3.177.10). */
export type MoveItemsStatus =
  /** Invalid source collection ID or item ID (the folder is gone, or the item was moved already): FolderSync, Sync, retry. */
  | 1
  /** Invalid destination collection ID: FolderSync and pick a valid folder. */
  | 2
  /** Success. */
  | 3
  /** Source and destination collection IDs are the same. */
  | 4
  /** The item cannot be moved to more than one place at a time, or an item of that name exists, or an item is locked. */
  | 5
  /** Source or destination item was locked (transient): retry. */
  | 7;

export const describeMoveItemsStatus: Readonly<Record<MoveItemsStatus, string>> = {
  1: 'Invalid source folder or item',
  2: 'Invalid destination folder',
  3: 'Success',
  4: 'Source and destination folders are the same',
  5: 'The item cannot be moved (several destinations, name clash or lock)',
  7: 'Source or destination item was locked',
};

/** Short English text for a MoveItems status code. */
export function moveItemsStatusText(code: number): string {
  return statusText(describeMoveItemsStatus, code, 'MoveItems');
}

/** One item to move (a Move element). */
export interface MoveItem {
  /** Server id of the item (MS-ASCMD 2.2.3.175). */
  readonly srcMsgId: string;
  /** Server id of the folder it is in (MS-ASCMD 2.2.3.174). */
  readonly srcFldId: string;
  /** Server id of the folder to move it to (DstFldId). */
  readonly dstFldId: string;
}

export interface MoveItemsRequest {
  readonly moves: readonly MoveItem[];
}

/** The result for one item (MS-ASCMD 2.2.3.153.5). */
export interface MoveItemResult {
  readonly srcMsgId: string;
  /** A MoveItemsStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  /** The item's server id in the destination folder; present on success (MS-ASCMD 2.2.3.52). */
  readonly dstMsgId?: string;
}

export interface MoveItemsResponse {
  /** A command-level failure, when the server sent one instead of (or besides) per-item results. */
  readonly status?: number;
  readonly results: readonly MoveItemResult[];
}

export function buildMoveItems(req: MoveItemsRequest, _ctx: EasContext): EasRequest {
  if (req.moves.length === 0) throw new EasProtocolError('no item to move', 'MoveItems');
  const moves = req.moves.map((m) => mv('Move', mv('SrcMsgId', m.srcMsgId), mv('SrcFldId', m.srcFldId), mv('DstFldId', m.dstFldId)));
  return { cmd: 'MoveItems', body: mv('MoveItems', moves) };
}

export function parseMoveItems(root: El | null, _ctx: EasContext): MoveItemsResponse {
  const r = requireRoot(root, 'MoveItems', 'MoveItems');
  return { status: intAt(r, 'Status'), results: kids(r, 'Response').map(moveResult) };
}

function moveResult(e: El): MoveItemResult {
  const status = intAt(e, 'Status');
  if (status === undefined) missing('MoveItems', 'Response/Status');
  return { srcMsgId: requireText(e, 'SrcMsgId', 'MoveItems'), status, dstMsgId: textAt(e, 'DstMsgId') };
}
