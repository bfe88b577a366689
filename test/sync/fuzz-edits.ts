/**
 * The offline edits the durability fuzzes pick from (faults.test.ts, and
 * ambiguous-fuzz.test.ts on top of its own): each queues its edit on a device and
 * the check of its outcome on the mock server.
 */
import { FolderType, requireFolderOfType, type Item, type Mailbox, type Store as MockStore } from '../../mocks/model.ts';
import type { Rng } from '../../mocks/random.ts';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import type { Contact } from '../../src/eas/items/contact.ts';
import type { Task } from '../../src/eas/items/task.ts';
import type { Store } from '../../src/store/db.ts';
import type { Engine } from '../../src/sync/engine.ts';
import { textOf } from '../../src/wbxml/tree.ts';

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

export const expectCount = (what: string, got: number, want: number): string | undefined => (got === want ? undefined : `${what}: ${got} on the server, expected ${want}`);

export const PIM = [
  { cls: 'Contacts', type: FolderType.Contacts, ns: 'Contacts', key: 'FileAs', make: (m: string): Contact => ({ fileAs: m, firstName: m }) },
  { cls: 'Tasks', type: FolderType.Tasks, ns: 'Tasks', key: 'Subject', make: (m: string): Task => ({ subject: m, complete: false }) },
  {
    cls: 'Calendar', type: FolderType.Calendar, ns: 'Calendar', key: 'Subject',
    make: (m: string): CalendarItem => ({ subject: m, startTime: new Date(Date.UTC(2026, 6, 1, 9)), endTime: new Date(Date.UTC(2026, 6, 1, 10)) }),
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
    await c.engine.updateItem(c.accountId, folder(c, k.type).id, id, k.make(renamed));
    const deleted = c.r.chance(0.4);
    if (deleted) await c.engine.deleteItem(c.accountId, folder(c, k.type).id, id);
    c.checks.push(() => expectCount(`added+renamed ${k.cls} ${m}`, byProp(folder(c, k.type), k.ns, k.key, renamed).length, deleted ? 0 : 1));
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
    await c.engine.updateItem(c.accountId, store.id, item.id, next);
    const [ns, name] = k.cls === 'Contacts' ? ['Contacts', 'JobTitle'] : [k.ns, 'Subject'];
    c.checks.push(() => (prop(store.items.get(item.id), ns, name) === m ? undefined : `change of ${k.cls} ${item.id} to ${m} missing`));
  },
  async (c) => {
    const k = c.r.pick(PIM);
    const store = folder(c, k.type);
    const item = pick(c, store);
    if (!item) return;
    await c.engine.deleteItem(c.accountId, store.id, item.id);
    c.checks.push(() => (store.items.has(item.id) ? `deleted ${k.cls} ${item.id} still on the server` : undefined));
  },
  async (c) => {
    const inbox = folder(c, FolderType.Inbox);
    const mail = pick(c, inbox, (i) => i.data.kind === 'mail' && !i.data.meeting);
    if (!mail || mail.data.kind !== 'mail') return;
    const flag = c.r.chance(0.5);
    await c.engine.markRead(c.accountId, inbox.id, mail.id, true);
    if (flag) await c.engine.setFlag(c.accountId, inbox.id, mail.id, { status: 2, flagType: 'Flag for follow up' });
    const messageId = mail.data.messageId;
    const moveTo = c.r.chance(0.5) ? [...c.mb.folders.values()].find((f) => f.type === FolderType.UserMail)?.store : undefined;
    if (moveTo) await c.engine.moveItem(c.accountId, inbox.id, mail.id, moveTo.id);
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
    if (!mail || mail.data.kind !== 'mail') return;
    const messageId = mail.data.messageId;
    const inTrash = mailById(folder(c, FolderType.DeletedItems), messageId).length; // generated ids can repeat
    await c.engine.deleteItem(c.accountId, inbox.id, mail.id);
    c.checks.push(() => {
      if (inbox.items.has(mail.id)) return `deleted mail ${messageId} still in the Inbox`;
      return expectCount(`deleted mail ${messageId} in Deleted Items`, mailById(folder(c, FolderType.DeletedItems), messageId).length, inTrash + 1);
    });
  },
];

async function recordOf(c: Ctx, folderId: string, serverId: string): Promise<unknown> {
  return (await c.store.db.get('items', [c.accountId, folderId, serverId]))?.data;
}

/** Each folder's count and unread count equal what the store holds. */
export async function countProblems(store: Store, accountId: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of await store.db.getAll('folders', IDBKeyRange.bound([accountId], [accountId, []]))) {
    const items = await store.db.getAll('items', IDBKeyRange.bound([accountId, f.serverId], [accountId, f.serverId, []]));
    const unread = items.filter((i) => i.read === 0).length;
    if (f.count !== items.length || f.unread !== unread) out.push(`folder ${f.serverId} (${f.displayName}): count ${f.count}/${items.length}, unread ${f.unread}/${unread}`);
  }
  return out;
}
