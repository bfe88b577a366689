/**
 * Reads of the store, one copy for the engine (src/sync/local.ts, which keeps its
 * one-transaction readRound) and the screens (src/ui/data/read.ts). Lists of one folder
 * go through the `byFolderSort` index in pages, so a folder of 100,000 mails is never
 * loaded whole.
 */
import { accountRange, folderRange, type Db } from './db.ts';
import type { AccountRecord, AttachmentRecord, BodyRecord, FolderRecord, ItemOf, ItemRecord, PendingRecord } from './schema.ts';
import { draftKey, draftRange, serverDrafts, type LocalDraft } from './drafts.ts';

/** An item by its stable id (ItemRecord.id). */
export interface ItemRef {
  readonly accountId: string;
  readonly itemId: string;
}

/** Where an item is on the server now (an ItemRecord is one). */
export interface ItemPlace {
  readonly accountId: string;
  readonly folderId: string;
  readonly serverId: string;
}

export async function listAccounts(db: Db): Promise<AccountRecord[]> {
  const all = await db.getAll('accounts');
  return all.sort((a, b) => a.createdAt - b.createdAt);
}

export async function listFolders(db: Db, accountId: string): Promise<FolderRecord[]> {
  return db.getAll('folders', accountRange(accountId));
}

export async function listAllFolders(db: Db): Promise<FolderRecord[]> {
  return db.getAll('folders');
}

/** The item by its stable id, wherever it is now. */
export function getItem(db: Db, ref: ItemRef): Promise<ItemRecord | undefined> {
  return db.getFromIndex('items', 'byId', [ref.accountId, ref.itemId]);
}

export function getBody(db: Db, place: ItemPlace): Promise<BodyRecord | undefined> {
  return db.get('bodies', [place.accountId, place.folderId, place.serverId]);
}

export function getAttachment(db: Db, accountId: string, fileReference: string): Promise<AttachmentRecord | undefined> {
  return db.get('attachments', [accountId, fileReference]);
}

export async function listPending(db: Db, accountId?: string): Promise<PendingRecord[]> {
  return accountId === undefined ? db.getAll('pending') : db.getAllFromIndex('pending', 'byAccount', accountId);
}

/** The account's queue, oldest first (ids increase with time). */
export async function listPendingOldestFirst(db: Db, accountId: string): Promise<PendingRecord[]> {
  return oldestFirst(await listPending(db, accountId));
}

export const oldestFirst = (queue: PendingRecord[]): PendingRecord[] => queue.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));

/** The index range of one folder, every sort key. */
export function folderSortRange(accountId: string, folderId: string): IDBKeyRange {
  return IDBKeyRange.bound([accountId, folderId, ''], [accountId, folderId, []]);
}

export function countFolderItems(db: Db, accountId: string, folderId: string): Promise<number> {
  return db.countFromIndex('items', 'byFolderSort', folderSortRange(accountId, folderId));
}

/** Every item of a folder (calendar, contacts, tasks: small folders), in sort-key order. */
export function listFolderItems(db: Db, accountId: string, folderId: string): Promise<ItemRecord[]> {
  return db.getAllFromIndex('items', 'byFolderSort', folderSortRange(accountId, folderId));
}

/** Where a page ends, so the next one starts right after it without counting from 0. */
export interface PageAnchor {
  readonly sortKey: string;
  readonly primaryKey: [string, string, string];
}

export interface Page {
  readonly items: ItemRecord[];
  /** The last row's position, to continue from (undefined when the page is empty). */
  readonly end?: PageAnchor;
}

/**
 * One page of a folder, newest first (index order reversed). From an anchor the cursor
 * jumps straight to it (continuePrimaryKey); without one it skips `offset` rows with
 * advance(), which the browser does inside the index without reading the values.
 */
