/**
 * The content oracle against SOGo 5.8: after a full sync the app's store equals what a
 * fresh device gets, field by field, and a mail flagged and read over IMAP by another
 * client (dovecot behind SOGo) keeps its subject, sender and body in the store.
 *
 * What SOGo sends for that change (recorded from the wire by this test, SOGo 5.8, EAS 14.1):
 * a Change whose ApplicationData is the WHOLE mail again: To, DisplayTo, From, Subject,
 * ThreadTopic, DateReceived, Importance, Read, MessageClass, ContentClass, ReplyTo,
 * InternetCPID, Body, Flag, Categories, ConversationId, LastVerbExecuted, NativeBodyType;
 * not only the changed properties as Exchange does. Either shape
 * must leave the mail whole; the mock sends the partial one (mocks/render.ts renderChange).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import type { Email } from '../../src/eas/items/email.ts';
import { decodeEas } from '../../src/eas/wbxml.ts';
import { openStore, randomId, type Store } from '../../src/store/db.ts';
import { createEngine, type Engine } from '../../src/sync/engine.ts';
import type { DumpLine } from '../../src/sync/dump.ts';
import { kid, kids, path, type El } from '../../src/wbxml/tree.ts';
import { assertSame, contentOracle } from '../support/oracle.ts';
import { pinnedTransport } from './support/client.ts';
import { withImap } from './support/imap.ts';
import { ALICE, SOGO_URL, reseed } from './support/peer.ts';

const setup = { email: ALICE.email, password: ALICE.password, server: SOGO_URL, userName: ALICE.login, defaultDomain: null };

/**
 * SOGo 5.8 fills the unused transition dates of a Timezone with no daylight saving time
 * (StandardDate.Month 0, MS-ASDTYPE 2.7.6) with whatever was in memory (resync.test.ts):
 * such a Timezone is noise, not content.
 */
function noise(line: DumpLine, field?: string): boolean {
  const tz = line.fields['Timezone'] as { StandardDate?: { Month?: number } } | undefined;
  return field === 'Timezone' && (tz?.StandardDate?.Month ?? 0) === 0;
}

/** Every Sync response's server Changes, as element trees (what SOGo really sends). */
const changes: El[] = [];
function recording(): (r: Request) => Promise<Response> {
  const inner = pinnedTransport('14.1');
  return async (request) => {
    const res = await inner(request);
    if (!request.url.includes('Cmd=Sync') || res.status !== 200) return res;
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > 0) {
      for (const c of kids(path(decodeEas(bytes), 'Collections') ?? { ns: 'AirSync', name: 'x', children: [] }, 'Collection')) {
        changes.push(...kids(kid(c, 'Commands') ?? { ns: 'AirSync', name: 'x', children: [] }, 'Change'));
      }
    }
    return new Response(bytes.length > 0 ? bytes : null, { status: res.status, headers: res.headers });
  };
}

describe('the store equals SOGo, field by field', () => {
  let store: Store;
  let engine: Engine;
  let accountId: string;

  beforeAll(async () => {
    await reseed();
    store = await openStore({ name: `interop-content-${randomId(6)}` });
    engine = createEngine({ store, transport: recording(), userAgent: 'eas-pwa-interop' });
    accountId = (await engine.addAccount(setup)).id;
    const report = await engine.syncAccount(accountId);
    expect(report).toMatchObject({ ok: true, folderErrors: [] });
  }, 300_000);
  afterAll(() => store?.close());

  it('after the full sync: every item, every field, as a fresh device gets it', async () => {
    const result = await contentOracle(store, accountId, pinnedTransport('14.1'), setup, { skip: noise });
    assertSame(result, 'SOGo 14.1');
    expect(result.items).toBeGreaterThan(20);
  }, 300_000);

  it('a mail flagged and read over IMAP by another client keeps its subject, sender and body', async () => {
    const inbox = (await store.db.getAll('folders')).find((f) => f.accountId === accountId && f.type === 2)!;
    const mails = await store.db.getAll('items', IDBKeyRange.bound([accountId, inbox.serverId], [accountId, inbox.serverId, []]));
    const target = mails.find((m) => {
      const d = m.data as Email;
      return (
        !d.read &&
        !d.flag?.status &&
        /^[\x20-\x7e]+$/.test(d.subject ?? '') &&
        mails.filter((o) => (o.data as Email).subject === d.subject).length === 1
      );
    });
    if (!target) throw new Error('no unread, unflagged mail with a unique ASCII subject in the seeded Inbox');
    const before = target.data as Email;
    await withImap(ALICE, async (imap) => {
      await imap.run('SELECT INBOX');
      const found = await imap.run(`UID SEARCH SUBJECT "${before.subject!.replace(/["\\]/g, '')}"`);
      const uids = found.untagged
        .join(' ')
        .replace(/^.*SEARCH/, '')
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      expect(uids).toHaveLength(1);
      await imap.run(`UID STORE ${uids[0]} +FLAGS (\\Seen \\Flagged)`);
    });
    changes.length = 0;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true, folderErrors: [] });
    const after = (await store.db.get('items', [accountId, inbox.serverId, target.serverId]))?.data as Email;
    expect(after.subject).toBe(before.subject);
    expect(after.from).toEqual(before.from);
    expect(after.to).toEqual(before.to);
    expect(after.body).toEqual(before.body);
    expect(after.read).toBe(true);
    expect(after.flag?.status).toBe(2);
    // What SOGo sent for it: recorded, and the header comment says what it is.
    const change = changes.find((c) => kid(c, 'ServerId')?.children[0] === target.serverId);
    expect(change).toBeDefined();
    const names = kids(kid(change!, 'ApplicationData')!).map((e) => e.name);
    console.log(`SOGo 5.8 Change for a mail flagged and read over IMAP: ${names.join(', ')}`);
    expect(names).toEqual(expect.arrayContaining(['Read', 'Flag', 'Subject', 'From', 'Body']));
    assertSame(await contentOracle(store, accountId, pinnedTransport('14.1'), setup, { skip: noise }), 'SOGo after the IMAP change');
  }, 300_000);
});
