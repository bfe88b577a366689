/**
 * The offline edits the durability fuzzes pick from (faults.test.ts, and
 * ambiguous-fuzz.test.ts on top of its own): each queues its edit on a device and
 * the check of its outcome on the mock server.
 */
import { FolderType, requireFolderOfType, type Item, type Mailbox, type Store as MockStore, type World } from '../../mocks/model.ts';
import { otherDevice, type OtherDeviceEdit } from '../../mocks/mutations.ts';
import type { Rng } from '../../mocks/random.ts';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import type { Contact } from '../../src/eas/items/contact.ts';
import type { Task } from '../../src/eas/items/task.ts';
import type { Store } from '../../src/store/db.ts';
import { describeDifference, type DumpLine } from '../../src/sync/dump.ts';
import type { Engine } from '../../src/sync/engine.ts';
import { textOf } from '../../src/wbxml/tree.ts';
import { compareStore, serverDump } from '../support/oracle.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { Machine } from './machine.ts';
import { alice, pinVersion } from './support.ts';

export const prop = (item: Item | undefined, ns: string, name: string): string | undefined => {
  if (item?.data.kind !== 'pim') return undefined;
  const p = item.data.props.find((x) => x.ns === ns && x.name === name);
  return p ? textOf(p) : undefined;
};
export const byProp = (store: MockStore, ns: string, name: string, value: string): Item[] =>
  [...store.items.values()].filter((i) => prop(i, ns, name) === value);
export const mailById = (store: MockStore, messageId: string): Item[] =>
  [...store.items.values()].filter((i) => i.data.kind === 'mail' && i.data.messageId === messageId);

/** What must hold on the server once the edits are through. */
export type Check = () => string | undefined;

export interface Ctx {
  readonly engine: Engine;
  /** The device's store as the edits are made (before any restart). */
  readonly store: Store;
  readonly accountId: string;
  readonly mb: Mailbox;
  readonly r: Rng;
  readonly tag: string;
  readonly used: Set<string>;
  readonly checks: Check[];
  n: number;
}

export const folder = (c: Ctx, type: number): MockStore => requireFolderOfType(c.mb, type).store;
export const marker = (c: Ctx): string => `${c.tag}-${++c.n}`;

/** A random item of a store that no earlier edit of this seed touched. */
export function pick(c: Ctx, store: MockStore, filter: (i: Item) => boolean = () => true): Item | undefined {
  const free = [...store.items.values()].filter((i) => !c.used.has(i.id) && filter(i));
  if (free.length === 0) return undefined;
  const item = c.r.pick(free);
  c.used.add(item.id);
  return item;
}

export const expectCount = (what: string, got: number, want: number): string | undefined =>
  got === want ? undefined : `${what}: ${got} on the server, expected ${want}`;

export const PIM = [
  {
    cls: 'Contacts',
    type: FolderType.Contacts,
    ns: 'Contacts',
    key: 'FileAs',
    make: (m: string): Contact => ({ fileAs: m, firstName: m }),
  },
  { cls: 'Tasks', type: FolderType.Tasks, ns: 'Tasks', key: 'Subject', make: (m: string): Task => ({ subject: m, complete: false }) },
  {
    cls: 'Calendar',
    type: FolderType.Calendar,
    ns: 'Calendar',
    key: 'Subject',
    make: (m: string): CalendarItem => ({
      subject: m,
      startTime: new Date(Date.UTC(2026, 6, 1, 9)),
      endTime: new Date(Date.UTC(2026, 6, 1, 10)),
    }),
  },
] as const;

