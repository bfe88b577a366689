/**
 * Email class items (MS-ASEMAIL): the ApplicationData of Sync, the Properties of
 * ItemOperations Fetch and Search results, in the Email and Email2 namespaces plus
 * AirSyncBase bodies and attachments and Tasks elements inside email:Flag.
 *
 * Servers own almost every email property. A client changes only Read, Flag and
 * Categories on an existing message (encodeEmailChange); in 16.x it can also create
 * and edit drafts in the Drafts folder (encodeDraft).
 */
import { bytesOf, el, kid, kids, textOf, type El } from '../../wbxml/tree.ts';
import type { EasContext } from '../command.ts';
import { atLeast } from '../version.ts';
import { formatAddressList, parseAddress, parseAddressList, type Address } from './addresses.ts';
import {
  AIRSYNCBASE,
  attachmentsOf,
  bodyOf,
  bodyPartOf,
  boolOf,
  categoriesElement,
  categoriesOf,
  decodeLocation,
  encodeAttachmentChanges,
  encodeBody,
  intOf,
  nativeBodyTypeOf,
  readBool,
  readDate,
  readInt,
  readText,
  type Attachment,
  type AttachmentChanges,
  type Body,
  type BodyPart,
  type BodyType,
  type Location,
} from './airsyncbase.ts';
import { formatEasDateTime, parseEasDate } from './dates.ts';

const EM = 'Email';
const EM2 = 'Email2';
const TK = 'Tasks';

/** Importance (MS-ASEMAIL 2.2.2): 0 = low, 1 = normal, 2 = high. */
export type Importance = 0 | 1 | 2;

/** Flag Status (MS-ASEMAIL 2.2.2.74): 0 = cleared, 1 = complete, 2 = active. */
export type FlagStatus = 0 | 1 | 2;

/**
 * email:Flag (MS-ASEMAIL 2.2.2.34, 12.0+). The dates are Tasks-namespace elements.
 * An empty Flag (all fields absent) means the message is not flagged.
 */
export interface EmailFlag {
  readonly status?: FlagStatus;
  /** Free text, normally "Flag for follow up" (MS-ASEMAIL 2.2.2.35). */
  readonly flagType?: string;
  /** tasks:Subject: set when the flag is a task flag (MS-ASEMAIL 2.2.2.75.2). */
  readonly subject?: string;
  /** tasks:StartDate / DueDate are local wall-clock times; read them with getUTC*(). */
  readonly startDate?: Date;
  readonly dueDate?: Date;
  readonly utcStartDate?: Date;
  readonly utcDueDate?: Date;
  readonly reminderSet?: boolean;
  readonly reminderTime?: Date;
  /** Both are required to mark a flag complete (MS-ASEMAIL 2.2.2.19, 2.2.2.23). */
  readonly completeTime?: Date;
  readonly dateCompleted?: Date;
  readonly ordinalDate?: Date;
  readonly subOrdinalDate?: string;
}

/** email:Recurrence inside a MeetingRequest (MS-ASEMAIL 2.2.2). */
export interface MeetingRecurrence {
  /** 0 daily, 1 weekly, 2 monthly, 3 monthly on the nth day, 5 yearly, 6 yearly on the nth day. */
  readonly type: number;
  readonly interval?: number;
  readonly until?: Date;
  readonly occurrences?: number;
  readonly weekOfMonth?: number;
  readonly dayOfMonth?: number;
  /** Bit mask: 1 Sunday, 2 Monday, 4 Tuesday ... 64 Saturday. */
  readonly dayOfWeek?: number;
  readonly monthOfYear?: number;
  /** email2:CalendarType, IsLeapMonth, FirstDayOfWeek (14.0+). */
  readonly calendarType?: number;
  readonly isLeapMonth?: boolean;
  readonly firstDayOfWeek?: number;
}

