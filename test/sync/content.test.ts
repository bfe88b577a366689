/**
 * What the user sees after a server Change: the stored item holds the server's whole
 * item, field by field (the content oracle, test/support/oracle.ts), not just what
 * the Change carried. A mail's Change carries only what changed (MS-ASCMD 2.2.3.24);
 * replying to a mail used to leave it with no subject and no sender.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType, type Item } from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { Email } from '../../src/eas/items/email.ts';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import type { Store } from '../../src/store/db.ts';
import type { Engine } from '../../src/sync/engine.ts';
import { assertSame, contentOracle } from '../support/oracle.ts';
import { alice, engineFor, itemIdOf, journaledStore, mockServer, pinVersion } from './support.ts';
import type { ItemRecord } from '../../src/store/schema.ts';

interface Device {
  readonly server: MockServer;
  readonly store: Store;
  readonly engine: Engine;
  readonly accountId: string;
  readonly transport: (r: Request) => Promise<Response>;
}

async function device(version = '16.1'): Promise<Device> {
  const server = mockServer({ data: { mails: 30, contacts: 8, events: 8, tasks: 8, notes: 0, gal: 0 } });
  const transport = pinVersion(server.handle, version);
  const { store } = await journaledStore();
  const { engine } = engineFor(store, transport);
  const account = await engine.addAccount(alice);
  expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
  return { server, store, engine, accountId: account.id, transport };
}

const inboxOf = (d: Device) => requireFolderOfType(d.server.mock.world.mailboxes.get('alice')!, FolderType.Inbox).store;

/** A plain mail of the Inbox (not a meeting request). */
function plainMail(d: Device, n = 0): Item {
  return [...inboxOf(d).items.values()].filter((i) => i.data.kind === 'mail' && !i.data.meeting)[n]!;
}

async function stored(d: Device, folderId: string, serverId: string): Promise<Email> {
  const item = await d.store.db.get('items', [d.accountId, folderId, serverId]);
  if (!item) throw new Error(`${serverId} not in the store`);
  return item.data as Email;
}

async function sameAsServer(d: Device): Promise<void> {
  assertSame(await contentOracle(d.store, d.accountId, d.transport, alice));
}

describe.each(['14.1', '16.1'])('a mail changed on the server (%s)', (version) => {
  it('read, flagged and replied to by another client: the mail keeps its subject, sender, recipients and body', async () => {
    const d = await device(version);
    const inbox = inboxOf(d);
    const mail = plainMail(d);
    const before = await stored(d, inbox.id, mail.id);
    expect(before.subject).toBeTruthy();
    d.server.control.otherDevice('alice', mail.id, { kind: 'read', read: true });
    d.server.control.otherDevice('alice', mail.id, { kind: 'flag', flagged: true });
    d.server.control.otherDevice('alice', mail.id, { kind: 'verb', verb: 1 });
    expect(await d.engine.syncAccount(d.accountId)).toMatchObject({ ok: true });
    const after = await stored(d, inbox.id, mail.id);
    expect(after.subject).toBe(before.subject);
    expect(after.from).toEqual(before.from);
    expect(after.to).toEqual(before.to);
    expect(after.dateReceived).toEqual(before.dateReceived);
    expect(after.body).toEqual(before.body);
    expect(after.attachments).toEqual(before.attachments);
    expect(after.read).toBe(true);
    expect(after.flag?.status).toBe(2);
    expect(after.lastVerbExecuted).toBe(1);
    const item = await d.store.db.get('items', [d.accountId, inbox.id, mail.id]);
    expect(item?.sortKey).toBe(before.dateReceived?.toISOString());
    await sameAsServer(d);
  });

  it('a flag and categories cleared elsewhere (<Flag/>, empty Categories) are cleared here, the rest kept', async () => {
    const d = await device(version);
    const inbox = inboxOf(d);
    const mail = plainMail(d, 1);
    d.server.control.otherDevice('alice', mail.id, { kind: 'flag', flagged: true });
    d.server.control.otherDevice('alice', mail.id, { kind: 'categories', categories: ['Red', 'Blue'] });
    await d.engine.syncAccount(d.accountId);
    const flagged = await stored(d, inbox.id, mail.id);
    expect(flagged.flag?.status).toBe(2);
    if (version !== '12.1') expect(flagged.categories).toEqual(['Red', 'Blue']);
    d.server.control.otherDevice('alice', mail.id, { kind: 'flag', flagged: false });
    d.server.control.otherDevice('alice', mail.id, { kind: 'categories', categories: [] });
    await d.engine.syncAccount(d.accountId);
    const cleared = await stored(d, inbox.id, mail.id);
    expect(cleared.flag?.status).toBeUndefined();
    expect(cleared.categories ?? []).toEqual([]);
    expect(cleared.subject).toBe(flagged.subject);
    expect(cleared.from).toEqual(flagged.from);
    await sameAsServer(d);
  });

  it('our own reply and forward keep the original whole, with the last verb the server records', async () => {
    const d = await device(version);
    const inbox = inboxOf(d);
    for (const [n, kind, verb] of [
      [2, 'reply', 1],
      [3, 'forward', 3],
    ] as const) {
      const mail = plainMail(d, n);
      const before = await stored(d, inbox.id, mail.id);
      await d.engine.queueMail({
        accountId: d.accountId,
        to: [{ email: 'bob@example.test' }],
        cc: [],
        bcc: [],
        subject: `Re: ${before.subject}`,
        text: 'Thanks',
        attachments: [],
        source: { kind, ref: { accountId: d.accountId, itemId: await itemIdOf(d.store, d.accountId, inbox.id, mail.id) }, quoted: false },
      });
      expect(await d.engine.flushOutbox(d.accountId)).toMatchObject({ ok: true });
      expect(await d.engine.syncAccount(d.accountId)).toMatchObject({ ok: true });
      const after = await stored(d, inbox.id, mail.id);
      expect(after.subject).toBe(before.subject);
      expect(after.from).toEqual(before.from);
      expect(after.body).toEqual(before.body);
      expect(after.lastVerbExecuted).toBe(verb);
    }
    await sameAsServer(d);
  });
});