/** The edits a seed picks from; each queues its edit and the check of its outcome. */
export const EDITS: ((c: Ctx) => Promise<void>)[] = [
  async (c) => {
    const k = c.r.pick(PIM);
    const m = marker(c);
    await c.engine.addItem(c.accountId, folder(c, k.type).id, k.make(m));
    c.checks.push(() => expectCount(`added ${k.cls} ${m}`, byProp(folder(c, k.type), k.ns, k.key, m).length, 1));
  },
  async (c) => {
    // An add, changed and perhaps deleted before it ever reached the server.
    const k = c.r.pick(PIM);
    const m = marker(c);
    const id = await c.engine.addItem(c.accountId, folder(c, k.type).id, k.make(m));
    const renamed = `${m}-renamed`;
    await c.engine.updateItem(c.accountId, id, k.make(renamed));
    const deleted = c.r.chance(0.4);
    if (deleted) await c.engine.deleteItem(c.accountId, id);
    c.checks.push(() =>
      expectCount(`added+renamed ${k.cls} ${m}`, byProp(folder(c, k.type), k.ns, k.key, renamed).length, deleted ? 0 : 1),
    );
    c.checks.push(() => expectCount(`first name of ${m}`, byProp(folder(c, k.type), k.ns, k.key, m).length, 0));
  },
  async (c) => {
    const k = c.r.pick(PIM);
    const store = folder(c, k.type);
    const item = pick(c, store, (i) => prop(i, 'Calendar', 'MeetingStatus') !== '3');
    if (!item) return;
    const m = marker(c);
    const record = await recordOf(c, store.id, item.id);
    const next = k.cls === 'Contacts' ? { ...(record as Contact), jobTitle: m } : { ...(record as Task), subject: m };
    await c.engine.updateItem(c.accountId, await idOf(c, store.id, item.id), next);
    const [ns, name] = k.cls === 'Contacts' ? ['Contacts', 'JobTitle'] : [k.ns, 'Subject'];
    c.checks.push(() => (prop(store.items.get(item.id), ns, name) === m ? undefined : `change of ${k.cls} ${item.id} to ${m} missing`));
  },
  async (c) => {
    const k = c.r.pick(PIM);
    const store = folder(c, k.type);
    const item = pick(c, store);
    if (!item) return;
    await c.engine.deleteItem(c.accountId, await idOf(c, store.id, item.id));
    c.checks.push(() => (store.items.has(item.id) ? `deleted ${k.cls} ${item.id} still on the server` : undefined));
  },
  async (c) => {
    const inbox = folder(c, FolderType.Inbox);
    const mail = pick(c, inbox, (i) => i.data.kind === 'mail' && !i.data.meeting);
    if (mail?.data.kind !== 'mail') return;
    const flag = c.r.chance(0.5);
    const itemId = await idOf(c, inbox.id, mail.id);
    await c.engine.markRead(c.accountId, itemId, true);
    if (flag) await c.engine.setFlag(c.accountId, itemId, { status: 2, flagType: 'Flag for follow up' });
    const messageId = mail.data.messageId;
    const moveTo = c.r.chance(0.5) ? [...c.mb.folders.values()].find((f) => f.type === FolderType.UserMail)?.store : undefined;
    if (moveTo) await c.engine.moveItem(c.accountId, itemId, moveTo.id);
    const where = moveTo ?? inbox;
    const before = mailById(where, messageId).length - (moveTo ? 0 : 1); // generated ids can repeat
    c.checks.push(() => {
      const found = mailById(where, messageId);
      if (found.length !== before + 1) return `mail ${messageId}: ${found.length} copies in ${where.id}, expected ${before + 1}`;
      const data = found.at(-1)!.data;
      if (data.kind !== 'mail' || !data.read) return `mail ${messageId} not read on the server`;
      if (flag && !data.flag) return `mail ${messageId} not flagged on the server`;
      return moveTo && mailById(inbox, messageId).some((i) => i.id === mail.id) ? `mail ${messageId} still in the Inbox` : undefined;
    });
  },
  async (c) => {
    const inbox = folder(c, FolderType.Inbox);
    const mail = pick(c, inbox, (i) => i.data.kind === 'mail' && !i.data.meeting);
    if (mail?.data.kind !== 'mail') return;
    const messageId = mail.data.messageId;
    const inTrash = mailById(folder(c, FolderType.DeletedItems), messageId).length; // generated ids can repeat
    await c.engine.deleteItem(c.accountId, await idOf(c, inbox.id, mail.id));
    c.checks.push(() => {
      if (inbox.items.has(mail.id)) return `deleted mail ${messageId} still in the Inbox`;
      return expectCount(
        `deleted mail ${messageId} in Deleted Items`,
        mailById(folder(c, FolderType.DeletedItems), messageId).length,
        inTrash + 1,
      );
    });
  },
];

