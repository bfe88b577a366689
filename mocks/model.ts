/**
 * The mock server's world: users, their mailboxes (folder hierarchy + item
 * stores), and the GAL. Every mutation goes through the functions here so that
 * change counters advance and waiting Pings/Syncs are woken.
 *
 * Two levels, as on a real server:
 * - a Store holds items of one class and a change counter (`seq`) that grows on
 *   every add, change or delete in it;
 * - a Folder is one entry of a user's hierarchy (ServerId, ParentId,
 *   DisplayName, Type) pointing at a store. A folder shared by another user
 *   ("Bob's calendar") is an entry in Alice's hierarchy pointing at Bob's store.
 * The folder's ServerId is the store id, unique across the world.
 */
import type { El } from '../src/wbxml/tree.ts';

export type ItemClass = 'Email' | 'Calendar' | 'Contacts' | 'Tasks' | 'Notes';

/** Folder types, MS-ASCMD 2.2.3.186.3 Type (FolderSync). */
export const FolderType = {
  UserGeneric: 1,
  Inbox: 2,
  Drafts: 3,
  DeletedItems: 4,
  SentItems: 5,
  Outbox: 6,
  Tasks: 7,
  Calendar: 8,
  Contacts: 9,
  Notes: 10,
  Journal: 11,
  UserMail: 12,
  UserCalendar: 13,
  UserContacts: 14,
  UserTasks: 15,
  UserJournal: 16,
  UserNotes: 17,
  Unknown: 18,
  RecipientCache: 19,
} as const;

/** Types a client may create, rename or delete (MS-ASCMD 2.2.3.186.2: 1, 12-17). */
export function isUserFolderType(type: number): boolean {
  return type === 1 || (type >= 12 && type <= 17);
}

/** The item class a folder of that type holds; undefined for Journal and unknown types (not synced by EAS). */
export function classOfType(type: number): ItemClass | undefined {
  switch (type) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 12:
      return 'Email';
    case 7:
    case 15:
      return 'Tasks';
    case 8:
    case 13:
      return 'Calendar';
    case 9:
    case 14:
    case 19:
      return 'Contacts';
    case 10:
    case 17:
      return 'Notes';
    default:
      return undefined;
  }
}

export interface Address {
  readonly name: string;
  readonly email: string;
}

export interface MailAttachment {
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
  /** Set for inline parts referenced from the HTML body as cid:... */
  readonly contentId?: string;
  readonly inline: boolean;
  /**
   * A 16.x draft's attachment: its FileReference's number, kept when others are deleted
   * (else the index), and the ClientId of the Add that made it (MS-ASAIRS 2.2.2.14).
   */
  readonly key?: number;
  readonly clientId?: string;
}

/** airsyncbase:FileReference of a mail's attachment: `<item id>:<number>`. */
export const attachmentRef = (itemId: string, a: MailAttachment, index: number): string => `${itemId}:${a.key ?? index}`;

/** The attachment a FileReference names, if the mail has it. */
export function attachmentByRef(mail: Mail, itemId: string, ref: string): MailAttachment | undefined {
  return mailContent(mail).attachments.find((a, i) => attachmentRef(itemId, a, i) === ref);
}

export interface MailContent {
  readonly text: string;
  readonly html?: string;
  readonly attachments: readonly MailAttachment[];
}

/** The meeting carried by a meeting-request mail (MS-ASEMAIL 2.2.2.48 MeetingRequest). */
export interface MeetingInfo {
  readonly uid: string;
  readonly start: number;
  readonly end: number;
  readonly allDay: boolean;
  readonly location: string;
  readonly organizer: Address;
  /** MS-ASDTYPE 2.6.4 TimeZone blob, base64. */
  readonly timezone: string;
  /** Calendar-namespace Recurrence element of the series, when recurring. */
  readonly recurrence?: El;
}

export interface Mail {
  readonly kind: 'mail';
  subject: string;
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  /** DateReceived, ms since epoch. */
  date: number;
  read: boolean;
  /** 0 low, 1 normal, 2 high (MS-ASEMAIL 2.2.2.40). */
  importance: number;
  /** Email:Flag as last set by a client, echoed back verbatim. */
  flag?: El;
  categories: string[];
  messageClass: string;
  messageId: string;
  inReplyTo?: string;
  conversationId: Uint8Array;
  conversationIndex: Uint8Array;
  meeting?: MeetingInfo;
  /** Email2:LastVerbExecuted (1 reply to sender, 2 reply all, 3 forward) and its time. */
  lastVerb?: { verb: number; time: number };
  /**
   * The store seq at which each property a received mail can change last changed
   * (touchItem's `changed`): a server Change sends only those newer than what the
   * device holds (render.ts renderChange).
   */
  changedAt?: Partial<Record<MailProp, number>>;
  isDraft?: boolean;
  /** The MIME as received by SendMail; served as-is for Body Type 4. */
  raw?: Uint8Array;
  /** Body and attachments; a function for generated mail, resolved on first use. */
  content: MailContent | (() => MailContent);
}

