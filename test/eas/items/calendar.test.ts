import { describe, expect, it } from 'vitest';
import { isEl, kid, kids, path, textOf, type El } from '../../../src/wbxml/tree.ts';
import { decodeEas, easFromXml, encodeEas } from '../../../src/eas/wbxml.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import {
  allDayDates,
  allDayTimes,
  decodeCalendar,
  encodeCalendar,
  encodeCalendarChange,
  encodeOccurrenceChange,
  eventZone,
  isCanceledMeeting,
  isMeeting,
  isReceivedMeeting,
  type CalendarItem,
} from '../../../src/eas/items/calendar.ts';
import { blobForZone, encodeTimeZone, type TimeZoneBlob } from '../../../src/eas/items/timezone.ts';

const v121: EasContext = { version: '12.1' };
const v141: EasContext = { version: '14.1' };
const v161: EasContext = { version: '16.1' };

const BERLIN = blobForZone('Europe/Berlin', 2026);
const BERLIN_B64 = encodeTimeZone(BERLIN);

/** A weekly Monday meeting, 09:00-10:00 Berlin, with one occurrence deleted and one moved. */
const SERIES_141 = `<?xml version="1.0" encoding="utf-8"?>
<ApplicationData xmlns="AirSync" xmlns:calendar="Calendar" xmlns:airsyncbase="AirSyncBase">
  <calendar:Timezone>${BERLIN_B64}</calendar:Timezone>
  <calendar:DtStamp>20260101T120000Z</calendar:DtStamp>
  <calendar:StartTime>20260105T080000Z</calendar:StartTime>
  <calendar:Subject>Weekly sync</calendar:Subject>
  <calendar:UID>040000008200E00074C5B7101A82E00800000000ABCDEF</calendar:UID>
  <calendar:OrganizerName>Alice</calendar:OrganizerName>
  <calendar:OrganizerEmail>alice@example.test</calendar:OrganizerEmail>
  <calendar:Attendees>
    <calendar:Attendee>
      <calendar:Email>bob@example.test</calendar:Email>
      <calendar:Name>Bob</calendar:Name>
      <calendar:AttendeeStatus>3</calendar:AttendeeStatus>
      <calendar:AttendeeType>1</calendar:AttendeeType>
    </calendar:Attendee>
    <calendar:Attendee>
      <calendar:Email>room1@example.test</calendar:Email>
      <calendar:Name>Room 1</calendar:Name>
      <calendar:AttendeeStatus>0</calendar:AttendeeStatus>
      <calendar:AttendeeType>3</calendar:AttendeeType>
    </calendar:Attendee>
  </calendar:Attendees>
  <calendar:Location>Room 1</calendar:Location>
  <calendar:EndTime>20260105T090000Z</calendar:EndTime>
  <calendar:Recurrence>
    <calendar:Type>1</calendar:Type>
    <calendar:Interval>1</calendar:Interval>
    <calendar:DayOfWeek>2</calendar:DayOfWeek>
    <calendar:Until>20260330T070000Z</calendar:Until>
    <calendar:FirstDayOfWeek>1</calendar:FirstDayOfWeek>
  </calendar:Recurrence>
  <calendar:Exceptions>
    <calendar:Exception>
      <calendar:Deleted>1</calendar:Deleted>
      <calendar:ExceptionStartTime>20260119T080000Z</calendar:ExceptionStartTime>
    </calendar:Exception>
    <calendar:Exception>
      <calendar:ExceptionStartTime>20260202T080000Z</calendar:ExceptionStartTime>
      <calendar:StartTime>20260203T130000Z</calendar:StartTime>
      <calendar:EndTime>20260203T140000Z</calendar:EndTime>
      <calendar:Subject>Weekly sync (moved to Tuesday)</calendar:Subject>
    </calendar:Exception>
  </calendar:Exceptions>
  <airsyncbase:Body>
    <airsyncbase:Type>1</airsyncbase:Type>
    <airsyncbase:EstimatedDataSize>7</airsyncbase:EstimatedDataSize>
    <airsyncbase:Data>Agenda.</airsyncbase:Data>
  </airsyncbase:Body>
  <calendar:Sensitivity>0</calendar:Sensitivity>
  <calendar:BusyStatus>2</calendar:BusyStatus>
  <calendar:AllDayEvent>0</calendar:AllDayEvent>
  <calendar:Reminder>15</calendar:Reminder>
  <calendar:MeetingStatus>1</calendar:MeetingStatus>
  <calendar:Categories><calendar:Category>Work</calendar:Category></calendar:Categories>
  <calendar:ResponseRequested>1</calendar:ResponseRequested>
  <calendar:DisallowNewTimeProposal>0</calendar:DisallowNewTimeProposal>
  <calendar:ResponseType>1</calendar:ResponseType>
  <calendar:AppointmentReplyTime>20260101T120500Z</calendar:AppointmentReplyTime>
  <airsyncbase:NativeBodyType>1</airsyncbase:NativeBodyType>
</ApplicationData>`;

