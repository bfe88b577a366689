/**
 * Calendar class items (MS-ASCAL): the ApplicationData of Sync, the Properties of
 * ItemOperations Fetch and Search results, in the Calendar namespace plus
 * AirSyncBase body, location, attachments and instance ids.
 *
 * On the wire every StartTime, EndTime, DtStamp and ExceptionStartTime is UTC
 * (Compact DateTime, MS-ASDTYPE 2.7.2). The Timezone blob (timezone.ts) is what
 * gives all-day events their local midnights and recurrences their local
 * wall-clock time; eventZone / allDayDates / allDayTimes below make it usable.
 */
import { el, kid, kids, type El } from '../../wbxml/tree.ts';
import { EasProtocolError, type EasContext } from '../command.ts';
import { atLeast } from '../version.ts';
import {
  categoriesElement,
  decodeAttachments,
  decodeBody,
  decodeInstanceId,
  decodeLocation,
  decodeNativeBodyType,
  encodeBody,
  encodeLocation,
  instanceIdElement,
  readBool,
  readCategories,
  readDate,
  readInt,
  readText,
  type Attachment,
  type Body,
  type BodyType,
  type Location,
} from './airsyncbase.ts';
import { formatCompactDateTime } from './dates.ts';
import { decodeRecurrence, encodeRecurrence, withoutUndefined, type Recurrence } from './recurrence.ts';
import {
  decodeTimeZone,
  encodeTimeZone,
  instantAt,
  isKnownZone,
  runtimeZone,
  wallTimeAt,
  zoneFromBlob,
  zoneFromIana,
  type EasZone,
  type TimeZoneBlob,
} from './timezone.ts';

const CAL = 'Calendar';

/** BusyStatus (MS-ASCAL 2.2.2.9). */
export const BUSY_STATUS = { free: 0, tentative: 1, busy: 2, outOfOffice: 3, workingElsewhere: 4 } as const;

/** Sensitivity (MS-ASCAL 2.2.2.41). */
export const SENSITIVITY = { normal: 0, personal: 1, private: 2, confidential: 3 } as const;

/**
 * MeetingStatus (MS-ASCAL 2.2.2.28) is a bit set: 1 = a meeting, 2 = received
 * from someone else (the user is not the organizer), 4 = canceled. 9, 11, 13 and
 * 15 mean the same as 1, 3, 5 and 7.
 */
export const MEETING_STATUS = {
  appointment: 0,
  organizer: 1,
  received: 3,
  canceledByOrganizer: 5,
  receivedCanceled: 7,
} as const;

export const isMeeting = (status: number | undefined): boolean => ((status ?? 0) & 1) !== 0;
export const isReceivedMeeting = (status: number | undefined): boolean => ((status ?? 0) & 3) === 3;
export const isCanceledMeeting = (status: number | undefined): boolean => ((status ?? 0) & 5) === 5;

/** AttendeeStatus (MS-ASCAL 2.2.2.5). */
export const ATTENDEE_STATUS = { unknown: 0, tentative: 2, accepted: 3, declined: 4, notResponded: 5 } as const;

/** AttendeeType (MS-ASCAL 2.2.2.6). */
export const ATTENDEE_TYPE = { required: 1, optional: 2, resource: 3 } as const;

/** ResponseType (MS-ASCAL 2.2.2.40): the user's own answer to the meeting. */
export const RESPONSE_TYPE = {
  none: 0,
  organizer: 1,
  tentative: 2,
  accepted: 3,
  declined: 4,
  notResponded: 5,
} as const;

/** MS-ASCAL 2.2.2.3 Attendee. */
export interface Attendee {
  readonly email: string;
  readonly name: string;
  /** See ATTENDEE_STATUS. */
  readonly status?: number;
  /** See ATTENDEE_TYPE. */
  readonly type?: number;
  /** A new time the attendee proposed (meetingresponse:ProposedStartTime, 16.1; server-only). */
  readonly proposedStartTime?: Date;
  readonly proposedEndTime?: Date;
}

