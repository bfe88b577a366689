/**
 * Ping (MS-ASCMD 2.2.1.13): hold the request until a watched folder has changes
 * the device has not synced (Status 2) or the heartbeat runs out (Status 1).
 */
import { intAt, kid, kids, ns, textAt, type El } from '../../src/wbxml/tree.ts';
import { sleep, type CommandContext, type CommandResult } from '../context.ts';
import { listen } from '../model.ts';
import { hierarchyStale, pendingOps, type PingFolder } from '../state.ts';

const P = ns('Ping');

function reply(status: number, ...rest: (El | false | undefined)[]): CommandResult {
  return { tree: P('Ping', P('Status', status), ...rest) };
}

/** The folders and heartbeat of this Ping: from the body, else from the last Ping (MS-ASCMD 2.2.3.86.1, 2.2.3.70). */
function readRequest(ctx: CommandContext): { heartbeat: number; folders: PingFolder[] } | number {
  const cached = ctx.device.ping;
  if (!ctx.body) return cached ?? 3;
  if (ctx.body.name !== 'Ping') return 4;
  const foldersEl = kid(ctx.body, 'Folders');
  const folders = foldersEl
    ? kids(foldersEl, 'Folder').map((f) => ({ id: textAt(f, 'Id') ?? '', cls: textAt(f, 'Class') ?? '' }))
    : cached?.folders;
  const heartbeat = intAt(ctx.body, 'HeartbeatInterval') ?? cached?.heartbeat;
  if (folders?.some((f) => f.id === '')) return 4; // a Folder without Id: syntax error
  if (!folders || heartbeat === undefined) return 3; // MS-ASCMD 2.2.3.177.11: parameters missing and none cached
  return { heartbeat, folders };
}

/** Watched folders with changes the device has not picked up with Sync. */
function changedFolders(ctx: CommandContext, folders: readonly PingFolder[]): string[] {
  const now = ctx.mock.world.clock();
  return folders
    .filter((f) => {
      const folder = ctx.mailbox.folders.get(f.id);
      if (!folder) return false;
      const state = ctx.device.collections.get(f.id);
      const known = state?.current.known ?? new Map<string, number>();
      return pendingOps(folder.store, known, state?.options?.filterType ?? 0, now, 0).more;
    })
    .map((f) => f.id);
}

function missingFolder(ctx: CommandContext, folders: readonly PingFolder[]): boolean {
  return hierarchyStale(ctx.device, ctx.mailbox) || folders.some((f) => !ctx.mailbox.folders.has(f.id));
}

type Outcome = { kind: 'changes'; ids: string[] } | { kind: 'hierarchy' } | { kind: 'expired' };

/** Waits for a change of a watched folder or of the hierarchy, the heartbeat, or a newer Ping. */
async function hold(ctx: CommandContext, folders: readonly PingFolder[], heartbeat: number): Promise<Outcome> {
  const watched = new Set(folders.map((f) => ctx.mailbox.folders.get(f.id)?.store.id));
  let outcome: Outcome = { kind: 'expired' };
  const done = new AbortController();
  const cancel = (): void => done.abort();
  ctx.device.cancelWait?.(); // a new Ping of the device ends the old one
  ctx.device.cancelWait = cancel;
  const stop = listen(ctx.mock.world, (change) => {
    if (change.kind === 'hierarchy' && change.login === ctx.user.login && missingFolder(ctx, folders)) {
      outcome = { kind: 'hierarchy' };
      done.abort();
    } else if (change.kind === 'items' && watched.has(change.storeId)) {
      const ids = changedFolders(ctx, folders);
      if (ids.length > 0) {
        outcome = { kind: 'changes', ids };
        done.abort();
      }
    }
  });
  ctx.signal.addEventListener('abort', cancel, { once: true });
  if (ctx.signal.aborted) cancel(); // the client hung up before the hold began
  try {
    await sleep(ctx.mock, heartbeat, done.signal);
  } finally {
    stop();
    ctx.signal.removeEventListener('abort', cancel);
    if (ctx.device.cancelWait === cancel) ctx.device.cancelWait = undefined;
  }
  return outcome;
}

export async function ping(ctx: CommandContext): Promise<CommandResult> {
  const req = readRequest(ctx);
  if (typeof req === 'number') return reply(req);
  const { minHeartbeat, maxHeartbeat, maxPingFolders } = ctx.mock.config;
  // MS-ASCMD 2.2.3.177.11 Status 5: the heartbeat is out of range; the answer names the limit.
  if (req.heartbeat < minHeartbeat) return reply(5, P('HeartbeatInterval', minHeartbeat));
  if (req.heartbeat > maxHeartbeat) return reply(5, P('HeartbeatInterval', maxHeartbeat));
  if (req.folders.length > maxPingFolders) return reply(6, P('MaxFolders', maxPingFolders));
  if (req.folders.length === 0) return reply(3);
  ctx.device.ping = req;
  if (missingFolder(ctx, req.folders)) return reply(7);
  const now = changedFolders(ctx, req.folders);
  if (now.length > 0)
    return reply(
      2,
      P(
        'Folders',
        now.map((id) => P('Folder', id)),
      ),
    );
  const outcome = await hold(ctx, req.folders, req.heartbeat);
  if (outcome.kind === 'changes')
    return reply(
      2,
      P(
        'Folders',
        outcome.ids.map((id) => P('Folder', id)),
      ),
    );
  if (outcome.kind === 'hierarchy') return reply(7);
  return reply(1);
}
