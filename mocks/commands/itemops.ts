/**
 * ItemOperations (MS-ASCMD 2.2.1.10): Fetch of items, attachments (by
 * FileReference) and search results (by LongId), EmptyFolderContents, and Move
 * of a conversation. Multipart answers (MS-ASCMD 2.2.1.10.1) on request.
 */
import { toBase64 } from '../../src/wbxml/base64.ts';
import { encodeEas } from '../../src/eas/wbxml.ts';
import { bytesOf, el, kid, kids, ns, textAt, type El } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { attachmentByRef, deleteFolder, findItem, moveItem, removeItem, type Item, type MailAttachment } from '../model.ts';
import { readRenderOptions, renderItem } from '../render.ts';

const IO = ns('ItemOperations');
const A = ns('AirSync');
const B = ns('AirSyncBase');

/** Binary parts of a multipart answer, numbered from 1 (part 0 is the WBXML). */
type Parts = Uint8Array[];

function multipartWanted(ctx: CommandContext): boolean {
  return ctx.params['AcceptMultiPart'] === 'T' || ctx.headers.get('MS-ASAcceptMultiPart')?.toUpperCase() === 'T';
}

function findAttachment(ctx: CommandContext, ref: string): { item: Item; att: MailAttachment } | undefined {
  const found = findItem(ctx.mock.world, ref.slice(0, ref.lastIndexOf(':')));
  if (found?.item.data.kind !== 'mail') return undefined;
  if (![...ctx.mailbox.folders.values()].some((f) => f.store === found.store)) return undefined;
  const att = attachmentByRef(found.item.data, found.item.id, ref);
  return att ? { item: found.item, att } : undefined;
}

/** "first-last" byte range (MS-ASCMD 2.2.3.145.1), inclusive; undefined when malformed. */
function parseRange(text: string | undefined, total: number): [number, number] | undefined | 'all' {
  if (text === undefined) return 'all';
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const [from, to] = [Number(m[1]), Number(m[2])];
  if (from > to || from >= Math.max(total, 1)) return undefined;
  return [from, Math.min(to, total - 1)];
}

function fetchAttachment(ctx: CommandContext, fetch: El, ref: string, parts: Parts | undefined): El {
  const found = findAttachment(ctx, ref);
  if (!found) return IO('Fetch', IO('Status', 15), B('FileReference', ref)); // invalid attachment id
  const bytes = found.att.bytes;
  const range = parseRange(textAt(kid(fetch, 'Options'), 'Range'), bytes.length);
  if (!range) return IO('Fetch', IO('Status', 8), B('FileReference', ref)); // byte range invalid
  const slice = range === 'all' ? bytes : bytes.subarray(range[0], range[1] + 1);
  const data = parts ? IO('Part', parts.push(slice)) : IO('Data', toBase64(slice));
  return IO(
    'Fetch',
    IO('Status', 1),
    B('FileReference', ref),
    IO(
      'Properties',
      B('ContentType', found.att.contentType),
      range !== 'all' && IO('Range', `${range[0]}-${range[1]}`),
      range !== 'all' && IO('Total', bytes.length),
      data,
    ),
  );
}

/** In a multipart answer the body text travels as a part (airsyncbase:Body/Part). */
function bodyToPart(children: El[], parts: Parts | undefined): El[] {
  if (!parts) return children;
  return children.map((c) => {
    if (c.ns !== 'AirSyncBase' || c.name !== 'Body') return c;
    return el(
      c.ns,
      c.name,
      kids(c).map((x) => (x.name === 'Data' ? IO('Part', parts.push(new TextEncoder().encode(textAt(c, 'Data') ?? ''))) : x)),
    );
  });
}

function fetchItem(ctx: CommandContext, fetch: El, parts: Parts | undefined): El {
  const longId = textAt(fetch, 'LongId');
  const serverId = textAt(fetch, 'ServerId') ?? longId ?? '';
  const collectionId = textAt(fetch, 'CollectionId');
  const ids = [
    longId === undefined && collectionId !== undefined && A('CollectionId', collectionId),
    longId === undefined ? A('ServerId', serverId) : el('Search', 'LongId', longId),
  ];
  const found = findItem(ctx.mock.world, serverId);
  const visible = found && [...ctx.mailbox.folders.entries()].find(([, f]) => f.store === found.store);
  if (!found || !visible || (collectionId !== undefined && visible[0] !== collectionId)) return IO('Fetch', IO('Status', 6), ids);
  const opts = readRenderOptions(kid(fetch, 'Options'), ctx.version);
  // ItemOperations may return MIME whenever Type 4 is asked for (MS-ASCMD 2.2.3.110.2).
  const render = { ...opts, mimeSupport: opts.bodyPrefs.some((p) => p.type === 4) ? 2 : opts.mimeSupport };
  return IO('Fetch', IO('Status', 1), ids, A('Class', found.item.cls), IO('Properties', bodyToPart(renderItem(found.item, render), parts)));
}