/** Fields an Exception can override; absent ones follow the series (MS-ASCAL 2.2.2.21). */
export interface EventFields {
  readonly subject?: string;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly body?: Body;
  /** Plain-text location: calendar:Location up to 14.1, the DisplayName of airsyncbase:Location in 16.x. */
  readonly location?: string;
  /** 16.x structured location (MS-ASAIRS 2.2.2.28); its DisplayName is `location`. */
  readonly locationDetails?: Location;
  readonly categories?: readonly string[];
  /** See SENSITIVITY. */
  readonly sensitivity?: number;
  /** See BUSY_STATUS. */
  readonly busyStatus?: number;
  readonly allDayEvent?: boolean;
  /** Minutes before the start (MS-ASCAL 2.2.2.38). */
  readonly reminder?: number;
  readonly dtStamp?: Date;
  /** See MEETING_STATUS. */
  readonly meetingStatus?: number;
  readonly attendees?: readonly Attendee[];
  /** Server-only: when the user answered (MS-ASCAL 2.2.2.2, 14.0+). */
  readonly appointmentReplyTime?: Date;
  /** Server-only: see RESPONSE_TYPE (MS-ASCAL 2.2.2.40, 14.0+). */
  readonly responseType?: number;
  /** Server-only: online meeting join links (MS-ASCAL 2.2.2.33, 2.2.2.34). */
  readonly onlineMeetingConfLink?: string;
  readonly onlineMeetingExternalLink?: string;
  /** Server-only here (16.x); adding/removing attachments is an airsyncbase AttachmentChanges. */
  readonly attachments?: readonly Attachment[];
}

/** MS-ASCAL 2.2.2.21 Exception: one occurrence of the series that was moved, edited or deleted. */
export interface CalendarException extends EventFields {
  /** The occurrence's original start: ExceptionStartTime, or airsyncbase:InstanceId in 16.x. */
  readonly exceptionStartTime: Date;
  /** The occurrence was deleted (MS-ASCAL 2.2.2.16). */
  readonly deleted?: boolean;
}

/** A calendar item (MS-ASCAL 2.2.2). */
export interface CalendarItem extends EventFields {
  readonly startTime: Date;
  readonly endTime: Date;
  readonly timezone?: TimeZoneBlob;
  readonly organizerName?: string;
  readonly organizerEmail?: string;
  /** Up to 14.1 the client makes the UID; in 16.x the server does (MS-ASCAL 2.2.2.46). */
  readonly uid?: string;
  /** 16.x, Add only: the client's id for the new item, for duplicate detection (MS-ASCAL 2.2.2.13). */
  readonly clientUid?: string;
  readonly recurrence?: Recurrence;
  readonly exceptions?: readonly CalendarException[];
  readonly responseRequested?: boolean;
  readonly disallowNewTimeProposal?: boolean;
  readonly nativeBodyType?: BodyType;
}

// ---------------------------------------------------------------------------
// Decoding

function readAttendee(a: El): Attendee {
  return withoutUndefined({
    email: readText(a, CAL, 'Email') ?? '',
    name: readText(a, CAL, 'Name') ?? '',
    status: readInt(a, CAL, 'AttendeeStatus'),
    type: readInt(a, CAL, 'AttendeeType'),
    proposedStartTime: readDate(a, 'MeetingResponse', 'ProposedStartTime'),
    proposedEndTime: readDate(a, 'MeetingResponse', 'ProposedEndTime'),
  });
}

function readAttendees(e: El): Attendee[] | undefined {
  const list = kid(e, 'Attendees', CAL);
  return list ? kids(list, 'Attendee', CAL).map(readAttendee) : undefined;
}