/** email:MeetingRequest (MS-ASEMAIL 2.2.2.48): present when the message invites the user. */
export interface MeetingRequest {
  readonly allDayEvent?: boolean;
  readonly startTime?: Date;
  readonly dtStamp?: Date;
  readonly endTime?: Date;
  /** 0 single, 1 recurring master, 2 single instance, 3 exception, 4 orphan instance. */
  readonly instanceType?: number;
  /** Plain-text location (before 16.0; MS-ASEMAIL 2.2.2.46). */
  readonly location?: string;
  /** Structured location (16.0+; MS-ASAIRS 2.2.2.28). */
  readonly locationDetail?: Location;
  readonly organizer?: Address;
  readonly recurrenceId?: Date;
  /** Minutes before the start at which to remind. */
  readonly reminder?: number;
  readonly responseRequested?: boolean;
  readonly recurrences: readonly MeetingRecurrence[];
  /** 0 normal, 1 personal, 2 private, 3 confidential. */
  readonly sensitivity?: number;
  /** 0 free, 1 tentative, 2 busy, 3 out of office, 4 working elsewhere. */
  readonly busyStatus?: number;
  /** Base64 TIME_ZONE_INFORMATION blob, left encoded; the calendar codec parses it. */
  readonly timeZone?: string;
  readonly globalObjId?: string;
  readonly disallowNewTimeProposal?: boolean;
  /** email2:MeetingMessageType (14.1+): 0 silent update, 1 request, 2 full update, 3 informational, 4 outdated, 5 delegator copy, 6 delegated. */
  readonly meetingMessageType?: number;
  /** calendar:UID (16.0+, replaces GlobalObjId). */
  readonly uid?: string;
  /** meetingresponse:ProposedStartTime / ProposedEndTime (16.0+, counter proposals). */
  readonly proposedStartTime?: Date;
  readonly proposedEndTime?: Date;
  /** composemail:Forwardees (16.0+): people the organizer forwarded the meeting to. */
  readonly forwardees: readonly Address[];
}

/** A decoded email item. Address lists are parsed (see addresses.ts). */
export interface Email {
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  readonly from?: Address;
  readonly replyTo: readonly Address[];
  readonly subject?: string;
  readonly dateReceived?: Date;
  readonly displayTo?: string;
  readonly threadTopic?: string;
  readonly importance?: Importance;
  /** MS-ASEMAIL 2.2.2.58. */
  readonly read?: boolean;
  readonly flag?: EmailFlag;
  /** IPM.Note, IPM.Schedule.Meeting.Request, IPM.Note.SMIME, ... */
  readonly messageClass?: string;
  /** Code page of the original message (e.g. "28591" for ISO-8859-1). */
  readonly internetCpid?: string;
  readonly contentClass?: string;
  /** undefined = not sent; [] = no categories (MS-ASEMAIL 2.2.2.16, 14.0+). */
  readonly categories?: readonly string[];
  readonly meetingRequest?: MeetingRequest;
  readonly body?: Body;
  readonly bodyPart?: BodyPart;
  readonly attachments: readonly Attachment[];
  readonly nativeBodyType?: BodyType;
  // Email2 (14.0+)
  readonly umCallerId?: string;
  readonly umUserNotes?: string;
  readonly umAttDuration?: number;
  readonly umAttOrder?: number;
  /** Opaque conversation id (MS-ASEMAIL 2.2.2.21, MS-ASCON). */
  readonly conversationId?: Uint8Array;
  /** Opaque conversation index: a header plus a 5-byte block per reply. */
  readonly conversationIndex?: Uint8Array;
  /** 0 unknown, 1 replied to sender, 2 replied to all, 3 forwarded. */
  readonly lastVerbExecuted?: number;
  readonly lastVerbExecutionTime?: Date;
  readonly receivedAsBcc?: boolean;
  readonly sender?: Address;
  readonly accountId?: string;
  /** 16.0+ (MS-ASEMAIL 2.2.2.42). */
  readonly isDraft?: boolean;
  /** 16.0+: Bcc recipients of a draft. */
  readonly bcc: readonly Address[];
}

// ---------------------------------------------------------------------------
// Decoding

function importanceOf(n: number | undefined): Importance | undefined {
  return n === 0 || n === 1 || n === 2 ? n : undefined;
}

function decodeFlag(f: El): EmailFlag {
  const status = readInt(f, EM, 'Status');
  return {
    status: status === 0 || status === 1 || status === 2 ? status : undefined,
    flagType: readText(f, EM, 'FlagType'),
    subject: readText(f, TK, 'Subject'),
    startDate: readDate(f, TK, 'StartDate'),
    dueDate: readDate(f, TK, 'DueDate'),
    utcStartDate: readDate(f, TK, 'UtcStartDate'),
    utcDueDate: readDate(f, TK, 'UtcDueDate'),
    reminderSet: readBool(f, TK, 'ReminderSet'),
    reminderTime: readDate(f, TK, 'ReminderTime'),
    completeTime: readDate(f, EM, 'CompleteTime'),
    dateCompleted: readDate(f, TK, 'DateCompleted'),
    ordinalDate: readDate(f, TK, 'OrdinalDate'),
    subOrdinalDate: readText(f, TK, 'SubOrdinalDate'),
  };
}