function fetch(ctx: CommandContext, op: El, parts: Parts | undefined): El {
  const store = textAt(op, 'Store') ?? '';
  if (store.toLowerCase() !== 'mailbox') return IO('Fetch', IO('Status', 9)); // store unknown or not supported
  const ref = textAt(op, 'FileReference');
  return ref !== undefined ? fetchAttachment(ctx, op, ref, parts) : fetchItem(ctx, op, parts);
}

/** EmptyFolderContents (MS-ASCMD 2.2.3.56): all items, and subfolders with DeleteSubFolders. */
function emptyFolder(ctx: CommandContext, op: El): El {
  const id = textAt(op, 'CollectionId') ?? '';
  const folder = ctx.mailbox.folders.get(id);
  if (!folder || folder.shared) return IO('EmptyFolderContents', IO('Status', 6), A('CollectionId', id));
  for (const itemId of [...folder.store.items.keys()]) removeItem(ctx.mock.world, folder.store, itemId);
  if (kid(kid(op, 'Options') ?? op, 'DeleteSubFolders')) {
    for (const [childId, f] of [...ctx.mailbox.folders]) if (f.parentId === id) deleteFolder(ctx.mock.world, ctx.mailbox, childId);
  }
  return IO('EmptyFolderContents', IO('Status', 1), A('CollectionId', id));
}

/** Move of every mail of a conversation (MS-ASCMD 2.2.3.114.1). */
function moveConversation(ctx: CommandContext, op: El): El {
  const conv = bytesOf(kid(op, 'ConversationId')) ?? new Uint8Array();
  const dst = ctx.mailbox.folders.get(textAt(op, 'DstFldId') ?? '');
  const convEl = IO('ConversationId', conv);
  if (dst?.store.cls !== 'Email') return IO('Move', IO('Status', 2), convEl);
  const same = (a: Uint8Array): boolean => a.length === conv.length && a.every((b, i) => b === conv[i]);
  for (const f of [...ctx.mailbox.folders.values()]) {
    if (f.store === dst.store || f.store.cls !== 'Email' || f.shared) continue;
    for (const item of [...f.store.items.values()]) {
      if (item.data.kind === 'mail' && same(item.data.conversationId)) moveItem(ctx.mock.world, f.store, dst.store, item.id);
    }
  }
  return IO('Move', IO('Status', 1), convEl);
}

/** The XSD has Move*, then EmptyFolderContents*, then Fetch*; results keep request order within a kind. */
const ORDER = ['Move', 'EmptyFolderContents', 'Fetch'];

/** MS-ASCMD 2.2.1.10.1: part count, (offset, length) per part, then the parts; little-endian int32. */
function multipart(wbxml: Uint8Array, parts: Parts): Uint8Array {
  const all = [wbxml, ...parts];
  const header = 4 + all.length * 8;
  const total = header + all.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setInt32(0, all.length, true);
  let offset = header;
  all.forEach((p, i) => {
    view.setInt32(4 + i * 8, offset, true);
    view.setInt32(8 + i * 8, p.length, true);
    out.set(p, offset);
    offset += p.length;
  });
  return out;
}

export function itemOperations(ctx: CommandContext): CommandResult {
  const body = ctx.body;
  if (body?.name !== 'ItemOperations' || kids(body).length === 0) return { tree: IO('ItemOperations', IO('Status', 2)) };
  const parts: Parts | undefined = multipartWanted(ctx) ? [] : undefined;
  const results = kids(body).map((op) => {
    if (op.name === 'Fetch') return fetch(ctx, op, parts);
    if (op.name === 'EmptyFolderContents') return emptyFolder(ctx, op);
    if (op.name === 'Move') return moveConversation(ctx, op);
    return IO('Fetch', IO('Status', 2));
  });
  results.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
  const tree = IO('ItemOperations', IO('Status', 1), IO('Response', results));
  if (!parts) return { tree };
  return { bytes: multipart(encodeEas(tree), parts), contentType: 'application/vnd.ms-sync.multipart' };
}