const d = (iso: string): Date => new Date(iso);
const names = (e: El): string[] => kids(e).map((c) => c.name);
const series = (): CalendarItem => decodeCalendar(easFromXml(SERIES_141), v141);

describe('decodeCalendar', () => {
  it('reads a recurring 14.1 meeting with a deleted and a moved occurrence', () => {
    const item = series();
    expect(item).toMatchObject({
      subject: 'Weekly sync',
      startTime: d('2026-01-05T08:00:00Z'),
      endTime: d('2026-01-05T09:00:00Z'),
      dtStamp: d('2026-01-01T12:00:00Z'),
      timezone: BERLIN,
      uid: '040000008200E00074C5B7101A82E00800000000ABCDEF',
      organizerName: 'Alice',
      organizerEmail: 'alice@example.test',
      location: 'Room 1',
      reminder: 15,
      busyStatus: 2,
      sensitivity: 0,
      allDayEvent: false,
      meetingStatus: 1,
      categories: ['Work'],
      responseRequested: true,
      disallowNewTimeProposal: false,
      responseType: 1,
      appointmentReplyTime: d('2026-01-01T12:05:00Z'),
      nativeBodyType: 1,
      body: { type: 1, estimatedDataSize: 7, data: 'Agenda.' },
      recurrence: { type: 1, interval: 1, dayOfWeek: 2, until: d('2026-03-30T07:00:00Z'), firstDayOfWeek: 1 },
    });
    expect(item.attendees).toEqual([
      { email: 'bob@example.test', name: 'Bob', status: 3, type: 1 },
      { email: 'room1@example.test', name: 'Room 1', status: 0, type: 3 },
    ]);
    expect(item.exceptions).toEqual([
      { exceptionStartTime: d('2026-01-19T08:00:00Z'), deleted: true },
      {
        exceptionStartTime: d('2026-02-02T08:00:00Z'),
        startTime: d('2026-02-03T13:00:00Z'),
        endTime: d('2026-02-03T14:00:00Z'),
        subject: 'Weekly sync (moved to Tuesday)',
      },
    ]);
  });

  it('reads a 16.0 airsyncbase:Location sent as plain text (Horde_ActiveSync 2.41.9) as its display name', () => {
    // Horde's Design review at 16.0, its Location as text instead of DisplayName (MS-ASAIRS 2.2.2.27).
    const raw =
      '03016a005d000467033230323631323039543133303030305a000152033230323631323039543134303030305a00016603' +
      '44657369676e20726576696577000100116003526f6f6d20322e3031000101';
    const item = decodeCalendar(decodeEas(Uint8Array.from(Buffer.from(raw, 'hex'))), { version: '16.0' });
    expect(item.subject).toBe('Design review');
    expect(item.location).toBe('Room 2.01');
    expect(item.locationDetails).toEqual({ displayName: 'Room 2.01' });
  });

  it('reads 16.x structured locations and InstanceId-keyed exceptions', () => {
    const item = decodeCalendar(
      easFromXml(`<ApplicationData xmlns="AirSync" xmlns:calendar="Calendar" xmlns:airsyncbase="AirSyncBase">
        <calendar:StartTime>20260105T080000Z</calendar:StartTime>
        <calendar:EndTime>20260105T090000Z</calendar:EndTime>
        <airsyncbase:Location>
          <airsyncbase:DisplayName>HQ, Room 1</airsyncbase:DisplayName>
          <airsyncbase:City>Berlin</airsyncbase:City>
        </airsyncbase:Location>
        <calendar:OnlineMeetingExternalLink>https://meet.example.test/x</calendar:OnlineMeetingExternalLink>
        <calendar:Exceptions>
          <calendar:Exception>
            <airsyncbase:InstanceId>20260112T080000Z</airsyncbase:InstanceId>
            <calendar:Deleted>1</calendar:Deleted>
          </calendar:Exception>
        </calendar:Exceptions>
      </ApplicationData>`),
      v161,
    );
    expect(item.location).toBe('HQ, Room 1');
    expect(item.locationDetails).toEqual({ displayName: 'HQ, Room 1', city: 'Berlin' });
    expect(item.onlineMeetingExternalLink).toBe('https://meet.example.test/x');
    expect(item.exceptions).toEqual([{ exceptionStartTime: d('2026-01-12T08:00:00Z'), deleted: true }]);
  });

  it('requires StartTime, EndTime and an exception start', () => {
    const bare = (inner: string): El => easFromXml(`<ApplicationData xmlns="AirSync" xmlns:calendar="Calendar">${inner}</ApplicationData>`);
    expect(() => decodeCalendar(bare('<calendar:Subject>x</calendar:Subject>'), v141)).toThrow(EasProtocolError);
    const times = '<calendar:StartTime>20260105T080000Z</calendar:StartTime><calendar:EndTime>20260105T090000Z</calendar:EndTime>';
    const startless =
      '<calendar:Exceptions><calendar:Exception><calendar:Deleted>1</calendar:Deleted></calendar:Exception></calendar:Exceptions>';
    expect(() => decodeCalendar(bare(times + startless), v141)).toThrow(EasProtocolError);
    const badDate = '<calendar:DtStamp>soon</calendar:DtStamp>';
    expect(() => decodeCalendar(bare(times + badDate), v141)).toThrow(EasProtocolError);
  });

  it('reads the meeting status bits', () => {
    expect([0, 1, 3, 5, 7, 11].map(isMeeting)).toEqual([false, true, true, true, true, true]);
    expect([1, 3, 5, 7, 11].map(isReceivedMeeting)).toEqual([false, true, false, true, true]);
    expect([1, 3, 5, 7, 13].map(isCanceledMeeting)).toEqual([false, false, true, true, true]);
  });
});

