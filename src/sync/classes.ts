/**
 * The four synced classes in one place: how an item is decoded into the record the
 * store keeps (ItemRecord.data), its sort key, its read flag, how a local edit is
 * encoded for a Sync Add or Change, and the Options each class asks for.
 */
import type { EasContext } from '../eas/command.ts';
import type { BodyPreference, SyncOptions } from '../eas/commands/sync.ts';
import { decodeCalendar, encodeCalendar, encodeCalendarChange, type CalendarItem } from '../eas/items/calendar.ts';
import { decodeContact, encodeContact, type Contact } from '../eas/items/contact.ts';
import {
  decodeEmail,
  decodeEmailUpdate,
  encodeDraft,
  encodeEmailChange,
  mergeEmailUpdate,
  type Email,
  type EmailUpdate,
} from '../eas/items/email.ts';
import { decodeTask, encodeTask, type Task } from '../eas/items/task.ts';
import type { FilterType } from '../eas/commands/sync.ts';
import type { SyncClass } from '../store/schema.ts';
import { SYNC_CLASSES } from '../store/schema.ts';
import { kid, textOf, type El } from '../wbxml/tree.ts';
import type { ChangePayload } from '../store/payloads.ts';
import { decodeAttachments, type AttachmentChanges } from '../eas/items/airsyncbase.ts';
import { mergeAttachmentChanges, withFileReferences } from './drafts.ts';

export function isSyncClass(c: string | undefined): c is SyncClass {
  return (SYNC_CLASSES as readonly (string | undefined)[]).includes(c);
}

/** Decodes ApplicationData (or ItemOperations Properties) of a class. Throws EasProtocolError on a malformed item. */
export function decodeItem(cls: SyncClass, appData: El, ctx: EasContext): unknown {
  switch (cls) {
    case 'Email':
      return decodeEmail(appData, ctx);
    case 'Calendar':
      return decodeCalendar(appData, ctx);
    case 'Contacts':
      return decodeContact(appData, ctx);
    case 'Tasks':
      return decodeTask(appData, ctx);
  }
}

/**
 * An item of a Sync response once read (see readItem): its record data, or why it could
 * not be decoded. `update`: the data is not a whole item but the fields a server Change
 * carried (mail only, see readItem); mergeUpdate lays it over the stored item.
 */
export type ReadItem = { readonly data: unknown; readonly update?: true } | { readonly error: Error };

/**
 * decodeItem while the response is parsed (parseSyncItems): the item's element tree is
 * dropped at once. A malformed item is kept as its error, which fails its folder's part of
 * the response only when that part is applied (apply.ts), as it did when decoded there.
 *
 * What a server Change holds differs by class. MS-ASCMD 2.2.3.24: a Change "contains
 * properties of an existing object ... that were modified". For mail that is the few
 * properties a received message can change (Read, Flag, Categories, LastVerbExecuted),
 * and every server sends only those: the Change is an update of the stored mail
 * (decodeEmailUpdate). Calendar, contact and task Changes carry the whole item (Exchange,
 * SOGo, Z-Push and the mock do; there is no server-to-client ghosting, MS-ASCMD 2.2.3.179
 * Supported is the client's side only), so an element missing from one is a property
 * removed on the server: they replace the stored item.
 */
export function readItem(cls: SyncClass, appData: El, ctx: EasContext, kind: 'Add' | 'Change' = 'Add'): ReadItem {
  try {
    if (cls === 'Email' && kind === 'Change') return { data: decodeEmailUpdate(appData, ctx), update: true };
    return { data: decodeItem(cls, appData, ctx) };
  } catch (e) {
    return { error: e instanceof Error ? e : new Error(String(e)) };
  }
}

/**
 * A confirmed add's record: ours, with what the server says it set in the Add's response
 * (16.0+: an event's UID, MS-ASCAL 2.2.2.46), so the store holds the server's item.
 */
