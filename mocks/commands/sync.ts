/**
 * Sync (MS-ASCMD 2.2.1.21): client changes in, server changes out, per collection,
 * with the SyncKey state machine of state.ts.
 */
import { atLeast } from '../../src/eas/version.ts';
import { boolAt, el, intAt, kid, kids, ns, textAt, textOf, type El } from '../../src/wbxml/tree.ts';
import { sleep, type CommandContext, type CommandResult } from '../context.ts';
import { changeInstance, deleteInstance, keepExceptions } from '../instances.ts';
import { changeMail, changePim, draftFromClient, pimFromClient } from '../items.ts';
import { sendDraft } from './send.ts';
import {
  addItem,
  attachmentRef,
  folderOfType,
  FolderType,
  listen,
  mailContent,
  moveItem,
  removeItem,
  touchItem,
  type Folder,
  type Mail,
  type MailProp,
  type Pim,
  type Store,
} from '../model.ts';
import { readRenderOptions, renderChange, renderItem } from '../render.ts';
import {
  advance,
  applyOps,
  matchKey,
  pendingOps,
  resetCollection,
  rollback,
  type CollectionOptions,
  type CollectionState,
  type Op,
  type Pending,
} from '../state.ts';

const A = ns('AirSync');
const B = ns('AirSyncBase');

/** MS-ASCMD 2.2.3.199: default 100, at most 512. */
const DEFAULT_WINDOW = 100;
const MAX_WINDOW = 512;

interface Round {
  readonly id: string;
  readonly req: El;
  status: number;
  /** Key to answer with when the collection fails (Status 3 answers "0"). */
  failKey?: string;
  folder?: Folder;
  state?: CollectionState;
  readonly responses: El[];
  clientChanged: boolean;
  /** The request repeats the latest round with the previous key. */
  repeat?: boolean;
  getChanges: boolean;
  windowSize: number;
  pending?: Pending;
}

function windowOf(value: number | undefined): number {
  if (value === undefined || value <= 0) return DEFAULT_WINDOW;
  return Math.min(value, MAX_WINDOW);
}

// ------------------------------------------------------------------ request shape

/** A cached collection with the key the device holds now (the cache keeps no keys: they change every round). */
function withCurrentKey(ctx: CommandContext, c: El): El[] {
  const state = ctx.device.collections.get(textAt(c, 'CollectionId') ?? '');
  return state ? [A('Collection', A('SyncKey', state.current.key), kids(c))] : [];
}

function collectionsOf(req: El): El[] {
  return kids(kid(req, 'Collections') ?? req, 'Collection');
}

/** The request to work on: the body, or the cached one for an empty or Partial request (2.2.1.21.1). */
function effectiveRequest(ctx: CommandContext): El | undefined {
  const body = ctx.body;
  const cached = ctx.device.lastSync;
  if (!body)
    return (
      cached &&
      A(
        'Sync',
        A(
          'Collections',
          collectionsOf(cached).flatMap((c) => withCurrentKey(ctx, c)),
        ),
        kid(cached, 'Wait'),
        kid(cached, 'HeartbeatInterval'),
        kid(cached, 'WindowSize'),
      )
    );
  if (body.name !== 'Sync') return undefined;
  if (!kid(body, 'Partial')) return body; // Partial is an empty tag: present means partial
  if (!cached) return undefined;
  const sent = collectionsOf(body);
  const sentIds = new Set(sent.map((c) => textAt(c, 'CollectionId')));
  const rest = collectionsOf(cached)
    .filter((c) => !sentIds.has(textAt(c, 'CollectionId')))
    .flatMap((c) => withCurrentKey(ctx, c));
  return A(
    'Sync',
    A('Collections', [...sent, ...rest]),
    kid(body, 'Wait') ?? kid(cached, 'Wait'),
    kid(body, 'HeartbeatInterval') ?? kid(cached, 'HeartbeatInterval'),
    kid(body, 'WindowSize') ?? kid(cached, 'WindowSize'),
  );
}

/** Caches the request without its Commands, for the next empty or Partial Sync. */
function cacheRequest(ctx: CommandContext, req: El): void {
  const collections = collectionsOf(req).map((c) =>
    A(
      'Collection',
      kids(c).filter((x) => x.name !== 'Commands' && x.name !== 'SyncKey'),
    ),
  );
  ctx.device.lastSync = A('Sync', A('Collections', collections), kid(req, 'Wait'), kid(req, 'HeartbeatInterval'), kid(req, 'WindowSize'));
}