/** The stable id of the stored copy of a server item (what engine edits name). */
async function idOf(c: Ctx, folderId: string, serverId: string): Promise<string> {
  const item = await c.store.db.get('items', [c.accountId, folderId, serverId]);
  if (!item) throw new Error(`no stored item ${serverId} in folder ${folderId}`);
  return item.id;
}

async function recordOf(c: Ctx, folderId: string, serverId: string): Promise<unknown> {
  return (await c.store.db.get('items', [c.accountId, folderId, serverId]))?.data;
}

/** Each folder's count and unread count equal what the store holds. */
export async function countProblems(store: Store, accountId: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of await store.db.getAll('folders', IDBKeyRange.bound([accountId], [accountId, []]))) {
    const items = await store.db.getAll('items', IDBKeyRange.bound([accountId, f.serverId], [accountId, f.serverId, []]));
    const unread = items.filter((i) => i.read === 0).length;
    if (f.count !== items.length || f.unread !== unread)
      out.push(`folder ${f.serverId} (${f.displayName}): count ${f.count}/${items.length}, unread ${f.unread}/${unread}`);
  }
  return out;
}

// ------------------------------------------------------------------ another device, and the content oracle

/** Mail fields another client can change (MS-ASEMAIL 2.2.2): all a stale mail may differ in. */
const MUTABLE_MAIL = new Set(['Read', 'Flag', 'Categories', 'LastVerbExecuted', 'LastVerbExecutionTime']);

/** What another device did on the server since the device last got through: ServerId -> whether only mail flags changed. */
export type Dirty = Map<string, 'mail' | 'item'>;

/**
 * What another client of the user does on the server between two lives of the device:
 * read/unread, flag/clear, categories, reply or forward (the last verb), move, delete
 * a mail; edit, delete an event, contact or task; answer a meeting. Only items no
 * offline edit of the seed touches (pick), so the edits' checks stay exact; mail moves
 * go to Archive, where no offline edit moves or counts.
 */
export function otherDeviceEdit(c: Ctx, world: World, dirty: Dirty): void {
  const kind = c.r.int(0, 3);
  if (kind <= 1) {
    const inbox = folder(c, FolderType.Inbox);
    const mail = pick(c, inbox, (i) => i.data.kind === 'mail' && !i.data.meeting);
    if (mail?.data.kind !== 'mail') return;
    const edits: OtherDeviceEdit[] = [
      { kind: 'read', read: !mail.data.read },
      { kind: 'flag', flagged: c.r.chance(0.7) },
      { kind: 'categories', categories: c.r.chance(0.5) ? ['Red'] : [] },
      { kind: 'verb', verb: c.r.pick([1, 2, 3] as const) },
    ];
    for (const edit of edits) if (c.r.chance(0.5)) otherDevice(world, 'alice', mail.id, edit);
    const archive = [...c.mb.folders].find(([, f]) => f.name === 'Archive')?.[0];
    const fate = c.r.int(0, 9);
    if (fate === 0 && archive) otherDevice(world, 'alice', mail.id, { kind: 'move', to: archive });
    else if (fate === 1) otherDevice(world, 'alice', mail.id, { kind: 'delete' });
    dirty.set(mail.id, 'mail');
    return;
  }
  const k = c.r.pick(PIM);
  const store = folder(c, k.type);
  const meeting = kind === 3 && k.cls === 'Calendar';
  const ours = (i: Item): boolean => prop(i, k.ns, k.key)?.startsWith(c.tag) === true; // added by an offline edit: its check counts it
  const item = pick(
    c,
    store,
    (i) =>
      !ours(i) &&
      (!meeting ||
        (i.data.kind === 'pim' && i.data.props.some((p) => p.name === 'Attendees' || (p.name === 'MeetingStatus' && textOf(p) === '3')))),
  );
  if (!item) return;
  if (meeting) otherDevice(world, 'alice', item.id, { kind: 'answer', status: c.r.pick([2, 3, 4] as const) });
  else if (c.r.chance(0.8)) otherDevice(world, 'alice', item.id, { kind: 'edit', text: `${marker(c)} elsewhere` });
  else otherDevice(world, 'alice', item.id, { kind: 'delete' });
  dirty.set(item.id, 'item');
}