function decodeRecurrence(r: El): MeetingRecurrence {
  return {
    type: readInt(r, EM, 'Type') ?? 0,
    interval: readInt(r, EM, 'Interval'),
    until: readDate(r, EM, 'Until'),
    occurrences: readInt(r, EM, 'Occurrences'),
    weekOfMonth: readInt(r, EM, 'WeekOfMonth'),
    dayOfMonth: readInt(r, EM, 'DayOfMonth'),
    dayOfWeek: readInt(r, EM, 'DayOfWeek'),
    monthOfYear: readInt(r, EM, 'MonthOfYear'),
    calendarType: readInt(r, EM2, 'CalendarType'),
    isLeapMonth: readBool(r, EM2, 'IsLeapMonth'),
    firstDayOfWeek: readInt(r, EM2, 'FirstDayOfWeek'),
  };
}

/** composemail:Forwardees/Forwardee with Name and Email (MS-ASCMD 2.2.3.78). */
function decodeForwardees(m: El): Address[] {
  const f = kid(m, 'Forwardees', 'ComposeMail');
  if (!f) return [];
  return kids(f, 'Forwardee', 'ComposeMail').map((w) => ({
    email: readText(w, 'ComposeMail', 'Email') ?? '',
    name: readText(w, 'ComposeMail', 'Name'),
  }));
}

function decodeMeetingRequest(m: El): MeetingRequest {
  const recurrences = kid(m, 'Recurrences', EM);
  return {
    allDayEvent: readBool(m, EM, 'AllDayEvent'),
    startTime: readDate(m, EM, 'StartTime'),
    dtStamp: readDate(m, EM, 'DtStamp'),
    endTime: readDate(m, EM, 'EndTime'),
    instanceType: readInt(m, EM, 'InstanceType'),
    location: readText(m, EM, 'Location'),
    locationDetail: decodeLocation(m),
    organizer: parseAddress(readText(m, EM, 'Organizer')),
    recurrenceId: readDate(m, EM, 'RecurrenceId'),
    reminder: readInt(m, EM, 'Reminder'),
    responseRequested: readBool(m, EM, 'ResponseRequested'),
    recurrences: recurrences ? kids(recurrences, 'Recurrence', EM).map(decodeRecurrence) : [],
    sensitivity: readInt(m, EM, 'Sensitivity'),
    busyStatus: readInt(m, EM, 'BusyStatus'),
    timeZone: readText(m, EM, 'TimeZone'),
    globalObjId: readText(m, EM, 'GlobalObjId'),
    disallowNewTimeProposal: readBool(m, EM, 'DisallowNewTimeProposal'),
    meetingMessageType: readInt(m, EM2, 'MeetingMessageType'),
    uid: readText(m, 'Calendar', 'UID'),
    proposedStartTime: readDate(m, 'MeetingResponse', 'ProposedStartTime'),
    proposedEndTime: readDate(m, 'MeetingResponse', 'ProposedEndTime'),
    forwardees: decodeForwardees(m),
  };
}

/**
 * Decodes an email from Sync ApplicationData, ItemOperations Properties or Search
 * Properties. Unknown elements are ignored. For 2.5 the body and attachments are
 * read from the Email namespace (email:Body, email:Attachments).
 */