/** The options that apply to the folder's class (14.0+ may send one Options per Class). */
function optionsFor(req: El, folder: Folder): El | undefined {
  const all = kids(req, 'Options');
  return all.find((o) => textAt(o, 'Class') === folder.store.cls) ?? all.find((o) => !kid(o, 'Class'));
}

function readOptions(ctx: CommandContext, req: El, folder: Folder, state: CollectionState): CollectionOptions {
  const opts = optionsFor(req, folder);
  if (!opts && state.options) return state.options;
  return {
    filterType: intAt(opts, 'FilterType') ?? 0,
    conflict: intAt(opts, 'Conflict') ?? 1,
    render: readRenderOptions(opts, ctx.version),
    supported: state.options?.supported,
  };
}

// ------------------------------------------------------------------ client commands

function respond(round: Round, name: string, ...content: (El | undefined)[]): void {
  round.responses.push(A(name, ...content));
}

function clientAdd(ctx: CommandContext, round: Round, cmd: El, known: Map<string, number>): void {
  const state = round.state as CollectionState;
  const store = (round.folder as Folder).store;
  const clientId = textAt(cmd, 'ClientId') ?? '';
  const app = kid(cmd, 'ApplicationData');
  const existing = state.clientIds.get(clientId);
  if (existing && store.items.has(existing)) {
    // A repeated Add (lost response): same ServerId, nothing created twice.
    known.set(existing, store.items.get(existing)?.seq ?? 0);
    const again = store.items.get(existing);
    respond(round, 'Add', A('ClientId', clientId), A('ServerId', existing), A('Status', 1), again && serverSet(ctx, again.data, existing));
    return;
  }
  // Status 6: no data, or a folder of no EAS class (Journal) that cannot hold items.
  if (!app || clientId === '' || !store.cls) return respond(round, 'Add', A('ClientId', clientId), A('Status', 6));
  const data = store.cls === 'Email' ? emailAdd(ctx, round.folder as Folder, app) : pimFromClient(ctx.mock.world, store.cls, app, ctx.user);
  if (!data) return respond(round, 'Add', A('ClientId', clientId), A('Status', 6));
  const item = addItem(ctx.mock.world, store, data);
  state.clientIds.set(clientId, item.id);
  known.set(item.id, item.seq);
  respond(round, 'Add', A('ClientId', clientId), A('ServerId', item.id), A('Status', 1), serverSet(ctx, data, item.id));
  if (data.kind === 'mail' && sends(ctx, cmd) && sendDraft(ctx, store, item.id)) known.delete(item.id);
}

/** email2:Send in a 16.x Add or Change of a draft: send it rather than save it (MS-ASEMAIL 2.2.2.69). */
function sends(ctx: CommandContext, cmd: El): boolean {
  return atLeast(ctx.version, '16.0') && kid(cmd, 'Send', 'Email2') !== undefined;
}

/**
 * 16.x: what the server set on the new item goes back in the Add's response: a new event's
 * UID (MS-ASCAL 2.2.2.46), a new draft's attachments as ClientId and FileReference
 * (MS-ASAIRS 2.2.2.14, 2.2.2.24.1: the client records the FileReference to delete it later).
 */
function serverSet(ctx: CommandContext, data: Mail | Pim, itemId: string): El | undefined {
  if (!atLeast(ctx.version, '16.0')) return undefined;
  if (data.kind === 'mail') {
    const refs = draftAttachmentRefs(data, itemId);
    return refs && A('ApplicationData', refs);
  }
  const uid = data.props.find((p) => p.ns === 'Calendar' && p.name === 'UID');
  return uid && A('ApplicationData', uid);
}

function draftAttachmentRefs(mail: Mail, itemId: string): El | undefined {
  const added = mailContent(mail).attachments.flatMap((a, i) =>
    a.clientId === undefined ? [] : [B('Attachment', B('FileReference', attachmentRef(itemId, a, i)), B('ClientId', a.clientId))],
  );
  return added.length > 0 ? B('Attachments', added) : undefined;
}

/** Email can be added only as a 16.x draft (MS-ASCMD 2.2.3.7.2); otherwise Status 6. */
function emailAdd(ctx: CommandContext, folder: Folder, app: El): ReturnType<typeof draftFromClient> | undefined {
  if (!atLeast(ctx.version, '16.0') || folder.type !== FolderType.Drafts || !draftBodyTaken(app)) return undefined;
  return draftFromClient(ctx.mock.world, app, ctx.user, ctx.mock.world.clock());
}

/**
 * A draft's body is kept as plain text or HTML (Type 1 or 2). Any other type (e.g. 4, a
 * whole MIME message) is refused with Status 6 rather than accepted and stored as text,
 * which would lose its subject, recipients and body.
 */
