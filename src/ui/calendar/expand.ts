/**
 * Occurrences of calendar items in a time window, recurrences and exceptions expanded.
 * Loaded with the calendar screens only (rrule and the zone code are in their chunk).
 *
 * A series repeats on the wall clock of its own zone (its Timezone blob, MS-ASCAL
 * 2.2.2.44): "every Monday 09:00 Tokyo" stays 09:00 in Tokyo across daylight changes
 * elsewhere. So rrule runs on floating wall times (UTC fields standing for the
 * event's local ones) and each occurrence is turned into an instant with the event's
 * zone; the screens then show instants in the user's zone through Intl.
 */
import { RRule, type Options, type Frequency } from 'rrule';
import { allDayDates, eventZone, type CalendarException, type CalendarItem, type EventFields } from '../../eas/items/calendar.ts';
import { daysOfMask, LAST_DAY_OF_MONTH, LAST_WEEK_OF_MONTH, type Recurrence } from '../../eas/items/recurrence.ts';
import { instantAt, wallTimeAt, type EasZone } from '../../eas/items/timezone.ts';
import type { ItemRef } from '../../runtime/engine-client.ts';
import { dayKey, localDayKey } from '../data/days.ts';

export interface Occurrence {
  readonly ref: ItemRef;
  /** The stored item (the series for a recurring event). */
  readonly item: CalendarItem;
  /** The item's fields with the exception's overrides. */
  readonly fields: EventFields;
  readonly start: Date;
  readonly end: Date;
  readonly allDay: boolean;
  /** All-day events: the days covered, 'YYYY-MM-DD', end exclusive (zone-independent). */
  readonly startDay?: string;
  readonly endDay?: string;
  /** Recurring: the occurrence's original start (its InstanceId). */
  readonly instance?: Date;
}

const DAY = 86_400_000;
/** rrule weekday index: 0 = Monday .. 6 = Sunday; EAS/JS: 0 = Sunday. */
const rruleDay = (jsDay: number) => (jsDay + 6) % 7;

/** Floating wall time: a Date whose UTC fields are the wall clock in `zone`. */
function floating(zone: EasZone, instant: Date | number): Date {
  const w = wallTimeAt(zone, instant);
  return new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
}

function fromFloating(zone: EasZone, d: Date): Date {
  return instantAt(zone, {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  });
}

/**
 * Outlook's "day 31 of every month" falls on the last day of shorter months; RFC 5545
 * would skip those months. The largest existing day of {28..n} gives Outlook's answer.
 */
function clampedMonthDay(day: number): Partial<Options> {
  if (day < 29) return { bymonthday: [day] };
  return { bymonthday: Array.from({ length: day - 27 }, (_, i) => 28 + i), bysetpos: [-1] };
}

/** The nth weekday(s) of a month (MS-ASCAL 2.2.2.48 WeekOfMonth, 5 = last). */
function nthOfMonth(r: Recurrence, startDay: number): Partial<Options> {
  const n = r.weekOfMonth === LAST_WEEK_OF_MONTH || r.weekOfMonth === undefined ? -1 : r.weekOfMonth;
  if (r.dayOfWeek === LAST_DAY_OF_MONTH) return { bymonthday: [n] };
  const days = r.dayOfWeek ? daysOfMask(r.dayOfWeek) : [startDay];
  return { byweekday: days.map(rruleDay), bysetpos: [n] };
}

const FREQ: Record<Recurrence['type'], Frequency> = {
  0: RRule.DAILY,
  1: RRule.WEEKLY,
  2: RRule.MONTHLY,
  3: RRule.MONTHLY,
  5: RRule.YEARLY,
  6: RRule.YEARLY,
};