export function decodeEmail(container: El, ctx: EasContext): Email {
  const legacy = !atLeast(ctx.version, '12.0');
  const f = new EmailFields(container);
  const flag = f.flag;
  const meeting = f.meetingRequest;
  return {
    to: parseAddressList(textIn(f.to)),
    cc: parseAddressList(textIn(f.cc)),
    from: parseAddress(textIn(f.from)),
    replyTo: parseAddressList(textIn(f.replyTo)),
    subject: textIn(f.subject),
    dateReceived: parseEasDate(textIn(f.dateReceived)),
    displayTo: textIn(f.displayTo),
    threadTopic: textIn(f.threadTopic),
    importance: importanceOf(intOf(textIn(f.importance))),
    read: boolOf(textIn(f.read)),
    flag: flag ? decodeFlag(flag) : undefined,
    messageClass: textIn(f.messageClass),
    internetCpid: textIn(f.internetCpid),
    contentClass: textIn(f.contentClass),
    categories: categoriesOf(f.categories, EM),
    meetingRequest: meeting ? decodeMeetingRequest(meeting) : undefined,
    body: bodyOf(f.body, container, legacy ? EM : undefined),
    bodyPart: bodyPartOf(f.bodyPart),
    attachments: attachmentsOf(f.attachments, container),
    nativeBodyType: nativeBodyTypeOf(textIn(f.nativeBodyType)),
    umCallerId: textIn(f.umCallerId),
    umUserNotes: textIn(f.umUserNotes),
    umAttDuration: intOf(textIn(f.umAttDuration)),
    umAttOrder: intOf(textIn(f.umAttOrder)),
    conversationId: bytesOf(f.conversationId),
    conversationIndex: bytesOf(f.conversationIndex),
    lastVerbExecuted: intOf(textIn(f.lastVerbExecuted)),
    lastVerbExecutionTime: parseEasDate(textIn(f.lastVerbExecutionTime)),
    receivedAsBcc: boolOf(textIn(f.receivedAsBcc)),
    sender: parseAddress(textIn(f.sender)),
    accountId: textIn(f.accountId),
    isDraft: boolOf(textIn(f.isDraft)),
    bcc: parseAddressList(textIn(f.bcc)),
  };
}

/**
 * What a server Change of an email says (MS-ASCMD 2.2.3.24: the Change "contains
 * properties of an existing object ... that were modified"): for a received mail only
 * what another client or the server can change (Read, Flag, Categories,
 * LastVerbExecuted/Time; MS-ASEMAIL 2.2.2.58, 2.2.2.34, 2.2.2.16, 2.2.2.45), for a draft
 * any field. Holds exactly the fields whose element is present: an absent element leaves
 * its field as it is. A present but empty element clears it: `<Flag/>` decodes as a flag
 * with no fields (not flagged, MS-ASEMAIL 2.2.2.34), an empty Categories as [].
 */
export type EmailUpdate = Partial<Email>;

export function decodeEmailUpdate(container: El, ctx: EasContext): EmailUpdate {
  const full = decodeEmail(container, ctx);
  const f = new EmailFields(container);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(f) as (keyof EmailFields & keyof Email)[]) {
    if (f[key] !== undefined) out[key] = full[key];
  }
  // The 2.5 forms (email:Body, email:MIMEData, email:Attachments), which EmailFields leaves to bodyOf and attachmentsOf.
  if (f.body === undefined && full.body !== undefined) out.body = full.body;
  if (kid(container, 'Attachments', EM)) out.attachments = full.attachments;
  return out as EmailUpdate;
}

/** The stored email after a server Change: the fields it carries replace, the rest stay. */
export function mergeEmailUpdate(stored: Email, update: EmailUpdate): Email {
  return { ...stored, ...update };
}

/**
 * The top-level fields decodeEmail reads, the first child of each, found in one pass over
 * the children (a mail carries ~20 of these ~35 fields; a lookup per field would scan them
 * ~35 times). email:Body and email:Attachments, the 2.5 forms, are read by bodyOf and
 * attachmentsOf when the AirSyncBase ones are absent.
 */
class EmailFields {
  to: El | undefined = undefined;
  cc: El | undefined = undefined;
  from: El | undefined = undefined;
  replyTo: El | undefined = undefined;
  subject: El | undefined = undefined;
  dateReceived: El | undefined = undefined;
  displayTo: El | undefined = undefined;
  threadTopic: El | undefined = undefined;
  importance: El | undefined = undefined;
  read: El | undefined = undefined;
  flag: El | undefined = undefined;
  messageClass: El | undefined = undefined;
  internetCpid: El | undefined = undefined;
  contentClass: El | undefined = undefined;
  categories: El | undefined = undefined;
  meetingRequest: El | undefined = undefined;
  body: El | undefined = undefined;
  bodyPart: El | undefined = undefined;
  attachments: El | undefined = undefined;
  nativeBodyType: El | undefined = undefined;
  umCallerId: El | undefined = undefined;
  umUserNotes: El | undefined = undefined;
  umAttDuration: El | undefined = undefined;
  umAttOrder: El | undefined = undefined;
  conversationId: El | undefined = undefined;
  conversationIndex: El | undefined = undefined;
  lastVerbExecuted: El | undefined = undefined;
  lastVerbExecutionTime: El | undefined = undefined;
  receivedAsBcc: El | undefined = undefined;
  sender: El | undefined = undefined;
  accountId: El | undefined = undefined;
  isDraft: El | undefined = undefined;
  bcc: El | undefined = undefined;

