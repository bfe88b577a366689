/**
 * Items as standard files: vCard 3.0 (RFC 2426) for contacts, iCalendar (RFC 5545)
 * for events (VEVENT) and tasks (VTODO). Mail is exported as the server's own MIME
 * (fetched with ItemOperations), so it needs nothing here.
 *
 * Timed events are written in their own zone (TZID with a VTIMEZONE built from the
 * EAS Timezone blob), so that a recurrence keeps its wall-clock time across DST;
 * all-day events as dates.
 */
import { allDayDates, eventZone, type Attendee, type CalendarException, type CalendarItem } from '../eas/items/calendar.ts';
import type { Contact } from '../eas/items/contact.ts';
import type { Recurrence } from '../eas/items/recurrence.ts';
import type { Task } from '../eas/items/task.ts';
import { wallTimeAt, type EasZone, type SystemTime, type TimeZoneBlob } from '../eas/items/timezone.ts';

// ------------------------------------------------------------------ lines

/** RFC 5545 3.3.11 / RFC 2426 4: backslash, semicolon, comma and newline escaped. */
export function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

const encoder = new TextEncoder();

/** RFC 5545 3.1: lines longer than 75 octets are folded (CRLF + space), never inside a character. */
export function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    if (octets + n > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

type Line = string | false | 0 | undefined | null;

function lines(list: readonly Line[]): string {
  return (
    list
      .filter((l): l is string => typeof l === 'string' && l !== '')
      .map(fold)
      .join('\r\n') + '\r\n'
  );
}

const prop = (name: string, value: string | undefined): Line => (value ? `${name}:${escapeText(value)}` : undefined);

// ------------------------------------------------------------------ vCard

/** A contact as vCard 3.0. */
export function contactToVcard(c: Contact, uid: string): string {
  const display = c.fileAs ?? ([c.firstName, c.middleName, c.lastName].filter(Boolean).join(' ') || c.companyName || c.email1Address || '');
  const n = [c.lastName, c.firstName, c.middleName, c.title, c.suffix].map((x) => escapeText(x ?? '')).join(';');
  const adr = (type: string, street?: string, city?: string, state?: string, code?: string, country?: string): Line =>
    [street, city, state, code, country].some(Boolean)
      ? `ADR;TYPE=${type}:;;${[street, city, state, code, country].map((x) => escapeText(x ?? '')).join(';')}`
      : undefined;
  const tel = (type: string, v: string | undefined): Line => (v ? `TEL;TYPE=${type}:${escapeText(v)}` : undefined);
  return lines([
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${escapeText(display)}`,
    `N:${n}`,
    prop('NICKNAME', c.nickName),
    (c.companyName || c.department) && `ORG:${escapeText(c.companyName ?? '')};${escapeText(c.department ?? '')}`,
    prop('TITLE', c.jobTitle),
    ...[c.email1Address, c.email2Address, c.email3Address].map((e) => (e ? `EMAIL;TYPE=INTERNET:${escapeText(e)}` : undefined)),
    tel('CELL', c.mobilePhoneNumber),
    tel('HOME,VOICE', c.homePhoneNumber),
    tel('HOME,VOICE', c.home2PhoneNumber),
    tel('HOME,FAX', c.homeFaxNumber),
    tel('WORK,VOICE', c.businessPhoneNumber),
    tel('WORK,VOICE', c.business2PhoneNumber),
    tel('WORK,FAX', c.businessFaxNumber),
    tel('WORK,VOICE', c.companyMainPhone),
    tel('CAR', c.carPhoneNumber),
    tel('PAGER', c.pagerNumber),
    adr('HOME', c.homeAddressStreet, c.homeAddressCity, c.homeAddressState, c.homeAddressPostalCode, c.homeAddressCountry),
    adr(
      'WORK',
      c.businessAddressStreet,
      c.businessAddressCity,
      c.businessAddressState,
      c.businessAddressPostalCode,
      c.businessAddressCountry,
    ),
    adr('POSTAL', c.otherAddressStreet, c.otherAddressCity, c.otherAddressState, c.otherAddressPostalCode, c.otherAddressCountry),
    c.birthday && `BDAY:${dateOnly(c.birthday, '-')}`,
    prop('URL', c.webPage),
    c.categories?.length && `CATEGORIES:${c.categories.map(escapeText).join(',')}`,
    prop('NOTE', c.body?.type === 1 ? c.body.data : undefined),
    c.picture && `PHOTO;ENCODING=b;TYPE=JPEG:${c.picture}`,
    prop('UID', uid),
    'END:VCARD',
  ]);
}

// ------------------------------------------------------------------ iCalendar times

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Birthday and similar dates are midnight UTC of the day (MS-ASCNTC 2.2.2.3). */
function dateOnly(d: Date, sep = ''): string {
  return [pad(d.getUTCFullYear(), 4), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())].join(sep);
}

/** RFC 5545 3.3.5 form 2: UTC. */
export function utcStamp(d: Date): string {
  return `${dateOnly(d)}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/** Local time in `zone`, RFC 5545 3.3.5 form 3 (with TZID). */
function localStamp(d: Date, zone: EasZone): string {
  const w = wallTimeAt(zone, d);
  return `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
}

function tzidOf(zone: EasZone): string {
  return zone.iana ?? (zone.blob.standardName || 'Custom');
}

/** The time of an event property: TZID-local when the event has a zone, else UTC. */
function timeProp(name: string, d: Date, zone: EasZone | undefined): string {
  return zone ? `${name};TZID=${tzidOf(zone)}:${localStamp(d, zone)}` : `${name}:${utcStamp(d)}`;
}

const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/**
 * VTIMEZONE from an EAS Timezone blob (MS-ASDTYPE 2.7.6): one STANDARD, and a
 * DAYLIGHT when the zone has DST, with the blob's yearly transition rules.
 */
export function vtimezone(tzid: string, tz: TimeZoneBlob): string[] {
  const std = -(tz.bias + tz.standardBias);
  const dst = -(tz.bias + tz.daylightBias);
  if (tz.daylightDate.month === 0) {
    return [
      'BEGIN:VTIMEZONE',
      `TZID:${tzid}`,
      'BEGIN:STANDARD',
      'DTSTART:16010101T000000',
      `TZOFFSETFROM:${offset(std)}`,
      `TZOFFSETTO:${offset(std)}`,
      'END:STANDARD',
      'END:VTIMEZONE',
    ];
  }
  return [
    'BEGIN:VTIMEZONE',
    `TZID:${tzid}`,
    ...transition('STANDARD', tz.standardDate, dst, std),
    ...transition('DAYLIGHT', tz.daylightDate, std, dst),
    'END:VTIMEZONE',
  ];
}

function transition(kind: string, at: SystemTime, from: number, to: number): string[] {
  const week = at.day >= 5 ? -1 : at.day;
  return [
    `BEGIN:${kind}`,
    `DTSTART:1601${pad(at.month)}01T${pad(at.hour)}${pad(at.minute)}00`,
    `RRULE:FREQ=YEARLY;BYMONTH=${at.month};BYDAY=${week}${DAYS[at.dayOfWeek] ?? 'SU'}`,
    `TZOFFSETFROM:${offset(from)}`,
    `TZOFFSETTO:${offset(to)}`,
    `END:${kind}`,
  ];
}

function offset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}${pad(m % 60)}`;
}

// ------------------------------------------------------------------ RRULE

function byDay(mask: number | undefined): string[] {
  return DAYS.filter((_, i) => ((mask ?? 0) & (1 << i)) !== 0);
}

/** MS-ASCAL 2.2.2.39 Recurrence as an RFC 5545 RRULE. */
export function rrule(r: Recurrence): string {
  const parts: string[] = [];
  const nth = r.weekOfMonth === 5 ? -1 : r.weekOfMonth;
  const days = byDay(r.dayOfWeek);
  switch (r.type) {
    case 0:
      parts.push('FREQ=DAILY');
      if (days.length) parts.push(`BYDAY=${days.join(',')}`);
      break;
    case 1:
      parts.push('FREQ=WEEKLY', `BYDAY=${days.join(',') || 'MO'}`);
      break;
    case 2:
      parts.push('FREQ=MONTHLY', `BYMONTHDAY=${r.dayOfMonth ?? 1}`);
      break;
    case 3:
      parts.push('FREQ=MONTHLY', ...nthDay(r.dayOfWeek, nth, days));
      break;
    case 5:
      parts.push('FREQ=YEARLY', `BYMONTH=${r.monthOfYear ?? 1}`, `BYMONTHDAY=${r.dayOfMonth ?? 1}`);
      break;
    case 6:
      parts.push('FREQ=YEARLY', `BYMONTH=${r.monthOfYear ?? 1}`, ...nthDay(r.dayOfWeek, nth, days));
      break;
  }
  if (r.interval && r.interval > 1) parts.push(`INTERVAL=${r.interval}`);
  if (r.occurrences) parts.push(`COUNT=${r.occurrences}`);
  else if (r.until) parts.push(`UNTIL=${utcStamp(r.until)}`);
  if (r.firstDayOfWeek !== undefined) parts.push(`WKST=${DAYS[r.firstDayOfWeek] ?? 'MO'}`);
  return `RRULE:${parts.join(';')}`;
}

/** "The nth weekday": one day is BYDAY=nXX; several (weekdays, any day) take BYSETPOS. */
function nthDay(mask: number | undefined, nth: number | undefined, days: string[]): string[] {
  if (mask === 127 && nth === -1) return ['BYMONTHDAY=-1'];
  if (days.length === 1) return [`BYDAY=${nth ?? 1}${days[0]}`];
  return [`BYDAY=${days.join(',')}`, `BYSETPOS=${nth ?? 1}`];
}

// ------------------------------------------------------------------ VEVENT

const PARTSTAT: Readonly<Record<number, string>> = { 2: 'TENTATIVE', 3: 'ACCEPTED', 4: 'DECLINED', 5: 'NEEDS-ACTION' };
const CLASS: Readonly<Record<number, string>> = { 0: 'PUBLIC', 1: 'PRIVATE', 2: 'PRIVATE', 3: 'CONFIDENTIAL' };

function attendeeLine(a: Attendee): string {
  const role = a.type === 2 ? 'OPT-PARTICIPANT' : a.type === 3 ? 'NON-PARTICIPANT' : 'REQ-PARTICIPANT';
  const cutype = a.type === 3 ? ';CUTYPE=RESOURCE' : '';
  const status = a.status !== undefined && PARTSTAT[a.status] ? `;PARTSTAT=${PARTSTAT[a.status]}` : '';
  return `ATTENDEE;CN="${a.name.replace(/"/g, "'")}";ROLE=${role}${cutype}${status}:mailto:${a.email}`;
}

/** `zone`: the event's own zone (times written with its TZID), or undefined (times in UTC). */
function eventBody(e: CalendarItem, zone: EasZone | undefined, uid: string, now: Date): Line[] {
  const days = e.allDayEvent === true ? allDayDates(e, zone ?? eventZone(e, { hint: 'UTC' })) : undefined;
  const date = (d: { year: number; month: number; day: number }): string => `${pad(d.year, 4)}${pad(d.month)}${pad(d.day)}`;
  return [
    `UID:${escapeText(uid)}`,
    `DTSTAMP:${utcStamp(e.dtStamp ?? now)}`,
    days ? `DTSTART;VALUE=DATE:${date(days.start)}` : timeProp('DTSTART', e.startTime, zone),
    days ? `DTEND;VALUE=DATE:${date(days.end)}` : timeProp('DTEND', e.endTime, zone),
    prop('SUMMARY', e.subject),
    prop('LOCATION', e.location),
    prop('DESCRIPTION', e.body?.type === 1 ? e.body.data : e.body?.preview),
    e.sensitivity !== undefined && `CLASS:${CLASS[e.sensitivity] ?? 'PUBLIC'}`,
    e.busyStatus === 0 && 'TRANSP:TRANSPARENT',
    e.categories?.length && `CATEGORIES:${e.categories.map(escapeText).join(',')}`,
    e.organizerEmail && `ORGANIZER;CN="${(e.organizerName ?? '').replace(/"/g, "'")}":mailto:${e.organizerEmail}`,
    ...(e.attendees ?? []).map(attendeeLine),
    ...(e.reminder !== undefined
      ? ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', `TRIGGER:-PT${e.reminder}M`, 'END:VALARM']
      : []),
  ];
}

/** An event as a VCALENDAR with its VTIMEZONE, the series, and its changed occurrences. */
export function eventToIcs(e: CalendarItem, fallbackUid: string, now = new Date()): string {
  const zone = e.timezone ? eventZone(e) : undefined;
  const uid = e.uid ?? fallbackUid;
  const exdates = (e.exceptions ?? []).filter((x) => x.deleted).map((x) => timeProp('EXDATE', x.exceptionStartTime, zone));
  const changed = (e.exceptions ?? []).filter((x) => !x.deleted);
  return lines([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//eas-pwa//sync export//EN',
    ...(zone ? vtimezone(tzidOf(zone), zone.blob) : []),
    'BEGIN:VEVENT',
    ...eventBody(e, zone, uid, now),
    e.recurrence && rrule(e.recurrence),
    ...exdates,
    'END:VEVENT',
    ...changed.flatMap((x) => [
      'BEGIN:VEVENT',
      ...eventBody(occurrence(e, x), zone, uid, now),
      timeProp('RECURRENCE-ID', x.exceptionStartTime, zone),
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  ]);
}

/** A changed occurrence: the series' fields with the exception's on top (MS-ASCAL 2.2.2.21). */
function occurrence(series: CalendarItem, x: CalendarException): CalendarItem {
  const { exceptionStartTime: _start, deleted: _deleted, ...fields } = x;
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return {
    ...series,
    ...defined,
    recurrence: undefined,
    exceptions: undefined,
    startTime: x.startTime ?? series.startTime,
    endTime: x.endTime ?? series.endTime,
  };
}

// ------------------------------------------------------------------ VTODO

const PRIORITY: Readonly<Record<number, number>> = { 0: 9, 1: 5, 2: 1 };

/**
 * Tasks carry local dates (StartDate, DueDate: the wall-clock time, read with getUTC*)
 * and their UTC twins (MS-ASTASK 2.2.2.10, 2.2.2.27); UTC is written when present.
 */
function taskTime(name: string, utc: Date | undefined, local: Date | undefined): Line {
  if (utc) return `${name}:${utcStamp(utc)}`;
  return local && `${name}:${utcStamp(local).slice(0, -1)}`;
}

/** A task as a VCALENDAR with one VTODO. */
export function taskToIcs(t: Task, uid: string, now = new Date()): string {
  return lines([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//eas-pwa//sync export//EN',
    'BEGIN:VTODO',
    `UID:${escapeText(uid)}`,
    `DTSTAMP:${utcStamp(now)}`,
    prop('SUMMARY', t.subject),
    prop('DESCRIPTION', t.body?.type === 1 ? t.body.data : t.body?.preview),
    taskTime('DTSTART', t.utcStartDate, t.startDate),
    taskTime('DUE', t.utcDueDate, t.dueDate),
    `STATUS:${t.complete ? 'COMPLETED' : 'NEEDS-ACTION'}`,
    t.complete && t.dateCompleted && `COMPLETED:${utcStamp(t.dateCompleted)}`,
    t.importance !== undefined && `PRIORITY:${PRIORITY[t.importance] ?? 5}`,
    t.sensitivity !== undefined && `CLASS:${CLASS[t.sensitivity] ?? 'PUBLIC'}`,
    t.categories?.length && `CATEGORIES:${t.categories.map(escapeText).join(',')}`,
    t.recurrence && (t.startDate || t.utcStartDate || t.dueDate) && rrule(t.recurrence),
    ...(t.reminderSet && t.reminderTime
      ? ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', `TRIGGER;VALUE=DATE-TIME:${utcStamp(t.reminderTime)}`, 'END:VALARM']
      : []),
    'END:VTODO',
    'END:VCALENDAR',
  ]);
}