/** The oracle's figures over a fuzz run. */
export interface ContentFigures {
  /** Comparisons made (one per process life). */
  checks: number;
  items: number;
  fields: number;
}

/**
 * The content oracle after a process life, on the store the next process starts from.
 * Through (synced clean, queue empty): the store equals a fresh device's, every item,
 * every field. Else the device may be behind: items another device changed since it
 * last got through are compared in what cannot have changed (a mail's subject, sender,
 * body...; an event, contact or task not at all), items with a queued edit likewise,
 * and items held on one side only are left to the next life.
 */
export async function contentAfterLife(
  server: MockServer,
  version: string,
  machine: Machine,
  accountId: string,
  through: boolean,
  dirty: Dirty,
  figures: ContentFigures,
): Promise<string | undefined> {
  // The fresh device meets none of the faults armed for the fuzzed one.
  const { randomSeed: _seed, ...armed } = server.control.faults.spec; // the random mode's sequence goes on
  server.control.faults.clear();
  const store = await machine.restored();
  try {
    return await compareLife(store, accountId, await viewOf(server, version), through, dirty, figures);
  } finally {
    store.close();
    server.control.faults.set(armed);
  }
}

/** The last view taken, by what it depends on: the version and every store of alice's hierarchy at its change counter. */
let lastView: { key: string; lines: DumpLine[] } | undefined;

/**
 * The server's view as a fresh device syncs it, taken again only when the server
 * changed since (a fresh device's full sync costs about what a life does; most lives
 * that die early change nothing on the server).
 */
async function viewOf(server: MockServer, version: string): Promise<DumpLine[]> {
  const mb = server.mock.world.mailboxes.get('alice') as Mailbox;
  const key = `${version}|${[...mb.folders].map(([id, f]) => `${id}:${f.store.id}:${f.store.seq}`).join(',')}`;
  if (lastView?.key !== key) lastView = { key, lines: await serverDump(pinVersion(server.handle, version), alice) };
  return lastView.lines;
}

async function compareLife(
  store: Store,
  accountId: string,
  view: readonly DumpLine[],
  through: boolean,
  dirty: Dirty,
  figures: ContentFigures,
): Promise<string | undefined> {
  const pending = await store.db.getAll('pending');
  const queued = new Set(
    pending
      .filter((p) => p.accountId === accountId)
      .map((p) => p.serverId)
      .filter((id): id is string => id !== undefined),
  );
  const skip = (line: DumpLine, field?: string): boolean => {
    if (through) return false;
    const why = dirty.get(line.serverId) ?? (queued.has(line.serverId) ? (line.class === 'Email' ? 'mail' : 'item') : undefined);
    if (why === undefined) return false;
    return why === 'item' || field === undefined ? why === 'item' : MUTABLE_MAIL.has(field);
  };
  const result = await compareStore(store, accountId, view, { membership: through, skip });
  figures.checks += 1;
  figures.items += result.items;
  figures.fields += result.fields;
  if (through) dirty.clear();
  const [first] = result.differences;
  return (
    first &&
    `content after a ${through ? 'clean' : 'cut'} life: ${result.differences.length} difference(s), first: ${describeDifference(first)}`
  );
}
