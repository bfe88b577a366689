/**
 * The new-mail notification's decision: which mails are news (pure), the watch over a
 * real store (the first sync of an Inbox notifies nothing), the click that brings the
 * app to the mail, and the whole path through the worker's host on the demo server.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../src/store/db.ts';
import { putOp } from '../../src/sync/local.ts';
import type { AccountRecord, FolderRecord, ItemRecord } from '../../src/store/schema.ts';
import { createDemo } from '../../src/demo/demo.ts';
import { DEMO_ACCOUNT } from '../../src/demo/demo-host.ts';
import { createHost } from '../../src/runtime/host.ts';
import {
  advance,
  mailHash,
  mayNotify,
  noticeFor,
  pickNewMail,
  watchNewMail,
  writePrefs,
  type Mark,
  type Notice,
  type SentRecord,
} from '../../src/runtime/new-mail.ts';
import { openAt, type WindowLike } from '../../src/runtime/notice-click.ts';
import { openEngine } from '../../src/runtime/engine-adapter.ts';
import type { NewMailSummary } from '../../src/runtime/engine-client.ts';
import { createSwClient } from '../../src/runtime/sw-client.ts';
import { parseRoute } from '../../src/ui/router.ts';
import { journaledStore } from '../sync/support.ts';
import type { Email } from '../../src/eas/items/email.ts';

const ME = 'alice@example.test';

function mail(
  serverId: string,
  at: string,
  opts: { read?: 0 | 1; from?: string; name?: string; subject?: string; folderId?: string } = {},
): ItemRecord {
  return {
    accountId: 'a1',
    folderId: opts.folderId ?? 'inbox',
    serverId,
    id: `id-${serverId}`,
    class: 'Email',
    data: {
      from: { email: opts.from ?? 'bob@example.test', name: opts.name },
      subject: opts.subject ?? `Subject ${serverId}`,
      to: [],
      cc: [],
      replyTo: [],
    } as unknown as Email,
    sortKey: at,
    read: opts.read ?? 0,
    updatedAt: 0,
  };
}

/** The test's mails have ids `id-<ServerId>`. */
const serverIdOf = (m: NewMailSummary): string => m.ref.itemId.replace(/^id-/, '');

const T1 = '2025-11-25T09:00:00.000Z';
const T2 = '2025-11-25T10:00:00.000Z';
const T3 = '2025-11-25T11:00:00.000Z';

describe('which mails are new', () => {
  const mark: Mark = { key: T2, ids: ['2'] };

  it('takes the unread mails above the mark, newest first', () => {
    const items = [mail('1', T1), mail('2', T2), mail('3', T3), mail('4', T3, { read: 1 }), mail('5', T2)];
    expect(pickNewMail(items, mark, ME, []).map((m) => serverIdOf(m))).toEqual(['3', '5']);
  });

  it('leaves out a mail this device sent to the user himself, not one he sent from elsewhere', () => {
    const sent: SentRecord[] = [{ accountId: 'a1', subject: 'Note to self', at: 0 }];
    const items = [
      mail('3', T3, { from: 'Alice@Example.test', subject: 'note to self ' }),
      mail('4', T3, { from: ME, subject: 'From my phone' }),
    ];
    expect(pickNewMail(items, mark, ME, sent).map((m) => serverIdOf(m))).toEqual(['4']);
    // The same subject from someone else is news.
    expect(pickNewMail([mail('5', T3, { subject: 'Note to self' })], mark, ME, sent)).toHaveLength(1);
    // A send from another account of this device does not hide it.
    expect(pickNewMail(items, mark, ME, [{ ...(sent[0] as SentRecord), accountId: 'a2' }])).toHaveLength(2);
  });

  it('moves the mark past every mail above it, read or not', () => {
    expect(advance(mark, [mail('3', T3, { read: 1 }), mail('6', T3), mail('5', T2)])).toEqual({ key: T3, ids: ['3', '6'] });
    expect(advance(mark, [mail('5', T2)])).toEqual({ key: T2, ids: ['2', '5'] });
    expect(advance(mark, [mail('1', T1)])).toEqual(mark);
  });
});

