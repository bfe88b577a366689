import { describe, expect, it } from 'vitest';
import type { CalendarItem } from '../../../src/eas/items/calendar.ts';
import { zoneFromIana } from '../../../src/eas/items/timezone.ts';
import { applyEventEdits, formFromEvent, newEvent, newEventForm } from '../../../src/ui/calendar/event-edit.ts';

const meeting: CalendarItem = {
  subject: 'Design review',
  startTime: new Date('2025-06-10T05:00:00Z'),
  endTime: new Date('2025-06-10T06:00:00Z'),
  timezone: zoneFromIana('Europe/Berlin', 2025).blob,
  reminder: 15,
  meetingStatus: 3,
  organizerEmail: 'boss@example.com',
  attendees: [
    { email: 'boss@example.com', name: 'Boss', status: 3, type: 1 },
    { email: 'me@example.com', name: 'Me', status: 5, type: 1 },
  ],
  body: { type: 1, data: 'Agenda', truncated: false },
  recurrence: { type: 1, interval: 1, dayOfWeek: 4 },
};

describe('event edits', () => {
  it('changes only the reminder when only the reminder was touched', () => {
    const form = { ...formFromEvent(meeting), reminder: '60', subject: 'typed but not touched' };
    const next = applyEventEdits(meeting, form, new Set(['reminder']), 'Asia/Tokyo');
    expect(next).toEqual({ ...meeting, reminder: 60 });
    expect(next.attendees).toBe(meeting.attendees);
    expect(next.timezone).toBe(meeting.timezone);
    expect(next.startTime).toBe(meeting.startTime);
  });

  it('removes the reminder field when set to none', () => {
    const next = applyEventEdits(meeting, { ...formFromEvent(meeting), reminder: '' }, new Set(['reminder']));
    expect('reminder' in next).toBe(false);
  });

  it('keeps known attendees and their answers when the list is edited', () => {
    const form = { ...formFromEvent(meeting), attendees: 'boss@example.com, new@example.com' };
    const next = applyEventEdits(meeting, form, new Set(['attendees']));
    expect(next.attendees).toEqual([meeting.attendees?.[0], { email: 'new@example.com', name: 'new@example.com', type: 1 }]);
  });

  it('drops the series and its exceptions when repeat is set to none', () => {
    const next = applyEventEdits(
      { ...meeting, exceptions: [{ exceptionStartTime: new Date('2025-06-17T05:00:00Z'), deleted: true }] },
      { ...formFromEvent(meeting), repeat: 'none' },
      new Set(['repeat']),
    );
    expect(next.recurrence).toBeUndefined();
    expect(next.exceptions).toBeUndefined();
  });

  it('reads an all-day event as inclusive dates and writes it back as local midnights', () => {
    const allDay: CalendarItem = {
      subject: 'Trip',
      allDayEvent: true,
      startTime: new Date('2025-05-01T15:00:00Z'),
      endTime: new Date('2025-05-03T15:00:00Z'),
      timezone: zoneFromIana('Asia/Tokyo', 2025).blob,
    };
    const form = formFromEvent(allDay);
    expect([form.start, form.end]).toEqual(['2025-05-02', '2025-05-03']);
    const next = applyEventEdits(allDay, { ...form, end: '2025-05-04' }, new Set(['end']), 'Asia/Tokyo');
    expect([next.startTime.toISOString(), next.endTime.toISOString()]).toEqual(['2025-05-01T15:00:00.000Z', '2025-05-04T15:00:00.000Z']);
  });

  it('makes a new event with the user as organizer when attendees are invited', () => {
    const form = { ...newEventForm('2025-07-01'), subject: 'Lunch', attendees: 'Ann <ann@example.com>', repeat: 'weekly' as const };
    const e = newEvent(form, { email: 'me@example.com', name: 'Me' });
    expect(e.meetingStatus).toBe(1);
    expect(e.organizerEmail).toBe('me@example.com');
    expect(e.attendees).toEqual([{ email: 'ann@example.com', name: 'Ann', type: 1 }]);
    expect(e.recurrence?.type).toBe(1);
    expect(e.reminder).toBe(15);
  });
});
