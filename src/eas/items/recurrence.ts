/**
 * The Recurrence element, shared by the Calendar class (MS-ASCAL 2.2.2.37) and
 * the Tasks class (MS-ASTASK 2.2.2.20). Both namespaces use the same child names
 * and the same numbers; Tasks adds Start, Regenerate and DeadOccur and writes its
 * dates as xs:dateTime, where Calendar writes Compact DateTime (MS-ASDTYPE 2.7.2).
 *
 * This module only converts between the tree and a typed record; it does not
 * expand occurrences.
 */
import { el, kid, textOf, type El } from '../../wbxml/tree.ts';
import { EasProtocolError, type EasContext } from '../command.ts';
import { atLeast } from '../version.ts';
import { formatCompactDateTime, formatEasDateTime, parseEasDate } from './dates.ts';

/**
 * Recurrence pattern type (MS-ASCAL 2.2.2.45, MS-ASTASK 2.2.2.29).
 * There is no 4: the value is skipped by both specs.
 */
export type RecurrenceType =
  /** Daily. */
  | 0
  /** Weekly, on the days of DayOfWeek. */
  | 1
  /** Monthly, on DayOfMonth. */
  | 2
  /** Monthly, on the WeekOfMonth-th DayOfWeek ("second Tuesday"). */
  | 3
  /** Yearly, on DayOfMonth of MonthOfYear. */
  | 5
  /** Yearly, on the WeekOfMonth-th DayOfWeek of MonthOfYear. */
  | 6;

export const RECURRENCE_TYPES: readonly RecurrenceType[] = [0, 1, 2, 3, 5, 6];

/**
 * DayOfWeek bits (MS-ASCAL 2.2.2.15, MS-ASTASK 2.2.2.10): the value is the sum
 * of the days. 127 (every bit) means "the last day of the month" in monthly and
 * yearly nth patterns.
 */
export const DAY_BITS = {
  sunday: 1,
  monday: 2,
  tuesday: 4,
  wednesday: 8,
  thursday: 16,
  friday: 32,
  saturday: 64,
} as const;
export const WEEKDAYS = 62;
export const WEEKEND_DAYS = 65;
export const LAST_DAY_OF_MONTH = 127;

/** WeekOfMonth 5 means the last such weekday of the month (MS-ASCAL 2.2.2.48). */
export const LAST_WEEK_OF_MONTH = 5;

export interface Recurrence {
  readonly type: RecurrenceType;
  /** Repeat every n days/weeks/months/years; absent means 1. */
  readonly interval?: number;
  /** Number of occurrences; mutually exclusive with `until` in practice. */
  readonly occurrences?: number;
  /** End of the series (UTC). */
  readonly until?: Date;
  /** Sum of DAY_BITS, or LAST_DAY_OF_MONTH. */
  readonly dayOfWeek?: number;
  /** 1..31. */
  readonly dayOfMonth?: number;
  /** 1..5, 5 = last. */
  readonly weekOfMonth?: number;
  /** 1..12. */
  readonly monthOfYear?: number;
  /** Calendar system, 0 = default/Gregorian (MS-ASCAL 2.2.2.10); 14.0+. */
  readonly calendarType?: number;
  /** Whether the month is a leap month of a lunar calendar (MS-ASCAL 2.2.2.26); 14.0+. */
  readonly isLeapMonth?: boolean;
  /** 0 = Sunday .. 6 = Saturday (MS-ASCAL 2.2.2.24); 14.1+. */
  readonly firstDayOfWeek?: number;
  /** Tasks only: start of the pattern (MS-ASTASK 2.2.2.25). */
  readonly start?: Date;
  /** Tasks only: regenerate after completion (MS-ASTASK 2.2.2.21). */
  readonly regenerate?: boolean;
  /** Tasks only: the task recurs no more (MS-ASTASK 2.2.2.11). */
  readonly deadOccur?: boolean;
}

export type RecurrenceNamespace = 'Calendar' | 'Tasks';

/** Reads a Recurrence element of either namespace. */
export function decodeRecurrence(e: El): Recurrence {
  const type = num(e, 'Type') ?? impliedType(e);
  if (!isRecurrenceType(type)) throw new EasProtocolError(`Recurrence Type ${type} is not defined`);
  return withoutUndefined({
    type,
    interval: num(e, 'Interval'),
    occurrences: num(e, 'Occurrences'),
    until: date(e, 'Until'),
    dayOfWeek: num(e, 'DayOfWeek'),
    dayOfMonth: num(e, 'DayOfMonth'),
    weekOfMonth: num(e, 'WeekOfMonth'),
    monthOfYear: num(e, 'MonthOfYear'),
    calendarType: num(e, 'CalendarType'),
    isLeapMonth: flag(e, 'IsLeapMonth'),
    firstDayOfWeek: num(e, 'FirstDayOfWeek'),
    start: date(e, 'Start'),
    regenerate: flag(e, 'Regenerate'),
    deadOccur: flag(e, 'DeadOccur'),
  });
}