describe('events, contacts and tasks changed on the server', () => {
  it('a Change carries the whole item and replaces the stored one; a meeting answer shows', async () => {
    const d = await device('14.1');
    const mb = d.server.mock.world.mailboxes.get('alice')!;
    for (const type of [FolderType.Calendar, FolderType.Contacts, FolderType.Tasks]) {
      const store = requireFolderOfType(mb, type).store;
      const [item] = store.items.values();
      d.server.control.otherDevice('alice', item!.id, { kind: 'edit', text: `Edited ${type}` });
    }
    const calendar = requireFolderOfType(mb, FolderType.Calendar).store;
    const meeting = [...calendar.items.values()].find((i) => i.data.kind === 'pim' && i.data.props.some((p) => p.name === 'Attendees'));
    if (meeting) d.server.control.otherDevice('alice', meeting.id, { kind: 'answer', status: 4 });
    expect(await d.engine.syncAccount(d.accountId)).toMatchObject({ ok: true });
    const [first] = calendar.items.values();
    const event = (await d.store.db.get('items', [d.accountId, calendar.id, first!.id]))?.data as CalendarItem;
    expect(event.subject).toBe(`Edited ${FolderType.Calendar}`);
    await sameAsServer(d);
  });
});

describe.each(['14.1', '16.1'])('an event added on this device (%s)', (version) => {
  it('holds the UID the server keeps (ours before 16.0, the one the Add response returns from 16.0), through a rename before it was sent', async () => {
    const d = await device(version);
    const calendar = requireFolderOfType(d.server.mock.world.mailboxes.get('alice')!, FolderType.Calendar).store;
    const event: CalendarItem = {
      subject: 'Planning',
      startTime: new Date(Date.UTC(2026, 6, 1, 9)),
      endTime: new Date(Date.UTC(2026, 6, 1, 10)),
    };
    const id = await d.engine.addItem(d.accountId, calendar.id, event);
    await d.engine.updateItem(d.accountId, id, { ...event, subject: 'Planning (moved)' });
    expect(await d.engine.syncAccount(d.accountId)).toMatchObject({ ok: true });
    const added = [...calendar.items.values()].find(
      (i) => i.data.kind === 'pim' && i.data.props.some((p) => p.name === 'Subject' && p.children[0] === 'Planning (moved)'),
    )!;
    const uid = added.data.kind === 'pim' ? added.data.props.find((p) => p.name === 'UID')?.children[0] : undefined;
    expect(uid).toBeTruthy();
    expect(((await d.store.db.get('items', [d.accountId, calendar.id, added.id]))?.data as CalendarItem).uid).toBe(uid);
    await sameAsServer(d);
  });
});

describe('the oracle', () => {
  it('reports the first differing item and field, local against server', async () => {
    const d = await device('14.1');
    const inbox = inboxOf(d);
    const mail = plainMail(d);
    const item = (await d.store.db.get('items', [d.accountId, inbox.id, mail.id]))!;
    await d.store.commit([
      { store: 'items', op: 'put', value: { ...item, data: { ...(item.data as Email), subject: 'Tampered' } } as ItemRecord },
    ]);
    const result = await contentOracle(d.store, d.accountId, d.transport, alice);
    expect(result.differences).toHaveLength(1);
    expect(result.differences[0]).toMatchObject({
      folder: inbox.id,
      serverId: mail.id,
      field: 'Subject',
      local: 'Tampered',
      server: (mail.data as { subject: string }).subject,
    });
    expect(() => assertSame(result)).toThrow(/Subject: local "Tampered", server/);
    expect(result.items).toBeGreaterThan(30);
  });
});
