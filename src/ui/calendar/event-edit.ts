/**
 * The event form and how it turns into a record. An edit starts from the stored record
 * and changes only the fields the user touched, so a reminder-only edit gives a record
 * identical to the previous one apart from `reminder` (same attendees, same times, same
 * everything): the engine then sends only that change (MS-ASCMD 2.2.3.179 ghosting
 * rules are its job; not dropping attendees starts here).
 */
import { allDayDates, allDayTimes, eventZone, type Attendee, type CalendarItem } from '../../eas/items/calendar.ts';
import { maskOfDays, type Recurrence } from '../../eas/items/recurrence.ts';
import { parseAddressList } from '../../eas/items/addresses.ts';
import { runtimeZone, zoneFromIana } from '../../eas/items/timezone.ts';

export type Repeat = 'none' | 'daily' | 'weekly' | 'monthly' | 'yearly' | 'custom';

export interface EventForm {
  readonly subject: string;
  readonly location: string;
  readonly allDay: boolean;
  /** 'YYYY-MM-DDTHH:MM' (timed) or 'YYYY-MM-DD' (all-day, end inclusive), in the user's zone. */
  readonly start: string;
  readonly end: string;
  /** Minutes before, '' for none. */
  readonly reminder: string;
  readonly busyStatus: string;
  readonly repeat: Repeat;
  /** Comma-separated addresses. */
  readonly attendees: string;
  readonly notes: string;
}

export type EventField = keyof EventForm;