/** A Calendar, Contacts, Tasks or Notes item, kept as the class's own elements. */
export interface Pim {
  readonly kind: 'pim';
  /** ApplicationData children other than airsyncbase:Body, in wire order. */
  props: El[];
  /** airsyncbase Body: 1 plain text, 2 HTML, 3 RTF. */
  body?: { type: number; data: string };
}

/** What can change on a received mail (MS-ASEMAIL 2.2.2.58, 2.2.2.34, 2.2.2.16, 2.2.2.45). */
export type MailProp = 'read' | 'flag' | 'categories' | 'lastVerb';

export interface Item {
  readonly id: string;
  /** The store's seq at this item's last change. */
  seq: number;
  readonly cls: ItemClass;
  data: Mail | Pim;
}

export interface Store {
  readonly id: string;
  readonly owner: string;
  readonly cls: ItemClass | undefined;
  /** Insertion order = arrival order (generated mail is inserted oldest first). */
  readonly items: Map<string, Item>;
  seq: number;
  nextItem: number;
}

export interface Folder {
  readonly store: Store;
  name: string;
  parentId: string;
  type: number;
  /** Another user's folder shown in this hierarchy (MS-ASCMD allows; Exchange shows delegate folders). */
  readonly shared: boolean;
}

export interface OofMessage {
  enabled: boolean;
  text: string;
  bodyType: 'Text' | 'HTML';
}

/** Settings Oof (MS-ASCMD 2.2.3.119): state 0 disabled, 1 global, 2 time-based. */
export interface Oof {
  state: number;
  start?: number;
  end?: number;
  internal: OofMessage;
  externalKnown: OofMessage;
  externalUnknown: OofMessage;
}

export interface User {
  readonly login: string;
  readonly password: string;
  readonly email: string;
  readonly displayName: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly title?: string;
  readonly company?: string;
  readonly phone?: string;
  oof: Oof;
}

export interface Mailbox {
  readonly user: User;
  /** ServerId -> folder, in FolderSync order (parents before children). */
  readonly folders: Map<string, Folder>;
}

export interface GalEntry {
  readonly displayName: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly alias: string;
  readonly phone?: string;
  readonly mobilePhone?: string;
  readonly homePhone?: string;
  readonly office?: string;
  readonly title?: string;
  readonly company?: string;
  /** A photo (PNG bytes), returned by Search GAL with Picture (14.1+). */
  readonly picture?: Uint8Array;
}

export type Change = { readonly kind: 'items'; readonly storeId: string } | { readonly kind: 'hierarchy'; readonly login: string };

export type Listener = (change: Change) => void;

export interface World {
  readonly users: Map<string, User>;
  readonly mailboxes: Map<string, Mailbox>;
  readonly stores: Map<string, Store>;
  readonly gal: GalEntry[];
  readonly clock: () => number;
  readonly listeners: Set<Listener>;
  nextStoreId: number;
  /** Counter for Message-IDs and other server-made unique names. */
  nextUnique: number;
  /** Every answer to a whole meeting a MeetingResponse recorded, oldest first (tests count them per meeting). */
  readonly meetingAnswers: MeetingAnswer[];
}

export interface MeetingAnswer {
  readonly login: string;
  readonly uid: string;
  /** MeetingResponse UserResponse: 1 accepted, 2 tentative, 3 declined. */
  readonly userResponse: number;
}

export function createWorld(clock: () => number): World {
  return {
    users: new Map(),
    mailboxes: new Map(),
    stores: new Map(),
    gal: [],
    clock,
    listeners: new Set(),
    nextStoreId: 1,
    nextUnique: 1,
    meetingAnswers: [],
  };
}

export function notify(world: World, change: Change): void {
  for (const l of [...world.listeners]) l(change);
}

/** Subscribes to changes; returns the unsubscribe function. */
export function listen(world: World, listener: Listener): () => void {
  world.listeners.add(listener);
  return () => world.listeners.delete(listener);
}

export function addUser(world: World, user: User): Mailbox {
  world.users.set(user.login, user);
  const mailbox: Mailbox = { user, folders: new Map() };
  world.mailboxes.set(user.login, mailbox);
  return mailbox;
}

function newStore(world: World, owner: string, cls: ItemClass | undefined): Store {
  const store: Store = { id: String(world.nextStoreId++), owner, cls, items: new Map(), seq: 0, nextItem: 0 };
  world.stores.set(store.id, store);
  return store;
}

