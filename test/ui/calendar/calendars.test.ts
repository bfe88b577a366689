import { describe, expect, it } from 'vitest';
import type { CalendarItem } from '../../../src/eas/items/calendar.ts';
import type { FolderRecord } from '../../../src/store/schema.ts';
import { attendeeStatus, calendarName, describeCalendars, mergeShown } from '../../../src/ui/calendar/calendars.ts';
import { createI18n } from '../../../src/ui/i18n/index.ts';

const en = createI18n('en');
const ja = createI18n('ja');

function folder(serverId: string, displayName: string, type: number, owner?: string): FolderRecord {
  return {
    accountId: 'a',
    serverId,
    parentId: '0',
    displayName,
    type,
    class: 'Calendar',
    owner,
    syncKey: '1',
    enabled: true,
    status: { kind: 'idle' },
    count: 0,
    unread: 0,
  };
}

const event = (folderId: string, itemId: string, subject: string, uid?: string) => ({
  ref: { accountId: 'a', itemId },
  folderId,
  item: { subject, uid, startTime: new Date('2025-03-03T01:00:00Z'), endTime: new Date('2025-03-03T02:00:00Z') } satisfies CalendarItem,
});

describe('calendars told apart', () => {
  it("names a shared calendar by its owner, in the UI's language", () => {
    expect(calendarName(folder('7', "Bob's calendar", 13, 'Bob'), en)).toBe("Bob's calendar");
    expect(calendarName(folder('7', "Bob's calendar", 13, 'Bob'), ja)).toBe('Bob さんのカレンダー');
    expect(calendarName(folder('8', 'Calendar', 13, 'Carol'), en)).toBe("Carol's calendar");
    expect(calendarName(folder('9', 'Trips', 13, 'Carol'), en)).toBe("Carol's calendar “Trips”");
    expect(calendarName(folder('9', 'Trips', 13, 'Carol'), ja)).toBe('Carol さんのカレンダー「Trips」');
    // The user's own default calendar is named in the UI's language, other own ones keep their name.
    expect(calendarName(folder('1', 'Calendar', 8), ja)).toBe('予定表');
    expect(calendarName(folder('2', '祝日 Holidays', 13), ja)).toBe('祝日 Holidays');
  });

  it('gives each calendar its own colour, the own ones first, and keeps the switch', () => {
    const cals = describeCalendars(
      [folder('7', "Bob's calendar", 13, 'Bob'), folder('3', 'Holidays', 13), folder('1', 'Calendar', 8)],
      new Set(['a/3']),
      en,
    );
    expect(cals.map((c) => [c.name, c.shown])).toEqual([
      ['Calendar', true],
      ['Holidays', false],
      ["Bob's calendar", true],
    ]);
    expect(new Set(cals.map((c) => c.colour)).size).toBe(3);
  });

  it('shows a meeting in two shown calendars once, from the own calendar, marked as in both', () => {
    const cals = describeCalendars([folder('7', "Bob's calendar", 13, 'Bob'), folder('1', 'Calendar', 8)], new Set(), en);
    const events = [
      event('7', 'b1', 'Kickoff (organizer)', 'uid-1'),
      event('1', 'a1', 'Kickoff', 'uid-1'),
      event('7', 'b2', "Bob's own"),
      event('1', 'a2', 'Lunch'),
    ];
    expect(mergeShown(events, cals).map((e) => [e.item.subject, e.calendars])).toEqual([
      ['Kickoff', ['a/1', 'a/7']],
      ['Lunch', ['a/1']],
      ["Bob's own", ['a/7']],
    ]);
    const bobHidden = describeCalendars([folder('7', "Bob's calendar", 13, 'Bob'), folder('1', 'Calendar', 8)], new Set(['a/7']), en);
    expect(mergeShown(events, bobHidden).map((e) => [e.item.subject, e.calendars])).toEqual([
      ['Kickoff', ['a/1']],
      ['Lunch', ['a/1']],
    ]);
  });

  it("shows the user's own attendee row with the user's answer even where the server left it unanswered", () => {
    const me = { email: 'Alice@Example.test', status: 5 };
    const other = { email: 'emma@example.test', status: 5 };
    expect(attendeeStatus(me, { responseType: 3 }, 'alice@example.test')).toBe(3);
    expect(attendeeStatus(me, { responseType: 4 }, 'alice@example.test')).toBe(4);
    expect(attendeeStatus(me, { responseType: 5 }, 'alice@example.test')).toBe(5); // not answered yet
    expect(attendeeStatus(other, { responseType: 3 }, 'alice@example.test')).toBe(5); // others keep theirs
  });
});
