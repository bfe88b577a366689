/**
 * Builds ApplicationData (and ItemOperations/Search Properties) children for the
 * mock's items, honouring the client's BodyPreference, MIMESupport and version.
 */
import { atLeast, type EasVersion } from '../src/eas/version.ts';
import { el, kid, kids, ns, textOf, intAt, boolAt, type El } from '../src/wbxml/tree.ts';
import { mimeOf, textAddress, textAddresses } from './mime.ts';
import { attachmentRef, mailContent, type Item, type Mail, type MailProp, type MeetingInfo, type Pim } from './model.ts';
import { htmlToText, isoDate, textToHtml, truncateUtf8, utf8Length } from './wire.ts';

const E = ns('Email');
const E2 = ns('Email2');
const B = ns('AirSyncBase');

/** One airsyncbase:BodyPreference of the request (MS-ASAIRS 2.2.2.12). */
export interface BodyPref {
  readonly type: number;
  readonly truncationSize?: number;
  readonly allOrNone: boolean;
  readonly preview?: number;
}

export interface RenderOptions {
  readonly version: EasVersion;
  readonly bodyPrefs: readonly BodyPref[];
  /** MS-ASCMD 2.2.3.110: 0 never MIME, 1 S/MIME only, 2 always. */
  readonly mimeSupport: number;
}

/** Reads BodyPreference and MIMESupport from a Sync/ItemOperations/Search Options element. */
export function readRenderOptions(options: El | undefined, version: EasVersion): RenderOptions {
  const prefs = options ? kids(options, 'BodyPreference') : [];
  return {
    version,
    mimeSupport: intAt(options, 'MIMESupport') ?? 0,
    bodyPrefs: prefs.map((p) => ({
      type: intAt(p, 'Type') ?? 1,
      truncationSize: intAt(p, 'TruncationSize'),
      allOrNone: boolAt(p, 'AllOrNone') ?? false,
      preview: intAt(p, 'Preview'),
    })),
  };
}

interface BodyText {
  readonly type: number;
  readonly data: string;
}

/** Picks the body form: MIME if asked and allowed, else the native type if asked, else the first askable. */
function chooseMailBody(mail: Mail, opts: RenderOptions): { body: BodyText; pref: BodyPref | undefined } {
  const c = mailContent(mail);
  const asked = (t: number): BodyPref | undefined => opts.bodyPrefs.find((p) => p.type === t);
  const mime = asked(4);
  if (mime && opts.mimeSupport === 2) return { body: { type: 4, data: mimeOf(mail) }, pref: mime };
  const html = asked(2);
  if (html && c.html !== undefined) return { body: { type: 2, data: c.html }, pref: html };
  const plain = asked(1);
  if (plain || !html) return { body: { type: 1, data: c.text }, pref: plain };
  return { body: { type: 2, data: textToHtml(c.text) }, pref: html };
}

function choosePimBody(pim: Pim, opts: RenderOptions): { body: BodyText; pref: BodyPref | undefined } | undefined {
  if (!pim.body) return undefined;
  const html = opts.bodyPrefs.find((p) => p.type === 2);
  const plain = opts.bodyPrefs.find((p) => p.type === 1);
  const isHtml = pim.body.type === 2;
  if (isHtml && html) return { body: pim.body, pref: html };
  if (html && !plain) return { body: { type: 2, data: textToHtml(pim.body.data) }, pref: html };
  return { body: { type: 1, data: isHtml ? htmlToText(pim.body.data) : pim.body.data }, pref: plain };
}

/** airsyncbase:Body (MS-ASAIRS 2.2.2.9): Type, EstimatedDataSize, Truncated, Data, Preview. */
function bodyEl(body: BodyText, pref: BodyPref | undefined, plainForPreview: string, version: EasVersion): El {
  const size = utf8Length(body.data);
  const limit = pref?.truncationSize;
  const truncated = limit !== undefined && size > limit;
  const data = !truncated ? body.data : pref?.allOrNone ? undefined : truncateUtf8(body.data, limit);
  const preview = pref?.preview && atLeast(version, '14.0') ? [...plainForPreview].slice(0, pref.preview).join('') : undefined;
  return B(
    'Body',
    B('Type', body.type),
    B('EstimatedDataSize', size),
    truncated && B('Truncated', '1'),
    data !== undefined && B('Data', data),
    preview !== undefined && B('Preview', preview),
  );
}

/** Estimated size of the body in the form the client asked for (used by Search/ItemOperations too). */
export function mailBodyEl(mail: Mail, opts: RenderOptions): El {
  const { body, pref } = chooseMailBody(mail, opts);
  return bodyEl(body, pref, mailContent(mail).text, opts.version);
}

