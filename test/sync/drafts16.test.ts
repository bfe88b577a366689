/**
 * Drafts in the server's Drafts folder at 16.1 (issue 15 item 1), the engine against the
 * mock: a draft saved here is a Sync Add, later saves are Changes of its ServerId, a
 * delete is a Sync Delete and sending is a Change with email2:Send (MS-ASEMAIL 2.2.2.69).
 * What the server holds is compared field by field. Below 16.0 drafts stay on the device.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  FolderType,
  mailContent,
  removeItem,
  requireFolderOfType,
  touchItem,
  type Mail,
  type Store as MockStore,
} from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { Email } from '../../src/eas/items/email.ts';
import { decodeEas, encodeEas } from '../../src/eas/wbxml.ts';
import { el, kid, kids, type El } from '../../src/wbxml/tree.ts';
import { listDrafts } from '../../src/store/reads.ts';
import { draftFiles, serverDrafts, type LocalDraft } from '../../src/store/drafts.ts';
import type { OutgoingMessage } from '../../src/store/payloads.ts';
import type { AccountRecord, FolderRecord, ItemRecord, PendingRecord } from '../../src/store/schema.ts';
import { alice, engineFor, itemIdOf, journaledStore, mockServer, pinVersion } from './support.ts';

const SMALL = { data: { mails: 6, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 0 } } as const;
const bob = { name: 'Bob Example', email: 'bob@example.test' };

const folderOf = (server: MockServer, login: string, type: number): MockStore =>
  requireFolderOfType(server.mock.world.mailboxes.get(login)!, type).store;
const mailsIn = (store: MockStore): Mail[] => [...store.items.values()].flatMap((i) => (i.data.kind === 'mail' ? [i.data] : []));

/** A server mail as the user would read it: recipients, subject, text. */
function shown(m: Mail) {
  return {
    to: m.to.map((a) => a.email),
    cc: m.cc.map((a) => a.email),
    bcc: m.bcc.map((a) => a.email),
    subject: m.subject,
    text: mailContent(m).text.trim(),
  };
}

/** A transport that can be switched off (fetch rejects with a TypeError, as offline). */
function switchable(handle: (r: Request) => Promise<Response>) {
  const net = { online: true };
  const transport = async (r: Request): Promise<Response> => {
    if (!net.online) throw new TypeError('Failed to fetch');
    return handle(r);
  };
  return { net, transport };
}

type Handler = (r: Request) => Promise<Response>;

async function setup(version = '16.1', wrap: (h: Handler) => Handler = (h) => h) {
  const server = mockServer(SMALL);
  const { store } = await journaledStore();
  const { net, transport } = switchable(wrap(pinVersion(server.handle, version)));
  const h = engineFor(store, transport);
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  const drafts = folderOf(server, 'alice', FolderType.Drafts);
  // The seed's own drafts are left out of what the tests compare.
  for (const id of [...drafts.items.keys()]) removeItem(server.mock.world, drafts, id);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  return { server, store, net, ...h, accountId: account.id, drafts, sent: folderOf(server, 'alice', FolderType.SentItems) };
}

function draft(accountId: string, id: string, fields: Partial<LocalDraft> = {}): LocalDraft {
  return {
    id,
    accountId,
    mode: 'new',
    to: 'Bob Example <bob@example.test>',
    cc: 'carol@partner.example.com',
    bcc: '',
    subject: 'Plan for Monday',
    text: 'Half of it',
    attachments: [],
    savedAt: 1,
    ...fields,
  };
}

function outgoing(accountId: string, fields: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { accountId, to: [bob], cc: [], bcc: [], subject: 'Plan for Monday', text: 'All of it', attachments: [], ...fields };
}

const file = (name: string, contentType: string, text: string) => ({
  name,
  contentType,
  bytes: new TextEncoder().encode(text) as Uint8Array,
});
type File = ReturnType<typeof file>;
/** A file as the server's mail holds it: name, type, bytes. */
const asServer = (f: File) => ({ name: f.name, contentType: f.contentType, bytes: [...f.bytes] });
const filesOf = (m: Mail) => mailContent(m).attachments.map((a) => asServer({ name: a.name, contentType: a.contentType, bytes: a.bytes }));

/** The attachments of the account's drafts as the device holds them: name and FileReference. */
async function localFileRefs(store: Awaited<ReturnType<typeof setup>>['store'], accountId: string, folderId: string) {
  return (await localDrafts(store, accountId, folderId)).flatMap((i) =>
    (i.data as Email).attachments.map((a) => ({ name: a.displayName, ref: a.fileReference })),
  );
}