describe('encodeCalendar (Add)', () => {
  it('re-encodes the decoded series without server-only fields, and survives WBXML', () => {
    const item = series();
    const data = encodeCalendar(item, v141);
    expect(data.ns).toBe('AirSync');
    expect(data.name).toBe('ApplicationData');
    expect(names(data)).not.toContain('ResponseType');
    expect(names(data)).not.toContain('AppointmentReplyTime');
    expect(names(data)).not.toContain('NativeBodyType');
    expect(names(data)[0]).toBe('Timezone');
    expect(textOf(kid(data, 'StartTime'))).toBe('20260105T080000Z');
    const body = kid(data, 'Body', 'AirSyncBase');
    expect(body && names(body)).toEqual(['Type', 'Data']);

    const exceptions = kids(kid(data, 'Exceptions') ?? data, 'Exception');
    expect(exceptions.map(names)).toEqual([
      ['Deleted', 'ExceptionStartTime'],
      ['ExceptionStartTime', 'EndTime', 'Subject', 'StartTime'],
    ]);

    const again = decodeCalendar(decodeEas(encodeEas(data)), v141);
    const { responseType, appointmentReplyTime, nativeBodyType, body: b, ...rest } = item;
    expect([responseType, appointmentReplyTime, nativeBodyType]).toEqual([1, d('2026-01-01T12:05:00Z'), 1]);
    expect(again).toEqual({ ...rest, body: { type: b?.type, data: b?.data } });
  });

  it('writes the 16.x form: ClientUid not UID, airsyncbase:Location, no Exceptions', () => {
    const item: CalendarItem = { ...series(), clientUid: 'c-123', locationDetails: { city: 'Berlin' } };
    const data = encodeCalendar(item, v161);
    expect(kid(data, 'UID')).toBeUndefined();
    expect(textOf(kid(data, 'ClientUid'))).toBe('c-123');
    expect(kid(data, 'Exceptions')).toBeUndefined();
    expect(kid(data, 'Location', 'Calendar')).toBeUndefined();
    const loc = kid(data, 'Location', 'AirSyncBase');
    expect(loc && textOf(kid(loc, 'DisplayName'))).toBe('Room 1');
    expect(loc && textOf(kid(loc, 'City'))).toBe('Berlin');
  });

  it('leaves out 14.0-only elements for 12.1, including attendees of exceptions', () => {
    const item: CalendarItem = {
      ...series(),
      exceptions: [{ exceptionStartTime: d('2026-02-02T08:00:00Z'), attendees: [{ email: 'x@example.test', name: 'X' }] }],
    };
    const data = encodeCalendar(item, v121);
    expect(kid(data, 'ResponseRequested')).toBeUndefined();
    expect(kid(data, 'DisallowNewTimeProposal')).toBeUndefined();
    expect(kid(data, 'UID')).toBeDefined();
    expect(path(data, 'Exceptions', 'Exception', 'Attendees')).toBeUndefined();
    expect(path(data, 'Recurrence', 'FirstDayOfWeek')).toBeUndefined();
  });

  it('never sends a truncated body back', () => {
    const item: CalendarItem = { ...series(), body: { type: 2, truncated: true, data: '<p>Agen' } };
    expect(kid(encodeCalendar(item, v141), 'Body', 'AirSyncBase')).toBeUndefined();
  });
});