function draftBodyTaken(app: El): boolean {
  const type = textAt(app, 'Body', 'Type');
  return type === undefined || type === '1' || type === '2';
}

/** The airsyncbase:InstanceId of a 16.x occurrence edit, echoed in Responses (MS-ASAIRS 2.2.2.25). */
function instanceOf(ctx: CommandContext, cmd: El): string | undefined {
  return atLeast(ctx.version, '16.0') ? textAt(cmd, 'InstanceId') : undefined;
}

function instanceEl(instance: string | undefined): El | undefined {
  return instance !== undefined ? el('AirSyncBase', 'InstanceId', instance) : undefined;
}

function clientChange(ctx: CommandContext, round: Round, cmd: El, known: Map<string, number>): void {
  const state = round.state as CollectionState;
  const store = (round.folder as Folder).store;
  const id = textAt(cmd, 'ServerId') ?? '';
  const instance = instanceOf(ctx, cmd);
  const item = store.items.get(id);
  const app = kid(cmd, 'ApplicationData');
  if (!item || !app) return respond(round, 'Change', A('ServerId', id), instanceEl(instance), A('Status', 8));
  const clientSeq = known.get(id);
  if (clientSeq !== undefined && item.seq > clientSeq && state.options?.conflict !== 0) {
    // Server wins (MS-ASCMD 2.2.3.34): the client's edit is dropped, the server version follows as a Change.
    return respond(round, 'Change', A('ServerId', id), instanceEl(instance), A('Status', 7));
  }
  if (item.data.kind === 'mail' && item.data.isDraft && !draftBodyTaken(app))
    return respond(round, 'Change', A('ServerId', id), A('Status', 6));
  let changed: MailProp[] | undefined;
  if (item.data.kind === 'mail') {
    changed = changeMail(item.data, app, id);
    if (item.data.isDraft && sends(ctx, cmd)) {
      if (!sendDraft(ctx, store, id)) return respond(round, 'Change', A('ServerId', id), A('Status', 6));
      known.delete(id); // gone from Drafts by the client's own command: no Delete goes back
      return;
    }
    const uploads = kid(app, 'Attachments', 'AirSyncBase');
    if (item.data.isDraft && uploads && kids(uploads, 'Add').length > 0) {
      // Attachments added by a Change: the published schema has no ApplicationData in
      // Responses/Change (MS-ASCMD 6.46), so their FileReferences reach the client as the
      // draft's next server Change, whole, with each attachment's ClientId.
      touchItem(ctx.mock.world, store, item, changed);
      return;
    }
  } else if (instance !== undefined) changeInstance(item.data, instance, app);
  else {
    const before = item.data.props;
    const calendar16 = item.cls === 'Calendar' && atLeast(ctx.version, '16.0');
    changePim(item.data, app, state.options?.supported, calendar16);
    if (calendar16) keepExceptions(before, item.data);
  }
  touchItem(ctx.mock.world, store, item, changed);
  known.set(id, item.seq);
}

/** Delete: to Deleted Items when DeletesAsMoves (default true, MS-ASCMD 2.2.3.43) for mail; else gone. */
function clientDelete(ctx: CommandContext, round: Round, cmd: El, known: Map<string, number>, deleted: Set<string>): void {
  const state = round.state as CollectionState;
  const folder = round.folder as Folder;
  const id = textAt(cmd, 'ServerId') ?? '';
  const instance = instanceOf(ctx, cmd);
  const item = folder.store.items.get(id);
  if (instance !== undefined) {
    // One occurrence of a series (16.x): the series stays, with that occurrence deleted.
    if (item?.data.kind !== 'pim') return respond(round, 'Delete', A('ServerId', id), instanceEl(instance), A('Status', 8));
    deleteInstance(item.data, instance);
    touchItem(ctx.mock.world, folder.store, item);
    known.set(id, item.seq);
    return;
  }
  known.delete(id);
  if (!item) {
    if (!(round.repeat && state.lastDeleted.has(id))) respond(round, 'Delete', A('ServerId', id), A('Status', 8));
    deleted.add(id);
    return;
  }
  deleted.add(id);
  const trash = folderOfType(ctx.mailbox, FolderType.DeletedItems);
  const asMove = (boolAt(round.req, 'DeletesAsMoves') ?? true) && folder.store.cls === 'Email';
  if (asMove && trash && trash !== folder) moveItem(ctx.mock.world, folder.store, trash.store, id);
  else removeItem(ctx.mock.world, folder.store, id);
}