const pad = (n: number) => String(n).padStart(2, '0');
export const dateInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
export const dateTimeInput = (d: Date) => `${dateInput(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

function parseDate(s: string): { year: number; month: number; day: number } {
  const [year = 1970, month = 1, day = 1] = s.slice(0, 10).split('-').map(Number);
  return { year, month, day };
}

/** A datetime-local value as an instant in the user's (runtime) zone. */
export function fromDateTimeInput(s: string): Date {
  const { year, month, day } = parseDate(s);
  const [h = 0, m = 0] = (s.split('T')[1] ?? '').split(':').map(Number);
  return new Date(year, month - 1, day, h, m);
}

function addDays(d: { year: number; month: number; day: number }, n: number) {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function repeatOf(r: Recurrence | undefined): Repeat {
  if (!r) return 'none';
  const simple = (r.interval ?? 1) === 1 && !r.occurrences && !r.until;
  if (!simple) return 'custom';
  if (r.type === 0 && !r.dayOfWeek) return 'daily';
  if (r.type === 1) return 'weekly';
  if (r.type === 2) return 'monthly';
  if (r.type === 5) return 'yearly';
  return 'custom';
}

export function formFromEvent(item: CalendarItem): EventForm {
  const allDay = item.allDayEvent ?? false;
  let start = dateTimeInput(item.startTime);
  let end = dateTimeInput(item.endTime);
  if (allDay) {
    const days = allDayDates(item, eventZone(item));
    start = `${days.start.year}-${pad(days.start.month)}-${pad(days.start.day)}`;
    const last = addDays(days.end, -1);
    end = `${last.year}-${pad(last.month)}-${pad(last.day)}`;
    if (end < start) end = start;
  }
  return {
    subject: item.subject ?? '',
    location: item.location ?? '',
    allDay,
    start,
    end,
    reminder: item.reminder === undefined ? '' : String(item.reminder),
    busyStatus: String(item.busyStatus ?? 2),
    repeat: repeatOf(item.recurrence),
    attendees: (item.attendees ?? []).map((a) => a.email).join(', '),
    notes: item.body?.data ?? item.body?.preview ?? '',
  };
}

/** A fresh form: the next whole hour, one hour long, 15-minute reminder. */
export function newEventForm(day?: string, now = new Date()): EventForm {
  const start = day ? fromDateTimeInput(`${day}T09:00`) : new Date(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours() + 1);
  const end = new Date(start.getTime() + 3_600_000);
  return {
    subject: '',
    location: '',
    allDay: false,
    start: dateTimeInput(start),
    end: dateTimeInput(end),
    reminder: '15',
    busyStatus: '2',
    repeat: 'none',
    attendees: '',
    notes: '',
  };
}

/** The times of the form: instants; all-day as local midnights of the user's zone, end exclusive. */
export function formTimes(form: EventForm, zoneName = runtimeZone()): { startTime: Date; endTime: Date } {
  if (!form.allDay) return { startTime: fromDateTimeInput(form.start), endTime: fromDateTimeInput(form.end) };
  const zone = zoneFromIana(zoneName, parseDate(form.start).year);
  return allDayTimes(parseDate(form.start), addDays(parseDate(form.end), 1), zone);
}

export function validTimes(form: EventForm): boolean {
  const { startTime, endTime } = formTimes(form);
  return form.allDay ? endTime >= startTime : endTime > startTime;
}

/** The event's time for the attendees' free/busy; undefined while the times are incomplete or reversed. */
export function eventWindow(form: EventForm): { start: Date; end: Date } | undefined {
  if (!form.start || !form.end) return undefined;
  const { startTime, endTime } = formTimes(form);
  const span = endTime.getTime() - startTime.getTime();
  return span > 0 && span <= MAX_WINDOW_MS ? { start: startTime, end: endTime } : undefined;
}

/** Free/busy is asked for at most six weeks (one digit per 30 minutes, MS-ASCMD 2.2.3.107). */
const MAX_WINDOW_MS = 42 * 86_400_000;

function recurrenceFor(repeat: Repeat, start: Date, previous: Recurrence | undefined): Recurrence | undefined {
  switch (repeat) {
    case 'none':
      return undefined;
    case 'daily':
      return { type: 0, interval: 1 };
    case 'weekly':
      return { type: 1, interval: 1, dayOfWeek: maskOfDays([start.getDay()]) };
    case 'monthly':
      return { type: 2, interval: 1, dayOfMonth: start.getDate() };
    case 'yearly':
      return { type: 5, interval: 1, dayOfMonth: start.getDate(), monthOfYear: start.getMonth() + 1 };
    case 'custom':
      return previous;
  }
}

/** Attendees from the form, keeping what the server said about the ones still there. */
function attendeesFor(text: string, previous: readonly Attendee[]): Attendee[] {
  return parseAddressList(text).map(
    (a) => previous.find((p) => p.email.toLowerCase() === a.email.toLowerCase()) ?? { email: a.email, name: a.name ?? a.email, type: 1 },
  );
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Sets a field, or removes it when the value is undefined (so the engine sends a clear). */
function put<K extends keyof CalendarItem>(rec: Mutable<CalendarItem>, key: K, value: CalendarItem[K] | undefined): void {
  if (value === undefined) delete rec[key];
  else rec[key] = value as Mutable<CalendarItem>[K];
}

/** The previous record with only the touched fields changed. */
export function applyEventEdits(
  previous: CalendarItem,
  form: EventForm,
  dirty: ReadonlySet<EventField>,
  zoneName = runtimeZone(),
): CalendarItem {
  const next: Mutable<CalendarItem> = { ...previous };
  if (dirty.has('subject')) put(next, 'subject', form.subject);
  if (dirty.has('location')) put(next, 'location', form.location || undefined);
  if (dirty.has('start') || dirty.has('end') || dirty.has('allDay')) {
    const t = formTimes(form, zoneName);
    next.startTime = t.startTime;
    next.endTime = t.endTime;
    next.allDayEvent = form.allDay;
    next.timezone = zoneFromIana(zoneName, t.startTime.getFullYear()).blob;
  }
  if (dirty.has('reminder')) put(next, 'reminder', form.reminder === '' ? undefined : Number(form.reminder));
  if (dirty.has('busyStatus')) put(next, 'busyStatus', Number(form.busyStatus));
  if (dirty.has('repeat')) {
    put(next, 'recurrence', recurrenceFor(form.repeat, next.startTime, previous.recurrence));
    if (form.repeat === 'none') put(next, 'exceptions', undefined);
  }
  if (dirty.has('attendees')) {
    const list = attendeesFor(form.attendees, previous.attendees ?? []);
    put(next, 'attendees', list);
    if (list.length > 0 && !previous.meetingStatus) next.meetingStatus = 1;
  }
  if (dirty.has('notes')) put(next, 'body', { type: 1, data: form.notes });
  return next;
}

/** A new event from the form (the user is the organizer when attendees are invited). */
export function newEvent(form: EventForm, organizer: { name?: string; email: string }, zoneName = runtimeZone()): CalendarItem {
  const t = formTimes(form, zoneName);
  const attendees = attendeesFor(form.attendees, []);
  const item: Mutable<CalendarItem> = {
    subject: form.subject,
    startTime: t.startTime,
    endTime: t.endTime,
    allDayEvent: form.allDay,
    timezone: zoneFromIana(zoneName, t.startTime.getFullYear()).blob,
    busyStatus: Number(form.busyStatus),
    sensitivity: 0,
    meetingStatus: attendees.length > 0 ? 1 : 0,
    dtStamp: new Date(),
  };
  put(item, 'location', form.location || undefined);
  put(item, 'reminder', form.reminder === '' ? undefined : Number(form.reminder));
  put(item, 'recurrence', recurrenceFor(form.repeat, t.startTime, undefined));
  if (attendees.length > 0) {
    item.attendees = attendees;
    item.organizerEmail = organizer.email;
    if (organizer.name) item.organizerName = organizer.name;
  }
  if (form.notes) item.body = { type: 1, data: form.notes };
  return item;
}
