/**
 * Attachments on demand (ItemOperations Fetch by airsyncbase:FileReference,
 * MS-ASCMD 2.2.1.10, 2.2.3.8), kept in the `attachments` store under a size limit.
 *
 * - The bytes are asked for as a multipart answer (MS-ASHTTP 2.2.1.1.2.5): no base64
 *   inflation, and the part is taken as it is. A server that answers inline (Data in
 *   base64) is read too (MS-ASCMD 2.2.3.39.2).
 * - Least recently used first out: a ledger in `meta` holds the size and last use of
 *   every cached attachment, so the cache is measured and trimmed without reading any
 *   attachment's bytes. One write set holds the new record, the evictions and the ledger.
 * - An attachment larger than the whole cache is returned without being kept.
 */
import { buildItemOperations, parseItemOperations, type FetchProperties } from '../eas/commands/itemoperations.ts';
import type { WriteOp } from '../store/db.ts';
import type { AttachmentRecord } from '../store/schema.ts';
import { fromBase64 } from '../wbxml/base64.ts';
import type { AccountRun } from './context.ts';
import { SyncError } from './errors.ts';
import { getItem, putOp } from './local.ts';

/** Default cache size: 50 MB. */
export const DEFAULT_ATTACHMENT_CACHE = 50 * 1024 * 1024;

const LEDGER_KEY = 'attachments:ledger';

/** One cached attachment: [accountId, fileReference, size, lastUsed]. */
type LedgerEntry = readonly [string, string, number, number];

interface Ledger {
  readonly key: typeof LEDGER_KEY;
  readonly value: readonly LedgerEntry[];
}

export interface AttachmentCache {
  /** Bytes the cache may hold. */
  readonly limit: number;
  /** Serializes ledger updates (reads and writes of the ledger happen under it). */
  readonly lock: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** An attachment's bytes: from the cache (its last use noted), else from the server (then cached). */
export async function fetchAttachment(run: AccountRun, cache: AttachmentCache, fileReference: string): Promise<AttachmentRecord> {
  const accountId = run.session.account.id;
  const cached = await run.store.db.get('attachments', [accountId, fileReference]);
  if (cached) {
    await cache.lock(() => touch(run, accountId, fileReference, cached.size));
    return cached;
  }
  const record = await download(run, fileReference);
  await cache.lock(() => keep(run, cache.limit, record));
  return record;
}

/**
 * An inline part of a mail by its Content-ID (the cid: URL of its HTML, RFC 2392):
 * the attachment of the synced item with that ContentId (MS-ASAIRS 2.2.2.14).
 */
export async function fetchInline(
  run: AccountRun,
  cache: AttachmentCache,
  folderId: string,
  serverId: string,
  contentId: string,
): Promise<AttachmentRecord | undefined> {
  const item = await getItem(run.store, run.session.account.id, folderId, serverId);
  const want = contentId.replace(/^<|>$/g, '');
  const att = (item?.class === 'Email' ? item.data : undefined)?.attachments?.find((a) => a.contentId?.replace(/^<|>$/g, '') === want);
  return att ? fetchAttachment(run, cache, att.fileReference) : undefined;
}

/** An attachment's bytes from the cache, else from the server, without caching them (a file a queued mail takes along). */
export async function attachmentBytes(run: AccountRun, fileReference: string): Promise<AttachmentRecord> {
  return (await run.store.db.get('attachments', [run.session.account.id, fileReference])) ?? download(run, fileReference);
}

async function download(run: AccountRun, fileReference: string): Promise<AttachmentRecord> {
  const { result, parts } = await run.session.runMultipart(
    (ctx) => buildItemOperations({ operations: [{ kind: 'Fetch', target: { fileReference } }] }, ctx),
    parseItemOperations,
    (r) => r.status,
  );
  if (result.status !== 1) throw new SyncError('server', `ItemOperations status ${result.status}`);
  const fetched = result.results.find((r) => r.kind === 'Fetch');
  if (fetched?.kind !== 'Fetch' || fetched.status !== 1 || !fetched.properties) {
    throw new SyncError('server', `attachment not available (ItemOperations status ${fetched?.status ?? 'missing'})`);
  }
  const bytes = bytesOf(fetched.properties, parts);
  return {
    accountId: run.session.account.id,
    fileReference,
    contentType: fetched.properties.contentType ?? 'application/octet-stream',
    bytes,
    size: bytes.length,
    lastUsed: run.clock.now(),
  };
}

/** The content: a part of a multipart answer (Part, MS-ASCMD 2.2.3.130), or base64 Data. */
function bytesOf(p: FetchProperties, parts: readonly Uint8Array[]): Uint8Array {
  if (p.part !== undefined) {
    const part = parts[p.part];
    if (!part) throw new SyncError('protocol', `ItemOperations names part ${p.part}, the answer has ${parts.length}`);
    return part.slice();
  }
  return p.data !== undefined ? fromBase64(p.data) : new Uint8Array(0);
}

async function readLedger(run: AccountRun): Promise<LedgerEntry[]> {
  const found = (await run.store.db.get('meta', LEDGER_KEY)) as Ledger | undefined;
  return found ? [...found.value] : [];
}

function ledgerOp(entries: readonly LedgerEntry[]): WriteOp {
  const value: Ledger = { key: LEDGER_KEY, value: entries };
  return putOp('meta', value);
}

async function touch(run: AccountRun, accountId: string, fileReference: string, size: number): Promise<void> {
  const entries = (await readLedger(run)).filter((e) => !(e[0] === accountId && e[1] === fileReference));
  entries.push([accountId, fileReference, size, run.clock.now()]);
  await run.store.commit([ledgerOp(entries)]);
}

/**
 * Stores the record and removes the least recently used others until the cache fits.
 * Entries of accounts that are gone (their records went with the account) are dropped.
 */
async function keep(run: AccountRun, limit: number, record: AttachmentRecord): Promise<void> {
  if (record.size > limit) return;
  const accounts = new Set(await run.store.db.getAllKeys('accounts'));
  const others = (await readLedger(run)).filter((e) => accounts.has(e[0]) && !(e[0] === record.accountId && e[1] === record.fileReference));
  others.sort((a, b) => a[3] - b[3]);
  const ops: WriteOp[] = [putOp('attachments', record)];
  let total = record.size + others.reduce((n, e) => n + e[2], 0);
  while (total > limit && others.length > 0) {
    const [accountId, fileReference, size] = others.shift() as LedgerEntry;
    ops.push({ store: 'attachments', op: 'delete', key: [accountId, fileReference] });
    total -= size;
  }
  await run.store.commit([...ops, ledgerOp([...others, [record.accountId, record.fileReference, record.size, record.lastUsed]])]);
}

/** What the cache holds now, in bytes (from the ledger). */
export async function cachedBytes(run: Pick<AccountRun, 'store'>): Promise<number> {
  const found = (await run.store.db.get('meta', LEDGER_KEY)) as Ledger | undefined;
  return (found?.value ?? []).reduce((n, e) => n + e[2], 0);
}
