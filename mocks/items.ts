/**
 * Turning client ApplicationData into stored items and applying client edits,
 * as a server does for Sync Add/Change (MS-ASCMD 2.2.3.7.2, 2.2.3.24.2).
 */
import { addressParser } from 'postal-mime';
import { fromBase64 } from '../src/wbxml/base64.ts';
import { bytesOf, el, intAt, kid, kids, textAt, textOf, type El } from '../src/wbxml/tree.ts';
import {
  uniqueName,
  type Address,
  type ItemClass,
  type Mail,
  attachmentRef,
  type MailAttachment,
  type MailContent,
  type MailProp,
  type Pim,
  type User,
  type World,
} from './model.ts';
import { htmlToText } from './wire.ts';

/** Parses an RFC 5322 address list ("A <a@x>, b@y"), flattening groups. */
export function parseAddresses(text: string | undefined): Address[] {
  if (!text) return [];
  return addressParser(text, { flatten: true }).flatMap((a) => (a.address ? [{ name: a.name, email: a.address }] : []));
}

const isBody = (c: El): boolean => c.ns === 'AirSyncBase' && c.name === 'Body';
/**
 * The field an element sets. calendar:Location (up to 14.1) and airsyncbase:Location
 * (16.x, MS-ASAIRS 2.2.2.27) are one field, stored in whichever form the client sent.
 */
const propKey = (c: El): string =>
  c.name === 'Location' && (c.ns === 'Calendar' || c.ns === 'AirSyncBase') ? 'Calendar:Location' : `${c.ns}:${c.name}`;

function readBody(app: El): Pim['body'] {
  const body = kid(app, 'Body', 'AirSyncBase');
  if (!body) return undefined;
  return { type: intAt(body, 'Type') ?? 1, data: textAt(body, 'Data') ?? '' };
}

/** A new PIM item from a client Add. Calendar items get a UID and organizer when missing (MS-ASCAL 2.2.2.46). */
export function pimFromClient(world: World, cls: ItemClass, app: El, user: User): Pim {
  const props = kids(app).filter((c) => !isBody(c));
  if (cls === 'Calendar') {
    const has = (name: string): boolean => props.some((p) => p.ns === 'Calendar' && p.name === name);
    if (!has('UID')) props.push(el('Calendar', 'UID', uniqueName(world, 'mock-uid-')));
    if (!has('OrganizerEmail') && has('Attendees')) {
      props.push(el('Calendar', 'OrganizerName', user.displayName), el('Calendar', 'OrganizerEmail', user.email));
    }
  }
  return { kind: 'pim', props, body: readBody(app) };
}

/**
 * Applies a client Change to a PIM item. The body is kept when the Change carries none.
 *
 * - Up to 14.1 the Change replaces the item: elements it omits are removed, except
 *   ghosted ones, those not listed in the collection's Supported element
 *   (MS-ASCMD 2.2.3.179).
 * - With `ghostOmitted` (Calendar in 16.0 and 16.1, MS-ASCAL 3.1.5.3) every top-level
 *   element left out keeps its value, the elements sent replace theirs in place, and an
 *   empty element clears its value.
 */
export function changePim(pim: Pim, app: El, supported: ReadonlySet<string> | undefined, ghostOmitted = false): void {
  const incoming = kids(app).filter((c) => !isBody(c));
  const body = readBody(app);
  if (body) pim.body = body;
  if (ghostOmitted) {
    pim.props = mergeProps(pim.props, incoming);
    return;
  }
  const sent = new Set(incoming.map(propKey));
  const ghosted = pim.props.filter(
    (p) => !sent.has(propKey(p)) && ((supported !== undefined && !supported.has(propKey(p))) || SERVER_OWNED.has(propKey(p))),
  );
  pim.props = [...incoming, ...ghosted];
}

/**
 * What the server sets and a client does not send, kept through a client's Change:
 * the user's answer to a meeting and its time (MS-ASCAL 2.2.2.40, 2.2.2.7), the event's
 * UID (2.2.2.46), a contact's alias and rank (MS-ASCNTC 2.2.2.3, 2.2.2.85).
 */
const SERVER_OWNED = new Set([
  'Calendar:ResponseType',
  'Calendar:AppointmentReplyTime',
  'Calendar:UID',
  'Contacts:Alias',
  'Contacts:WeightedRank',
]);

/** The stored elements with the sent ones replacing theirs (in place), new ones added, empty ones clearing. */
function mergeProps(stored: readonly El[], sent: readonly El[]): El[] {
  const byKey = new Map(sent.map((c) => [propKey(c), c]));
  const kept = stored.flatMap((p) => {
    const next = byKey.get(propKey(p));
    if (!next) return [p];
    return isEmpty(next) ? [] : [next];
  });
  const storedKeys = new Set(stored.map(propKey));
  return [...kept, ...sent.filter((c) => !storedKeys.has(propKey(c)) && !isEmpty(c))];
}