export function confirmedData(cls: SyncClass, data: unknown, response: El | undefined): unknown {
  if (cls === 'Email' && response) return withFileReferences(data as Email, decodeAttachments(response));
  if (cls !== 'Calendar' || !response) return data;
  // Only what the response carries: not a whole item (decodeCalendar would want StartTime).
  const uid = kid(response, 'UID', 'Calendar');
  return uid ? { ...(data as CalendarItem), uid: textOf(uid) } : data;
}

/** True when a read item is an update of the stored item rather than a whole one. */
export function isUpdate(item: ReadItem): boolean {
  return 'data' in item && item.update === true;
}

/** The stored item after an update (readItem): the fields the update carries replace, the rest stay. */
export function mergeUpdate(cls: SyncClass, stored: unknown, update: unknown): unknown {
  return cls === 'Email' ? mergeEmailUpdate(stored as Email, update as EmailUpdate) : update;
}

/** The data of a read item; throws the error it was read with. */
export function itemData(item: ReadItem): unknown {
  if ('error' in item) throw item.error;
  return item.data;
}

const iso = (d: Date | undefined): string => (d && !Number.isNaN(d.getTime()) ? d.toISOString() : '');

/**
 * ItemRecord.sortKey: received date for mail, start for events, due date for tasks
 * (undated last), file-as (or name) for contacts, lower-cased.
 */
export function sortKeyOf(cls: SyncClass, data: unknown): string {
  switch (cls) {
    case 'Email':
      return iso((data as Email).dateReceived);
    case 'Calendar':
      return iso((data as CalendarItem).startTime);
    case 'Tasks':
      return iso((data as Task).dueDate ?? (data as Task).utcDueDate) || '~';
    case 'Contacts':
      return contactName(data as Contact).toLowerCase();
  }
}

export function contactName(c: Contact): string {
  return c.fileAs ?? ([c.lastName, c.firstName].filter(Boolean).join(', ') || c.companyName || c.email1Address || '');
}

/** ItemRecord.read: mail only. */
export function readOf(cls: SyncClass, data: unknown): 0 | 1 | undefined {
  if (cls !== 'Email') return undefined;
  return (data as Email).read ? 1 : 0;
}

/** ApplicationData of a Sync Add. Mail is added only as a 16.x draft in the Drafts folder (MS-ASCMD 2.2.3.7.2). */
export function encodeAdd(cls: SyncClass, data: unknown, ctx: EasContext, attachments?: AttachmentChanges): El {
  switch (cls) {
    case 'Calendar':
      return encodeCalendar(data as CalendarItem, ctx);
    case 'Contacts':
      return encodeContact(data as Contact, ctx);
    case 'Tasks':
      return encodeTask(data as Task, ctx);
    case 'Email':
      return encodeDraftMail(data as Email, ctx, attachments);
  }
}

/**
 * A draft's ApplicationData: recipients, subject and body, every one sent so that a Change
 * leaves the server's draft as the device has it (MS-ASEMAIL 3.1.5.3.2). encodeDraft
 * refuses versions below 16.0 (MS-ASCMD 2.2.3.7.2: mail is added as a draft from 16.0).
 */
function encodeDraftMail(mail: Email, ctx: EasContext, attachments?: AttachmentChanges): El {
  const body = mail.body && { type: mail.body.type, data: mail.body.data ?? '' };
  return encodeDraft({ to: mail.to, cc: mail.cc, bcc: mail.bcc, subject: mail.subject ?? '', body, attachments }, ctx).applicationData;
}

/**
 * True when `theirs` (a server item) holds everything `mine` (a queued add) says:
 * every simple top-level element of my Add is in theirs with the same text. Used
 * after the server lost its sync state (Status 3) and with it the ClientId map, to
 * recognize an add that reached the server before, instead of sending it twice.
 */
