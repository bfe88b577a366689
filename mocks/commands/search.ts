/**
 * Search (MS-ASCMD 2.2.1.16) of the GAL and of the mailbox (Email class).
 */
import { intAt, kid, kids, ns, textAt, textOf, type El } from '../../src/wbxml/tree.ts';
import { atLeast } from '../../src/eas/version.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { mailContent, type Folder, type GalEntry, type Item, type Mail } from '../model.ts';
import { formatAddress, formatAddresses } from '../mime.ts';
import { readRenderOptions, renderMail } from '../render.ts';
import { parseDate } from '../wire.ts';

const S = ns('Search');
const G = ns('GAL');
const A = ns('AirSync');
const E = ns('Email');

/** "first-last" (MS-ASCMD 2.2.3.145.2), default 0-99 for the GAL and the mailbox alike. */
function readRange(options: El | undefined): [number, number] | undefined {
  const text = textAt(options, 'Range') ?? '0-99';
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) > Number(m[2])) return undefined;
  return [Number(m[1]), Number(m[2])];
}

function store(status: number, results: El[] = [], range?: [number, number], total?: number): El {
  return S(
    'Store',
    S('Status', status),
    results,
    range !== undefined && S('Range', `${range[0]}-${range[1]}`),
    total !== undefined && S('Total', total),
  );
}

/** `emptyResult`: a mailbox search with no match answers one empty Result (MS-ASCMD 2.2.3.155.3, mailbox searches only); a GAL search none. */
function page<T>(all: T[], range: [number, number], render: (x: T) => El, emptyResult = false): El {
  const slice = all.slice(range[0], range[1] + 1);
  if (slice.length === 0) return store(1, emptyResult ? [S('Result')] : [], undefined, all.length);
  return store(1, slice.map(render), [range[0], range[0] + slice.length - 1], all.length);
}

// ------------------------------------------------------------------ GAL

/** A GAL entry matches when a name, the alias or the address starts with the query (Exchange's ANR). */
export function galMatches(e: GalEntry, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return false;
  const words = [e.displayName, e.firstName, e.lastName, e.alias, e.email, ...e.displayName.split(/\s+/)];
  return words.some((w) => w.toLowerCase().startsWith(q));
}

/** GAL properties of an entry (GAL.xsd TopLevelSchemaProps), shared with Find. */
export function galProperties(e: GalEntry): El[] {
  return [
    G('DisplayName', e.displayName),
    e.phone !== undefined && G('Phone', e.phone),
    e.office !== undefined && G('Office', e.office),
    e.title !== undefined && G('Title', e.title),
    e.company !== undefined && G('Company', e.company),
    G('Alias', e.alias),
    G('FirstName', e.firstName),
    G('LastName', e.lastName),
    e.homePhone !== undefined && G('HomePhone', e.homePhone),
    e.mobilePhone !== undefined && G('MobilePhone', e.mobilePhone),
    G('EmailAddress', e.email),
  ].filter((x): x is El => x !== false);
}

