import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { propText } from '../../mocks/meetings.ts';
import { FolderType, requireFolderOfType, touchItem, type Item, type Mailbox } from '../../mocks/model.ts';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import type { Contact } from '../../src/eas/items/contact.ts';
import type { Email } from '../../src/eas/items/email.ts';
import type { Task } from '../../src/eas/items/task.ts';
import { decodeEas } from '../../src/eas/wbxml.ts';
import { kid, kids, textOf, type El } from '../../src/wbxml/tree.ts';
import { alice, diffViews, engineFor, itemIdOf, journaledStore, localView, mockServer, pinVersion, serverView } from './support.ts';

const text = (item: Item | undefined, ns: string, name: string): string | undefined => {
  if (item?.data.kind !== 'pim') return undefined;
  const p = item.data.props.find((x) => x.ns === ns && x.name === name);
  return p ? textOf(p) : undefined;
};

async function synced(options: { version?: string } = {}) {
  const server = mockServer();
  const online = { up: true };
  const base = options.version ? pinVersion(server.handle, options.version) : server.handle;
  const sent: El[] = [];
  const transport = async (r: Request): Promise<Response> => {
    if (!online.up) throw new TypeError('offline');
    if (r.url.includes('Cmd=Sync')) {
      const bytes = new Uint8Array(await r.clone().arrayBuffer());
      if (bytes.length) sent.push(decodeEas(bytes));
    }
    return base(r);
  };
  const { store } = await journaledStore();
  const h = engineFor(store, transport, { retries: 0 });
  const account = await h.engine.addAccount(alice);
  await h.engine.syncAccount(account.id);
  const mb = server.mock.world.mailboxes.get('alice') as Mailbox;
  const folder = (type: number) => requireFolderOfType(mb, type).store;
  return { server, store, online, ...h, account, mb, folder, sent };
}

