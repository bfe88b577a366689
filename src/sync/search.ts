/**
 * Server searches the screens merge with what the store holds:
 *
 * - The Global Address List with Search (MS-ASCMD 2.2.1.16, store GAL).
 * - The mailbox with Search (store Mailbox: an And of airsync:Class Email, the folder
 *   and FreeText, MS-ASCMD 2.2.3.142.2), or with Find (MS-ASCMD 2.2.1.2) when the
 *   account speaks 16.1 and the server lists Find in OPTIONS (MS-ASHTTP 2.2.4.1.2.2).
 *   Find names results by ServerId; a Search result has a LongId and its folder, and
 *   is matched to the stored copy by folder, received date and subject.
 *
 * Results are plain records; nothing is written to the store.
 */
import { buildFind, parseFind, type FindResult } from '../eas/commands/find.ts';
import { buildItemOperations, itemOperationsStatusText, parseItemOperations, type FetchTarget } from '../eas/commands/itemoperations.ts';
import {
  buildSearch,
  parseSearch,
  searchStatusText,
  type GalEntry,
  type PictureOptions,
  type SearchRange,
  type SearchResult,
  type SearchQuery,
} from '../eas/commands/search.ts';
import { decodeEmail, type Email } from '../eas/items/email.ts';
import { atLeast } from '../eas/version.ts';
import { randomId } from '../store/db.ts';
import type { ItemRecord } from '../store/schema.ts';
import { textAt } from '../wbxml/tree.ts';
import type { AccountRun } from './context.ts';
import { SyncError } from './errors.ts';

export interface GalSearchResult {
  readonly entries: readonly GalEntry[];
  /** How many entries match in all (the server may return fewer). */
  readonly total?: number;
}

export interface MailboxHit {
  /** The folder that holds the mail, when the server says. */
  readonly folderId?: string;
  /** The mail's ServerId: from Find, or from the stored copy a Search result matched. */
  readonly serverId?: string;
  /** The mail is in the local store too (folderId/serverId name it there). */
  readonly local: boolean;
  /** The stored mail's stable id (ItemRecord.id), when it is in the local store. */
  readonly itemId?: string;
  /** Search's id for ItemOperations, SmartReply/SmartForward by LongId (MS-ASCMD 2.2.3.98.3). */
  readonly longId?: string;
  readonly email: Email;
}

export interface MailboxSearchResult {
  readonly hits: readonly MailboxHit[];
  readonly total?: number;
}

export interface MailboxSearchOptions {
  /** One folder (and its subfolders); the whole mailbox when absent. */
  readonly folderId?: string;
  readonly range?: SearchRange;
}

export const DEFAULT_RANGE: SearchRange = { first: 0, last: 49 };

/** At most 36 KB per photo (the limit is 100 KB, MS-ASCMD 2.2.3.105.3) and 20 per answer. */
const GAL_PICTURES: PictureOptions = { maxSize: 36_864, maxPictures: 20 };

/** GAL entries matching `query` (names and addresses starting with it, as the server decides). */
export async function searchGal(run: AccountRun, query: string, range: SearchRange = DEFAULT_RANGE): Promise<GalSearchResult> {
  if (query.trim() === '') return { entries: [] };
  // Photos come with 14.1 (MS-ASCMD 2.2.3.135.3): small ones, for avatars.
  const picture = atLeast(run.session.ctx.version, '14.1') ? GAL_PICTURES : undefined;
  const res = await run.session.run(
    (ctx) => buildSearch({ store: 'GAL', query: query.trim(), range, picture }, ctx),
    parseSearch,
    (r) => r.status,
  );
  check(res.status, res.store?.status);
  const store = res.store;
  return { entries: (store?.results ?? []).flatMap((r) => (r.gal ? [r.gal] : [])), total: store?.total };
}

/** Mail matching `query` on the server, Find on 16.1 servers that offer it, else Search. */
export async function searchMailbox(run: AccountRun, query: string, options: MailboxSearchOptions = {}): Promise<MailboxSearchResult> {
  if (query.trim() === '') return { hits: [] };
  const account = run.session.account;
  const find = atLeast(run.session.ctx.version, '16.1') && (account.serverCommands ?? []).includes('Find');
  return find ? viaFind(run, query.trim(), options) : viaSearch(run, query.trim(), options);
}

async function viaSearch(run: AccountRun, text: string, options: MailboxSearchOptions): Promise<MailboxSearchResult> {
  const terms: SearchQuery[] = [{ kind: 'class', value: 'Email' }];
  if (options.folderId) terms.push({ kind: 'collectionId', value: options.folderId });
  terms.push({ kind: 'freeText', text });
  const res = await run.session.run(
    (ctx) =>
      buildSearch(
        {
          store: 'Mailbox',
          query: { kind: 'and', terms },
          range: options.range ?? DEFAULT_RANGE,
          deepTraversal: options.folderId ? true : undefined,
          bodyPreferences: run.bodies.mail,
        },
        ctx,
      ),
    parseSearch,
    (r) => r.status,
  );
  check(res.status, res.store?.status);
  const store = res.store;
  const hits: MailboxHit[] = [];
  for (const r of store?.results ?? []) if (r.properties) hits.push(await searchHit(run, r));
  return { hits, total: store?.total };
}

