import { describe, expect, it } from 'vitest';
import { el, isEl, kid, kids, textOf, type El } from '../../../src/wbxml/tree.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import {
  DAY_BITS,
  LAST_DAY_OF_MONTH,
  WEEKDAYS,
  daysOfMask,
  decodeRecurrence,
  encodeRecurrence,
  maskOfDays,
  type Recurrence,
} from '../../../src/eas/items/recurrence.ts';

const v141 = { version: '14.1' } as const;
const v121 = { version: '12.1' } as const;

function tree(ns: string, fields: Record<string, string>): El {
  return el(
    ns,
    'Recurrence',
    Object.entries(fields).map(([k, v]) => el(ns, k, v)),
  );
}

function names(e: El): string[] {
  return kids(e).map((c) => c.name);
}

describe('decodeRecurrence', () => {
  it('reads a weekly Calendar pattern with compact Until', () => {
    const r = decodeRecurrence(
      tree('Calendar', {
        Type: '1',
        Interval: '2',
        DayOfWeek: '10',
        Until: '20261231T230000Z',
        FirstDayOfWeek: '1',
      }),
    );
    expect(r).toMatchObject({
      type: 1,
      interval: 2,
      dayOfWeek: DAY_BITS.monday | DAY_BITS.wednesday,
      until: new Date('2026-12-31T23:00:00.000Z'),
      firstDayOfWeek: 1,
    });
    expect(daysOfMask(r.dayOfWeek ?? 0)).toEqual([1, 3]);
  });

  it('reads a yearly nth pattern (last Sunday of March)', () => {
    const r = decodeRecurrence(tree('Calendar', { Type: '6', WeekOfMonth: '5', DayOfWeek: '1', MonthOfYear: '3', Occurrences: '10' }));
    expect(r).toMatchObject({ type: 6, weekOfMonth: 5, dayOfWeek: 1, monthOfYear: 3, occurrences: 10 });
  });

  it('reads a Tasks pattern with extended dates, Regenerate and DeadOccur', () => {
    const r = decodeRecurrence(
      tree('Tasks', {
        Type: '2',
        Start: '2026-01-15T00:00:00.000Z',
        Until: '2026-12-15T00:00:00.000Z',
        DayOfMonth: '15',
        Interval: '1',
        Regenerate: '0',
        DeadOccur: '1',
        CalendarType: '0',
        IsLeapMonth: '0',
      }),
    );
    expect(r).toEqual({
      type: 2,
      start: new Date('2026-01-15T00:00:00.000Z'),
      until: new Date('2026-12-15T00:00:00.000Z'),
      dayOfMonth: 15,
      interval: 1,
      regenerate: false,
      deadOccur: true,
      calendarType: 0,
      isLeapMonth: false,
    });
  });

  it('infers the type when a 16.x server leaves Type out (MS-ASCAL 2.2.2.45)', () => {
    expect(decodeRecurrence(tree('Calendar', { DayOfWeek: '62' })).type).toBe(1);
    expect(decodeRecurrence(tree('Calendar', { DayOfMonth: '3' })).type).toBe(2);
    expect(decodeRecurrence(tree('Calendar', { WeekOfMonth: '2', DayOfWeek: '4' })).type).toBe(3);
    expect(decodeRecurrence(tree('Calendar', { DayOfMonth: '3', MonthOfYear: '7' })).type).toBe(5);
    expect(decodeRecurrence(tree('Calendar', { WeekOfMonth: '1', DayOfWeek: '2', MonthOfYear: '9' })).type).toBe(6);
    expect(decodeRecurrence(tree('Calendar', { Interval: '3' })).type).toBe(0);
  });

  it('rejects an undefined Type and an unreadable Until', () => {
    expect(() => decodeRecurrence(tree('Calendar', { Type: '4' }))).toThrow(EasProtocolError);
    expect(() => decodeRecurrence(tree('Calendar', { Type: '0', Until: 'tomorrow' }))).toThrow(EasProtocolError);
  });
});

describe('encodeRecurrence', () => {
  const weekly: Recurrence = {
    type: 1,
    interval: 1,
    dayOfWeek: WEEKDAYS,
    until: new Date('2026-06-30T22:00:00.000Z'),
    calendarType: 0,
    isLeapMonth: false,
    firstDayOfWeek: 1,
  };

  it('writes Calendar children in the Calendar namespace with a compact Until', () => {
    const e = encodeRecurrence(weekly, 'Calendar', v141);
    expect(e.ns).toBe('Calendar');
    expect(e.children.every((c) => isEl(c) && c.ns === 'Calendar')).toBe(true);
    expect(textOf(kid(e, 'Until'))).toBe('20260630T220000Z');
    expect(textOf(kid(e, 'DayOfWeek'))).toBe('62');
    expect(textOf(kid(e, 'IsLeapMonth'))).toBe('0');
    expect(names(e)).toEqual(['Type', 'Interval', 'DayOfWeek', 'Until', 'CalendarType', 'IsLeapMonth', 'FirstDayOfWeek']);
  });

  it('leaves out CalendarType, IsLeapMonth and FirstDayOfWeek before 14.0/14.1', () => {
    expect(names(encodeRecurrence(weekly, 'Calendar', v121))).toEqual(['Type', 'Interval', 'DayOfWeek', 'Until']);
    expect(names(encodeRecurrence(weekly, 'Calendar', { version: '14.0' }))).toEqual([
      'Type',
      'Interval',
      'DayOfWeek',
      'Until',
      'CalendarType',
      'IsLeapMonth',
    ]);
  });

  it('writes Tasks dates as xs:dateTime and requires Start', () => {
    const task: Recurrence = { ...weekly, start: new Date('2026-01-05T00:00:00Z'), regenerate: true };
    const e = encodeRecurrence(task, 'Tasks', v141);
    expect(e.ns).toBe('Tasks');
    expect(textOf(kid(e, 'Start'))).toBe('2026-01-05T00:00:00.000Z');
    expect(textOf(kid(e, 'Until'))).toBe('2026-06-30T22:00:00.000Z');
    expect(textOf(kid(e, 'Regenerate'))).toBe('1');
    expect(() => encodeRecurrence(weekly, 'Tasks', v141)).toThrow();
  });

  it('round-trips every pattern type through both namespaces', () => {
    const patterns: Recurrence[] = [
      { type: 0, interval: 3, occurrences: 5 },
      { type: 1, interval: 1, dayOfWeek: DAY_BITS.friday, firstDayOfWeek: 0 },
      { type: 2, interval: 1, dayOfMonth: 31 },
      { type: 3, interval: 1, weekOfMonth: 5, dayOfWeek: LAST_DAY_OF_MONTH },
      { type: 5, interval: 1, dayOfMonth: 29, monthOfYear: 2 },
      { type: 6, interval: 1, weekOfMonth: 2, dayOfWeek: DAY_BITS.tuesday, monthOfYear: 11, calendarType: 1 },
    ];
    for (const p of patterns) {
      expect(decodeRecurrence(encodeRecurrence(p, 'Calendar', v141))).toEqual(p);
      const task = { ...p, start: new Date('2026-02-01T00:00:00.000Z') };
      expect(decodeRecurrence(encodeRecurrence(task, 'Tasks', v141))).toEqual(task);
    }
  });
});

describe('day mask helpers', () => {
  it('converts day masks both ways', () => {
    expect(maskOfDays([0, 6])).toBe(65);
    expect(daysOfMask(WEEKDAYS)).toEqual([1, 2, 3, 4, 5]);
  });
});