  constructor(container: El) {
    for (const c of container.children) {
      if (typeof c !== 'string' && !(c instanceof Uint8Array)) this.take(c);
    }
  }

  private take(c: El): void {
    switch (c.name) {
      case 'To':
        if (c.ns === EM) this.to ??= c;
        return;
      case 'Cc':
        if (c.ns === EM) this.cc ??= c;
        return;
      case 'From':
        if (c.ns === EM) this.from ??= c;
        return;
      case 'ReplyTo':
        if (c.ns === EM) this.replyTo ??= c;
        return;
      case 'Subject':
        if (c.ns === EM) this.subject ??= c;
        return;
      case 'DateReceived':
        if (c.ns === EM) this.dateReceived ??= c;
        return;
      case 'DisplayTo':
        if (c.ns === EM) this.displayTo ??= c;
        return;
      case 'ThreadTopic':
        if (c.ns === EM) this.threadTopic ??= c;
        return;
      case 'Importance':
        if (c.ns === EM) this.importance ??= c;
        return;
      case 'Read':
        if (c.ns === EM) this.read ??= c;
        return;
      case 'Flag':
        if (c.ns === EM) this.flag ??= c;
        return;
      case 'MessageClass':
        if (c.ns === EM) this.messageClass ??= c;
        return;
      case 'InternetCPID':
        if (c.ns === EM) this.internetCpid ??= c;
        return;
      case 'ContentClass':
        if (c.ns === EM) this.contentClass ??= c;
        return;
      case 'Categories':
        if (c.ns === EM) this.categories ??= c;
        return;
      case 'MeetingRequest':
        if (c.ns === EM) this.meetingRequest ??= c;
        return;
      case 'Body':
        if (c.ns === AIRSYNCBASE) this.body ??= c;
        return;
      case 'BodyPart':
        if (c.ns === AIRSYNCBASE) this.bodyPart ??= c;
        return;
      case 'Attachments':
        if (c.ns === AIRSYNCBASE) this.attachments ??= c;
        return;
      case 'NativeBodyType':
        if (c.ns === AIRSYNCBASE) this.nativeBodyType ??= c;
        return;
      case 'UmCallerID':
        if (c.ns === EM2) this.umCallerId ??= c;
        return;
      case 'UmUserNotes':
        if (c.ns === EM2) this.umUserNotes ??= c;
        return;
      case 'UmAttDuration':
        if (c.ns === EM2) this.umAttDuration ??= c;
        return;
      case 'UmAttOrder':
        if (c.ns === EM2) this.umAttOrder ??= c;
        return;
      case 'ConversationId':
        if (c.ns === EM2) this.conversationId ??= c;
        return;
      case 'ConversationIndex':
        if (c.ns === EM2) this.conversationIndex ??= c;
        return;
      case 'LastVerbExecuted':
        if (c.ns === EM2) this.lastVerbExecuted ??= c;
        return;
      case 'LastVerbExecutionTime':
        if (c.ns === EM2) this.lastVerbExecutionTime ??= c;
        return;
      case 'ReceivedAsBcc':
        if (c.ns === EM2) this.receivedAsBcc ??= c;
        return;
      case 'Sender':
        if (c.ns === EM2) this.sender ??= c;
        return;
      case 'AccountId':
        if (c.ns === EM2) this.accountId ??= c;
        return;
      case 'IsDraft':
        if (c.ns === EM2) this.isDraft ??= c;
        return;
      case 'Bcc':
        if (c.ns === EM2) this.bcc ??= c;
        return;
    }
  }
}

/** The text of a field; undefined when it is absent. */
function textIn(e: El | undefined): string | undefined {
  return e ? textOf(e) : undefined;
}

// ---------------------------------------------------------------------------
// Encoding

const date = (ns: string, name: string, d: Date | undefined): El | undefined => d && el(ns, name, formatEasDateTime(d));
const text = (ns: string, name: string, v: string | number | undefined): El | undefined =>
  v !== undefined ? el(ns, name, String(v)) : undefined;
const bool = (ns: string, name: string, v: boolean | undefined): El | undefined =>
  v !== undefined ? el(ns, name, v ? '1' : '0') : undefined;

/**
 * email:Flag in the order MS-ASEMAIL 2.2.2.34 lists its children. An empty flag
 * (or none) encodes as <Flag/>, which clears the flag (MS-ASEMAIL 3.2.5.4.2).
 */