describe('local edits of contacts, events and tasks', () => {
  it('adds, changes and deletes offline, then pushes them all on the next sync', async () => {
    const { server, store, online, engine, account, folder } = await synced();
    const contacts = folder(FolderType.Contacts);
    const tasks = folder(FolderType.Tasks);
    const calendar = folder(FolderType.Calendar);
    online.up = false;
    const newContact = await engine.addItem(account.id, contacts.id, {
      firstName: 'Nina',
      lastName: 'Local',
      fileAs: 'Local, Nina',
    } satisfies Contact);
    const newTask = await engine.addItem(account.id, tasks.id, { subject: 'Local task', complete: false } satisfies Task);
    const start = new Date(Date.UTC(2026, 5, 1, 9));
    const newEvent = await engine.addItem(account.id, calendar.id, {
      subject: 'Local event',
      startTime: start,
      endTime: new Date(start.getTime() + 3_600_000),
    } satisfies CalendarItem);
    expect((await store.db.getFromIndex('items', 'byId', [account.id, newContact]))?.serverId).toMatch(/^local:/);
    const [firstContact] = contacts.items.keys();
    const contactRecord = await store.db.get('items', [account.id, contacts.id, firstContact!]);
    await engine.updateItem(account.id, contactRecord!.id, { ...(contactRecord!.data as Contact), jobTitle: 'Edited offline' });
    const [firstTask] = tasks.items.keys();
    await engine.deleteItem(account.id, await itemIdOf(store, account.id, tasks.id, firstTask!));
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect((await store.db.getAll('pending')).length).toBe(5);

    online.up = true;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
    const subjects = (store: typeof tasks, ns: string, name: string) => [...store.items.values()].map((i) => text(i, ns, name));
    expect(subjects(contacts, 'Contacts', 'FileAs').filter((s) => s === 'Local, Nina')).toHaveLength(1);
    expect(subjects(tasks, 'Tasks', 'Subject').filter((s) => s === 'Local task')).toHaveLength(1);
    expect(subjects(calendar, 'Calendar', 'Subject').filter((s) => s === 'Local event')).toHaveLength(1);
    expect(text(contacts.items.get(firstContact!), 'Contacts', 'JobTitle')).toBe('Edited offline');
    expect(tasks.items.has(firstTask!)).toBe(false);
    const local = await store.db.getAll('items');
    expect(local.some((i) => i.serverId.startsWith('local:'))).toBe(false);
    expect(local.filter((i) => (i.data as Task).subject === 'Local task')).toHaveLength(1);
    // Confirmed: each new item now has the server's ServerId, under the id its add gave it.
    for (const id of [newContact, newTask, newEvent])
      expect((await store.db.getFromIndex('items', 'byId', [account.id, id]))?.serverId).not.toMatch(/^local:/);
  });

  it('edits and deletes of an item still being added wait for its ServerId', async () => {
    const { server, store, engine, account, folder } = await synced();
    const contacts = folder(FolderType.Contacts);
    const id = await engine.addItem(account.id, contacts.id, { fileAs: 'Twice', firstName: 'Twice' } satisfies Contact);
    await engine.updateItem(account.id, id, { fileAs: 'Twice', firstName: 'Twice', jobTitle: 'Second edit' } satisfies Contact);
    const gone = await engine.addItem(account.id, contacts.id, { fileAs: 'Gone' } satisfies Contact);
    await engine.deleteItem(account.id, gone);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const named = (n: string) => [...contacts.items.values()].filter((i) => text(i, 'Contacts', 'FileAs') === n);
    expect(named('Twice').map((i) => text(i, 'Contacts', 'JobTitle'))).toEqual(['Second edit']);
    expect(named('Gone')).toEqual([]);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });

  it('an add whose response was lost is not duplicated when retried (same ClientId)', async () => {
    const server = mockServer();
    let loseNextSyncWithAdd = true;
    const transport = async (r: Request): Promise<Response> => {
      const res = await server.handle(r.clone());
      const body = r.method === 'POST' ? new Uint8Array(await r.arrayBuffer()) : new Uint8Array();
      if (loseNextSyncWithAdd && r.url.includes('Cmd=Sync') && new TextDecoder('latin1').decode(body).includes('Lost Answer')) {
        loseNextSyncWithAdd = false;
        throw new TypeError('connection reset after the server processed the request');
      }
      return res;
    };
    const { store } = await journaledStore();
    const { engine } = engineFor(store, transport, { retries: 0 });
    const account = await engine.addAccount(alice);
    await engine.syncAccount(account.id);
    const contacts = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Contacts).store;
    await engine.addItem(account.id, contacts.id, { fileAs: 'Lost Answer' } satisfies Contact);
    expect((await engine.syncAccount(account.id)).ok).toBe(false);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect([...contacts.items.values()].filter((i) => text(i, 'Contacts', 'FileAs') === 'Lost Answer')).toHaveLength(1);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });

  it('a conflict keeps the server version and puts the local one in the conflicts store', async () => {
    const { server, store, engine, account, folder } = await synced();
    const contacts = folder(FolderType.Contacts);
    const [id] = contacts.items.keys();
    const item = contacts.items.get(id!)!;
    const record = await store.db.get('items', [account.id, contacts.id, id!]);
    await engine.updateItem(account.id, record!.id, { ...(record!.data as Contact), jobTitle: 'Mine' });
    if (item.data.kind === 'pim') item.data.props.push({ ns: 'Contacts', name: 'Department', children: ['Server side'] });
    touchItem(server.mock.world, contacts, item);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const after = await store.db.get('items', [account.id, contacts.id, id!]);
    expect((after!.data as Contact).department).toBe('Server side');
    expect((after!.data as Contact).jobTitle).not.toBe('Mine');
    const conflicts = await store.db.getAll('conflicts');
    expect(conflicts).toHaveLength(1);
    expect((conflicts[0]!.local as Contact).jobTitle).toBe('Mine');
    expect(await store.db.getAll('pending')).toEqual([]);
  });
});

