/**
 * Requests the server applied but whose answer was lost (mock fault drop-after): the
 * session does not repeat them blindly (reconnect.ts safeToRepeat), their queue
 * decides, and nothing is lost or done twice.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { propText } from '../../mocks/meetings.ts';
import { FolderType, requireFolderOfType, type Item, type Mailbox, type Store as MockStore } from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { OutboxPayload, OutgoingMessage } from '../../src/sync/outbox.ts';
import type { MeetingResponsePayload } from '../../src/sync/pending.ts';
import {
  alice,
  diffViews,
  engineFor,
  journaledStore,
  localView,
  mockServer,
  pinVersion,
  restore,
  serverView,
  itemIdOf,
} from './support.ts';

const cmdOf = (r: Request): string => new URL(r.url).searchParams.get('Cmd') ?? r.method;

async function setup(options: { version?: string; data?: Record<string, number> } = {}) {
  const server = mockServer({ data: { mails: 6, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 0, ...options.data } });
  const { store, journal } = await journaledStore();
  const seen: string[] = [];
  /** Commands whose next request fails before it reaches the server (a browser offline: "Failed to fetch"). */
  const lost = new Set<string>();
  const handle = options.version ? pinVersion(server.handle, options.version) : server.handle;
  const h = engineFor(store, (r) => {
    seen.push(cmdOf(r));
    if (lost.delete(cmdOf(r))) return Promise.reject(new TypeError('Failed to fetch'));
    return handle(r);
  });
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  seen.length = 0;
  h.clock.slept.length = 0;
  const box = server.mock.world.mailboxes.get('alice') as Mailbox;
  const folder = (type: number): MockStore => requireFolderOfType(box, type).store;
  const dropAfter = (cmd: string): void => server.control.faults.set({ dropAfter: 1, dropAfterCmd: cmd });
  return { server, store, journal, handle, seen, lost, ...h, accountId: account.id, folder, dropAfter };
}

const count = (seen: readonly string[], cmd: string): number => seen.filter((c) => c === cmd).length;
const inSync = async (server: MockServer, store: Awaited<ReturnType<typeof setup>>['store'], accountId: string) =>
  diffViews(serverView(server), await localView(store, accountId));