/** Creates a folder with its own store in `mailbox` (no notification: callers decide). */
export function makeFolder(world: World, mailbox: Mailbox, name: string, type: number, parentId = '0'): Folder {
  const store = newStore(world, mailbox.user.login, classOfType(type));
  const folder: Folder = { store, name, parentId, type, shared: false };
  mailbox.folders.set(store.id, folder);
  return folder;
}

/** Shows `store` (another user's) in `mailbox` under `name`. */
export function shareFolder(mailbox: Mailbox, store: Store, name: string, type: number): Folder {
  const folder: Folder = { store, name, parentId: '0', type, shared: true };
  mailbox.folders.set(store.id, folder);
  return folder;
}

/** Creates a user folder and wakes the user's waiting requests (FolderCreate). */
export function createFolder(world: World, mailbox: Mailbox, name: string, type: number, parentId: string): Folder {
  const folder = makeFolder(world, mailbox, name, type, parentId);
  notify(world, { kind: 'hierarchy', login: mailbox.user.login });
  return folder;
}

/** Removes a folder and its subfolders from the hierarchy and the world. */
export function deleteFolder(world: World, mailbox: Mailbox, id: string): void {
  for (const [childId, f] of [...mailbox.folders]) {
    if (f.parentId === id) deleteFolder(world, mailbox, childId);
  }
  const folder = mailbox.folders.get(id);
  mailbox.folders.delete(id);
  if (folder && !folder.shared) world.stores.delete(id);
  notify(world, { kind: 'hierarchy', login: mailbox.user.login });
}

export function hierarchyChanged(world: World, mailbox: Mailbox): void {
  notify(world, { kind: 'hierarchy', login: mailbox.user.login });
}

/** The first folder of that type in the mailbox (default folders are unique by type). */
export function folderOfType(mailbox: Mailbox, type: number): Folder | undefined {
  for (const f of mailbox.folders.values()) if (f.type === type && !f.shared) return f;
  return undefined;
}

export function requireFolderOfType(mailbox: Mailbox, type: number): Folder {
  const f = folderOfType(mailbox, type);
  if (!f) throw new Error(`mailbox ${mailbox.user.login} has no folder of type ${type}`);
  return f;
}

/** Adds an item; `silent` skips the notification (bulk generation). */
export function addItem(world: World, store: Store, data: Mail | Pim, silent = false): Item {
  const cls = store.cls;
  if (!cls) throw new Error(`store ${store.id} holds no items`);
  const item: Item = { id: `${store.id}:${++store.nextItem}`, seq: ++store.seq, cls, data };
  store.items.set(item.id, item);
  if (!silent) notify(world, { kind: 'items', storeId: store.id });
  return item;
}

const MAIL_PROPS: readonly MailProp[] = ['read', 'flag', 'categories', 'lastVerb'];

/**
 * Marks an item as changed after its data was edited in place. `changed`: the mail
 * properties that did (a mail touched without saying which counts as all changed).
 */
export function touchItem(world: World, store: Store, item: Item, changed: readonly MailProp[] = MAIL_PROPS): void {
  item.seq = ++store.seq;
  if (item.data.kind === 'mail') {
    const at = (item.data.changedAt ??= {});
    for (const p of changed) at[p] = item.seq;
  }
  notify(world, { kind: 'items', storeId: store.id });
}

export function removeItem(world: World, store: Store, id: string): Item | undefined {
  const item = store.items.get(id);
  if (!item) return undefined;
  store.items.delete(id);
  store.seq++;
  notify(world, { kind: 'items', storeId: store.id });
  return item;
}

/** Moves an item to another store; it gets a new ServerId there (MS-ASCMD 2.2.3.49 DstMsgId). */
export function moveItem(world: World, from: Store, to: Store, id: string): Item | undefined {
  const item = from.items.get(id);
  if (!item) return undefined;
  removeItem(world, from, id);
  return addItem(world, to, item.data);
}

/** Finds the store and item for an item ServerId ("<store>:<n>"). */
export function findItem(world: World, itemId: string): { store: Store; item: Item } | undefined {
  const storeId = itemId.split(':')[0] ?? '';
  const store = world.stores.get(storeId);
  const item = store?.items.get(itemId);
  return store && item ? { store, item } : undefined;
}

export function uniqueName(world: World, prefix: string): string {
  return `${prefix}${world.nextUnique++}`;
}

/** Resolves a mail body that may be generated lazily, caching the result. */
export function mailContent(mail: Mail): MailContent {
  if (typeof mail.content === 'function') mail.content = mail.content();
  return mail.content;
}

/** Finds the user whose primary address is `email` (case-insensitive). */
export function userByEmail(world: World, email: string): User | undefined {
  const e = email.trim().toLowerCase();
  for (const u of world.users.values()) if (u.email.toLowerCase() === e) return u;
  return undefined;
}
