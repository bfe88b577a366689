/**
 * New mail, for the notification the user asked for in the settings.
 *
 * Where the engine runs (the service worker, or the page without one) a watch hears the
 * engine's events. For each Inbox it keeps a high-water mark: the newest received date
 * it has seen, with the ServerIds received at that very instant. The mark is set when
 * the folder's first sync completes (that sync notifies nothing); after that, each
 * `changes` event with additions looks at the items above the mark: the unread ones,
 * minus the mails this device sent to the user himself, are new mail. The marks, the
 * recent sends and the user's choice live in their own small IndexedDB database, so a
 * restarted worker goes on from where it was and the worker can read the page's choice.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Email } from '../eas/items/email.ts';
import type { Store } from '../store/db.ts';
import type { ItemOf, ItemRecord } from '../store/schema.ts';
import type { SyncEvent } from '../sync/events.ts';
import type { NewMailSummary, OutgoingMail } from './engine-client.ts';
import { enNotices, jaNotices } from '../i18n/notices.ts';

/** MS-ASCMD 2.2.3.186.3 Type: 2 is the default Inbox. */
const INBOX_TYPE = 2;
/** Sends remembered to recognise their copy arriving in the Inbox. */
const SENT_KEEP_MS = 3 * 86_400_000;
const SENT_KEEP_COUNT = 50;
/** Senders named in the body of a grouped notification. */
const MAX_NAMED = 3;

/** The newest received date seen in a folder, and the items received at exactly that time. */
export interface Mark {
  readonly key: string;
  readonly ids: readonly string[];
}

export interface SentRecord {
  readonly accountId: string;
  readonly subject: string;
  readonly at: number;
}

export interface NotifyPrefs {
  /** The user switched the notification on (the browser's permission is checked apart). */
  readonly enabled: boolean;
  readonly lang: 'en' | 'ja';
}

/** What the notification shows, and where a click on it leads (a hash route). */
export interface Notice {
  readonly title: string;
  readonly body: string;
  readonly tag: string;
  readonly hash: string;
  /** No sound or vibration (a push that found nothing new). */
  readonly silent?: boolean;
}

// ---------------------------------------------------------------- the decision (pure)

const norm = (s: string | undefined): string => (s ?? '').trim().toLowerCase();

/** A mail this device sent (its copy came back to the sender's own Inbox). */
export function sentHere(mail: Email, accountId: string, ownAddress: string, sent: readonly SentRecord[]): boolean {
  if (norm(mail.from?.email) !== norm(ownAddress)) return false;
  return sent.some((s) => s.accountId === accountId && norm(s.subject) === norm(mail.subject));
}

const above =
  (mark: Mark) =>
  (i: ItemRecord): boolean =>
    i.sortKey > mark.key || (i.sortKey === mark.key && !mark.ids.includes(i.serverId));

/** The mark after `items` (all of them, read or not, move it). */
export function advance(mark: Mark, items: readonly ItemRecord[]): Mark {
  const newer = items.filter(above(mark));
  const key = newer.reduce((k, i) => (i.sortKey > k ? i.sortKey : k), mark.key);
  const ids = [...(key === mark.key ? mark.ids : []), ...newer.filter((i) => i.sortKey === key).map((i) => i.serverId)];
  return { key, ids };
}

/**
 * The new mail among a folder's items above the mark: unread, not sent by this device
 * to the user himself; the newest first.
 */
export function pickNewMail(items: readonly ItemRecord[], mark: Mark, ownAddress: string, sent: readonly SentRecord[]): NewMailSummary[] {
  return items
    .filter(above(mark))
    .filter((i): i is ItemOf<'Email'> => i.class === 'Email')
    .filter((i) => i.read === 0 && !sentHere(i.data, i.accountId, ownAddress, sent))
    .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0))
    .map((i) => summary(i));
}

function summary(i: ItemOf<'Email'>): NewMailSummary {
  const mail = i.data;
  return {
    ref: { accountId: i.accountId, itemId: i.id },
    folderId: i.folderId,
    from: mail.from?.name || mail.from?.email,
    subject: mail.subject,
  };
}

/** Whether a notification may be shown: the user's switch and the browser's permission. */
export function mayNotify(prefs: NotifyPrefs, permission: string): boolean {
  return prefs.enabled && permission === 'granted';
}

/** The app's route to a mail or a folder (the `#/mail/...` form of src/ui/router.ts). */
export function mailHash(accountId: string, folderId: string, itemId?: string): string {
  return (
    '#/mail/' +
    [accountId, folderId, itemId]
      .filter((x): x is string => x !== undefined)
      .map(encodeURIComponent)
      .join('/')
  );
}

const fill = (text: string, params: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (m, k: string) => String(params[k] ?? m));

/** One notification for a batch of new mail: the mail itself, or "N new messages". */
export function noticeFor(
  accountId: string,
  folderId: string,
  mails: readonly NewMailSummary[],
  lang: NotifyPrefs['lang'],
): Notice | undefined {
  const dict = lang === 'ja' ? jaNotices : enNotices;
  const first = mails[0];
  if (!first) return undefined;
  const tag = `new-mail:${accountId}:${folderId}`;
  if (mails.length === 1) {
    return {
      title: fill(dict['settings.newMail'], { from: first.from ?? '' }),
      body: first.subject || dict['notify.noSubject'],
      tag,
      hash: mailHash(accountId, first.folderId, first.ref.itemId),
    };
  }
  const names = [...new Set(mails.map((m) => m.from).filter((f): f is string => !!f))];
  const more = names.length > MAX_NAMED ? fill(dict['notify.andMore'], { count: names.length - MAX_NAMED }) : '';
  return {
    title: fill(dict['notify.many'], { count: mails.length }),
    body: names.slice(0, MAX_NAMED).join(', ') + more,
    tag,
    hash: mailHash(accountId, folderId),
  };
}