/** A Compact DateTime that must parse when present. */
function readTime(e: El, name: string): Date | undefined {
  const text = readText(e, CAL, name);
  if (text === undefined || text.trim() === '') return undefined;
  const d = readDate(e, CAL, name);
  if (!d) throw new EasProtocolError(`calendar:${name} is not a date: ${text}`);
  return d;
}

function readEventFields(e: El, ctx: EasContext): EventFields {
  const details = decodeLocation(e);
  const attachments = decodeAttachments(e);
  return {
    subject: readText(e, CAL, 'Subject'),
    startTime: readTime(e, 'StartTime'),
    endTime: readTime(e, 'EndTime'),
    body: decodeBody(e, atLeast(ctx.version, '12.0') ? undefined : CAL),
    location: details ? details.displayName : readText(e, CAL, 'Location'),
    locationDetails: details,
    categories: readCategories(e, CAL),
    sensitivity: readInt(e, CAL, 'Sensitivity'),
    busyStatus: readInt(e, CAL, 'BusyStatus'),
    allDayEvent: readBool(e, CAL, 'AllDayEvent'),
    reminder: readInt(e, CAL, 'Reminder'),
    dtStamp: readTime(e, 'DtStamp'),
    meetingStatus: readInt(e, CAL, 'MeetingStatus'),
    attendees: readAttendees(e),
    appointmentReplyTime: readTime(e, 'AppointmentReplyTime'),
    responseType: readInt(e, CAL, 'ResponseType'),
    onlineMeetingConfLink: readText(e, CAL, 'OnlineMeetingConfLink'),
    onlineMeetingExternalLink: readText(e, CAL, 'OnlineMeetingExternalLink'),
    attachments: attachments.length > 0 ? attachments : undefined,
  };
}

function readException(x: El, ctx: EasContext): CalendarException {
  const exceptionStartTime = readTime(x, 'ExceptionStartTime') ?? decodeInstanceId(x);
  if (!exceptionStartTime) throw new EasProtocolError('calendar:Exception without ExceptionStartTime or InstanceId');
  return withoutUndefined({ ...readEventFields(x, ctx), exceptionStartTime, deleted: readBool(x, CAL, 'Deleted') });
}

function readTimezone(e: El): TimeZoneBlob | undefined {
  const text = readText(e, CAL, 'Timezone');
  return text === undefined || text.trim() === '' ? undefined : decodeTimeZone(text);
}

/**
 * Decodes a calendar item from Sync ApplicationData, ItemOperations or Search
 * Properties. StartTime and EndTime are required; a malformed Timezone, date or
 * Recurrence throws EasProtocolError.
 */
export function decodeCalendar(container: El, ctx: EasContext): CalendarItem {
  const fields = readEventFields(container, ctx);
  const { startTime, endTime } = fields;
  if (!startTime || !endTime) throw new EasProtocolError('calendar item without StartTime or EndTime');
  const recurrence = kid(container, 'Recurrence', CAL);
  const exceptions = kid(container, 'Exceptions', CAL);
  return withoutUndefined({
    ...fields,
    startTime,
    endTime,
    timezone: readTimezone(container),
    organizerName: readText(container, CAL, 'OrganizerName'),
    organizerEmail: readText(container, CAL, 'OrganizerEmail'),
    uid: readText(container, CAL, 'UID'),
    clientUid: readText(container, CAL, 'ClientUid'),
    recurrence: recurrence ? decodeRecurrence(recurrence) : undefined,
    exceptions: exceptions ? kids(exceptions, 'Exception', CAL).map((x) => readException(x, ctx)) : undefined,
    responseRequested: readBool(container, CAL, 'ResponseRequested'),
    disallowNewTimeProposal: readBool(container, CAL, 'DisallowNewTimeProposal'),
    nativeBodyType: decodeNativeBodyType(container),
  });
}