/** rrule options for an EAS Recurrence (MS-ASCAL 2.2.2.37), on floating wall times. */
export function ruleOptions(r: Recurrence, dtstart: Date, until?: Date): Partial<Options> {
  const startDay = dtstart.getUTCDay();
  const base: Partial<Options> = {
    freq: FREQ[r.type],
    interval: r.interval && r.interval > 0 ? r.interval : 1,
    dtstart,
    wkst: r.firstDayOfWeek !== undefined ? rruleDay(r.firstDayOfWeek) : undefined,
    count: r.occurrences,
    until: r.occurrences ? undefined : until,
  };
  const month = r.monthOfYear ?? dtstart.getUTCMonth() + 1;
  switch (r.type) {
    case 0:
      return r.dayOfWeek ? { ...base, byweekday: daysOfMask(r.dayOfWeek).map(rruleDay) } : base;
    case 1:
      return { ...base, byweekday: (r.dayOfWeek ? daysOfMask(r.dayOfWeek) : [startDay]).map(rruleDay) };
    case 2:
      return { ...base, ...clampedMonthDay(r.dayOfMonth ?? dtstart.getUTCDate()) };
    case 3:
      return { ...base, ...nthOfMonth(r, startDay) };
    case 5:
      return { ...base, bymonth: [month], ...clampedMonthDay(r.dayOfMonth ?? dtstart.getUTCDate()) };
    case 6:
      return { ...base, bymonth: [month], ...nthOfMonth(r, startDay) };
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

function minuteKey(zone: EasZone, t: Date): string {
  const w = wallTimeAt(zone, t);
  return `${dayKey(w.year, w.month, w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

function occurrence(
  ref: ItemRef,
  item: CalendarItem,
  fields: EventFields,
  start: Date,
  end: Date,
  zone: EasZone,
  instance?: Date,
): Occurrence {
  const allDay = fields.allDayEvent ?? item.allDayEvent ?? false;
  if (!allDay) return { ref, item, fields, start, end, allDay, instance };
  const days = allDayDates({ startTime: start, endTime: end }, zone);
  const endDay = dayKey(days.end.year, days.end.month, days.end.day);
  const startDay = dayKey(days.start.year, days.start.month, days.start.day);
  return { ref, item, fields, start, end, allDay, instance, startDay, endDay: endDay > startDay ? endDay : nextDay(startDay) };
}

function nextDay(key: string): string {
  const [y = 0, m = 1, d = 1] = key.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return dayKey(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Does the occurrence touch [from, to)? All-day ones by the user's local days. */
function overlaps(o: Occurrence, from: Date, to: Date): boolean {
  if (o.allDay && o.startDay && o.endDay) return o.startDay <= localDayKey(new Date(to.getTime() - 1)) && o.endDay > localDayKey(from);
  return o.start < to && o.end > from;
}

export interface ZoneHint {
  /** The user's IANA zone (default: the runtime's). */
  readonly hint?: string;
}

/** The occurrences of one item that touch [from, to). */
export function expandItem(ref: ItemRef, item: CalendarItem, from: Date, to: Date, opts: ZoneHint = {}): Occurrence[] {
  const zone = eventZone(item, { hint: opts.hint });
  const length = item.endTime.getTime() - item.startTime.getTime();
  if (!item.recurrence) {
    const o = occurrence(ref, item, item, item.startTime, item.endTime, zone);
    return overlaps(o, from, to) ? [o] : [];
  }
  const exceptions = new Map<string, CalendarException>();
  for (const x of item.exceptions ?? []) exceptions.set(minuteKey(zone, x.exceptionStartTime), x);
  const until = item.recurrence.until ? floating(zone, item.recurrence.until) : undefined;
  const rule = new RRule(ruleOptions(item.recurrence, floating(zone, item.startTime), until));
  // Margins: an occurrence starting before `from` may still run into the window, and
  // a moved exception may land in it from outside.
  const starts = rule.between(floating(zone, from.getTime() - length - 2 * DAY), floating(zone, to.getTime() + 2 * DAY), true);
  const out: Occurrence[] = [];
  for (const f of starts) {
    const start = fromFloating(zone, f);
    const x = exceptions.get(minuteKey(zone, start));
    if (x?.deleted) continue;
    const fields: EventFields = x ? { ...item, ...withoutUndefinedFields(x) } : item;
    const s = x?.startTime ?? start;
    const e = x?.endTime ?? new Date(start.getTime() + length);
    const o = occurrence(ref, item, fields, s, e, zone, start);
    if (overlaps(o, from, to)) out.push(o);
  }
  return out;
}

/**
 * One occurrence of a series by its original start (the InstanceId, MS-ASCAL 2.2.2.25),
 * with its exception's fields and times if it has one; undefined when the series has no
 * such occurrence or it was deleted. A moved exception is found wherever it moved to.
 */
export function occurrenceAt(ref: ItemRef, item: CalendarItem, instance: Date, opts: ZoneHint = {}): Occurrence | undefined {
  if (!item.recurrence) return undefined;
  const zone = eventZone(item, { hint: opts.hint });
  const key = minuteKey(zone, instance);
  const x = (item.exceptions ?? []).find((e) => minuteKey(zone, e.exceptionStartTime) === key);
  if (x?.deleted) return undefined;
  const until = item.recurrence.until ? floating(zone, item.recurrence.until) : undefined;
  const rule = new RRule(ruleOptions(item.recurrence, floating(zone, item.startTime), until));
  const wall = floating(zone, instance);
  const found = rule.between(new Date(wall.getTime() - 60_000), new Date(wall.getTime() + 60_000), true)[0];
  if (!found && !x) return undefined;
  const start = found ? fromFloating(zone, found) : instance;
  const length = item.endTime.getTime() - item.startTime.getTime();
  const fields: EventFields = x ? { ...item, ...withoutUndefinedFields(x) } : item;
  return occurrence(ref, item, fields, x?.startTime ?? start, x?.endTime ?? new Date(start.getTime() + length), zone, start);
}

function withoutUndefinedFields(x: CalendarException): Partial<EventFields> {
  return Object.fromEntries(
    Object.entries(x).filter(([k, v]) => v !== undefined && k !== 'exceptionStartTime' && k !== 'deleted'),
  ) as Partial<EventFields>;
}

/** Every occurrence of the given items in [from, to), by start. Items that fail to expand are shown once. */
export function expandAll(items: readonly { ref: ItemRef; item: CalendarItem }[], from: Date, to: Date, opts: ZoneHint = {}): Occurrence[] {
  const out: Occurrence[] = [];
  for (const { ref, item } of items) {
    try {
      out.push(...expandItem(ref, item, from, to, opts));
    } catch {
      const o = occurrence(ref, item, item, item.startTime, item.endTime, eventZone(item, { hint: opts.hint }));
      if (overlaps(o, from, to)) out.push(o);
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || Number(b.allDay) - Number(a.allDay));
}

/** Does an occurrence fall on the user's local day `key`? */
export function onDay(o: Occurrence, key: string, dayStart: Date, dayEnd: Date): boolean {
  if (o.allDay && o.startDay && o.endDay) return o.startDay <= key && key < o.endDay;
  return o.start < dayEnd && o.end > dayStart;
}
