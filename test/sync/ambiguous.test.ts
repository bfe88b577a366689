/**
 * Requests the server applied but whose answer was lost (mock fault drop-after): the
 * session does not repeat them blindly (reconnect.ts safeToRepeat), their queue
 * decides, and nothing is lost or done twice.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { propText } from '../../mocks/meetings.ts';
import { FolderType, requireFolderOfType, type Item, type Mailbox, type Store as MockStore } from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { MeetingResponsePayload } from '../../src/sync/pending.ts';
import { alice, diffViews, engineFor, journaledStore, localView, mockServer, pinVersion, serverView } from './support.ts';

const cmdOf = (r: Request): string => new URL(r.url).searchParams.get('Cmd') ?? r.method;

async function setup(options: { version?: string; data?: Record<string, number> } = {}) {
  const server = mockServer({ data: { mails: 6, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 0, ...options.data } });
  const { store } = await journaledStore();
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
  return { server, store, seen, lost, ...h, accountId: account.id, folder, dropAfter };
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
    await engine.moveItem(accountId, inbox.id, id, trash.id);
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
    const event = [...calendar.items.values()].find((i) => i.data.kind === 'pim' && propText(i.data, 'MeetingStatus') === '3' && propText(i.data, 'ResponseType') !== '3');
    if (!event || event.data.kind !== 'pim') throw new Error('no invitation in the demo calendar');
    const subject = propText(event.data, 'Subject') ?? '';
    const sent = requireFolderOfType(server.mock.world.mailboxes.get('alice') as Mailbox, FolderType.SentItems).store;
    const acceptances = (): number => [...sent.items.values()].filter((i) => i.data.kind === 'mail' && i.data.subject === `Accepted: ${subject}`).length;
    return { event, acceptances };
  }

  it('MeetingResponse (16.1, the server mails the organizer): not repeated when the server already shows the answer; the event is checked with ItemOperations first', async () => {
    const { server, store, seen, engine, accountId, folder, dropAfter } = await setup({ data: { events: 40 } });
    const calendar = folder(FolderType.Calendar);
    const { event, acceptances } = invitation(server, calendar);
    await engine.respondToMeeting(accountId, calendar.id, event.id, 'accept');
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
    await engine.respondToMeeting(accountId, calendar.id, event.id, 'accept');
    lost.add('MeetingResponse');
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect([acceptances(), clock.slept]).toEqual([0, []]); // not retried by the session either
    seen.length = 0;
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([count(seen, 'ItemOperations'), count(seen, 'MeetingResponse'), acceptances()]).toEqual([1, 1, 1]);
    expect(propText(calendar.items.get(event.id)!.data as never, 'ResponseType')).toBe('3');
    expect(await store.db.getAll('pending')).toEqual([]);
  });
});
