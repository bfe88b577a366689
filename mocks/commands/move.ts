/**
 * MoveItems (MS-ASCMD 2.2.1.12): each item gets a new ServerId in the destination.
 */
import { kids, ns, textAt, type El } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { moveItem } from '../model.ts';

const M = ns('Move');

/** Status per MS-ASCMD 2.2.3.177.10: 1 bad source, 2 bad destination, 3 success, 4 same folder, 5 failure. */
function moveOne(ctx: CommandContext, move: El): El {
  const srcMsg = textAt(move, 'SrcMsgId') ?? '';
  const src = ctx.mailbox.folders.get(textAt(move, 'SrcFldId') ?? '');
  const dst = ctx.mailbox.folders.get(textAt(move, 'DstFldId') ?? '');
  const result = (status: number, dstMsg?: string): El =>
    M('Response', M('SrcMsgId', srcMsg), M('Status', status), dstMsg !== undefined && M('DstMsgId', dstMsg));
  if (src && src === dst) return result(4);
  if (!src?.store.items.has(srcMsg)) return result(1);
  if (!dst?.store.cls) return result(2);
  if (src.store.cls !== dst.store.cls) return result(5); // an item cannot change class
  const moved = moveItem(ctx.mock.world, src.store, dst.store, srcMsg);
  if (!moved) return result(5);
  // MS-ASCMD 2.2.1.12: the mover, too, gets a Delete on its next Sync of the source and an
  // Add on its next Sync of the destination (a client that did not move its own copy keeps
  // no ghost); nothing here marks the move as known to the device.
  return result(3, moved.id);
}

export function moveItems(ctx: CommandContext): CommandResult {
  const body = ctx.body;
  if (body?.name !== 'MoveItems') return { tree: M('MoveItems', M('Status', 5)) };
  return {
    tree: M(
      'MoveItems',
      kids(body, 'Move').map((m) => moveOne(ctx, m)),
    ),
  };
}
