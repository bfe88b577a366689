/** The free/busy hint of an attendee: the busiest half hour of the event (MS-ASCMD 2.2.3.107). */
import { describe, expect, it } from 'vitest';
import { busiest } from '../../../src/ui/compose/free-busy.ts';
import { eventWindow, newEventForm } from '../../../src/ui/calendar/event-edit.ts';

describe('free/busy hint', () => {
  it('the busiest slot wins: out of office, then busy, then tentative, then free', () => {
    expect(busiest('0000')).toBe('free');
    expect(busiest('0100')).toBe('tentative');
    expect(busiest('0120')).toBe('busy');
    expect(busiest('3201')).toBe('away');
  });

  it('no data (4), nothing or an empty string: no hint', () => {
    expect(busiest('4444')).toBeUndefined();
    expect(busiest(undefined)).toBeUndefined();
    expect(busiest('')).toBeUndefined();
    expect(busiest('4024')).toBe('busy');
  });

  it("asked for the event's time only when it is whole, forward and at most six weeks", () => {
    const form = { ...newEventForm(), start: '2026-12-07T10:00', end: '2026-12-07T11:30' };
    const w = eventWindow(form);
    expect((w!.end.getTime() - w!.start.getTime()) / 60_000).toBe(90);
    expect(eventWindow({ ...form, start: '' })).toBeUndefined();
    expect(eventWindow({ ...form, end: '2026-12-07T09:00' })).toBeUndefined();
    expect(eventWindow({ ...form, end: '2027-03-07T09:00' })).toBeUndefined();
  });
});