function clientFetch(round: Round, cmd: El): void {
  const state = round.state as CollectionState;
  const id = textAt(cmd, 'ServerId') ?? '';
  const item = (round.folder as Folder).store.items.get(id);
  if (!item || !state.options) return respond(round, 'Fetch', A('ServerId', id), A('Status', 8));
  respond(round, 'Fetch', A('ServerId', id), A('Status', 1), A('ApplicationData', renderItem(item, state.options.render)));
}

function applyClientCommands(ctx: CommandContext, round: Round, commands: El): void {
  const state = round.state as CollectionState;
  const known = new Map(state.current.known);
  const deleted = new Set<string>();
  for (const cmd of kids(commands)) {
    if (cmd.name === 'Add') clientAdd(ctx, round, cmd, known);
    else if (cmd.name === 'Change') clientChange(ctx, round, cmd, known);
    else if (cmd.name === 'Delete') clientDelete(ctx, round, cmd, known, deleted);
    else if (cmd.name === 'Fetch') clientFetch(round, cmd);
  }
  state.lastDeleted = deleted;
  state.current = { key: state.current.key, known };
  round.clientChanged = kids(commands).some((c) => c.name !== 'Fetch');
}

// ------------------------------------------------------------------ per collection

function readSupported(req: El): Set<string> | undefined {
  const s = kid(req, 'Supported');
  return s ? new Set(kids(s).map((c) => `${c.ns}:${c.name}`)) : undefined;
}

/** Sets up one collection of the request: folder, key check, options, client commands. */
function prepare(ctx: CommandContext, req: El): Round {
  const id = textAt(req, 'CollectionId') ?? '';
  const key = textAt(req, 'SyncKey');
  const round: Round = {
    id,
    req,
    status: 1,
    responses: [],
    clientChanged: false,
    getChanges: false,
    windowSize: windowOf(intAt(req, 'WindowSize')),
  };
  const folder = ctx.mailbox.folders.get(id);
  if (key === undefined || id === '') return { ...round, status: 4 };
  // A collection the device's hierarchy does not have: FolderSync first (Status 12).
  if (!folder || !ctx.device.folderKnown.has(id)) return { ...round, status: 12, failKey: key };
  round.folder = folder;
  if (key === '0') return prime(ctx, round, req);
  const state = ctx.device.collections.get(id);
  const match = matchKey(state, key);
  if (!state || !match) return { ...round, status: 3, failKey: '0' }; // MS-ASCMD 2.2.3.177.17
  if (match === 'previous') rollback(state); // a repeat of the latest round (MS-ASCMD 2.2.3.181.4)
  round.state = state;
  round.repeat = match === 'previous';
  state.options = readOptions(ctx, req, folder, state);
  const commands = kid(req, 'Commands');
  if (commands) applyClientCommands(ctx, round, commands);
  // MS-ASCMD 2.2.3.84: absent or empty means 1 when the key is not 0.
  const gc = kid(req, 'GetChanges');
  round.getChanges = !gc || textOf(gc).trim() === '' || boolAt(req, 'GetChanges') === true;
  return round;
}

/** SyncKey 0: new state, no items in the answer (MS-ASCMD 2.2.3.84, 2.2.3.181.4). */
function prime(ctx: CommandContext, round: Round, req: El): Round {
  if (kid(req, 'Commands')) return { ...round, status: 4 };
  const state = resetCollection(ctx.mock.devices, ctx.device, round.id);
  state.options = { ...readOptions(ctx, req, round.folder as Folder, state), supported: readSupported(req) };
  round.state = state;
  round.clientChanged = true; // forces a new key
  return round;
}

function computePending(ctx: CommandContext, rounds: Round[], globalWindow: number | undefined): void {
  let budget = globalWindow ?? Number.POSITIVE_INFINITY;
  const now = ctx.mock.world.clock();
  for (const r of rounds) {
    if (r.status !== 1 || !r.getChanges || !r.state?.options || !r.folder) continue;
    const limit = Math.min(r.windowSize, budget);
    r.pending = pendingOps(r.folder.store, r.state.current.known, r.state.options.filterType, now, limit);
    budget -= r.pending.ops.length;
  }
}

function hasNews(r: Round): boolean {
  return r.status !== 1 || r.clientChanged || r.responses.length > 0 || (r.pending?.ops.length ?? 0) > 0 || (r.pending?.more ?? false);
}

function commandEl(op: Op, render: CollectionOptions['render']): El {
  if (op.kind === 'Add') return A('Add', A('ServerId', op.item.id), A('ApplicationData', renderItem(op.item, render)));
  if (op.kind === 'Change') return A('Change', A('ServerId', op.item.id), A('ApplicationData', renderChange(op.item, render, op.since)));
  return A(op.kind, A('ServerId', op.id));
}