describe('the notification', () => {
  const one: NewMailSummary = { ref: { accountId: 'a1', itemId: '7:1' }, folderId: 'in/box', from: 'Bob Becker', subject: 'Lunch?' };

  it('names the sender and the subject of one mail, and leads to it', () => {
    const n = noticeFor('a1', 'in/box', [one], 'en') as Notice;
    expect(n).toMatchObject({ title: 'New mail from Bob Becker', body: 'Lunch?', tag: 'new-mail:a1:in/box' });
    expect(parseRoute(n.hash)).toEqual({ name: 'mail', accountId: 'a1', folderId: 'in/box', itemId: '7:1' });
    expect(noticeFor('a1', 'in/box', [{ ...one, subject: undefined }], 'ja')?.body).toBe('(件名なし)');
  });

  it('counts several mails in one notification and leads to the folder', () => {
    const many = ['Bob', 'Carol', 'Dave', 'Erin', 'Bob'].map((from, i) => ({ ...one, from, ref: { ...one.ref, serverId: String(i) } }));
    const n = noticeFor('a1', 'in/box', many, 'en') as Notice;
    expect(n.title).toBe('5 new messages');
    expect(n.body).toBe('Bob, Carol, Dave and 1 more');
    expect(parseRoute(n.hash)).toEqual({ name: 'mail', accountId: 'a1', folderId: 'in/box', serverId: undefined });
    expect(noticeFor('a1', 'in/box', many.slice(0, 2), 'ja')?.title).toBe('新着メッセージ 2 件');
    expect(noticeFor('a1', 'in/box', [], 'en')).toBeUndefined();
  });

  it('needs both the user’s switch and the browser’s permission', () => {
    expect(mayNotify({ enabled: true, lang: 'en' }, 'granted')).toBe(true);
    expect(mayNotify({ enabled: true, lang: 'en' }, 'default')).toBe(false);
    expect(mayNotify({ enabled: false, lang: 'en' }, 'granted')).toBe(false);
  });

  it('a click focuses an open tab of the app and tells it the route, or opens one', async () => {
    const posted: unknown[] = [];
    const tab = (url: string, focused = false): WindowLike & { focusedNow: boolean } => ({
      url,
      focused,
      focusedNow: false,
      postMessage: (m) => posted.push([url, m]),
      async focus() {
        this.focusedNow = true;
      },
    });
    const opened: string[] = [];
    const other = tab('https://elsewhere.test/', true);
    const app = tab('https://app.test/#/calendar');
    await openAt(
      { matchAll: async () => [other, app], openWindow: async (u) => opened.push(u) },
      'https://app.test/',
      mailHash('a', 'f', 's'),
    );
    expect(posted).toEqual([['https://app.test/#/calendar', { kind: 'open', hash: '#/mail/a/f/s' }]]);
    expect([app.focusedNow, other.focusedNow, opened]).toEqual([true, false, []]);
    await openAt({ matchAll: async () => [other], openWindow: async (u) => opened.push(u) }, 'https://app.test/', '#/mail/a/f');
    expect(opened).toEqual(['https://app.test/#/mail/a/f']);
  });
});

describe('the watch over the store', () => {
  const inbox: FolderRecord = {
    accountId: 'a1',
    serverId: 'inbox',
    parentId: '0',
    displayName: 'Inbox',
    type: 2,
    class: 'Email',
    syncKey: '1',
    enabled: true,
    status: { kind: 'idle' },
    count: 0,
    unread: 0,
  };
  const archive: FolderRecord = { ...inbox, serverId: 'arch', displayName: 'Archive', type: 12 };

  async function setup() {
    const { store } = await journaledStore();
    await store.commit([putOp('accounts', { id: 'a1', email: ME } as AccountRecord), putOp('folders', inbox), putOp('folders', archive)]);
    const found: string[][] = [];
    const watch = watchNewMail(store, (_a, _f, mails) => void found.push(mails.map((m) => serverIdOf(m))));
    const arrive = async (...items: ItemRecord[]) => {
      await store.commit(items.map((i) => putOp('items', i)));
      for (const folderId of new Set(items.map((i) => i.folderId))) {
        watch.onSyncEvent({ type: 'changes', accountId: 'a1', folderId, added: items.length, changed: 0, deleted: 0 });
      }
    };
    const done = (folderId = 'inbox') => watch.onSyncEvent({ type: 'progress', accountId: 'a1', folderId, count: 0, done: true });
    return { watch, found, arrive, done };
  }

  it('notifies nothing for the first sync of an Inbox, then each incremental batch once', async () => {
    const { watch, found, arrive, done } = await setup();
    await arrive(mail('1', T1), mail('2', T2)); // first sync, batch 1
    watch.onSyncEvent({ type: 'progress', accountId: 'a1', folderId: 'inbox', count: 2, done: false });
    await arrive(mail('3', T1)); // first sync, last batch
    done();
    await watch.settled();
    expect(found).toEqual([]);

    await arrive(mail('4', T3), mail('5', T3), mail('6', T3, { read: 1 }));
    done();
    await watch.settled();
    expect(found).toEqual([['4', '5']]);
    await arrive(mail('6', T3, { read: 0 })); // changed, not new: already past the mark
    await watch.settled();
    expect(found).toHaveLength(1);
  });

  it('ignores folders other than the Inbox, and mails this device sent to the user', async () => {
    const { watch, found, arrive, done } = await setup();
    done();
    done('arch');
    await watch.settled();
    await arrive(mail('8', T3, { folderId: 'arch' }));
    await watch.sent({ accountId: 'a1', to: [{ email: ME }], cc: [], bcc: [], subject: 'Reminder', text: '', attachments: [] });
    await arrive(mail('9', T3, { from: ME, subject: 'Reminder' }));
    await watch.settled();
    expect(found).toEqual([]);
  });
});

