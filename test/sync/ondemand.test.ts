/**
 * What the engine fetches when the user asks: whole bodies, attachments (cached with a
 * size limit), inline cid: parts, and server searches (GAL, mailbox by Search and Find).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, mailContent, requireFolderOfType, type Mail, type MailAttachment } from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { Email } from '../../src/eas/items/email.ts';
import { cachedBytes } from '../../src/sync/attachments.ts';
import { alice, engineFor, journaledStore, mockServer, pinVersion } from './support.ts';

const DATA = { data: { mails: 60, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 30 } } as const;

async function setup(extra: { version?: string; cache?: number } = {}) {
  const server = mockServer(DATA);
  const { store } = await journaledStore();
  const requests: Request[] = [];
  const handle = extra.version ? pinVersion(server.handle, extra.version) : server.handle;
  const h = engineFor(
    store,
    async (r) => {
      requests.push(r.clone());
      return handle(r);
    },
    { attachmentCacheBytes: extra.cache },
  );
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  requests.length = 0;
  return { server, store, requests, ...h, accountId: account.id, inbox: inboxOf(server).id };
}

const inboxOf = (server: MockServer) => requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Inbox).store;
const commands = (requests: readonly Request[]): string[] => requests.map((r) => new URL(r.url).searchParams.get('Cmd') ?? r.method);

/** Server mails of alice's Inbox with their attachments. */
function attachments(server: MockServer, inline: boolean): { id: string; mail: Mail; att: MailAttachment; ref: string }[] {
  return [...inboxOf(server).items.values()].flatMap((item) => {
    if (item.data.kind !== 'mail') return [];
    const mail = item.data;
    return mailContent(mail).attachments.flatMap((att, i) =>
      att.inline === inline ? [{ id: item.id, mail, att, ref: `${item.id}:${i}` }] : [],
    );
  });
}

describe('attachments on demand', () => {
  it('fetches by FileReference as a multipart answer, then serves the cache without a request', async () => {
    const { server, requests, engine, accountId } = await setup();
    const [a] = attachments(server, false);
    const got = await engine.fetchAttachment(accountId, a!.ref);
    expect(got).toMatchObject({ accountId, fileReference: a!.ref, contentType: a!.att.contentType, size: a!.att.bytes.length });
    expect(got.bytes).toEqual(a!.att.bytes);
    expect(requests.map((r) => r.headers.get('MS-ASAcceptMultiPart'))).toEqual(['T']);
    await engine.fetchAttachment(accountId, a!.ref);
    expect(requests).toHaveLength(1);
  });

  it('evicts the least recently used attachments beyond the limit; one larger than the cache is not kept', async () => {
    const found = attachments(mockServer(DATA), false).filter((x, i, all) => all.findIndex((y) => y.ref === x.ref) === i);
    const [a, b, c] = found;
    const limit = a!.att.bytes.length + b!.att.bytes.length + Math.min(c!.att.bytes.length, a!.att.bytes.length, b!.att.bytes.length) - 1;
    const { store, requests, engine, accountId } = await setup({ cache: limit });
    await engine.fetchAttachment(accountId, a!.ref);
    await engine.fetchAttachment(accountId, b!.ref);
    await engine.fetchAttachment(accountId, a!.ref); // a is now the most recently used
    await engine.fetchAttachment(accountId, c!.ref);
    const kept = (await store.db.getAll('attachments')).map((x) => x.fileReference).sort();
    expect(kept).toEqual([a!.ref, c!.ref].sort());
    expect(await cachedBytes({ store })).toBeLessThanOrEqual(limit);
    expect(commands(requests)).toEqual(['ItemOperations', 'ItemOperations', 'ItemOperations']);

    const { engine: tiny, store: tinyStore, accountId: id2 } = await setup({ cache: 4 });
    expect((await tiny.fetchAttachment(id2, a!.ref)).bytes).toEqual(a!.att.bytes);
    expect(await tinyStore.db.getAll('attachments')).toEqual([]);
  });

  it('resolves a cid: part of a mail by its Content-ID', async () => {
    const { server, engine, accountId, inbox } = await setup();
    const [logo] = attachments(server, true);
    const got = await engine.fetchInline(accountId, inbox, logo!.id, `<${logo!.att.contentId}>`);
    expect(got?.contentType).toBe('image/png');
    expect(got?.bytes).toEqual(logo!.att.bytes);
    expect(await engine.fetchInline(accountId, inbox, logo!.id, 'nothing@here')).toBeUndefined();
  });
});