function attachmentsEl(item: Item, mail: Mail, version: EasVersion): El | undefined {
  const atts = mailContent(mail).attachments;
  if (atts.length === 0) return undefined;
  return B(
    'Attachments',
    atts.map((a, i) =>
      B(
        'Attachment',
        B('DisplayName', a.name),
        B('FileReference', attachmentRef(item.id, a, i)),
        // 16.x: a draft's attachment names the Add that made it (MS-ASAIRS 2.2.2.14).
        a.clientId !== undefined && atLeast(version, '16.0') && B('ClientId', a.clientId),
        B('Method', 1),
        B('EstimatedDataSize', a.bytes.length),
        a.contentId !== undefined && B('ContentId', a.contentId),
        a.inline && B('IsInline', '1'),
      ),
    ),
  );
}

/** MS-ASEMAIL 2.2.2.38 GlobalObjId for an iCalendar UID (the "vCal-Uid" form of PidLidGlobalObjectId). */
export function globalObjId(uid: string): string {
  const head = [0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xe0, 0x00, 0x74, 0xc5, 0xb7, 0x10, 0x1a, 0x82, 0xe0, 0x08];
  const data = new TextEncoder().encode(`vCal-Uid\x01\x00\x00\x00${uid}\x00`);
  const bytes = new Uint8Array(40 + data.length);
  bytes.set(head, 0);
  new DataView(bytes.buffer).setUint32(36, data.length, true);
  bytes.set(data, 40);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * Email-namespace Recurrences from a Calendar Recurrence, in the Email XSD's sequence
 * order. Until stays in the compact form (Email.xsd types it as a string, unlike the
 * dateTime elements around it).
 */
function emailRecurrences(rec: El): El {
  const order = ['Type', 'Interval', 'Until', 'Occurrences', 'WeekOfMonth', 'DayOfMonth', 'DayOfWeek', 'MonthOfYear'];
  const children = order.flatMap((name) => {
    const c = kid(rec, name);
    if (!c) return name === 'Interval' ? [E(name, '1')] : [];
    return [E(name, textOf(c))];
  });
  return E('Recurrences', E('Recurrence', children));
}

/** Email MeetingRequest (MS-ASEMAIL 2.2.2.48), children in the XSD's sequence order. */
function meetingRequestEl(mail: Mail, m: MeetingInfo, version: EasVersion): El {
  const v16 = atLeast(version, '16.0');
  return E(
    'MeetingRequest',
    E('AllDayEvent', m.allDay ? '1' : '0'),
    E('StartTime', isoDate(m.start)),
    E('DtStamp', isoDate(mail.date)),
    E('EndTime', isoDate(m.end)),
    E('InstanceType', m.recurrence ? '1' : '0'),
    !v16 && E('Location', m.location),
    v16 && B('Location', B('DisplayName', m.location)),
    E('Organizer', textAddress(m.organizer)),
    E('Reminder', '15'),
    E('ResponseRequested', '1'),
    m.recurrence && emailRecurrences(m.recurrence),
    E('Sensitivity', '0'),
    E('BusyStatus', '1'),
    E('TimeZone', m.timezone),
    !v16 && E('GlobalObjId', globalObjId(m.uid)),
    atLeast(version, '14.0') && E('DisallowNewTimeProposal', '0'),
    atLeast(version, '14.1') && E2('MeetingMessageType', '1'),
    v16 && el('Calendar', 'UID', m.uid),
  );
}

function categoriesEl(namespace: string, list: readonly string[]): El {
  return el(
    namespace,
    'Categories',
    list.map((c) => el(namespace, 'Category', c)),
  );
}

function email2Els(mail: Mail, version: EasVersion): El[] {
  if (!atLeast(version, '14.0')) return [];
  const out = [E2('ConversationId', mail.conversationId), E2('ConversationIndex', mail.conversationIndex)];
  if (mail.lastVerb) {
    out.push(E2('LastVerbExecuted', mail.lastVerb.verb), E2('LastVerbExecutionTime', isoDate(mail.lastVerb.time)));
  }
  out.push(E2('ReceivedAsBcc', '0'));
  if (atLeast(version, '16.0')) {
    if (mail.isDraft && mail.bcc.length > 0) out.push(E2('Bcc', textAddresses(mail.bcc)));
    out.push(E2('IsDraft', mail.isDraft ? '1' : '0'));
  }
  return out;
}

/** ApplicationData children of an email (MS-ASEMAIL 2.2.2). */
export function renderMail(item: Item, mail: Mail, opts: RenderOptions): El[] {
  const v = opts.version;
  const out: El[] = [
    E('To', textAddresses(mail.to)),
    mail.cc.length > 0 && E('Cc', textAddresses(mail.cc)),
    E('From', textAddress(mail.from)),
    E('Subject', mail.subject),
    mail.replyTo.length > 0 && E('ReplyTo', textAddresses(mail.replyTo)),
    E('DateReceived', isoDate(mail.date)),
    E('DisplayTo', mail.to.map((a) => a.name || a.email).join('; ')),
    E('ThreadTopic', mail.subject.replace(/^((re|fw|fwd|aw|wg)\s*:\s*)+/i, '')),
    E('Importance', mail.importance),
    E('Read', mail.read ? '1' : '0'),
    attachmentsEl(item, mail, v),
    mailBodyEl(mail, opts),
    E('MessageClass', mail.messageClass),
    mail.meeting && meetingRequestEl(mail, mail.meeting, v),
    E('InternetCPID', '65001'),
    mail.flag ?? E('Flag'),
    E('ContentClass', mail.meeting ? 'urn:content-classes:calendarmessage' : 'urn:content-classes:message'),
    atLeast(v, '14.0') && B('NativeBodyType', mailContent(mail).html !== undefined ? 2 : 1),
    ...email2Els(mail, v),
    atLeast(v, '14.0') && categoriesEl('Email', mail.categories),
  ].filter((x): x is El => x !== false && x !== undefined);
  return out;
}

/** Calendar children that exist only from 14.0 on (MS-ASCAL 2.2.2). */
const CAL_14 = new Set(['ResponseRequested', 'AppointmentReplyTime', 'ResponseType', 'DisallowNewTimeProposal']);
const CAL_141 = new Set(['OnlineMeetingConfLink', 'OnlineMeetingExternalLink']);

/**
 * Adapts a stored PIM property to the version: Calendar Location is
 * calendar:Location before 16.0 and airsyncbase:Location from 16.0 on (MS-ASCAL 2.2.2.27).
 */
function adaptProp(p: El, version: EasVersion): El | undefined {
  if (p.ns === 'Calendar') {
    if (CAL_14.has(p.name) && !atLeast(version, '14.0')) return undefined;
    if (CAL_141.has(p.name) && !atLeast(version, '14.1')) return undefined;
    if (p.name === 'Location' && atLeast(version, '16.0')) return B('Location', B('DisplayName', textOf(p)));
    if (p.name === 'Exceptions')
      return el(
        'Calendar',
        'Exceptions',
        kids(p).map((x) => adaptException(x, version)),
      );
  }
  if (p.ns === 'AirSyncBase' && p.name === 'Location' && !atLeast(version, '16.0')) {
    return el('Calendar', 'Location', textOf(kid(p, 'DisplayName')));
  }
  return p;
}

/** From 16.0 an exception is named by airsyncbase:InstanceId instead of ExceptionStartTime (MS-ASAIRS 2.2.2.25). */
function adaptException(x: El, version: EasVersion): El {
  const children = kids(x)
    .map((c) => {
      if (c.name === 'ExceptionStartTime' && atLeast(version, '16.0')) return B('InstanceId', textOf(c));
      return adaptProp(c, version);
    })
    .filter((c): c is El => c !== undefined);
  return el(x.ns, x.name, children);
}

/** ApplicationData children of a Calendar/Contacts/Tasks/Notes item. */
export function renderPim(pim: Pim, opts: RenderOptions): El[] {
  const props = pim.props.map((p) => adaptProp(p, opts.version)).filter((p): p is El => p !== undefined);
  const chosen = choosePimBody(pim, opts);
  if (chosen) {
    const plain = chosen.body.type === 2 ? htmlToText(chosen.body.data) : chosen.body.data;
    props.push(bodyEl(chosen.body, chosen.pref, plain, opts.version));
  }
  return props;
}

export function renderItem(item: Item, opts: RenderOptions): El[] {
  return item.data.kind === 'mail' ? renderMail(item, item.data, opts) : renderPim(item.data, opts);
}

/**
 * A server Change of a received mail carries only the properties that changed since
 * the device last got it (`since`, its seq then; MS-ASCMD 2.2.3.24: the Change holds the
 * properties "that were modified"): of Read, Flag, Categories and the last verb
 * (MS-ASEMAIL 2.2.2), the only ones that change on a received mail. A cleared flag is an
 * empty `<Flag/>`, no categories an empty `<Categories/>`. When the mail changed in a way
 * not recorded per property (touchItem), all four are sent. The client keeps everything else.
 * Calendar, contact and task Changes, and 16.x drafts, carry the whole item.
 */
export function renderChange(item: Item, opts: RenderOptions, since: number): El[] {
  const mail = item.data;
  if (mail.kind !== 'mail' || mail.isDraft) return renderItem(item, opts);
  const v = opts.version;
  const at = mail.changedAt;
  const changed = (p: MailProp): boolean => at === undefined || (at[p] ?? 0) > since;
  return [
    changed('read') && E('Read', mail.read ? '1' : '0'),
    changed('flag') && (mail.flag ?? E('Flag')),
    ...(atLeast(v, '14.0') && mail.lastVerb && changed('lastVerb')
      ? [E2('LastVerbExecuted', mail.lastVerb.verb), E2('LastVerbExecutionTime', isoDate(mail.lastVerb.time))]
      : []),
    ...(atLeast(v, '14.0') && changed('categories') ? [categoriesEl('Email', mail.categories)] : []),
  ].filter((e): e is El => e !== false);
}