async function searchHit(run: AccountRun, r: SearchResult): Promise<MailboxHit> {
  const email = decodeEmail(r.properties as NonNullable<SearchResult['properties']>, run.session.ctx);
  const stored = r.collectionId ? await storedMatch(run, r.collectionId, email) : undefined;
  return { folderId: r.collectionId, serverId: stored?.serverId, local: stored !== undefined, itemId: stored?.id, longId: r.longId, email };
}

/** The stored mail of that folder with the same received date (its sort key) and subject. */
async function storedMatch(run: AccountRun, folderId: string, email: Email): Promise<ItemRecord | undefined> {
  const date = email.dateReceived;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  const key = [run.session.account.id, folderId, date.toISOString()];
  const same = await run.store.db.getAllFromIndex('items', 'byFolderSort', IDBKeyRange.only(key));
  return same.find((i) => i.class === 'Email' && i.data.subject === email.subject);
}

/** Find pages from 0 only (MS-ASCMD 2.2.3.177.2 Status 4): ask from 0 and drop what comes before `first`. */
async function viaFind(run: AccountRun, text: string, options: MailboxSearchOptions): Promise<MailboxSearchResult> {
  const range = options.range ?? DEFAULT_RANGE;
  const res = await run.session.run(
    (ctx) =>
      buildFind(
        {
          searchId: guid(),
          criterion: {
            kind: 'mailbox',
            freeText: text,
            class: 'Email',
            collectionId: options.folderId,
            deepTraversal: options.folderId ? true : undefined,
          },
          range: { first: 0, last: range.last },
        },
        ctx,
      ),
    parseFind,
    (r) => r.status,
  );
  check(res.status, res.response?.status, 'Find');
  const response = res.response;
  const hits: MailboxHit[] = [];
  for (const r of (response?.results ?? []).slice(range.first)) if (r.properties) hits.push(await findHit(run, r));
  return { hits, total: response?.total };
}

async function findHit(run: AccountRun, r: FindResult): Promise<MailboxHit> {
  const props = r.properties as NonNullable<FindResult['properties']>;
  const decoded = decodeEmail(props, run.session.ctx);
  // Find:Preview (MS-ASCMD 2.2.3.136) stands where a body preview would.
  const preview = textAt(props, 'Preview');
  const email = preview !== undefined && !decoded.body ? { ...decoded, body: { type: 1 as const, preview, truncated: true } } : decoded;
  const stored =
    r.collectionId && r.serverId ? await run.store.db.get('items', [run.session.account.id, r.collectionId, r.serverId]) : undefined;
  return { folderId: r.collectionId, serverId: r.serverId, local: stored !== undefined, itemId: stored?.id, email };
}

/** A search hit to open: by its LongId when the server gave one, else by folder and ServerId. */
export type HitTarget = { readonly longId: string } | { readonly folderId: string; readonly serverId: string };

/** A mail that is not in the local store, as the server holds it: its fields and its whole body. */
export interface OpenedHit {
  readonly email: Email;
  /** MS-ASAIRS 2.2.2.41.1 type (1 text, 2 HTML) and the text. */
  readonly body?: { readonly type: number; readonly data: string };
}

/**
 * A search hit the store does not hold, fetched whole with ItemOperations Fetch: by
 * search:LongId (MS-ASCMD 2.2.3.93, 2.2.1.10: "a Search result, by its LongId"), else
 * by ServerId and CollectionId. HTML preferred, plain text else (MS-ASAIRS 2.2.2.8).
 * Nothing is written to the store.
 */
export async function openHit(run: AccountRun, target: HitTarget): Promise<OpenedHit> {
  const fetchTarget: FetchTarget =
    'longId' in target ? { longId: target.longId } : { serverId: target.serverId, collectionId: target.folderId };
  const res = await run.session.run(
    (ctx) =>
      buildItemOperations(
        { operations: [{ kind: 'Fetch', target: fetchTarget, options: { bodyPreferences: [{ type: 2 }, { type: 1 }] } }] },
        ctx,
      ),
    parseItemOperations,
    (r) => r.status,
  );
  const r = res.results[0];
  const code = res.status !== 1 ? res.status : r?.status;
  if (r?.kind !== 'Fetch' || code !== 1 || !r.properties) {
    throw new SyncError(code === 6 ? 'gone' : 'server', `ItemOperations status ${code}: ${itemOperationsStatusText(code ?? 0)}`);
  }
  const email = decodeEmail(r.properties.el, run.session.ctx);
  const body = r.properties.body;
  return { email, body: body?.data !== undefined ? { type: body.type, data: body.data } : undefined };
}

/**
 * Throws for a Search or Find answer that failed. Status 12 (range past the
 * end) is an empty page; 10 (timed out) and 3 (server error) are worth trying again.
 */
function check(top: number, store: number | undefined, cmd: 'Search' | 'Find' = 'Search'): void {
  const code = top !== 1 ? top : store;
  if (code === undefined || code === 1 || code === 12) return;
  const text = cmd === 'Search' ? searchStatusText(code) : `status ${code}`;
  throw new SyncError(code === 10 || code === 3 ? 'busy' : 'server', `${cmd} status ${code}: ${text}`);
}

/** A random (version 4) GUID for Find's SearchId (MS-ASCMD 2.2.3.160). */
function guid(): string {
  const h = randomId(16).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16] as string, 16) % 4] as string;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