// ---------------------------------------------------------------- the database

interface NotifyDb extends DBSchema {
  kv: { key: string; value: unknown };
}

const DB = 'eas-pwa-notify';
let opened: Promise<IDBPDatabase<NotifyDb>> | undefined;
const db = (): Promise<IDBPDatabase<NotifyDb>> =>
  (opened ??= openDB<NotifyDb>(DB, 1, {
    upgrade: (d) => void d.createObjectStore('kv'),
  }));

const markKey = (accountId: string, folderId: string): string => `mark:${accountId}:${folderId}`;

export async function readPrefs(): Promise<NotifyPrefs> {
  const v = (await (await db()).get('kv', 'prefs')) as Partial<NotifyPrefs> | undefined;
  return { enabled: v?.enabled === true, lang: v?.lang === 'ja' ? 'ja' : 'en' };
}

/** The page's settings, for the worker to read. */
export async function writePrefs(prefs: NotifyPrefs): Promise<void> {
  await (await db()).put('kv', prefs, 'prefs');
}

async function readSent(): Promise<SentRecord[]> {
  return ((await (await db()).get('kv', 'sent')) as SentRecord[] | undefined) ?? [];
}

async function rememberSent(mail: OutgoingMail, now: number): Promise<void> {
  const kept = (await readSent()).filter((s) => now - s.at < SENT_KEEP_MS).slice(-(SENT_KEEP_COUNT - 1));
  await (await db()).put('kv', [...kept, { accountId: mail.accountId, subject: mail.subject, at: now }], 'sent');
}

/** An account removed: its Inbox marks and the subjects it sent go with it (the prefs are the device's). */
export async function forgetAccount(accountId: string): Promise<void> {
  const d = await db();
  const prefix = markKey(accountId, '');
  await d.delete('kv', IDBKeyRange.bound(prefix, `${prefix}\uffff`));
  const kept = (await readSent()).filter((s) => s.accountId !== accountId);
  await d.put('kv', kept, 'sent');
}

// ---------------------------------------------------------------- the watch

export interface NewMailWatch {
  onSyncEvent(e: SyncEvent): void;
  /** A mail this device is sending: its copy in the user's own Inbox is not news. */
  sent(mail: OutgoingMail): Promise<void>;
  /** Resolves when the events heard so far are handled. */
  settled(): Promise<void>;
}

export type NewMailFound = (accountId: string, folderId: string, mails: readonly NewMailSummary[]) => void | Promise<void>;

export function watchNewMail(store: Store, found: NewMailFound, now: () => number = Date.now): NewMailWatch {
  // One event at a time, in the order the engine emitted them.
  let tail: Promise<void> = Promise.resolve();
  const queue = (work: () => Promise<void>) => {
    tail = tail.then(work).catch(() => undefined);
  };

  const isInbox = async (accountId: string, folderId: string) =>
    (await store.db.get('folders', [accountId, folderId]))?.type === INBOX_TYPE;

  const range = (accountId: string, folderId: string, from: string) =>
    IDBKeyRange.bound([accountId, folderId, from], [accountId, folderId, '\uffff']);

  /** The end of a folder's first sync: the mark starts at its newest mail. */
  async function baseline(accountId: string, folderId: string): Promise<void> {
    const d = await db();
    if ((await d.get('kv', markKey(accountId, folderId))) || !(await isInbox(accountId, folderId))) return;
    const newest = await store.db
      .transaction('items')
      .store.index('byFolderSort')
      .openCursor(range(accountId, folderId, ''), 'prev');
    const key = newest?.value.sortKey ?? '';
    const atKey = key ? await store.db.getAllFromIndex('items', 'byFolderSort', IDBKeyRange.only([accountId, folderId, key])) : [];
    await d.put('kv', { key, ids: atKey.map((i) => i.serverId) } satisfies Mark, markKey(accountId, folderId));
  }

  async function check(accountId: string, folderId: string): Promise<void> {
    const d = await db();
    const mark = (await d.get('kv', markKey(accountId, folderId))) as Mark | undefined;
    if (!mark || !(await isInbox(accountId, folderId))) return; // no mark: the first sync is still running
    const items = await store.db.getAllFromIndex('items', 'byFolderSort', range(accountId, folderId, mark.key));
    const own = (await store.db.get('accounts', accountId))?.email ?? '';
    const mails = pickNewMail(items, mark, own, await readSent());
    await d.put('kv', advance(mark, items), markKey(accountId, folderId));
    if (mails.length > 0) await found(accountId, folderId, mails);
  }

  return {
    onSyncEvent(e) {
      if (e.type === 'changes' && e.added > 0) queue(() => check(e.accountId, e.folderId));
      else if (e.type === 'progress' && e.done) queue(() => baseline(e.accountId, e.folderId));
    },
    sent: (mail) => rememberSent(mail, now()),
    settled: () => tail,
  };
}