describe('mail: read, flag, move, delete', () => {
  it('marks read and flags, then pushes', async () => {
    const { store, engine, account, folder } = await synced();
    const inbox = folder(FolderType.Inbox);
    const unread = [...inbox.items.values()].find((i) => i.data.kind === 'mail' && !i.data.read)!;
    const before = (await store.db.get('folders', [account.id, inbox.id]))!.unread;
    const unreadId = await itemIdOf(store, account.id, inbox.id, unread.id);
    await engine.markRead(account.id, unreadId, true);
    await engine.setFlag(account.id, unreadId, { status: 2, flagType: 'Flag for follow up' });
    expect((await store.db.get('folders', [account.id, inbox.id]))!.unread).toBe(before - 1);
    expect((await store.db.getAll('pending')).length).toBe(1); // merged into one change
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(unread.data.kind === 'mail' && unread.data.read).toBe(true);
    const local = await store.db.get('items', [account.id, inbox.id, unread.id]);
    expect((local!.data as Email).flag?.status).toBe(2);
    expect((await store.db.get('folders', [account.id, inbox.id]))!.unread).toBe(before - 1);
  });

  it('moves with MoveItems and deletes to Deleted Items', async () => {
    const { server, store, engine, account, folder, mb } = await synced();
    const inbox = folder(FolderType.Inbox);
    const trash = folder(FolderType.DeletedItems);
    const projects = [...mb.folders.values()].find((f) => f.type === 12)!.store;
    const [a, b] = [...inbox.items.keys()];
    const movedId = await itemIdOf(store, account.id, inbox.id, a!);
    await engine.moveItem(account.id, movedId, projects.id);
    await engine.markRead(account.id, movedId, true);
    await engine.deleteItem(account.id, await itemIdOf(store, account.id, inbox.id, b!));
    expect((await store.db.getFromIndex('items', 'byId', [account.id, movedId]))?.folderId).toBe(projects.id);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(inbox.items.has(a!)).toBe(false);
    expect(inbox.items.has(b!)).toBe(false);
    expect(trash.items.size).toBeGreaterThan(2);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
    const moved = [...projects.items.values()].at(-1);
    expect(moved?.data.kind === 'mail' && moved.data.read).toBe(true);
  });
});

describe('mail: edits before a move', () => {
  it('read and flagged, then moved, offline: the mail arrives in the destination read and flagged', async () => {
    const { server, store, online, engine, account, folder, mb } = await synced();
    const inbox = folder(FolderType.Inbox);
    const archive = [...mb.folders.values()].find((f) => f.type === 12)!.store;
    const mail = [...inbox.items.values()].find((i) => i.data.kind === 'mail' && !i.data.read && !i.data.meeting)!;
    const messageId = mail.data.kind === 'mail' ? mail.data.messageId : '';
    online.up = false;
    const mailId = await itemIdOf(store, account.id, inbox.id, mail.id);
    await engine.markRead(account.id, mailId, true);
    await engine.setFlag(account.id, mailId, { status: 2 });
    await engine.moveItem(account.id, mailId, archive.id);
    online.up = true;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const moved = [...archive.items.values()].filter((i) => i.data.kind === 'mail' && i.data.messageId === messageId);
    expect(moved).toHaveLength(1);
    expect(moved[0]!.data.kind === 'mail' && moved[0]!.data.read && moved[0]!.data.flag !== undefined).toBe(true);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });
});