export function encodeFlag(flag: EmailFlag | null | undefined): El {
  const f = flag ?? {};
  return el(
    EM,
    'Flag',
    text(TK, 'Subject', f.subject),
    text(EM, 'Status', f.status),
    text(EM, 'FlagType', f.flagType),
    date(TK, 'DateCompleted', f.dateCompleted),
    date(EM, 'CompleteTime', f.completeTime),
    date(TK, 'StartDate', f.startDate),
    date(TK, 'DueDate', f.dueDate),
    date(TK, 'UtcStartDate', f.utcStartDate),
    date(TK, 'UtcDueDate', f.utcDueDate),
    bool(TK, 'ReminderSet', f.reminderSet),
    date(TK, 'ReminderTime', f.reminderTime),
    date(TK, 'OrdinalDate', f.ordinalDate),
    text(TK, 'SubOrdinalDate', f.subOrdinalDate),
  );
}

/** The client-changeable properties of a received email. */
export interface EmailChange {
  /** MS-ASEMAIL 2.2.2.58 (all versions). */
  readonly read?: boolean;
  /** MS-ASEMAIL 3.1.5.4.1 (12.0+); null clears the flag. */
  readonly flag?: EmailFlag | null;
  /** MS-ASEMAIL 2.2.2.16 (14.0+); [] removes all categories. */
  readonly categories?: readonly string[];
}

function requireVersion(ctx: EasContext, min: '12.0' | '14.0' | '16.0', what: string): void {
  if (!atLeast(ctx.version, min)) {
    throw new Error(`${what} needs EAS ${min} or later (negotiated ${ctx.version})`);
  }
}

/**
 * ApplicationData for a Sync Change of a received email. Only Read, Flag and
 * Categories are sent: the server treats the rest as read-only, and an element
 * left out of a Change is left unchanged (MS-ASEMAIL 2.2.2.16 for Categories).
 * Throws when the negotiated version lacks a field the change sets.
 */
export function encodeEmailChange(change: EmailChange, ctx: EasContext): El {
  if (change.flag !== undefined) requireVersion(ctx, '12.0', 'email:Flag');
  if (change.categories !== undefined) requireVersion(ctx, '14.0', 'email:Categories');
  return el(
    'AirSync',
    'ApplicationData',
    bool(EM, 'Read', change.read),
    change.flag !== undefined && encodeFlag(change.flag),
    change.categories !== undefined && categoriesElement(EM, change.categories),
  );
}

/** A draft email in the Drafts folder (16.0+). */
export interface EmailDraft {
  readonly to?: readonly Address[];
  readonly cc?: readonly Address[];
  readonly bcc?: readonly Address[];
  readonly subject?: string;
  readonly importance?: Importance;
  readonly body?: Body;
  /** Attachments to add (with ClientIds) and FileReferences to delete. */
  readonly attachments?: AttachmentChanges;
  /** Send the draft instead of saving it (email2:Send, MS-ASEMAIL 2.2.2.69). */
  readonly send?: boolean;
}

export interface EncodedDraft {
  readonly applicationData: El;
  /** email2:Send when sending: a child of airsync:Add/Change, not of ApplicationData. */
  readonly send?: El;
}

const addresses = (ns: string, name: string, list: readonly Address[] | undefined): El | undefined =>
  list && el(ns, name, formatAddressList(list));

/**
 * A 16.x draft for a Sync Add (new draft) or Change (edited draft) in the Drafts
 * folder. email2:IsDraft is never sent: clients MUST NOT include it (MS-ASEMAIL
 * 2.2.2.42). For a Change, send every field the draft should keep.
 */
export function encodeDraft(draft: EmailDraft, ctx: EasContext): EncodedDraft {
  requireVersion(ctx, '16.0', 'Drafts sync');
  const applicationData = el(
    'AirSync',
    'ApplicationData',
    addresses(EM, 'To', draft.to),
    addresses(EM, 'Cc', draft.cc),
    addresses(EM2, 'Bcc', draft.bcc),
    text(EM, 'Subject', draft.subject),
    text(EM, 'Importance', draft.importance),
    draft.body && encodeBody(draft.body, EM, ctx),
    draft.attachments && encodeAttachmentChanges(draft.attachments, ctx),
  );
  return { applicationData, send: draft.send ? el(EM2, 'Send') : undefined };
}