describe('a request applied by the server, its answer lost', () => {
  it('a Sync is repeated by the session (the server answers the same SyncKey again): one sync, ok', async () => {
    const { server, store, seen, engine, accountId, dropAfter } = await setup();
    server.control.newMail('alice');
    dropAfter('Sync');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(count(seen, 'Sync')).toBeGreaterThan(1);
    expect(await inSync(server, store, accountId)).toEqual([]);
  });

  it('MoveItems: not repeated by the session; the queue sends it again, the server answers Status 1 (already moved) and that counts as done', async () => {
    const { server, store, seen, engine, accountId, folder, dropAfter, clock } = await setup();
    const inbox = folder(FolderType.Inbox);
    const trash = folder(FolderType.DeletedItems);
    const id = [...inbox.items.keys()][0] as string;
    await engine.moveItem(accountId, await itemIdOf(store, accountId, inbox.id, id), trash.id);
    dropAfter('MoveItems');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect([count(seen, 'MoveItems'), clock.slept]).toEqual([1, []]);
    expect(inbox.items.has(id)).toBe(false); // the server did move it
    expect((await store.db.getAll('pending')).map((p) => p.kind)).toEqual(['move']);

    seen.length = 0;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(count(seen, 'MoveItems')).toBe(1);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(await store.db.getAll('conflicts')).toEqual([]);
    expect(await inSync(server, store, accountId)).toEqual([]);
    const local = (await store.db.getAll('items')).filter((i) => i.folderId === trash.id);
    expect(local.length).toBe(trash.items.size); // the moved mail once, under its new ServerId
    seen.length = 0;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(count(seen, 'MoveItems')).toBe(0); // no loop
  });

  /** A meeting alice was invited to, in her calendar, not yet accepted; and how many acceptances she has sent. */
  function invitation(server: MockServer, calendar: MockStore): { event: Item; acceptances: () => number } {
    const event = [...calendar.items.values()].find(
      (i) => i.data.kind === 'pim' && propText(i.data, 'MeetingStatus') === '3' && propText(i.data, 'ResponseType') !== '3',
    );
    if (event?.data.kind !== 'pim') throw new Error('no invitation in the demo calendar');
    const subject = propText(event.data, 'Subject') ?? '';
    const sent = requireFolderOfType(server.mock.world.mailboxes.get('alice') as Mailbox, FolderType.SentItems).store;
    const acceptances = (): number =>
      [...sent.items.values()].filter((i) => i.data.kind === 'mail' && i.data.subject === `Accepted: ${subject}`).length;
    return { event, acceptances };
  }

  it('MeetingResponse (16.1, the server mails the organizer): not repeated when the server already shows the answer; the event is checked with ItemOperations first', async () => {
    const { server, store, seen, engine, accountId, folder, dropAfter } = await setup({ data: { events: 40 } });
    const calendar = folder(FolderType.Calendar);
    const { event, acceptances } = invitation(server, calendar);
    await engine.respondToMeeting(accountId, await itemIdOf(store, accountId, calendar.id, event.id), 'accept');
    dropAfter('MeetingResponse');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect([count(seen, 'MeetingResponse'), acceptances()]).toEqual([1, 1]); // recorded and mailed, answer lost
    const queued = await store.db.getAll('pending');
    expect(queued.map((p) => [p.kind, (p.payload as MeetingResponsePayload).unanswered])).toEqual([['meetingResponse', true]]);

    seen.length = 0;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([count(seen, 'ItemOperations'), count(seen, 'MeetingResponse'), acceptances()]).toEqual([1, 0, 1]);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(await inSync(server, store, accountId)).toEqual([]);
  });

  it('MeetingResponse whose request never reached the server: the check finds no answer, and it goes again, once', async () => {
    const { server, store, seen, lost, engine, accountId, folder, clock } = await setup({ data: { events: 40 } });
    const calendar = folder(FolderType.Calendar);
    const { event, acceptances } = invitation(server, calendar);
    await engine.respondToMeeting(accountId, await itemIdOf(store, accountId, calendar.id, event.id), 'accept');
    lost.add('MeetingResponse');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect([acceptances(), clock.slept]).toEqual([0, []]); // not retried by the session either
    seen.length = 0;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([count(seen, 'ItemOperations'), count(seen, 'MeetingResponse'), acceptances()]).toEqual([1, 1, 1]);
    expect(propText(calendar.items.get(event.id)!.data as never, 'ResponseType')).toBe('3');
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  const bob = { name: 'Bob', email: 'bob@example.test' };
  const mail = (accountId: string, subject: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    accountId,
    to: [bob],
    cc: [],
    bcc: [],
    subject,
    text: `Body of ${subject}`,
    attachments: [],
    ...extra,
  });
  /** How many mails with this subject bob got. */
  const received = (server: MockServer, subject: string): number =>
    [...requireFolderOfType(server.mock.world.mailboxes.get('bob') as Mailbox, FolderType.Inbox).store.items.values()].filter(
      (i) => i.data.kind === 'mail' && i.data.subject === subject,
    ).length;

  it('12.1 SendMail (no ClientId): not repeated by the session; before it goes again, Sent Items shows its Message-ID, so it counts as sent', async () => {
    const { server, store, seen, engine, events, accountId, dropAfter, clock } = await setup({ version: '12.1' });
    const id = await engine.queueMail(mail(accountId, 'Sent once at 12.1'));
    dropAfter('SendMail');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect([count(seen, 'SendMail'), received(server, 'Sent once at 12.1'), clock.slept]).toEqual([1, 1, []]);
    expect((await store.db.get('pending', id))?.payload).toMatchObject({ state: 'queued', unconfirmed: true });

    seen.length = 0;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([count(seen, 'SendMail'), count(seen, 'ItemOperations'), received(server, 'Sent once at 12.1')]).toEqual([0, 1, 1]);
    expect(await store.db.get('pending', id)).toBeUndefined();
    expect(
      events
        .filter((e) => e.type === 'outbox' && e.id === id)
        .map((e) => e.type === 'outbox' && e.state)
        .at(-1),
    ).toBe('sent');
    expect(await inSync(server, store, accountId)).toEqual([]);
  });

  it('12.1 SmartReply the same way: the reply is in Sent Items, it is not sent twice', async () => {
    const { server, store, seen, engine, accountId, folder, dropAfter } = await setup({ version: '12.1' });
    const inbox = folder(FolderType.Inbox);
    const original = [...inbox.items.values()].find((i) => i.data.kind === 'mail' && !i.data.meeting) as Item;
    const subject = 'Re: answered once at 12.1';
    await engine.queueMail(
      mail(accountId, subject, {
        source: { kind: 'reply', ref: { accountId, itemId: await itemIdOf(store, accountId, inbox.id, original.id) }, quoted: false },
      }),
    );
    dropAfter('SmartReply');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false });
    seen.length = 0;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([count(seen, 'SmartReply'), count(seen, 'SendMail'), received(server, subject)]).toEqual([0, 0, 1]);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('12.1, the process killed while the server sent the mail: the record left "sending" is checked the same way after a restart', async () => {
    const { server, store, journal, handle, accountId } = await setup({ version: '12.1' });
    let atKill: typeof journal = [];
    const first = engineFor(store, async (r) => {
      const res = await handle(r);
      if (cmdOf(r) === 'SendMail') {
        atKill = [...journal];
        return new Promise<Response>(() => undefined); // never answers: the process dies here
      }
      return res;
    });
    await first.engine.queueMail(mail(accountId, 'Killed at 12.1'));
    void first.engine.flushOutbox(accountId);
    await vi.waitFor(() => expect(atKill.length).toBeGreaterThan(0));
    const after = await restore(atKill);
    expect((await after.store.db.getAll('pending')).map((p) => (p.payload as OutboxPayload).state)).toEqual(['sending']);
    const seen: string[] = [];
    const { engine } = engineFor(after.store, (r) => {
      seen.push(cmdOf(r));
      return handle(r);
    });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([count(seen, 'SendMail'), received(server, 'Killed at 12.1')]).toEqual([0, 1]);
    expect(await after.store.db.getAll('pending')).toEqual([]);
  });

  it('12.1 SendMail that never reached the server: Sent Items has no copy, it goes again, once', async () => {
    const { server, store, seen, lost, engine, accountId } = await setup({ version: '12.1' });
    await engine.queueMail(mail(accountId, 'Lost on the way'));
    lost.add('SendMail');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect(received(server, 'Lost on the way')).toBe(0);
    seen.length = 0;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([count(seen, 'SendMail'), received(server, 'Lost on the way')]).toEqual([1, 1]);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('12.1 with Sent Items not synced: nothing to check against, so the mail goes again (a possible second copy, never a lost mail)', async () => {
    const { server, store, engine, accountId, folder, dropAfter } = await setup({ version: '12.1' });
    await engine.setFolderEnabled(accountId, folder(FolderType.SentItems).id, false);
    await engine.queueMail(mail(accountId, 'Twice without Sent Items'));
    dropAfter('SendMail');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect(received(server, 'Twice without Sent Items')).toBe(2);
    expect(await store.db.getAll('pending')).toEqual([]);
  });

  it('14.1 SendMail: the session does repeat it (its ClientId makes the server drop a copy): one mail, in one sync', async () => {
    const { server, seen, engine, accountId, dropAfter } = await setup();
    await engine.queueMail(mail(accountId, 'Once at 14.1'));
    dropAfter('SendMail');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([count(seen, 'SendMail'), received(server, 'Once at 14.1')]).toEqual([2, 1]);
  });
});