describe('calendar', () => {
  for (const version of ['16.1', '14.1']) {
    it(`an alarm-only change keeps the attendees (EAS ${version})`, async () => {
      const { store, engine, account, folder, sent } = await synced({ version });
      expect(account.version).toBe(version);
      const calendar = folder(FolderType.Calendar);
      const meeting = [...calendar.items.values()].find(
        (i) => text(i, 'Calendar', 'MeetingStatus') === '1' && i.data.kind === 'pim' && i.data.props.some((p) => p.name === 'Attendees'),
      )!;
      const attendeesBefore = meeting.data.kind === 'pim' ? kids(meeting.data.props.find((p) => p.name === 'Attendees')!).length : 0;
      expect(attendeesBefore).toBeGreaterThan(0);
      const record = await store.db.get('items', [account.id, calendar.id, meeting.id]);
      await engine.updateItem(account.id, record!.id, { ...(record!.data as CalendarItem), reminder: 42 });
      expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
      const after = calendar.items.get(meeting.id)!;
      expect(text(after, 'Calendar', 'Reminder')).toBe('42');
      const attendees = after.data.kind === 'pim' ? after.data.props.find((p) => p.name === 'Attendees') : undefined;
      expect(attendees && kids(attendees).length).toBe(attendeesBefore);
      const local = await store.db.get('items', [account.id, calendar.id, meeting.id]);
      expect((local!.data as CalendarItem).attendees?.length).toBe(attendeesBefore);
      // What went on the wire: 16.x sends what changed plus the attendees (everything else is
      // ghosted, MS-ASCAL 3.1.5.3); 14.1 and before send the whole item, attendees included.
      const change = sent
        .flatMap((t) => kids(kid(t, 'Collections') ?? t, 'Collection'))
        .flatMap((c) => kids(kid(c, 'Commands') ?? c, 'Change'))[0];
      const names = kids(kid(change!, 'ApplicationData')!).map((e) => e.name);
      if (version === '16.1') expect(names.sort()).toEqual(['Attendees', 'Reminder']);
      else expect(names).toEqual(expect.arrayContaining(['Attendees', 'Reminder', 'StartTime', 'EndTime', 'Subject', 'Timezone']));
    });
  }

  it('an invitation accepted (twice, even) is one event, updated in place', async () => {
    const { server, store, engine, account, folder } = await synced();
    const inbox = folder(FolderType.Inbox);
    const calendar = folder(FolderType.Calendar);
    const request = [...inbox.items.values()].find((i) => i.data.kind === 'mail' && i.data.meeting)!;
    const uid = request.data.kind === 'mail' ? request.data.meeting!.uid : '';
    const withUid = () => [...calendar.items.values()].filter((i) => i.data.kind === 'pim' && propText(i.data, 'UID') === uid);
    expect(withUid()).toHaveLength(1);
    const requestId = await itemIdOf(store, account.id, inbox.id, request.id);
    await engine.respondToMeeting(account.id, requestId, 'accept');
    await engine.respondToMeeting(account.id, requestId, 'accept');
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(withUid()).toHaveLength(1);
    expect(propText(withUid()[0]!.data as never, 'ResponseType')).toBe('3');
    // (Bob's shared calendar holds the organizer's copy: only Alice's own calendar counts.)
    const localEvents = (await store.db.getAll('items')).filter((i) => i.folderId === calendar.id && (i.data as CalendarItem).uid === uid);
    expect(localEvents).toHaveLength(1);
    expect((localEvents[0]!.data as CalendarItem).responseType).toBe(3);
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
  });

  it("the user's own attendee entry follows the answer: at once on the device, and in the server's next Sync", async () => {
    const { store, engine, account, folder } = await synced();
    const calendar = folder(FolderType.Calendar);
    const own = async () => {
      const event = (await store.db.getAll('items')).find(
        (i) => i.folderId === calendar.id && (i.data as CalendarItem).subject?.startsWith('Project kickoff'),
      );
      const data = event?.data as CalendarItem | undefined;
      return {
        id: event?.id,
        responseType: data?.responseType,
        alice: data?.attendees?.find((a) => a.email === 'alice@example.test')?.status,
        others: data?.attendees?.filter((a) => a.email !== 'alice@example.test').map((a) => a.status),
      };
    };
    const before = await own();
    expect(before).toMatchObject({ responseType: 5, alice: 5, others: [3] }); // not answered (MS-ASCAL 2.2.2.4 / 2.2.2.40)
    await engine.respondToMeeting(account.id, before.id!, 'tentative');
    expect(await own()).toMatchObject({ responseType: 2, alice: 2, others: [3] }); // before any request went out
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(await own()).toMatchObject({ responseType: 2, alice: 2, others: [3] }); // the server's copy agrees
  });
});