export function sameContent(cls: SyncClass, mine: unknown, theirs: unknown, ctx: EasContext): boolean {
  try {
    const a = leaves(encodeAdd(cls, mine, ctx));
    const b = leaves(encodeAdd(cls, theirs, ctx));
    return a.size > 0 && [...a].every(([k, v]) => b.get(k) === v);
  } catch {
    return false;
  }
}

function leaves(appData: El): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of appData.children) {
    if (typeof c === 'string' || c instanceof Uint8Array) continue;
    if (c.children.every((x) => typeof x === 'string')) out.set(`${c.ns}:${c.name}`, c.children.join(''));
  }
  return out;
}

export type { ChangePayload };

/**
 * ApplicationData of a Sync Change. No Supported element is sent on the initial
 * Sync, so nothing is ghosted (MS-ASCMD 2.2.3.179): contacts and tasks carry the
 * whole record; calendar follows encodeCalendarChange (never drops attendees).
 */
export function encodeChange(p: ChangePayload, ctx: EasContext): El {
  switch (p.class) {
    case 'Email':
      return encodeEmailChange(p.change, ctx);
    case 'Calendar':
      return encodeCalendarChange(p.previous, p.next, ctx);
    case 'Contacts':
      return encodeContact(p.next, ctx);
    case 'Tasks':
      return encodeTask(p.next, ctx);
    case 'Draft':
      return encodeDraftMail(p.next, ctx, p.attachments);
  }
}

/** The item record after a change, for the optimistic local copy. */
export function applyChange(p: ChangePayload, data: unknown): unknown {
  // An event's UID is the server's (MS-ASCAL 2.2.2.46): an edit made before it was known keeps it.
  if (p.class === 'Calendar')
    return p.next.uid === undefined && (data as CalendarItem | undefined)?.uid !== undefined
      ? { ...p.next, uid: (data as CalendarItem).uid }
      : p.next;
  if (p.class !== 'Email') return p.next;
  const mail = data as Email;
  const c = p.change;
  return {
    ...mail,
    ...(c.read !== undefined && { read: c.read }),
    ...(c.flag !== undefined && { flag: c.flag ?? undefined }),
    ...(c.categories !== undefined && { categories: c.categories }),
  };
}

/** Two queued changes of one item as one: the later fields win; calendar keeps the first `previous`; a draft's uploads add up. */
export function mergeChanges(first: ChangePayload, later: ChangePayload): ChangePayload {
  if (first.class === 'Draft' && later.class === 'Draft')
    return { ...later, attachments: mergeAttachmentChanges(first.attachments, later.attachments) };
  if (first.class === 'Email' && later.class === 'Email') return { class: 'Email', change: { ...first.change, ...later.change } };
  if (first.class === 'Calendar' && later.class === 'Calendar') return { ...later, previous: first.previous };
  return later;
}

/** How bodies are asked for. Mail: a preview; the whole body is fetched when opened. */
export interface BodyOptions {
  readonly mail: readonly BodyPreference[];
  /** PIM items are edited and sent back whole, so their bodies come untruncated. */
  readonly pim: readonly BodyPreference[];
}

export const DEFAULT_BODIES: BodyOptions = {
  // MS-ASAIRS 2.2.2.12: HTML cut at 20 KB, plus a 255-character plain preview (14.0+).
  mail: [{ type: 2, truncationSize: 20_000, preview: 255 }],
  pim: [{ type: 1 }],
};

/** Options of a collection (MS-ASCMD 2.2.3.125.6). Conflict 1: the server wins (2.2.3.34). */
export function syncOptions(cls: SyncClass, filterType: FilterType | undefined, bodies: BodyOptions, ctx: EasContext): SyncOptions {
  const prefs = cls === 'Email' ? bodies.mail : bodies.pim;
  const v14 = Number(ctx.version) >= 14;
  return {
    filterType: cls === 'Contacts' ? undefined : filterType,
    bodyPreferences: prefs.map((p) => (v14 ? p : { ...p, preview: undefined })),
    conflict: 1,
  };
}