const isEmpty = (e: El): boolean => e.children.every((c) => c === '');

/**
 * Changes a client may make to a received mail: Read, Flag, Categories (MS-ASEMAIL
 * 3.1.5.3). Returns the properties the Change carried.
 */
export function changeMail(mail: Mail, app: El, itemId: string): MailProp[] {
  const changed: MailProp[] = [];
  const read = kid(app, 'Read', 'Email');
  if (read) {
    mail.read = textOf(read) === '1';
    changed.push('read');
  }
  const flag = kid(app, 'Flag', 'Email');
  if (flag) {
    mail.flag = kids(flag).length > 0 && textAt(flag, 'Status') !== '0' ? flag : undefined;
    changed.push('flag');
  }
  const cats = kid(app, 'Categories', 'Email');
  if (cats) {
    mail.categories = kids(cats, 'Category').map(textOf);
    changed.push('categories');
  }
  if (mail.isDraft) changeDraft(mail, app, itemId);
  return changed;
}

/** 16.x drafts: the client edits the message itself (MS-ASEMAIL 3.1.5.3.2). */
function changeDraft(mail: Mail, app: El, itemId: string): void {
  const to = kid(app, 'To', 'Email');
  if (to) mail.to = parseAddresses(textOf(to));
  const cc = kid(app, 'Cc', 'Email');
  if (cc) mail.cc = parseAddresses(textOf(cc));
  const bcc = kid(app, 'Bcc', 'Email2');
  if (bcc) mail.bcc = parseAddresses(textOf(bcc));
  const subject = kid(app, 'Subject', 'Email');
  if (subject) mail.subject = textOf(subject);
  const importance = intAt(app, 'Importance');
  if (importance !== undefined) mail.importance = importance;
  const body = readBody(app);
  const attachments = draftAttachments(app, mail, itemId);
  if (body || attachments) mail.content = draftContent(mail, body, attachments);
}

function draftContent(mail: Mail, body: Pim['body'], attachments: MailAttachment[] | undefined): MailContent {
  const old = typeof mail.content === 'function' ? mail.content() : mail.content;
  const atts = attachments ?? [...old.attachments];
  if (!body) return { ...old, attachments: atts };
  return body.type === 2 ? { text: htmlToText(body.data), html: body.data, attachments: atts } : { text: body.data, attachments: atts };
}

/**
 * airsyncbase:Attachments with Add/Delete children (MS-ASAIRS 2.2.2.8, 16.0 drafts). A
 * Delete names a FileReference (2.2.2.21); an Add (2.2.2.2) gets a new number that later
 * deletes do not shift, and keeps its ClientId for the response (2.2.2.14).
 */
function draftAttachments(app: El, mail: Mail, itemId: string): MailAttachment[] | undefined {
  const container = kid(app, 'Attachments', 'AirSyncBase');
  if (!container) return undefined;
  const old = typeof mail.content === 'function' ? [] : [...mail.content.attachments];
  const deleted = new Set(kids(container, 'Delete').map((d) => textAt(d, 'FileReference') ?? ''));
  const kept = old.filter((a, i) => !deleted.has(attachmentRef(itemId, a, i)));
  let next = old.reduce((n, a, i) => Math.max(n, (a.key ?? i) + 1), 0);
  for (const add of kids(container, 'Add')) {
    kept.push({
      name: textAt(add, 'DisplayName') ?? 'attachment',
      contentType: textAt(add, 'ContentType') ?? 'application/octet-stream',
      bytes: contentBytes(kid(add, 'Content')),
      contentId: textAt(add, 'ContentId'),
      inline: textAt(add, 'IsInline') === '1',
      key: next++,
      clientId: textAt(add, 'ClientId'),
    });
  }
  return kept;
}

/** airsyncbase:Content, a byte array (MS-ASAIRS 2.2.2.15): opaque data in WBXML, base64 text in XML. */
function contentBytes(e: El | undefined): Uint8Array {
  if (!e) return new Uint8Array(0);
  return e.children.some((c) => c instanceof Uint8Array) ? (bytesOf(e) ?? new Uint8Array(0)) : fromBase64(textOf(e).trim());
}

/** A draft created by a 16.x client with Sync Add in the Drafts folder. */
export function draftFromClient(world: World, app: El, user: User, now: number): Mail {
  const mail: Mail = {
    kind: 'mail',
    subject: '',
    from: { name: user.displayName, email: user.email },
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    date: now,
    read: true,
    importance: 1,
    categories: [],
    messageClass: 'IPM.Note',
    messageId: `${uniqueName(world, 'draft-')}@mock.example.test`,
    conversationId: new Uint8Array(16),
    conversationIndex: new Uint8Array(5),
    isDraft: true,
    content: { text: '', attachments: [] },
  };
  changeDraft(mail, app, ''); // new: no attachment of it to delete yet
  return mail;
}