/**
 * Builds a Recurrence element in the Calendar or Tasks namespace. Elements the
 * negotiated version does not know are left out: CalendarType and IsLeapMonth
 * need 14.0, FirstDayOfWeek needs 14.1 (MS-ASCAL 2.2.2.10, 2.2.2.26, 2.2.2.24;
 * MS-ASTASK 2.2.2.4, 2.2.2.16, 2.2.2.13).
 */
export function encodeRecurrence(r: Recurrence, namespace: RecurrenceNamespace, ctx: EasContext): El {
  const v14 = atLeast(ctx.version, '14.0');
  const v141 = atLeast(ctx.version, '14.1');
  const lunar = {
    CalendarType: v14 ? r.calendarType : undefined,
    IsLeapMonth: v14 ? bit(r.isLeapMonth) : undefined,
    FirstDayOfWeek: v141 ? r.firstDayOfWeek : undefined,
  };
  if (namespace === 'Calendar') {
    // Child order of the Calendar.xsd Recurrence group (xs:all, any order is valid).
    return build('Calendar', {
      Type: r.type,
      Occurrences: r.occurrences,
      Interval: r.interval,
      WeekOfMonth: r.weekOfMonth,
      DayOfWeek: r.dayOfWeek,
      MonthOfYear: r.monthOfYear,
      Until: r.until === undefined ? undefined : formatCompactDateTime(r.until),
      DayOfMonth: r.dayOfMonth,
      ...lunar,
    });
  }
  // MS-ASTASK 2.2.2.20: Start is required in the Tasks namespace.
  if (r.start === undefined) throw new Error('a Tasks Recurrence needs a start');
  return build('Tasks', {
    Type: r.type,
    Start: formatEasDateTime(r.start),
    Until: r.until === undefined ? undefined : formatEasDateTime(r.until),
    Occurrences: r.occurrences,
    Interval: r.interval,
    DayOfWeek: r.dayOfWeek,
    DayOfMonth: r.dayOfMonth,
    WeekOfMonth: r.weekOfMonth,
    MonthOfYear: r.monthOfYear,
    Regenerate: bit(r.regenerate),
    DeadOccur: bit(r.deadOccur),
    ...lunar,
  });
}

/**
 * Type is required up to 14.1 but optional in 16.x (MS-ASCAL 2.2.2.45). Without
 * it, the pattern follows from which children are present: DayOfWeek appears
 * only with types 0, 1, 3 and 6 (MS-ASCAL 2.2.2.15), WeekOfMonth only with the
 * nth patterns, MonthOfYear only with the yearly ones.
 */
function impliedType(e: El): RecurrenceType {
  const has = (name: string): boolean => kid(e, name) !== undefined;
  const yearly = has('MonthOfYear');
  if (has('WeekOfMonth')) return yearly ? 6 : 3;
  if (has('DayOfMonth')) return yearly ? 5 : 2;
  return has('DayOfWeek') ? 1 : 0;
}

/** The days of a DayOfWeek mask as 0 = Sunday .. 6 = Saturday. */
export function daysOfMask(mask: number): number[] {
  const days: number[] = [];
  for (let d = 0; d < 7; d++) if (mask & (1 << d)) days.push(d);
  return days;
}

/** The DayOfWeek mask of days given as 0 = Sunday .. 6 = Saturday. */
export function maskOfDays(days: readonly number[]): number {
  return days.reduce((m, d) => m | (1 << d), 0);
}

export function isRecurrenceType(n: number): n is RecurrenceType {
  return (RECURRENCE_TYPES as readonly number[]).includes(n);
}

// ---- tree helpers -----------------------------------------------------------

function num(e: El, name: string): number | undefined {
  const c = kid(e, name);
  if (!c) return undefined;
  const t = textOf(c).trim();
  const n = Number(t);
  return t !== '' && Number.isInteger(n) ? n : undefined;
}

function flag(e: El, name: string): boolean | undefined {
  const n = num(e, name);
  return n === undefined ? undefined : n !== 0;
}

function date(e: El, name: string): Date | undefined {
  const c = kid(e, name);
  if (!c) return undefined;
  const v = parseEasDate(textOf(c));
  if (v === undefined) throw new EasProtocolError(`Recurrence ${name} is not a date: ${textOf(c)}`);
  return v;
}

/** The record without its undefined fields, so absent elements leave no keys behind. */
export function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

function bit(b: boolean | undefined): number | undefined {
  return b === undefined ? undefined : b ? 1 : 0;
}

function build(namespace: RecurrenceNamespace, fields: Record<string, string | number | undefined>): El {
  const children: El[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) children.push(el(namespace, name, String(value)));
  }
  return el(namespace, 'Recurrence', children);
}