/** GAL entries matching the query, by display name. */
export function galHits(ctx: CommandContext, query: string): GalEntry[] {
  return ctx.mock.world.gal.filter((e) => galMatches(e, query)).sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The photos Options/Picture asks for (MS-ASCMD 2.2.3.135.3, 14.1+): at most MaxSize bytes each (100 KB at most), MaxPictures in all. */
export interface PictureAsk {
  readonly maxSize: number;
  readonly maxPictures: number;
}

export function readPictureAsk(options: El | undefined, ctx: CommandContext): PictureAsk | undefined {
  const p = options && kid(options, 'Picture');
  if (!p || !atLeast(ctx.version, '14.1')) return undefined;
  return { maxSize: Math.min(intAt(p, 'MaxSize') ?? 102_400, 102_400), maxPictures: intAt(p, 'MaxPictures') ?? Number.POSITIVE_INFINITY };
}

/**
 * The Picture of each result when photos were asked (gal:Picture for Search, in its own
 * namespace for ResolveRecipients): Data for the first MaxPictures photos that fit, else
 * Status 173 no photo, 174 too large, 175 limit reached (MS-ASCMD 2.2.3.104.3, 2.2.3.135.2).
 */
export function pictureOf(ask: PictureAsk | undefined, P = G): (e: GalEntry) => El | false {
  let given = 0;
  return (e) => {
    if (!ask) return false;
    if (!e.picture) return P('Picture', P('Status', 173));
    if (e.picture.length > ask.maxSize) return P('Picture', P('Status', 174));
    if (given >= ask.maxPictures) return P('Picture', P('Status', 175));
    given++;
    return P('Picture', P('Status', 1), P('Data', e.picture));
  };
}

function searchGal(ctx: CommandContext, s: El): El {
  const query = textAt(s, 'Query');
  const options = kid(s, 'Options');
  const range = readRange(options);
  if (query === undefined || !range) return store(2);
  const picture = pictureOf(readPictureAsk(options, ctx));
  return page(galHits(ctx, query), range, (e) => S('Result', S('Properties', galProperties(e), picture(e))));
}

// ------------------------------------------------------------------ mailbox

export interface MailQuery {
  collectionId?: string;
  freeText?: string;
  after?: number;
  before?: number;
  cls?: string;
}

/** Reads And/FreeText/GreaterThan/LessThan/Class/CollectionId (MS-ASCMD 2.2.3.134.2); undefined if unsupported. */
function readMailQuery(query: El): MailQuery | undefined {
  const q: MailQuery = {};
  const visit = (e: El): boolean => {
    for (const c of kids(e)) {
      if (c.name === 'And') {
        if (!visit(c)) return false;
      } else if (c.name === 'Class') q.cls = textOf(c);
      else if (c.name === 'CollectionId') q.collectionId = textOf(c);
      else if (c.name === 'FreeText') q.freeText = textOf(c);
      else if (c.name === 'GreaterThan') q.after = parseDate(textAt(c, 'Value'));
      else if (c.name === 'LessThan') q.before = parseDate(textAt(c, 'Value'));
      else return false;
    }
    return true;
  };
  return visit(query) ? q : undefined;
}

function mailMatches(m: Mail, q: MailQuery): boolean {
  if (q.after !== undefined && m.date <= q.after) return false;
  if (q.before !== undefined && m.date >= q.before) return false;
  if (!q.freeText) return true;
  const needle = q.freeText.toLowerCase();
  const hay = [m.subject, m.from.name, m.from.email, ...m.to.map((a) => `${a.name} ${a.email}`), mailContent(m).text];
  return hay.some((h) => h.toLowerCase().includes(needle));
}

function scope(ctx: CommandContext, q: MailQuery, deep: boolean): [string, Folder][] | undefined {
  const all = [...ctx.mailbox.folders].filter(([, f]) => f.store.cls === 'Email' && !f.shared);
  if (q.collectionId === undefined) return all;
  if (!ctx.mailbox.folders.has(q.collectionId)) return undefined;
  const ids = new Set([q.collectionId]);
  // DeepTraversal: subfolders too (MS-ASCMD 2.2.3.41).
  for (let grew = deep; grew; ) {
    grew = false;
    for (const [id, f] of all) {
      if (!ids.has(f.parentId) || ids.has(id)) continue;
      ids.add(id);
      grew = true;
    }
  }
  return all.filter(([id]) => ids.has(id));
}

/** Mails matching `q` in the folders in scope, newest first; undefined for an unknown CollectionId. */
export function mailboxHits(ctx: CommandContext, q: MailQuery, deep: boolean): [string, Item][] | undefined {
  const folders = scope(ctx, q, deep);
  if (!folders) return undefined;
  const hits: [string, Item][] = [];
  for (const [id, f] of folders) {
    for (const item of f.store.items.values()) if (item.data.kind === 'mail' && mailMatches(item.data, q)) hits.push([id, item]);
  }
  return hits.sort((a, b) => (b[1].data as Mail).date - (a[1].data as Mail).date);
}

function searchMailbox(ctx: CommandContext, s: El): El {
  const options = kid(s, 'Options');
  const range = readRange(options);
  const query = kid(s, 'Query');
  const q = query && readMailQuery(query);
  if (!q || !range) return store(q === undefined && query ? 8 : 2); // 8: query too complex
  if (q.cls !== undefined && q.cls !== 'Email') return store(2);
  const hits = mailboxHits(ctx, q, kid(options ?? s, 'DeepTraversal') !== undefined);
  if (!hits) return store(2);
  const render = readRenderOptions(options, ctx.version);
  const result = ([id, item]: (typeof hits)[number]) =>
    S(
      'Result',
      A('Class', 'Email'),
      S('LongId', item.id),
      A('CollectionId', id),
      S('Properties', headerAddresses(renderMail(item, item.data as Mail, render), item.data as Mail)),
    );
  return page(hits, range, result, true);
}

/**
 * Search results name people as the message header spells them: a non-ASCII display
 * name stays an RFC 2047 encoded-word, as from a server that builds results from IMAP
 * ENVELOPE data (RFC 3501 7.4.2 leaves encoded-words as they are). Sync sends decoded text.
 */
function headerAddresses(props: El[], mail: Mail): El[] {
  const header: Record<string, string> = { From: formatAddress(mail.from), To: formatAddresses(mail.to), Cc: formatAddresses(mail.cc) };
  return props.map((p) => (p && p.ns === 'Email' && header[p.name] !== undefined ? E(p.name, header[p.name] as string) : p));
}

export function search(ctx: CommandContext): CommandResult {
  const s = ctx.body?.name === 'Search' ? kid(ctx.body, 'Store') : undefined;
  if (!s) return { tree: S('Search', S('Status', 2)) };
  const name = (textAt(s, 'Name') ?? '').toLowerCase();
  const result = name === 'gal' ? searchGal(ctx, s) : name === 'mailbox' ? searchMailbox(ctx, s) : store(2);
  return { tree: S('Search', S('Status', 1), S('Response', result)) };
}