// ---------------------------------------------------------------------------
// Encoding
//
// Server-only elements are never written: AppointmentReplyTime ("a command request
// MUST NOT include", MS-ASCAL 2.2.2.2), ResponseType, the OnlineMeeting links,
// BodyTruncated, NativeBodyType and Attachments (changed through airsyncbase
// AttachmentChanges, not here). Neither is a truncated body: sending it back would
// replace the full body on the server with the cut copy (MS-ASAIRS 2.2.2.39.1).

/** One top-level element of a request, keyed by the record field it comes from. */
type Part = readonly [field: string, element: El];
type Slot = readonly [field: string, element: El | undefined];

const filled = (slots: readonly Slot[]): Part[] => slots.filter((s): s is Part => s[1] !== undefined);

const text = (name: string, v: string | undefined): El | undefined => (v === undefined ? undefined : el(CAL, name, v));
const int = (name: string, v: number | undefined): El | undefined => (v === undefined ? undefined : el(CAL, name, String(v)));
const bool = (name: string, v: boolean | undefined): El | undefined => (v === undefined ? undefined : el(CAL, name, v ? '1' : '0'));
const time = (name: string, v: Date | undefined): El | undefined => (v === undefined ? undefined : el(CAL, name, formatCompactDateTime(v)));

function attendeesElement(list: readonly Attendee[]): El {
  return el(
    CAL,
    'Attendees',
    list.map((a) =>
      el(CAL, 'Attendee', el(CAL, 'Email', a.email), el(CAL, 'Name', a.name), int('AttendeeStatus', a.status), int('AttendeeType', a.type)),
    ),
  );
}

/** Location: calendar:Location text up to 14.1, airsyncbase:Location in 16.x (MS-ASCAL 2.2.2.27). */
function locationElement(f: EventFields, ctx: EasContext): El | undefined {
  if (atLeast(ctx.version, '16.0')) {
    if (f.location === undefined && f.locationDetails === undefined) return undefined;
    return encodeLocation({ ...f.locationDetails, displayName: f.location ?? f.locationDetails?.displayName });
  }
  return text('Location', f.location);
}

function bodyElement(body: Body | undefined, ctx: EasContext): El | undefined {
  return body && !body.truncated ? encodeBody(body, CAL, ctx) : undefined;
}

/** The overridable fields, in Calendar.xsd order. */
function eventParts(f: EventFields, ctx: EasContext): Part[] {
  return filled([
    ['allDayEvent', bool('AllDayEvent', f.allDayEvent)],
    ['body', bodyElement(f.body, ctx)],
    ['busyStatus', int('BusyStatus', f.busyStatus)],
    ['dtStamp', time('DtStamp', f.dtStamp)],
    ['endTime', time('EndTime', f.endTime)],
    ['location', locationElement(f, ctx)],
    ['reminder', int('Reminder', f.reminder)],
    ['sensitivity', int('Sensitivity', f.sensitivity)],
    ['subject', text('Subject', f.subject)],
    ['startTime', time('StartTime', f.startTime)],
    ['meetingStatus', int('MeetingStatus', f.meetingStatus)],
    ['attendees', f.attendees && attendeesElement(f.attendees)],
    ['categories', f.categories && categoriesElement(CAL, f.categories)],
  ]);
}

function exceptionElement(x: CalendarException, ctx: EasContext): El {
  // Exception children are optional and fall back to the series (MS-ASCAL 2.2.2.21);
  // Attendees inside an Exception need 14.0 (MS-ASCAL 2.2.2.4).
  const parts = eventParts(x, ctx).filter(([f]) => f !== 'attendees' || atLeast(ctx.version, '14.0'));
  return el(
    CAL,
    'Exception',
    x.deleted ? el(CAL, 'Deleted', '1') : undefined,
    time('ExceptionStartTime', x.exceptionStartTime),
    parts.map(([, e]) => e),
  );
}

function exceptionsElement(list: readonly CalendarException[] | undefined, ctx: EasContext): El | undefined {
  return (
    list &&
    el(
      CAL,
      'Exceptions',
      list.map((x) => exceptionElement(x, ctx)),
    )
  );
}