describe('encodeCalendarChange', () => {
  const attendeeEmails = (data: El): string[] => kids(kid(data, 'Attendees') ?? data, 'Attendee').map((a) => textOf(kid(a, 'Email')));

  it('14.1: an alarm-only change still carries every attendee and the whole series', () => {
    const before = series();
    const data = encodeCalendarChange(before, { ...before, reminder: 30 }, v141);
    expect(textOf(kid(data, 'Reminder'))).toBe('30');
    expect(attendeeEmails(data)).toEqual(['bob@example.test', 'room1@example.test']);
    expect(kid(data, 'Timezone')).toBeDefined();
    expect(kid(data, 'Recurrence')).toBeDefined();
    expect(kids(kid(data, 'Exceptions') ?? data, 'Exception')).toHaveLength(2);
    expect(textOf(path(data, 'Body', 'Data'))).toBe('Agenda.');
    expect(textOf(kid(data, 'Subject'))).toBe('Weekly sync');
    expect(textOf(kid(data, 'UID'))).toBe(before.uid);
  });

  it('16.1: an alarm-only change sends the reminder and the attendees, nothing that resets exceptions', () => {
    const before = series();
    const data = encodeCalendarChange(before, { ...before, reminder: 30 }, v161);
    expect(names(data)).toEqual(['Reminder', 'Attendees']);
    expect(attendeeEmails(data)).toEqual(['bob@example.test', 'room1@example.test']);
  });

  it('16.1: sends the fields that changed', () => {
    const before = series();
    const next = { ...before, subject: 'Renamed', recurrence: { ...before.recurrence!, interval: 2 } };
    expect(names(encodeCalendarChange(before, next, v161))).toEqual(['Subject', 'Attendees', 'Recurrence']);
  });

  it('clears a removed field with an empty element', () => {
    const { location: _location, attendees: _attendees, ...rest } = series();
    for (const ctx of [v141, v161]) {
      const data = encodeCalendarChange(series(), rest, ctx);
      const ns = ctx === v161 ? 'AirSyncBase' : 'Calendar';
      expect(kid(data, 'Location', ns)?.children).toEqual([]);
      expect(kid(data, 'Attendees')?.children).toEqual([]);
    }
  });

  it('keeps a truncated body out, and clears a body the user removed', () => {
    const before = { ...series(), body: { type: 2 as const, truncated: true, data: '<p>Agen' } };
    expect(kid(encodeCalendarChange(before, { ...before, reminder: 5 }, v141), 'Body', 'AirSyncBase')).toBeUndefined();
    const { body: _body, ...noBody } = series();
    const cleared = kid(encodeCalendarChange(series(), noBody, v161), 'Body', 'AirSyncBase');
    expect(cleared && textOf(kid(cleared, 'Data'))).toBe('');
  });
});

