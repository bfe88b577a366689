import 'fake-indexeddb/auto';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import {
  FolderType,
  mailContent,
  removeItem,
  requireFolderOfType,
  type Item,
  type Mail,
  type Store as MockStore,
} from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { OutboxPayload, OutgoingMessage } from '../../src/sync/outbox.ts';
import { alice, engineFor, itemIdOf, journaledStore, mockServer, pinVersion, restore } from './support.ts';

const SMALL = { data: { mails: 12, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 0 } } as const;
const bob = { name: 'Bob Example', email: 'bob@example.test' };

const inboxOf = (server: MockServer, login: string): MockStore =>
  requireFolderOfType(server.mock.world.mailboxes.get(login)!, FolderType.Inbox).store;
const sentOf = (server: MockServer, login: string): MockStore =>
  requireFolderOfType(server.mock.world.mailboxes.get(login)!, FolderType.SentItems).store;
const mails = (store: MockStore, subject: string): Mail[] =>
  [...store.items.values()].flatMap((i) => (i.data.kind === 'mail' && i.data.subject === subject ? [i.data] : []));

function mail(accountId: string, subject: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { accountId, to: [bob], cc: [], bcc: [], subject, text: `Body of ${subject}`, attachments: [], ...extra };
}

/** A transport that can be switched off (fetch rejects with a TypeError, as offline). */
function switchable(handle: (r: Request) => Promise<Response>) {
  const net = { online: true, requests: [] as string[] };
  const transport = async (r: Request): Promise<Response> => {
    net.requests.push(new URL(r.url).searchParams.get('Cmd') ?? r.method);
    if (!net.online) throw new TypeError('Failed to fetch');
    return handle(r);
  };
  return { net, transport };
}

async function setup(version?: string) {
  const server = mockServer(SMALL);
  const { store, journal } = await journaledStore();
  const { net, transport } = switchable(version ? pinVersion(server.handle, version) : server.handle);
  const h = engineFor(store, transport);
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  return { server, store, journal, net, ...h, accountId: account.id };
}

/** A synced Inbox mail of alice's: the server's item and the local folder id. */
function anInboxMail(server: MockServer): Item {
  return [...inboxOf(server, 'alice').items.values()].find((i) => i.data.kind === 'mail' && !i.data.meeting)!;
}

