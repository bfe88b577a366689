import { describe, expect, it } from 'vitest';
import type { CalendarItem } from '../../../src/eas/items/calendar.ts';
import { zoneFromIana } from '../../../src/eas/items/timezone.ts';
import { expandItem, occurrenceAt, ruleOptions } from '../../../src/ui/calendar/expand.ts';

const ref = { accountId: 'a', itemId: 'e' };
const utc = (s: string) => new Date(s);

describe('recurrence expansion', () => {
  it('keeps a New York series at 09:00 local across the DST change (UTC hour moves)', () => {
    const item: CalendarItem = {
      subject: 'Standup',
      startTime: utc('2025-10-27T13:00:00Z'), // Mon 09:00 EDT
      endTime: utc('2025-10-27T13:15:00Z'),
      timezone: zoneFromIana('America/New_York', 2025).blob,
      recurrence: { type: 1, interval: 1, dayOfWeek: 2 }, // Mondays
    };
    const got = expandItem(ref, item, utc('2025-10-26T00:00:00Z'), utc('2025-11-11T00:00:00Z'), { hint: 'America/New_York' });
    expect(got.map((o) => o.start.toISOString())).toEqual([
      '2025-10-27T13:00:00.000Z',
      '2025-11-03T14:00:00.000Z',
      '2025-11-10T14:00:00.000Z',
    ]);
    expect(got[1]?.end.toISOString()).toBe('2025-11-03T14:15:00.000Z');
  });

  it('applies moved and deleted exceptions by their original start', () => {
    const item: CalendarItem = {
      subject: 'Daily',
      startTime: utc('2025-03-03T00:30:00Z'), // Mon 09:30 Tokyo
      endTime: utc('2025-03-03T00:45:00Z'),
      timezone: zoneFromIana('Asia/Tokyo', 2025).blob,
      recurrence: { type: 1, interval: 1, dayOfWeek: 62 }, // weekdays
      exceptions: [
        {
          exceptionStartTime: utc('2025-03-04T00:30:00Z'),
          startTime: utc('2025-03-04T02:00:00Z'),
          endTime: utc('2025-03-04T02:15:00Z'),
          subject: 'Moved',
        },
        { exceptionStartTime: utc('2025-03-05T00:30:00Z'), deleted: true },
      ],
    };
    const got = expandItem(ref, item, utc('2025-03-02T15:00:00Z'), utc('2025-03-09T15:00:00Z'), { hint: 'Asia/Tokyo' });
    expect(got.map((o) => [o.start.toISOString(), o.fields.subject])).toEqual([
      ['2025-03-03T00:30:00.000Z', 'Daily'],
      ['2025-03-04T02:00:00.000Z', 'Moved'],
      ['2025-03-06T00:30:00.000Z', 'Daily'],
      ['2025-03-07T00:30:00.000Z', 'Daily'],
    ]);
    expect(got[1]?.instance?.toISOString()).toBe('2025-03-04T00:30:00.000Z');
  });

  it('puts "day 31 of every month" on the last day of shorter months, as Outlook does', () => {
    const item: CalendarItem = {
      subject: 'Close',
      startTime: utc('2025-01-31T07:00:00Z'),
      endTime: utc('2025-01-31T08:00:00Z'),
      timezone: zoneFromIana('Asia/Tokyo', 2025).blob,
      recurrence: { type: 2, interval: 1, dayOfMonth: 31 },
    };
    const got = expandItem(ref, item, utc('2025-01-01T00:00:00Z'), utc('2025-05-01T00:00:00Z'), { hint: 'Asia/Tokyo' });
    expect(got.map((o) => o.start.toISOString().slice(0, 10))).toEqual(['2025-01-31', '2025-02-28', '2025-03-31', '2025-04-30']);
  });

  it('expands the last weekday of the month and stops at Occurrences', () => {
    const item: CalendarItem = {
      subject: 'Review',
      startTime: utc('2025-01-31T00:00:00Z'),
      endTime: utc('2025-01-31T01:00:00Z'),
      timezone: zoneFromIana('Asia/Tokyo', 2025).blob,
      recurrence: { type: 3, interval: 1, dayOfWeek: 62, weekOfMonth: 5, occurrences: 3 },
    };
    const got = expandItem(ref, item, utc('2025-01-01T00:00:00Z'), utc('2025-12-31T00:00:00Z'), { hint: 'Asia/Tokyo' });
    expect(got.map((o) => o.start.toISOString().slice(0, 10))).toEqual(['2025-01-31', '2025-02-28', '2025-03-31']);
  });

  it('keeps all-day events on their days whatever the viewer zone', () => {
    const item: CalendarItem = {
      subject: 'Trip',
      allDayEvent: true,
      startTime: utc('2025-05-01T15:00:00Z'),
      endTime: utc('2025-05-03T15:00:00Z'), // May 2–3 in Tokyo
      timezone: zoneFromIana('Asia/Tokyo', 2025).blob,
    };
    const [o] = expandItem(ref, item, utc('2025-04-25T00:00:00Z'), utc('2025-05-10T00:00:00Z'), { hint: 'Asia/Tokyo' });
    expect([o?.startDay, o?.endDay]).toEqual(['2025-05-02', '2025-05-04']);
  });

  it('maps EAS days (1 = Sunday) to rrule weekdays (0 = Monday)', () => {
    const o = ruleOptions({ type: 1, dayOfWeek: 1 | 64, firstDayOfWeek: 1 }, new Date(Date.UTC(2025, 0, 5)));
    expect(o.byweekday).toEqual([6, 5]);
    expect(o.wkst).toBe(0);
  });

  it('finds one occurrence by its original start: its own times, a moved exception with its fields, none for a deleted one', () => {
    const item: CalendarItem = {
      subject: 'Daily',
      location: 'Room 1',
      startTime: utc('2025-03-03T00:30:00Z'), // Mon 09:30 Tokyo
      endTime: utc('2025-03-03T00:45:00Z'),
      timezone: zoneFromIana('Asia/Tokyo', 2025).blob,
      recurrence: { type: 1, interval: 1, dayOfWeek: 62 }, // weekdays
      exceptions: [
        {
          exceptionStartTime: utc('2025-03-04T00:30:00Z'),
          startTime: utc('2025-03-20T02:00:00Z'),
          endTime: utc('2025-03-20T02:15:00Z'),
          subject: 'Moved far',
          location: 'Room 9',
        },
        { exceptionStartTime: utc('2025-03-05T00:30:00Z'), deleted: true },
      ],
    };
    const plain = occurrenceAt(ref, item, utc('2025-03-13T00:30:00Z'), { hint: 'Asia/Tokyo' });
    expect([plain?.start.toISOString(), plain?.end.toISOString(), plain?.fields.subject, plain?.fields.location]).toEqual([
      '2025-03-13T00:30:00.000Z',
      '2025-03-13T00:45:00.000Z',
      'Daily',
      'Room 1',
    ]);
    const moved = occurrenceAt(ref, item, utc('2025-03-04T00:30:00Z'), { hint: 'Asia/Tokyo' });
    expect([
      moved?.start.toISOString(),
      moved?.end.toISOString(),
      moved?.fields.subject,
      moved?.fields.location,
      moved?.instance?.toISOString(),
    ]).toEqual(['2025-03-20T02:00:00.000Z', '2025-03-20T02:15:00.000Z', 'Moved far', 'Room 9', '2025-03-04T00:30:00.000Z']);
    expect(occurrenceAt(ref, item, utc('2025-03-05T00:30:00Z'), { hint: 'Asia/Tokyo' })).toBeUndefined();
    expect(occurrenceAt(ref, item, utc('2025-03-08T00:30:00Z'), { hint: 'Asia/Tokyo' })).toBeUndefined(); // a Saturday: not in the series
  });
});