describe('encodeOccurrenceChange', () => {
  it('addresses one occurrence by InstanceId in 16.x', () => {
    const moved = {
      exceptionStartTime: d('2026-02-02T08:00:00Z'),
      startTime: d('2026-02-03T13:00:00Z'),
      endTime: d('2026-02-03T14:00:00Z'),
    };
    const { instanceId, applicationData } = encodeOccurrenceChange(moved, v161);
    expect(instanceId.ns).toBe('AirSyncBase');
    expect(textOf(instanceId)).toBe('20260202T080000Z');
    expect(names(applicationData)).toEqual(['EndTime', 'StartTime']);
    expect(() => encodeOccurrenceChange(moved, v141)).toThrow();
  });
});

describe('times', () => {
  const ODD: TimeZoneBlob = {
    ...BERLIN,
    standardName: 'Custom',
    daylightName: 'Custom summer',
    standardDate: { ...BERLIN.standardDate, month: 9, day: 1 },
    daylightDate: { ...BERLIN.daylightDate, month: 5, day: 1 },
  };

  it('resolves the item zone from its blob, preferring the user zone', () => {
    const item = series();
    expect(eventZone(item, { hint: 'America/New_York' }).iana).toBe('Europe/Berlin');
    // The Windows name wins; without names, a hint with the same rules does.
    expect(eventZone(item, { hint: 'Europe/Paris' }).iana).toBe('Europe/Berlin');
    const nameless = { ...BERLIN, standardName: '', daylightName: '' };
    expect(eventZone({ ...item, timezone: nameless }, { hint: 'Europe/Paris' }).iana).toBe('Europe/Paris');
    expect(eventZone({ startTime: item.startTime }, { hint: 'Asia/Tokyo' }).iana).toBe('Asia/Tokyo');
    expect(eventZone({ startTime: item.startTime }, { hint: 'Mars/Olympus_Mons' }).iana).toBe('UTC');
    expect(eventZone({ startTime: item.startTime, timezone: ODD }, { hint: 'Europe/Berlin' }).iana).toBeUndefined();
  });

  it('reads the days of an all-day event across the DST change', () => {
    const zone = eventZone({ startTime: d('2026-03-28T23:00:00Z'), timezone: BERLIN }, { hint: 'Europe/Berlin' });
    // 29 March 2026 is 23 hours long in Berlin.
    const item = { startTime: d('2026-03-28T23:00:00Z'), endTime: d('2026-03-29T22:00:00Z') };
    expect(allDayDates(item, zone)).toEqual({
      start: { year: 2026, month: 3, day: 29 },
      end: { year: 2026, month: 3, day: 30 },
    });
    expect(allDayTimes({ year: 2026, month: 3, day: 29 }, { year: 2026, month: 3, day: 30 }, zone)).toEqual(item);
    // A server an hour off still lands on the same days.
    const sloppy = { startTime: d('2026-03-29T00:00:00Z'), endTime: d('2026-03-29T23:00:00Z') };
    expect(allDayDates(sloppy, zone)).toEqual(allDayDates(item, zone));
  });

  it('computes all-day times from the blob rules when no IANA zone matches', () => {
    const zone = eventZone({ startTime: d('2026-06-01T00:00:00Z'), timezone: ODD });
    expect(zone.iana).toBeUndefined();
    const t = allDayTimes({ year: 2026, month: 6, day: 1 }, { year: 2026, month: 6, day: 2 }, zone);
    expect(t.startTime.toISOString()).toBe('2026-05-31T22:00:00.000Z');
    expect(t.endTime.toISOString()).toBe('2026-06-01T22:00:00.000Z');
  });

  it('handles the southern hemisphere', () => {
    const zone = eventZone({ startTime: d('2026-01-01T00:00:00Z'), timezone: blobForZone('Australia/Sydney', 2026) });
    expect(zone.iana).toBe('Australia/Sydney');
    const t = allDayTimes({ year: 2026, month: 1, day: 1 }, { year: 2026, month: 1, day: 2 }, zone);
    expect(t.startTime.toISOString()).toBe('2025-12-31T13:00:00.000Z');
  });
});

it('only builds elements (no stray strings) at the top of ApplicationData', () => {
  expect(encodeCalendar(series(), v161).children.every(isEl)).toBe(true);
});