describe('bodies when a mail is opened', () => {
  it('MIME for a mail with inline images, HTML otherwise; kept in `bodies`', async () => {
    const { server, store, requests, engine, accountId, inbox } = await setup();
    const [withImage] = attachments(server, true);
    const plain = [...inboxOf(server).items.values()].find(
      (i) => i.data.kind === 'mail' && !mailContent(i.data).attachments.some((x) => x.inline),
    )!;
    const mime = await engine.openBody(accountId, inbox, withImage!.id);
    expect(mime.type).toBe(4);
    expect(mime.data).toContain(`Content-ID: <${withImage!.att.contentId}>`);
    const html = await engine.openBody(accountId, inbox, plain.id);
    expect(html.type).toBe(2);
    expect(html.data).toContain('<');
    expect(await store.db.get('bodies', [accountId, inbox, plain.id])).toMatchObject({ type: 2, data: html.data });
    const before = requests.length;
    expect(await engine.openBody(accountId, inbox, plain.id)).toMatchObject({ type: 2 });
    expect(requests.length).toBe(before);
    expect((await engine.openBody(accountId, inbox, plain.id, 'mime')).type).toBe(4);
  });
});

describe('server searches', () => {
  it('GAL: entries matching a prefix, with the total', async () => {
    const { server, engine, accountId } = await setup();
    const person = server.mock.world.gal[3]!;
    const res = await engine.searchGal(accountId, person.lastName.slice(0, 3));
    expect(res.entries.some((e) => e.emailAddress === person.email && e.displayName === person.displayName)).toBe(true);
    expect(res.total).toBeGreaterThanOrEqual(res.entries.length);
    expect(await engine.searchGal(accountId, '  ')).toEqual({ entries: [] });
  });

  for (const [version, cmd] of [
    ['14.1', 'Search'],
    ['16.1', 'Find'],
  ] as const) {
    it(`mailbox on ${version} with ${cmd}: hits say which are stored locally`, async () => {
      const { server, requests, engine, accountId, inbox } = await setup({ version });
      const target = [...inboxOf(server).items.values()].find((i) => i.data.kind === 'mail' && i.data.subject.length > 8)!;
      const word = (target.data as Mail).subject.split(/\s+/).sort((a, b) => b.length - a.length)[0]!;
      const res = await engine.searchMailbox(accountId, word, { folderId: inbox });
      expect(commands(requests)).toEqual([cmd]);
      const hit = res.hits.find((h) => h.serverId === target.id);
      expect(hit).toMatchObject({ folderId: inbox, local: true });
      expect((hit!.email as Email).subject).toBe((target.data as Mail).subject);
      expect(res.total).toBeGreaterThanOrEqual(1);
    });
  }

  it('a Search hit the store does not hold: its RFC 2047 sender name decoded, opened whole by its LongId (ItemOperations)', async () => {
    const { server, requests, engine, accountId, inbox } = await setup({ version: '14.1' });
    const item = server.control.newMail('alice');
    const mail = item.data as Mail;
    mail.from = { name: '山田 太郎', email: 'taro@example.test' };
    mail.subject = 'Zebra crossing plans';
    const res = await engine.searchMailbox(accountId, 'zebra');
    expect(commands(requests)).toEqual(['Search']);
    const hit = res.hits.find((h) => h.email.subject === 'Zebra crossing plans');
    expect(hit).toMatchObject({ local: false, folderId: inbox, longId: item.id });
    expect(hit?.email.from).toEqual({ name: '山田 太郎', email: 'taro@example.test' });
    requests.length = 0;
    const opened = await engine.openSearchHit(accountId, { longId: hit!.longId! });
    expect(commands(requests)).toEqual(['ItemOperations']);
    expect([opened.email.subject, opened.email.from?.name, opened.email.dateReceived?.getTime()]).toEqual([
      'Zebra crossing plans',
      '山田 太郎',
      mail.date,
    ]);
    const content = mailContent(mail);
    expect(opened.body?.type).toBe(content.html !== undefined ? 2 : 1);
    expect(opened.body?.data).toBe(content.html ?? content.text);
    await expect(engine.openSearchHit(accountId, { longId: 'no-such-item' })).rejects.toMatchObject({ kind: 'gone' });
  });

  it('a Find hit the store does not hold opens by folder and ServerId', async () => {
    const { server, engine, accountId, inbox } = await setup({ version: '16.1' });
    const item = server.control.newMail('alice');
    (item.data as Mail).subject = 'Zebra crossing plans';
    const hit = (await engine.searchMailbox(accountId, 'zebra')).hits.find((h) => h.email.subject === 'Zebra crossing plans');
    expect(hit).toMatchObject({ local: false, folderId: inbox, serverId: item.id });
    const opened = await engine.openSearchHit(accountId, { folderId: hit!.folderId!, serverId: hit!.serverId! });
    expect([opened.email.subject, opened.body?.data]).toEqual([
      'Zebra crossing plans',
      mailContent(item.data as Mail).html ?? mailContent(item.data as Mail).text,
    ]);
  });
});