/** Commits the round (new key when anything happened) and builds its Collection element. */
function finish(r: Round): El {
  if (r.status !== 1 || !r.state) {
    return A('Collection', A('SyncKey', r.failKey ?? '0'), A('CollectionId', r.id), A('Status', r.status));
  }
  const ops = r.pending?.ops ?? [];
  const changed = r.clientChanged || ops.length > 0;
  const key = changed ? advance(r.state, applyOps(r.state.current.known, ops)) : r.state.current.key;
  const render = (r.state.options as CollectionOptions).render;
  return A(
    'Collection',
    A('SyncKey', key),
    A('CollectionId', r.id),
    A('Status', 1),
    r.responses.length > 0 && A('Responses', r.responses),
    ops.length > 0 &&
      A(
        'Commands',
        ops.map((op) => commandEl(op, render)),
      ),
    r.pending?.more && A('MoreAvailable'),
  );
}

// ------------------------------------------------------------------ waiting (Wait / HeartbeatInterval)

/** Seconds to hold an empty answer, or a Status 14 Limit when out of range (MS-ASCMD 2.2.3.200, 2.2.3.86.2). */
function holdSeconds(ctx: CommandContext, req: El): { seconds: number } | { limit: number } {
  const { minHeartbeat, maxHeartbeat } = ctx.mock.config;
  const wait = intAt(req, 'Wait');
  if (wait !== undefined) {
    if (wait < 1 || wait > 59) return { limit: wait < 1 ? 1 : 59 };
    return { seconds: wait * 60 };
  }
  const hb = intAt(req, 'HeartbeatInterval');
  if (hb === undefined) return { seconds: 0 };
  if (hb < minHeartbeat) return { limit: minHeartbeat };
  if (hb > maxHeartbeat) return { limit: maxHeartbeat };
  return { seconds: hb };
}

/** Holds until a store of the request changes or the time runs out; recomputes on each change. */
async function waitForChanges(ctx: CommandContext, rounds: Round[], seconds: number, globalWindow: number | undefined): Promise<void> {
  const stores = new Set(
    rounds
      .map((r) => r.folder?.store)
      .filter((s): s is Store => s !== undefined)
      .map((s) => s.id),
  );
  const done = new AbortController();
  const cancel = (): void => done.abort();
  ctx.device.cancelWait?.(); // a new hanging request of the device ends the old one
  ctx.device.cancelWait = cancel;
  const stop = listen(ctx.mock.world, (change) => {
    if (change.kind !== 'items' || !stores.has(change.storeId)) return;
    computePending(ctx, rounds, globalWindow);
    if (rounds.some(hasNews)) done.abort();
  });
  ctx.signal.addEventListener('abort', cancel, { once: true });
  try {
    await sleep(ctx.mock, seconds, done.signal);
  } finally {
    stop();
    ctx.signal.removeEventListener('abort', cancel);
    if (ctx.device.cancelWait === cancel) ctx.device.cancelWait = undefined;
  }
}

// ------------------------------------------------------------------ the command

export async function sync(ctx: CommandContext): Promise<CommandResult> {
  if (ctx.device.folderKey === undefined || ctx.device.needFolderSync) return { tree: A('Sync', A('Status', 12)) };
  const req = effectiveRequest(ctx);
  if (!req) {
    // 13: an empty or Partial request with nothing cached (MS-ASCMD 2.2.3.177.17); 4: not a Sync body.
    const incomplete = !ctx.body || (ctx.body.name === 'Sync' && kid(ctx.body, 'Partial') !== undefined);
    return { tree: A('Sync', A('Status', incomplete ? 13 : 4)) };
  }
  const hold = holdSeconds(ctx, req);
  if ('limit' in hold) return { tree: A('Sync', A('Status', 14), A('Limit', hold.limit)) };
  const collections = collectionsOf(req);
  if (collections.length === 0) return { tree: A('Sync', A('Status', 4)) };
  if (ctx.body) cacheRequest(ctx, req);
  const rounds = collections.map((c) => prepare(ctx, c));
  const globalWindow = intAt(req, 'WindowSize') !== undefined ? windowOf(intAt(req, 'WindowSize')) : undefined;
  computePending(ctx, rounds, globalWindow);
  if (!rounds.some(hasNews) && hold.seconds > 0) await waitForChanges(ctx, rounds, hold.seconds, globalWindow);
  if (!rounds.some(hasNews)) return { empty: true }; // MS-ASCMD 2.2.1.21.2 empty Sync response
  return { tree: A('Sync', A('Collections', rounds.map(finish))) };
}