/** The account's items in its Drafts folder, from the local store. */
async function localDrafts(store: Awaited<ReturnType<typeof setup>>['store'], accountId: string, folderId: string): Promise<ItemRecord[]> {
  return (await store.db.getAll('items')).filter((i) => i.accountId === accountId && i.folderId === folderId);
}

describe('16.1 drafts on the server', () => {
  it("a saved draft is added, then changed in place, then sent: it leaves Drafts and is in Sent Items and Bob's Inbox with its content", async () => {
    const { server, store, engine, accountId, drafts, sent } = await setup();
    await engine.saveDraft(draft(accountId, 'd1'));
    expect(mailsIn(drafts)).toEqual([]); // queued, not sent yet
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts).map(shown)).toEqual([
      { to: ['bob@example.test'], cc: ['carol@partner.example.com'], bcc: [], subject: 'Plan for Monday', text: 'Half of it' },
    ]);
    const serverId = [...drafts.items.keys()][0];
    const [mine] = await localDrafts(store, accountId, drafts.id);
    expect({ id: mine?.id, serverId: mine?.serverId }).toEqual({ id: 'd1', serverId });

    await engine.saveDraft(
      draft(accountId, 'd1', { cc: '', bcc: 'dave@partner.example.com', subject: 'Plan for Monday, v2', text: 'Most of it' }),
    );
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([...drafts.items.keys()]).toEqual([serverId]);
    expect(mailsIn(drafts).map(shown)).toEqual([
      { to: ['bob@example.test'], cc: [], bcc: ['dave@partner.example.com'], subject: 'Plan for Monday, v2', text: 'Most of it' },
    ]);

    await engine.sendDraft(outgoing(accountId, { subject: 'Plan for Monday, final', text: 'All of it' }), 'd1');
    expect(await localDrafts(store, accountId, drafts.id)).toEqual([]); // gone from the list at once
    // Queued as a Change carrying email2:Send, not as an outbox mail.
    expect(
      (await store.db.getAll('pending')).map((p) => [
        p.kind,
        p.serverId,
        p.kind === 'change' && p.payload.class === 'Draft' && p.payload.send,
      ]),
    ).toEqual([['change', serverId, true]]);
    // Bob is remembered as written to, as a mail sent through the outbox would make him (compose suggests him offline).
    const recents = (await store.db.get('meta', `recent:${accountId}`))?.value as { email: string; count: number }[] | undefined;
    expect(recents?.map((r) => [r.email, r.count])).toEqual([['bob@example.test', 1]]);
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts)).toEqual([]);
    const final = { to: ['bob@example.test'], cc: [], bcc: [], subject: 'Plan for Monday, final', text: 'All of it' };
    expect(
      mailsIn(sent)
        .filter((m) => m.subject === final.subject)
        .map(shown),
    ).toEqual([final]);
    expect(
      mailsIn(folderOf(server, 'bob', FolderType.Inbox))
        .filter((m) => m.subject === final.subject)
        .map(shown),
    ).toEqual([final]);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(await listDrafts(store.db, accountId)).toEqual([]);
    // The sent mail reaches the app's own Sent Items with the next sync.
    const localSent = (await store.db.getAll('items')).filter(
      (i) => i.folderId === sent.id && i.class === 'Email' && i.data.subject === final.subject,
    );
    expect(localSent.map((i) => (i.data as Email).to.map((a) => a.email))).toEqual([['bob@example.test']]);
  });

  it("deleting a synced draft is a Sync Delete: it leaves the server's Drafts folder", async () => {
    const { store, engine, accountId, drafts } = await setup();
    await engine.saveDraft(draft(accountId, 'd2', { subject: 'Never mind' }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts).map((m) => m.subject)).toEqual(['Never mind']);
    await engine.deleteDraft(accountId, 'd2');
    expect(await localDrafts(store, accountId, drafts.id)).toEqual([]);
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts)).toEqual([]);
    expect(await listDrafts(store.db, accountId)).toEqual([]);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it("an edit saved before the Add is confirmed follows the server's ServerId: one draft, the later content", async () => {
    const { store, net, engine, accountId, drafts } = await setup();
    net.online = false;
    await engine.saveDraft(draft(accountId, 'd3', { subject: 'First words' }));
    await engine.saveDraft(draft(accountId, 'd3', { subject: 'Second thoughts', text: 'Rewritten offline' }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false });
    const queued = await store.db.getAll('pending');
    expect(queued.map((p) => [p.kind, p.serverId])).toEqual([
      ['add', 'local:d3'],
      ['change', 'local:d3'],
    ]);

    net.online = true;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts).map(shown)).toEqual([
      { to: ['bob@example.test'], cc: ['carol@partner.example.com'], bcc: [], subject: 'Second thoughts', text: 'Rewritten offline' },
    ]);
    const local = await localDrafts(store, accountId, drafts.id);
    expect(local.map((i) => [i.id, i.serverId, (i.data as Email).subject])).toEqual([
      ['d3', [...drafts.items.keys()][0], 'Second thoughts'],
    ]);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('a draft written and sent offline goes out once online: Add, then the Send follows its ServerId', async () => {
    const { server, store, net, engine, accountId, drafts, sent } = await setup();
    net.online = false;
    await engine.saveDraft(draft(accountId, 'd4', { subject: 'Written on the train' }));
    await engine.sendDraft(outgoing(accountId, { subject: 'Written on the train', text: 'Sent from the train' }), 'd4');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false });
    net.online = true;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts)).toEqual([]);
    const final = { to: ['bob@example.test'], cc: [], bcc: [], subject: 'Written on the train', text: 'Sent from the train' };
    expect(
      mailsIn(sent)
        .filter((m) => m.subject === final.subject)
        .map(shown),
    ).toEqual([final]);
    expect(
      mailsIn(folderOf(server, 'bob', FolderType.Inbox))
        .filter((m) => m.subject === final.subject)
        .map(shown),
    ).toEqual([final]);
    expect(await localDrafts(store, accountId, drafts.id)).toEqual([]);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('a draft another device saved on the server appears in the store and is edited in place from here', async () => {
    const { server, store, engine, accountId, drafts } = await setup();
    const made = server.control.newDraft('alice', { to: [bob], subject: 'From my laptop', text: 'Started on the laptop' });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    const [item] = await localDrafts(store, accountId, drafts.id);
    const data = item?.data as Email;
    expect({
      serverId: item?.serverId,
      draft: data.isDraft,
      to: data.to.map((a) => a.email),
      subject: data.subject,
      text: data.body?.data?.includes('Started on the laptop'),
    }).toEqual({ serverId: made.id, draft: true, to: ['bob@example.test'], subject: 'From my laptop', text: true });

    await engine.saveDraft(draft(accountId, item!.id, { cc: '', subject: 'From my laptop, finished on the phone', text: 'Finished' }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([...drafts.items.keys()]).toEqual([made.id]);
    expect(mailsIn(drafts).map(shown)).toEqual([
      { to: ['bob@example.test'], cc: [], bcc: [], subject: 'From my laptop, finished on the phone', text: 'Finished' },
    ]);
  });

  it('a draft sent or discarded on another device leaves this device too: no copy stays behind in the list', async () => {
    const { server, store, engine, accountId, drafts } = await setup();
    await engine.saveDraft(draft(accountId, 'd6', { subject: 'Finished elsewhere' }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    server.control.otherDevice('alice', [...drafts.items.keys()][0]!, { kind: 'delete' });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(await localDrafts(store, accountId, drafts.id)).toEqual([]);
    expect(await listDrafts(store.db, accountId)).toEqual([]);
  });

  it("a draft changed on the server since this device last synced: the server's version wins, this device's edit is kept as a conflict", async () => {
    const { server, store, engine, accountId, drafts } = await setup();
    await engine.saveDraft(draft(accountId, 'd7', { subject: 'Agenda', text: 'First' }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    const serverId = [...drafts.items.keys()][0]!;
    server.control.otherDevice('alice', serverId, { kind: 'read', read: false }); // touched by another client
    await engine.saveDraft(draft(accountId, 'd7', { subject: 'Agenda, edited here', text: 'Second' }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts).map((m) => [m.subject, mailContent(m).text])).toEqual([['Agenda', 'First']]);
    const conflicts = await store.db.getAll('conflicts');
    expect(conflicts.map((c) => [c.serverId, (c.local as Email | null)?.subject])).toEqual([[serverId, 'Agenda, edited here']]);
    expect((await localDrafts(store, accountId, drafts.id)).map((i) => (i.data as Email).subject)).toEqual(['Agenda']);
  });

  it("a draft's attachments go to the server's draft, one removed there is deleted there, and they are sent with it", async () => {
    const { server, store, engine, accountId, drafts, sent } = await setup();
    const notes = file('notes.txt', 'text/plain', 'Minutes of Monday');
    const photo = file('site.png', 'image/png', '\x89PNG\r\n\x1a\n raw bytes \u00ff');
    await engine.saveDraft(draft(accountId, 'a1', { subject: 'With files', attachments: [notes, photo] }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    const [serverDraft] = mailsIn(drafts);
    expect(serverDraft && filesOf(serverDraft)).toEqual([notes, photo].map(asServer));
    // The device holds the FileReferences the server gave (MS-ASAIRS 2.2.2.24.1) and can download each file.
    const serverId = [...drafts.items.keys()][0]!;
    const refs = await localFileRefs(store, accountId, drafts.id);
    expect(refs.map((r) => r.name)).toEqual(['notes.txt', 'site.png']);
    for (const [i, r] of refs.entries()) {
      const got = await engine.fetchAttachment(accountId, r.ref);
      expect({ type: got.contentType, bytes: [...got.bytes] }).toEqual({
        type: [notes, photo][i]!.contentType,
        bytes: [...[notes, photo][i]!.bytes],
      });
    }

    // Reopened (ids as kept), the first file removed and a third added: a Delete and an Add of the same draft.
    const kept = (await listDrafts(store.db, accountId)).find((d) => d.id === 'a1')!;
    const agenda = file('agenda.csv', 'text/csv', 'time,topic\n9,budget');
    await engine.saveDraft({ ...kept, attachments: [kept.attachments[1]!, agenda], savedAt: 2 });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([...drafts.items.keys()]).toEqual([serverId]);
    expect(filesOf(mailsIn(drafts)[0]!)).toEqual([photo, agenda].map(asServer));
    const after = await localFileRefs(store, accountId, drafts.id);
    expect(after.map((r) => r.name)).toEqual(['site.png', 'agenda.csv']);
    expect(after[0]?.ref).toBe(refs[1]?.ref); // the photo kept its FileReference
    expect(after.every((r) => r.ref !== '')).toBe(true);

    // Sent with email2:Send: the server sends what its draft holds, files included.
    const last = (await listDrafts(store.db, accountId)).find((d) => d.id === 'a1')!;
    await engine.sendDraft(outgoing(accountId, { subject: 'With files', text: 'See attached', attachments: last.attachments }), 'a1');
    expect(
      (await store.db.getAll('pending')).map((p) => [p.kind, p.kind === 'change' && p.payload.class === 'Draft' && p.payload.send]),
    ).toEqual([['change', true]]);
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts)).toEqual([]);
    const inbox = mailsIn(folderOf(server, 'bob', FolderType.Inbox)).filter((m) => m.subject === 'With files');
    expect(inbox.map((m) => ({ text: mailContent(m).text.trim(), files: filesOf(m) }))).toEqual([
      { text: 'See attached', files: [photo, agenda].map(asServer) },
    ]);
    expect(
      mailsIn(sent)
        .filter((m) => m.subject === 'With files')
        .map(filesOf),
    ).toEqual([[photo, agenda].map(asServer)]);
  });

  it('a file added and removed again before the draft reached the server is never uploaded; the one kept is', async () => {
    const { store, net, engine, accountId, drafts } = await setup();
    net.online = false;
    const big = file('big.bin', 'application/octet-stream', 'x'.repeat(2000));
    const note = file('note.txt', 'text/plain', 'keep me');
    await engine.saveDraft(draft(accountId, 'a2', { subject: 'Second thoughts', attachments: [big, note] }));
    const kept = (await listDrafts(store.db, accountId)).find((d) => d.id === 'a2')!;
    await engine.saveDraft({ ...kept, attachments: [kept.attachments[1]!] });
    // The upload left the queued Add; nothing is to be deleted on the server.
    const files = (p: PendingRecord) => {
      const changes =
        p.kind === 'add' ? p.payload.attachments : p.kind === 'change' && p.payload.class === 'Draft' ? p.payload.attachments : undefined;
      return [p.kind, changes?.add?.map((a) => a.displayName) ?? [], changes?.delete ?? []];
    };
    expect((await store.db.getAll('pending')).map(files)).toEqual([
      ['add', ['note.txt'], []],
      ['change', [], []],
    ]);
    net.online = true;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts).map((m) => [m.subject, filesOf(m)])).toEqual([['Second thoughts', [asServer(note)]]]);
    expect((await localFileRefs(store, accountId, drafts.id)).map((r) => [r.name, r.ref !== ''])).toEqual([['note.txt', true]]);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('a draft another device saved with a file: its file is listed here, downloadable, and removing it deletes it on the server', async () => {
    const { server, store, engine, accountId, drafts } = await setup();
    const plan = file('plan.pdf', 'application/pdf', '%PDF-1.4 plan');
    server.control.newDraft('alice', { to: [bob], subject: 'From the laptop', text: 'With the plan', attachments: [plan] });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    const [item] = await localDrafts(store, accountId, drafts.id);
    const refs = await localFileRefs(store, accountId, drafts.id);
    expect(refs.map((r) => r.name)).toEqual(['plan.pdf']);
    const got = await engine.fetchAttachment(accountId, refs[0]!.ref);
    expect({ type: got.contentType, bytes: [...got.bytes] }).toEqual({ type: plan.contentType, bytes: [...plan.bytes] });
    await engine.saveDraft(draft(accountId, item!.id, { subject: 'From the laptop', attachments: [] }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts).map((m) => [m.subject, filesOf(m)])).toEqual([['From the laptop', []]]);
  });

  it('a reply kept as a draft, with a file, is sent as a reply: Bob gets the quote and the file, the original is marked replied, the draft is gone', async () => {
    const { server, store, engine, accountId, drafts, sent } = await setup();
    const inboxStore = folderOf(server, 'alice', FolderType.Inbox);
    const [originalId, original] = [...inboxStore.items.entries()].find(([, i]) => i.data.kind === 'mail')!;
    const itemId = await itemIdOf(store, accountId, inboxStore.id, originalId);
    const quote = `> ${
      mailContent(original.data as Mail)
        .text.trim()
        .split('\n')[0]
    }`;
    const text = `Yes, Monday works.\n\n${quote}`;
    const slides = file('slides.txt', 'text/plain', 'Slide 1: budget');
    const source = { accountId, itemId };
    await engine.saveDraft(draft(accountId, 'r1', { mode: 'reply', source, subject: 'Re: plan', text, cc: '', attachments: [slides] }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts).map((m) => [m.subject, filesOf(m)])).toEqual([['Re: plan', [asServer(slides)]]]);

    const kept = (await listDrafts(store.db, accountId)).find((d) => d.id === 'r1')!;
    const mail = outgoing(accountId, {
      subject: 'Re: plan',
      text,
      attachments: kept.attachments,
      source: { kind: 'reply', ref: source, quoted: true },
    });
    await engine.sendDraft(mail, 'r1');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts)).toEqual([]);
    const got = mailsIn(folderOf(server, 'bob', FolderType.Inbox)).filter((m) => m.subject === 'Re: plan');
    expect(
      got.map((m) => ({
        text: mailContent(m).text.includes(quote),
        first: mailContent(m).text.startsWith('Yes, Monday works.'),
        files: filesOf(m),
      })),
    ).toEqual([{ text: true, first: true, files: [asServer(slides)] }]);
    expect(mailsIn(sent).filter((m) => m.subject === 'Re: plan')).toHaveLength(1);
    // The draft is gone, not kept in Deleted Items: it was sent, not discarded.
    expect(mailsIn(folderOf(server, 'alice', FolderType.DeletedItems)).filter((m) => m.subject === 'Re: plan')).toEqual([]);
    // MS-ASEMAIL 2.2.2.44: 1, REPLYTOSENDER; the device shows it with the next sync.
    expect((original.data as Mail).lastVerb?.verb).toBe(1);
    const local = await store.db.getAll('items');
    expect((local.find((i) => i.id === itemId)?.data as Email).lastVerbExecuted).toBe(1);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it("a server that answers a Change's new attachments in Responses/Change (MS-ASCMD 2.2.3.154): their FileReferences are recorded", async () => {
    // As the spec's prose allows: the draft's new attachments in the Change's response, and no server Change of it.
    const exchangeLike =
      (h: Handler): Handler =>
      async (r) => {
        const res = await h(r);
        if (!new URL(r.url).searchParams.get('Cmd')?.startsWith('Sync') || res.status !== 200) return res;
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (bytes.length === 0) return new Response(bytes, { status: 200, headers: res.headers });
        const tree = decodeEas(bytes);
        const answered = (c: El): El => {
          const commands = kid(c, 'Commands');
          const echo =
            commands && kids(commands, 'Change').find((ch) => kid(kid(ch, 'ApplicationData') ?? ch, 'Attachments', 'AirSyncBase'));
          if (!commands || !echo) return c;
          const atts = kid(kid(echo, 'ApplicationData')!, 'Attachments', 'AirSyncBase')!;
          const answer = el(
            'AirSync',
            'Change',
            kid(echo, 'ServerId'),
            el('AirSync', 'Status', '1'),
            el('AirSync', 'ApplicationData', atts),
          );
          const rest = { ...commands, children: commands.children.filter((x) => x !== echo) };
          return { ...c, children: [...c.children.map((x) => (x === commands ? rest : x)), el('AirSync', 'Responses', answer)] };
        };
        const collections = kid(tree, 'Collections');
        const changed = collections && { ...collections, children: kids(collections, 'Collection').map(answered) };
        return new Response(encodeEas({ ...tree, children: tree.children.map((x) => (x === collections ? changed! : x)) }), {
          status: 200,
          headers: res.headers,
        });
      };
    const { store, engine, accountId, drafts } = await setup('16.1', exchangeLike);
    await engine.saveDraft(draft(accountId, 'e1', { subject: 'Exchange-like' }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    const kept = (await listDrafts(store.db, accountId)).find((d) => d.id === 'e1')!;
    await engine.saveDraft({ ...kept, attachments: [file('late.txt', 'text/plain', 'added later')] });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    const serverId = [...drafts.items.keys()][0]!;
    expect(await localFileRefs(store, accountId, drafts.id)).toEqual([{ name: 'late.txt', ref: `${serverId}:0` }]);
    // Removed again: a Delete by that FileReference, and the server's draft has no file left.
    await engine.saveDraft({ ...(await listDrafts(store.db, accountId)).find((d) => d.id === 'e1')!, attachments: [] });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts).map(filesOf)).toEqual([[]]);
  });

  it('offline, one draft discarded and a reply draft sent: the discarded one is in Deleted Items, the sent one is not', async () => {
    const { server, store, net, engine, accountId, drafts } = await setup();
    const inboxStore = folderOf(server, 'alice', FolderType.Inbox);
    const originalId = [...inboxStore.items.keys()][0]!;
    const source = { accountId, itemId: await itemIdOf(store, accountId, inboxStore.id, originalId) };
    await engine.saveDraft(draft(accountId, 'x1', { subject: 'Not needed' }));
    await engine.saveDraft(draft(accountId, 'x2', { mode: 'reply', source, subject: 'Re: sent one' }));
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    net.online = false;
    await engine.deleteDraft(accountId, 'x1');
    await engine.sendDraft(outgoing(accountId, { subject: 'Re: sent one', source: { kind: 'reply', ref: source, quoted: true } }), 'x2');
    net.online = true;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts)).toEqual([]);
    const deleted = mailsIn(folderOf(server, 'alice', FolderType.DeletedItems)).map((m) => m.subject);
    expect([deleted.includes('Not needed'), deleted.includes('Re: sent one')]).toEqual([true, false]);
    expect(mailsIn(folderOf(server, 'bob', FolderType.Inbox)).filter((m) => m.subject === 'Re: sent one')).toHaveLength(1);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('below 16.0 a draft stays on the device: nothing is queued, and sending goes by the outbox', async () => {
    const { store, engine, accountId, drafts } = await setup('14.1');
    await engine.saveDraft(draft(accountId, 'd5'));
    expect(await store.db.getAll('pending')).toEqual([]);
    expect((await listDrafts(store.db, accountId)).map((d) => d.subject)).toEqual(['Plan for Monday']);
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(mailsIn(drafts)).toEqual([]);
    await engine.sendDraft(outgoing(accountId), 'd5');
    expect((await store.db.getAll('pending')).map((p) => p.kind)).toEqual(['send']);
    expect(await listDrafts(store.db, accountId)).toEqual([]);
  });
});

/** A gate on the transport: arm() holds the next Sync request before it reaches the server, until released. */
function syncGate() {
  let armed = false;
  let reached = (): void => undefined;
  let released = Promise.resolve();
  const arm = () => {
    armed = true;
    let release = (): void => undefined;
    const at = new Promise<void>((r) => (reached = r));
    released = new Promise<void>((r) => (release = r));
    return { reached: at, release: () => release() };
  };
  const wrap =
    (h: Handler): Handler =>
    async (r) => {
      if (armed && new URL(r.url).searchParams.get('Cmd') === 'Sync') {
        armed = false;
        reached();
        await released;
      }
      return h(r);
    };
  return { arm, wrap };
}

/** A file another device adds to a mail on the server (the mail's content replaced, as a client's edit would). */
function addServerFile(server: MockServer, store: MockStore, serverId: string, f: File): void {
  const item = store.items.get(serverId)!;
  const mail = item.data as Mail;
  const content = mailContent(mail);
  mail.content = { ...content, attachments: [...content.attachments, { ...f, inline: false }] };
  touchItem(server.mock.world, store, item);
}

describe('16.1 draft files the device does not hold, or that change while they upload', () => {
  type Setup = Awaited<ReturnType<typeof setup>>;
  /** The draft as compose opens it (store/drafts.ts draftFiles): its files from the server's copy and what this device kept. */
  async function opened({ store, engine, accountId, drafts }: Setup, id: string) {
    const item = (await localDrafts(store, accountId, drafts.id)).find((i) => i.id === id)!;
    const kept = (await listDrafts(store.db, accountId)).find((d) => d.id === id);
    return draftFiles((item.data as Email).attachments, kept, (ref) => engine.fetchAttachment(accountId, ref));
  }
  const inboxOf = (server: MockServer, login: string, subject: string) =>
    mailsIn(folderOf(server, login, FolderType.Inbox)).filter((m) => m.subject === subject);
  const byName = (files: ReturnType<typeof asServer>[]) => [...files].sort((a, b) => a.name.localeCompare(b.name));

  it("a draft from another device, opened and sent offline with its file not downloaded: Bob gets the file's bytes", async () => {
    const s = await setup();
    const plan = file('plan.pdf', 'application/pdf', '%PDF-1.4 the plan');
    const made = s.server.control.newDraft('alice', { to: [bob], subject: 'From the laptop', text: 'With the plan', attachments: [plan] });
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });
    s.net.online = false;
    const [item] = await localDrafts(s.store, s.accountId, s.drafts.id);
    const files = await opened(s, item!.id);
    expect(files.map((f) => [f.name, f.bytes.length])).toEqual([['plan.pdf', 0]]); // offline: known by its FileReference only
    await s.engine.sendDraft(outgoing(s.accountId, { subject: 'From the laptop', text: 'Plan attached', attachments: files }), item!.id);
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: false });
    s.net.online = true;
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });
    expect(inboxOf(s.server, 'bob', 'From the laptop').map(filesOf)).toEqual([[asServer(plan)]]);
    expect(s.drafts.items.has(made.id)).toBe(false);
    expect(await s.store.db.getAll('pending')).toEqual([]);
  });

  it("a reply draft given a file on another device, opened and sent offline as a reply: the file's bytes are fetched first, Bob gets them", async () => {
    // While the server will not give the file (ItemOperations answers 500), the mail waits and the draft stays.
    const fetching = { broken: false };
    const s = await setup(
      '16.1',
      (h) => async (r) =>
        fetching.broken && new URL(r.url).searchParams.get('Cmd') === 'ItemOperations' ? new Response(null, { status: 500 }) : h(r),
    );
    const inboxStore = folderOf(s.server, 'alice', FolderType.Inbox);
    const originalId = [...inboxStore.items.keys()][0]!;
    const source = { accountId: s.accountId, itemId: await itemIdOf(s.store, s.accountId, inboxStore.id, originalId) };
    const mine = file('notes.txt', 'text/plain', 'my notes');
    await s.engine.saveDraft(draft(s.accountId, 'r2', { mode: 'reply', source, cc: '', subject: 'Re: budget', attachments: [mine] }));
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });
    const sheet = file('budget.xlsx', 'application/vnd.ms-excel', 'PK\x03\x04 sheet bytes');
    addServerFile(s.server, s.drafts, [...s.drafts.items.keys()][0]!, sheet);
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });

    s.net.online = false;
    const files = await opened(s, 'r2');
    expect(files.map((f) => [f.name, f.bytes.length])).toEqual([
      ['notes.txt', mine.bytes.length],
      ['budget.xlsx', 0],
    ]);
    const mail = outgoing(s.accountId, { subject: 'Re: budget', text: 'Figures attached', attachments: files });
    await s.engine.sendDraft({ ...mail, source: { kind: 'reply', ref: source, quoted: true } }, 'r2');
    s.net.online = true;
    fetching.broken = true;
    await s.engine.syncAccount(s.accountId);
    expect(inboxOf(s.server, 'bob', 'Re: budget')).toEqual([]);
    expect(mailsIn(s.drafts).map((m) => [m.subject, byName(filesOf(m))])).toEqual([['Re: budget', byName([mine, sheet].map(asServer))]]);
    const waiting = (await s.store.db.getAll('pending')).flatMap((p) => (p.kind === 'send' ? [[p.payload.state, p.lastError]] : []));
    expect(waiting).toEqual([['queued', expect.stringContaining('a file of the draft could not be fetched')]]);
    fetching.broken = false;
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });
    expect(inboxOf(s.server, 'bob', 'Re: budget').map((m) => byName(filesOf(m)))).toEqual([byName([mine, sheet].map(asServer))]);
    expect(mailsIn(s.drafts)).toEqual([]);
    expect(await s.store.db.getAll('pending')).toEqual([]);
  });

  it("a file removed while the Sync uploading it is on its way: the server's draft does not keep it (Add, then Change)", async () => {
    const gate = syncGate();
    const s = await setup('16.1', gate.wrap);
    const kept = (id: string) => listDrafts(s.store.db, s.accountId).then((l) => l.find((d) => d.id === id)!);
    const old = file('old-plan.txt', 'text/plain', 'superseded');
    const plan = file('plan.txt', 'text/plain', 'the plan');
    await s.engine.saveDraft(draft(s.accountId, 'f1', { subject: 'Files in flight', attachments: [old, plan] }));
    let held = gate.arm();
    let syncing = s.engine.syncAccount(s.accountId);
    await held.reached; // the Add carrying both files is on its way
    await s.engine.saveDraft({ ...(await kept('f1')), attachments: [(await kept('f1')).attachments[1]!] });
    held.release();
    expect(await syncing).toMatchObject({ ok: true });
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });
    expect(mailsIn(s.drafts).map(filesOf)).toEqual([[asServer(plan)]]);

    const late = file('late.txt', 'text/plain', 'added, then dropped');
    await s.engine.saveDraft({ ...(await kept('f1')), attachments: [...(await kept('f1')).attachments, late] });
    held = gate.arm();
    syncing = s.engine.syncAccount(s.accountId);
    await held.reached; // the Change uploading late.txt is on its way
    const now = await kept('f1');
    await s.engine.saveDraft({ ...now, attachments: now.attachments.filter((a) => a.name !== 'late.txt') });
    held.release();
    expect(await syncing).toMatchObject({ ok: true });
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });
    expect(mailsIn(s.drafts).map(filesOf)).toEqual([[asServer(plan)]]);
    const refs = await localFileRefs(s.store, s.accountId, s.drafts.id);
    expect(refs.map((r) => [r.name, r.ref !== ''])).toEqual([['plan.txt', true]]);
    expect(await s.store.db.getAll('pending')).toEqual([]);
  });

  it("a forward kept as a draft, reopened and sent: Bob gets the original's files once each, and the one added here", async () => {
    const s = await setup();
    const inboxStore = folderOf(s.server, 'alice', FolderType.Inbox);
    const originalId = [...inboxStore.items.keys()][0]!;
    const theirs = [file('agenda.csv', 'text/csv', 'time,topic\n9,budget'), file('site.png', 'image/png', '\x89PNG site')];
    for (const f of theirs) addServerFile(s.server, inboxStore, originalId, f);
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });
    const source = { accountId: s.accountId, itemId: await itemIdOf(s.store, s.accountId, inboxStore.id, originalId) };
    const mine = file('comments.txt', 'text/plain', 'my comments');
    const fwd = { mode: 'forward' as const, source, cc: '', subject: 'Fwd: agenda', text: 'FYI', attachments: [mine] };
    await s.engine.saveDraft(draft(s.accountId, 'w1', fwd));
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });

    const files = await opened(s, 'w1');
    const mail = outgoing(s.accountId, { subject: 'Fwd: agenda', text: 'FYI', attachments: files });
    await s.engine.sendDraft({ ...mail, source: { kind: 'forward', ref: source, quoted: false } }, 'w1');
    expect(await s.engine.syncAccount(s.accountId)).toMatchObject({ ok: true });
    expect(inboxOf(s.server, 'bob', 'Fwd: agenda').map((m) => byName(filesOf(m)))).toEqual([byName([mine, ...theirs].map(asServer))]);
    expect(mailsIn(s.drafts)).toEqual([]);
    expect(await s.store.db.getAll('pending')).toEqual([]);
  });
});

describe('which accounts keep their drafts on the server', () => {
  const folder = (serverId: string, type: number, enabled = true): FolderRecord => ({
    accountId: 'a',
    serverId,
    parentId: '0',
    displayName: serverId,
    type,
    class: 'Email',
    syncKey: '1',
    enabled,
    status: { kind: 'idle' },
    count: 0,
    unread: 0,
  });
  const account = (version: AccountRecord['version']) => ({ version }) as AccountRecord;
  const folders = [folder('inbox', 2), folder('drafts', 3), folder('sent', 5)];

  it('16.0 and 16.1 with a synced Drafts folder; not 14.1, not an unsynced folder, not before the version is known', () => {
    expect(serverDrafts(account('16.0'), folders)?.serverId).toBe('drafts');
    expect(serverDrafts(account('16.1'), folders)?.serverId).toBe('drafts');
    expect(serverDrafts(account('14.1'), folders)).toBeUndefined();
    expect(serverDrafts(account(undefined), folders)).toBeUndefined();
    expect(serverDrafts(account('16.1'), [folder('inbox', 2), folder('drafts', 3, false)])).toBeUndefined();
  });
});