describe('outbox', () => {
  it('a mail queued offline waits, then goes out once when online, with its attachment and a copy in Sent Items', async () => {
    const { server, store, net, engine, events, accountId } = await setup();
    net.online = false;
    const subject = 'オフラインで書いたメール';
    const id = await engine.queueMail(
      mail(accountId, subject, { attachments: [{ name: '資料.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('資料') }] }),
    );
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    const waiting = await store.db.get('pending', id);
    expect(waiting).toMatchObject({ kind: 'send', lastError: undefined });
    expect((waiting!.payload as OutboxPayload).state).toBe('queued');
    expect(mails(inboxOf(server, 'bob'), subject)).toHaveLength(0);

    net.online = true;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    const got = mails(inboxOf(server, 'bob'), subject);
    expect(got).toHaveLength(1);
    expect(mailContent(got[0]!).attachments.map((a) => a.name)).toEqual(['資料.txt']);
    expect(mails(sentOf(server, 'alice'), subject)).toHaveLength(1);
    expect(await store.db.get('pending', id)).toBeUndefined();
    expect(events.filter((e) => e.type === 'outbox').map((e) => e.type === 'outbox' && e.state)).toEqual([
      'queued',
      'sending',
      'queued',
      'sending',
      'sent',
    ]);
  });

  it('a lost answer: the retry carries the same ClientId and the server does not send twice', async () => {
    const server = mockServer(SMALL);
    const { store } = await journaledStore();
    let cut = 1;
    const { engine } = engineFor(store, async (r) => {
      const res = await server.handle(r);
      if (r.url.includes('Cmd=SendMail') && cut-- > 0) throw new TypeError('connection reset');
      return res;
    });
    const account = await engine.addAccount(alice);
    await engine.queueMail(mail(account.id, 'Lost answer'));
    expect(await engine.flushOutbox(account.id)).toMatchObject({ ok: true });
    expect(mails(inboxOf(server, 'bob'), 'Lost answer')).toHaveLength(1);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('killed between the send and its answer: after the restart the mail is sent once', async () => {
    const server = mockServer(SMALL);
    let dead = false;
    const { store, journal } = await journaledStore([], () => {
      if (dead) throw new Error('killed');
    });
    const transport = async (r: Request): Promise<Response> => {
      if (dead) throw new Error('killed');
      const res = await server.handle(r);
      if (r.url.includes('Cmd=SendMail')) {
        dead = true; // the process dies with the answer on the wire
        throw new Error('killed');
      }
      return res;
    };
    const first = engineFor(store, transport);
    const account = await first.engine.addAccount(alice);
    await first.engine.queueMail(mail(account.id, 'Across a kill'));
    await first.engine.flushOutbox(account.id).catch(() => undefined);
    expect(mails(inboxOf(server, 'bob'), 'Across a kill')).toHaveLength(1);
    const last = journal.at(-1)![0]!;
    expect(last.op === 'put' && (last.value as { payload: OutboxPayload }).payload.state).toBe('sending');

    const revived = await restore(journal);
    const second = engineFor(revived.store, server.handle);
    expect(await second.engine.flushOutbox(account.id)).toMatchObject({ ok: true });
    expect(mails(inboxOf(server, 'bob'), 'Across a kill')).toHaveLength(1);
    expect(await revived.store.db.getAll('pending')).toEqual([]);
    expect(second.events.some((e) => e.type === 'outbox' && e.state === 'sent')).toBe(true);
  });

  it('a reply goes with SmartReply: the server adds the original; In-Reply-To names it', async () => {
    const { server, store, net, engine, accountId } = await setup();
    const original = anInboxMail(server);
    const folderId = inboxOf(server, 'alice').id;
    const subject = `Re: ${(original.data as Mail).subject}`;
    await engine.queueMail(
      mail(accountId, subject, {
        source: { kind: 'reply', ref: { accountId, itemId: await itemIdOf(store, accountId, folderId, original.id) }, quoted: false },
      }),
    );
    expect(await engine.flushOutbox(accountId)).toMatchObject({ ok: true });
    expect(net.requests).toContain('SmartReply');
    const [got] = mails(inboxOf(server, 'bob'), subject);
    expect(got?.inReplyTo).toBe((original.data as Mail).messageId);
    expect(mailContent(got!).text).toContain('-----Original Message-----');
    expect((original.data as Mail).lastVerb?.verb).toBe(1);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('SmartReply refused (150, the original is gone): SendMail with the original quoted from the local copy', async () => {
    const { server, net, engine, accountId, clock, store } = await setup();
    const original = anInboxMail(server);
    const folderId = inboxOf(server, 'alice').id;
    removeItem(server.mock.world, inboxOf(server, 'alice'), original.id);
    const subject = 'Re: gone';
    await engine.queueMail(
      mail(accountId, subject, {
        text: 'My answer',
        source: { kind: 'reply', ref: { accountId, itemId: await itemIdOf(store, accountId, folderId, original.id) }, quoted: false },
      }),
    );
    clock.slept.length = 0;
    expect(await engine.flushOutbox(accountId)).toMatchObject({ ok: true });
    expect(net.requests.filter((c) => c === 'SmartReply' || c === 'SendMail')).toEqual(['SmartReply', 'SendMail']);
    expect(clock.slept).toEqual([]);
    const got = mails(inboxOf(server, 'bob'), subject);
    expect(got).toHaveLength(1);
    const text = mailContent(got[0]!).text;
    expect(text).toMatch(/^My answer\n\n-----Original Message-----\nFrom: /);
    expect(text).toContain(`Subject: ${(original.data as Mail).subject}`);
  });

  it('SmartReply answered with HTTP 500 at 12.1 (the original is gone): SendMail at once, no back-off, one mail', async () => {
    const { server, net, engine, accountId, clock, store } = await setup('12.1');
    const original = anInboxMail(server);
    const folderId = inboxOf(server, 'alice').id;
    removeItem(server.mock.world, inboxOf(server, 'alice'), original.id);
    const subject = 'Re: gone at 12.1';
    await engine.queueMail(
      mail(accountId, subject, {
        text: 'Answer',
        source: { kind: 'reply', ref: { accountId, itemId: await itemIdOf(store, accountId, folderId, original.id) }, quoted: false },
      }),
    );
    clock.slept.length = 0;
    expect(await engine.flushOutbox(accountId)).toMatchObject({ ok: true });
    expect(net.requests.filter((c) => c === 'SmartReply' || c === 'SendMail')).toEqual(['SmartReply', 'SendMail']);
    expect(clock.slept).toEqual([]);
    expect(mails(inboxOf(server, 'bob'), subject)).toHaveLength(1);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('SmartForward answered with HTTP 500 at 14.1 (SOGo refusing a CollectionId): SendMail at once with the original attached', async () => {
    const server = mockServer(SMALL);
    const { store } = await journaledStore();
    const { net, transport } = switchable(async (r) => {
      if (new URL(r.url).searchParams.get('Cmd') === 'SmartForward') return new Response(null, { status: 500 });
      return server.handle(r);
    });
    const { engine, clock } = engineFor(store, transport);
    const account = await engine.addAccount(alice);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const original = anInboxMail(server);
    const subject = 'Fw: refused by the server';
    await engine.queueMail(
      mail(account.id, subject, {
        text: 'FYI',
        source: {
          kind: 'forward',
          ref: { accountId: account.id, itemId: await itemIdOf(store, account.id, inboxOf(server, 'alice').id, original.id) },
          quoted: false,
        },
      }),
    );
    clock.slept.length = 0;
    expect(await engine.flushOutbox(account.id)).toMatchObject({ ok: true });
    expect(net.requests.filter((c) => c === 'SmartForward' || c === 'SendMail')).toEqual(['SmartForward', 'SendMail']);
    expect(clock.slept).toEqual([]);
    const [got] = mails(inboxOf(server, 'bob'), subject);
    const parsed = await PostalMime.parse(got!.raw!);
    expect(parsed.attachments.some((a) => a.mimeType === 'message/rfc822')).toBe(true);
    expect(mails(inboxOf(server, 'bob'), subject)).toHaveLength(1);
  });

  it('a plain SendMail answered with HTTP 500 is still retried with the back-off', async () => {
    const server = mockServer(SMALL);
    const { store } = await journaledStore();
    let fail = 1;
    const { transport } = switchable(async (r) => {
      if (new URL(r.url).searchParams.get('Cmd') === 'SendMail' && fail-- > 0) return new Response(null, { status: 500 });
      return server.handle(r);
    });
    const { engine, clock } = engineFor(store, transport);
    const account = await engine.addAccount(alice);
    await engine.queueMail(mail(account.id, 'After a 500'));
    clock.slept.length = 0;
    expect(await engine.flushOutbox(account.id)).toMatchObject({ ok: true });
    expect(clock.slept).toEqual([1000]);
    expect(mails(inboxOf(server, 'bob'), 'After a 500')).toHaveLength(1);
  });

  it('12.1 cannot ReplaceMime: a quoted forward goes with SendMail, the original attached as message/rfc822', async () => {
    const { server, net, engine, accountId, store } = await setup('12.1');
    const original = anInboxMail(server);
    const folderId = inboxOf(server, 'alice').id;
    const subject = 'Fw: with the original';
    await engine.queueMail(
      mail(accountId, subject, {
        text: 'See below\n> quoted',
        source: { kind: 'forward', ref: { accountId, itemId: await itemIdOf(store, accountId, folderId, original.id) }, quoted: true },
      }),
    );
    expect(await engine.flushOutbox(accountId)).toMatchObject({ ok: true });
    expect(net.requests).not.toContain('SmartForward');
    const [got] = mails(inboxOf(server, 'bob'), subject);
    const parsed = await PostalMime.parse(got!.raw!);
    expect(parsed.text?.trim()).toBe('See below\n> quoted');
    const attached = parsed.attachments.find((a) => a.mimeType === 'message/rfc822');
    expect(attached).toBeDefined();
    const inner = await PostalMime.parse(attached!.content as ArrayBuffer);
    expect(inner.subject).toBe((original.data as Mail).subject);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('a mail the server refuses for good is marked failed with the reason; the others still go; retry puts it back', async () => {
    const { server, store, engine, accountId, events } = await setup();
    const bad = await engine.queueMail(mail(accountId, 'Nobody', { to: [] }));
    await engine.queueMail(mail(accountId, 'Somebody'));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    const record = await store.db.get('pending', bad);
    expect((record!.payload as OutboxPayload).state).toBe('failed');
    expect(record!.lastError).toMatch(/SendMail status 119/);
    expect(events.some((e) => e.type === 'outbox' && e.id === bad && e.state === 'failed' && /119/.test(e.error ?? ''))).toBe(true);
    expect(mails(inboxOf(server, 'bob'), 'Somebody')).toHaveLength(1);
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true }); // a failed mail is not retried by itself
    expect((await store.db.get('pending', bad))!.attempts).toBe(1);
    await engine.retryMail(accountId, bad);
    expect((await store.db.get('pending', bad))!.payload).toMatchObject({ state: 'queued' });
    expect(await engine.discardMail(accountId, bad)).toBe(true);
    expect(await store.db.getAll('pending')).toEqual([]);
  });
});