/** What the new-mail watch keeps of one account in its own database. */
async function notifyRecords(accountId: string): Promise<{ marks: string[]; sent: string[] }> {
  const d = await openDB('eas-pwa-notify');
  const keys = (await d.getAllKeys('kv')).map(String);
  const sent = ((await d.get('kv', 'sent')) ?? []) as SentRecord[];
  d.close();
  return {
    marks: keys.filter((k) => k.startsWith(`mark:${accountId}:`)),
    sent: sent.filter((r) => r.accountId === accountId).map((r) => r.subject),
  };
}

describe('through the worker’s host on the demo server', () => {
  beforeAll(() => {
    vi.stubGlobal('navigator', { onLine: true });
    vi.stubGlobal('addEventListener', () => undefined);
  });
  afterAll(() => vi.unstubAllGlobals());

  it('shows one notification for new mail after the initial sync, none when switched off', async () => {
    const { store } = await journaledStore();
    const demo = createDemo({ dbName: randomId() });
    const shown: Notice[] = [];
    const host = createHost({
      open: async ({ onSyncEvent }) => openEngine({ store, transport: (r) => demo.handle(r), onSyncEvent }),
      broadcast: () => undefined,
      online: () => true,
      requestBackgroundSync: async () => undefined,
      demo: async () => demo,
      showNotice: async (n) => void shown.push(n),
      permission: () => 'granted',
    });
    const worker = { postMessage: (m: unknown, t: Transferable[]) => void host.handle(structuredClone(m), t[0] as MessagePort) };
    const client = createSwClient(async () => worker as unknown as ServiceWorker);
    await writePrefs({ enabled: true, lang: 'en' });
    const account = await client.addAccount({
      ...DEMO_ACCOUNT,
      server: 'https://example.test',
      ssl: true,
      user: 'alice',
      domain: 'example.test',
      classes: { Email: true, Calendar: false, Contacts: false, Tasks: false },
    });
    await client.step('sync');
    expect(await store.db.count('items')).toBeGreaterThan(50);
    expect(shown).toEqual([]);

    await client.demo('new-mail'); // the host syncs by itself afterwards
    await client.step('sync');
    expect(shown).toHaveLength(1);
    expect(shown[0]?.title).toMatch(/^New mail from \S/);
    expect(shown[0]?.hash).toMatch(new RegExp(`^#/mail/${account.id}/`));

    await writePrefs({ enabled: false, lang: 'en' });
    await client.demo('new-mail');
    await client.step('sync');
    expect(shown).toHaveLength(1);

    // Removing the account takes its Inbox marks and the subjects it sent along.
    await client.sendMail({
      accountId: account.id,
      to: [{ email: 'alice@example.test' }],
      cc: [],
      bcc: [],
      subject: 'Note to self',
      text: '',
      attachments: [],
    });
    expect(await notifyRecords(account.id)).not.toEqual({ marks: [], sent: [] });
    await client.removeAccount(account.id);
    expect(await notifyRecords(account.id)).toEqual({ marks: [], sent: [] });
  }, 60_000);
});