export async function readPage(
  db: Db,
  accountId: string,
  folderId: string,
  from: { offset: number } | { after: PageAnchor },
  size: number,
): Promise<Page> {
  const tx = db.transaction('items', 'readonly');
  const index = tx.store.index('byFolderSort');
  let cursor = await index.openCursor(folderSortRange(accountId, folderId), 'prev');
  if (cursor && 'after' in from) {
    const a = from.after;
    const target: [string, string, string] = [accountId, folderId, a.sortKey];
    // Going backwards, continuePrimaryKey may only move down (a DataError otherwise): the
    // anchor can be at or above the first row when newer rows were deleted meanwhile.
    if (compareRow(cursor.key, cursor.primaryKey, target, a.primaryKey) > 0) {
      cursor = await cursor.continuePrimaryKey(target, a.primaryKey);
    }
    // It stops at the anchor itself when the anchor still exists: step past it.
    if (cursor && compareRow(cursor.key, cursor.primaryKey, target, a.primaryKey) === 0) cursor = await cursor.continue();
  } else if (cursor && 'offset' in from && from.offset > 0) {
    cursor = await cursor.advance(from.offset);
  }
  const items: ItemRecord[] = [];
  while (cursor && items.length < size) {
    items.push(cursor.value);
    cursor = await cursor.continue();
  }
  const last = items[items.length - 1];
  await tx.done;
  return { items, end: last ? { sortKey: last.sortKey, primaryKey: [last.accountId, last.folderId, last.serverId] } : undefined };
}

function compareRow(key: IDBValidKey, primaryKey: IDBValidKey, anchorKey: IDBValidKey, anchorPrimaryKey: IDBValidKey): number {
  return indexedDB.cmp(key, anchorKey) || indexedDB.cmp(primaryKey, anchorPrimaryKey);
}

/**
 * Local mail search: subject, sender and preview of the newest mails of the account,
 * scanning at most `limit` items so that a large mailbox answers quickly.
 */
export async function searchLocalMail(
  db: Db,
  accountId: string,
  folderIds: readonly string[],
  query: string,
  limit = 20_000,
): Promise<ItemRecord[]> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits: ItemRecord[] = [];
  let scanned = 0;
  for (const folderId of folderIds) {
    let cursor = await db.transaction('items').store.index('byFolderSort').openCursor(folderSortRange(accountId, folderId), 'prev');
    while (cursor && scanned < limit && hits.length < 200) {
      scanned++;
      if (mailText(cursor.value.data).includes(q)) hits.push(cursor.value);
      cursor = await cursor.continue();
    }
  }
  return hits.sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
}

function mailText(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const d = data as { subject?: string; from?: { name?: string; email?: string }; body?: { preview?: string } };
  return [d.subject, d.from?.name, d.from?.email, d.body?.preview].filter(Boolean).join(' ').toLowerCase();
}

/** Drafts kept on this device (src/store/drafts.ts), newest first; one account's, or all. */
export async function listDrafts(db: Db, accountId?: string): Promise<LocalDraft[]> {
  const [lower, upper] = draftRange(accountId);
  const all = await db.getAll('meta', IDBKeyRange.bound(lower, upper));
  return all.map((m) => m.value as LocalDraft).sort((a, b) => b.savedAt - a.savedAt);
}

export async function getDraft(db: Db, accountId: string, id: string): Promise<LocalDraft | undefined> {
  return (await db.get('meta', draftKey(accountId, id)))?.value as LocalDraft | undefined;
}

/** The account's Drafts folder when its drafts sync with the server (16.x, store/drafts.ts serverDrafts). */
export async function serverDraftsFolder(db: Db, accountId: string): Promise<FolderRecord | undefined> {
  const account = await db.get('accounts', accountId);
  return account && serverDrafts(account, await listFolders(db, accountId));
}

/** At 16.x the mails of the account's Drafts folder, newest first; else none. */
export async function listServerDrafts(db: Db, accountId: string): Promise<ItemOf<'Email'>[]> {
  const folder = await serverDraftsFolder(db, accountId);
  if (!folder) return [];
  const items = await db.getAll('items', folderRange(accountId, folder.serverId));
  return items
    .filter((i): i is ItemOf<'Email'> => i.class === 'Email')
    .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
}