type Purpose = 'add' | 'change';

/** Every top-level request element of an item, for an Add or a Change. */
function itemParts(item: CalendarItem, ctx: EasContext, purpose: Purpose): Part[] {
  const v14 = atLeast(ctx.version, '14.0');
  const v16 = atLeast(ctx.version, '16.0');
  return filled([
    ['timezone', item.timezone && el(CAL, 'Timezone', encodeTimeZone(item.timezone))],
    ...eventParts(item, ctx),
    ['organizerName', text('OrganizerName', item.organizerName)],
    ['organizerEmail', text('OrganizerEmail', item.organizerEmail)],
    // 16.x: the server makes the UID; the client may send ClientUid in an Add (MS-ASCAL 2.2.2.46, 2.2.2.13).
    ['uid', v16 ? undefined : text('UID', item.uid)],
    ['clientUid', v16 && purpose === 'add' ? text('ClientUid', item.clientUid) : undefined],
    ['recurrence', item.recurrence && encodeRecurrence(item.recurrence, CAL, ctx)],
    // 16.x: exceptions are never sent in Exceptions; each occurrence is changed or
    // deleted on its own with airsyncbase:InstanceId (MS-ASCAL 2.2.2.22).
    ['exceptions', v16 ? undefined : exceptionsElement(item.exceptions, ctx)],
    ['responseRequested', v14 ? bool('ResponseRequested', item.responseRequested) : undefined],
    ['disallowNewTimeProposal', v14 ? bool('DisallowNewTimeProposal', item.disallowNewTimeProposal) : undefined],
  ]);
}

const applicationData = (parts: readonly Part[]): El =>
  el(
    'AirSync',
    'ApplicationData',
    parts.map(([, e]) => e),
  );

/** ApplicationData for a Sync Add of a new calendar item: the whole record. */
export function encodeCalendar(item: CalendarItem, ctx: EasContext): El {
  return applicationData(itemParts(item, ctx, 'add'));
}

/*
 * What a Sync Change of a calendar item carries.
 *
 * The bug this defends against: a phone changes only the reminder of a meeting,
 * sends <Reminder> alone, and the server drops every attendee.
 *
 * - Up to 14.1 a Change replaces the item: a top-level element left out is deleted
 *   unless it is ghosted, and an element is ghosted only when the collection's
 *   initial Sync sent an airsync:Supported list that does not name it. Without a
 *   Supported element nothing is ghosted (MS-ASCMD 2.2.3.179; MS-ASCAL 3.1.5.3;
 *   Attendees, Body and Exceptions are ghostable, MS-ASCAL 2.2.2.4, 2.2.2.7.1, and
 *   Location never is, 2.2.2.27). So the Change is the whole item, edited or not:
 *   Timezone, Attendees, Recurrence, Exceptions, Body and everything else present.
 *   That is correct whatever Supported said, and it is what encodeCalendarChange
 *   writes for 2.5 to 14.1.
 * - In 16.0 and 16.1 every top-level element left out is ghosted, i.e. kept
 *   (MS-ASCAL 3.1.5.3). The Change carries the fields that differ, plus Attendees
 *   whenever the item has any, so a server that still replaces the item keeps them.
 *   It does not resend an unchanged Recurrence, StartTime or EndTime, because
 *   changing those deletes every exception of the series (MS-ASCAL 2.2.2.22), nor
 *   Exceptions at all (not allowed in 16.x requests; see encodeOccurrenceChange).
 * - In both, a field that had a value and has none now is sent as an empty element,
 *   which clears it even where it is ghosted (MS-ASCMD 2.2.3.179).
 * - The body is resent only when it is complete (not truncated) and, in 16.x, changed.
 */
