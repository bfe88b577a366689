/**
 * GetItemEstimate (MS-ASCMD 2.2.1.9): how many changes a Sync would bring.
 * The SyncKey is checked but never advanced.
 */
import { atLeast } from '../../src/eas/version.ts';
import { intAt, kid, kids, ns, textAt, type El } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { matchKey, pendingOps } from '../state.ts';

const G = ns('GetItemEstimate');

/** One Collection of the request; 12.x puts FilterType/SyncKey directly in it, 14.0+ in Options. */
function estimate(ctx: CommandContext, c: El): El {
  const id = textAt(c, 'CollectionId') ?? '';
  const key = textAt(c, 'SyncKey');
  const response = (status: number, count?: number): El =>
    G('Response', G('Status', status), G('Collection', G('CollectionId', id), count !== undefined && G('Estimate', count)));
  const folder = ctx.mailbox.folders.get(id);
  if (!folder?.store.cls) return response(2); // invalid collection
  const state = ctx.device.collections.get(id);
  if (key === undefined || key === '0' || !state) return response(3); // sync state not primed
  const match = matchKey(state, key);
  if (!match) return response(4); // invalid SyncKey
  const filter = atLeast(ctx.version, '14.0') ? intAt(kid(c, 'Options'), 'FilterType') : intAt(c, 'FilterType');
  const snapshot = match === 'current' ? state.current : (state.previous ?? state.current);
  const filterType = filter ?? state.options?.filterType ?? 0;
  const pending = pendingOps(folder.store, snapshot.known, filterType, ctx.mock.world.clock(), Number.MAX_SAFE_INTEGER);
  return response(1, pending.ops.length);
}

export function getItemEstimate(ctx: CommandContext): CommandResult {
  const body = ctx.body;
  const collections = body?.name === 'GetItemEstimate' ? kid(body, 'Collections') : undefined;
  if (!collections) return { tree: G('GetItemEstimate', G('Status', 2)) }; // MS-ASCMD 2.2.3.177.7: 2 = invalid request
  return {
    tree: G(
      'GetItemEstimate',
      kids(collections, 'Collection').map((c) => estimate(ctx, c)),
    ),
  };
}