export function encodeCalendarChange(previous: CalendarItem, next: CalendarItem, ctx: EasContext): El {
  const before = new Map(itemParts(previous, ctx, 'change'));
  const after = itemParts(next, ctx, 'change');
  const v16 = atLeast(ctx.version, '16.0');
  const sent = v16 ? after.filter(([f, e]) => f === 'attendees' || !sameElement(before.get(f), e)) : after;
  const present = new Set(after.map(([f]) => f));
  // A truncated body is left out of `after` but not cleared: it is kept as it is.
  const cleared = [...before].filter(([f]) => !present.has(f) && !(f === 'body' && next.body));
  return applicationData([...sent, ...cleared.map(([f, e]): Part => [f, emptied(f, e, ctx)])]);
}

/** The element that clears a field: empty, or for the body an empty plain-text Body. */
function emptied(field: string, e: El, ctx: EasContext): El {
  return field === 'body' ? encodeBody({ type: 1, data: '' }, CAL, ctx) : el(e.ns, e.name);
}

/**
 * A 16.x Change of one occurrence of a recurring series (MS-ASCAL 2.2.2.22): the
 * airsyncbase:InstanceId that goes next to airsync:ServerId in the Change, and the
 * ApplicationData with the occurrence's fields.
 */
export function encodeOccurrenceChange(occurrence: CalendarException, ctx: EasContext): { instanceId: El; applicationData: El } {
  if (!atLeast(ctx.version, '16.0')) throw new Error(`occurrence changes need EAS 16.0 (negotiated ${ctx.version})`);
  return {
    instanceId: instanceIdElement(occurrence.exceptionStartTime),
    applicationData: applicationData(eventParts(occurrence, ctx)),
  };
}

function sameElement(a: El | undefined, b: El): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------
// Times

export interface ZoneOptions {
  /** The user's own IANA zone, preferred among zones with the same rules; default runtimeZone(). */
  readonly hint?: string;
  /** Zones to search for a match; default every zone Intl knows. */
  readonly candidates?: readonly string[];
}

/**
 * The zone of an item: its Timezone blob, matched to an IANA zone for the year of
 * its start when possible, else computed from the blob's rules; without a Timezone,
 * the hint (the user's zone), or UTC when the hint is not a zone Intl knows.
 */
export function eventZone(item: Pick<CalendarItem, 'timezone' | 'startTime'>, opts: ZoneOptions = {}): EasZone {
  const wanted = opts.hint ?? runtimeZone();
  const hint = isKnownZone(wanted) ? wanted : 'UTC';
  const referenceYear = item.startTime.getUTCFullYear();
  if (!item.timezone) return zoneFromIana(hint, referenceYear);
  return zoneFromBlob(item.timezone, { referenceYear, hint, candidates: opts.candidates });
}

/** A calendar date without a time (month 1..12). */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const HALF_DAY = 43_200_000;

/** The local date of the midnight nearest to an instant. */
function nearestMidnight(zone: EasZone, instant: Date): LocalDate {
  const w = wallTimeAt(zone, instant.getTime() + HALF_DAY);
  return { year: w.year, month: w.month, day: w.day };
}

/**
 * The days an all-day event covers: it begins at local midnight of the start day
 * and ends at local midnight after the last day (MS-ASCAL 2.2.2.1), so `end` is
 * exclusive. Each time is read as the nearest local midnight, which absorbs a
 * server or zone that is off by a few hours.
 */
export function allDayDates(item: Pick<CalendarItem, 'startTime' | 'endTime'>, zone: EasZone): { start: LocalDate; end: LocalDate } {
  return { start: nearestMidnight(zone, item.startTime), end: nearestMidnight(zone, item.endTime) };
}

/** StartTime and EndTime of an all-day event from its days (`end` exclusive) in `zone`. */
export function allDayTimes(start: LocalDate, end: LocalDate, zone: EasZone): { startTime: Date; endTime: Date } {
  return { startTime: instantAt(zone, start), endTime: instantAt(zone, end) };
}
