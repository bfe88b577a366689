/**
 * Reading iCalendar date-times back from SOGo (RFC 5545 3.3.5): UTC ("...Z"), or local time
 * with a TZID that is an IANA name (SOGo writes its own zones by IANA name, e.g. Etc/UTC).
 */
import type { Property } from './dav.ts';

/** The instant of a DATE-TIME property; a DATE (VALUE=DATE) is its UTC midnight. */
export function icalInstant(p: Property): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(p.value);
  if (!m) throw new Error(`not an iCalendar date-time: ${p.name}:${p.value}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', z] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const zone = p.params['TZID'];
  if (z || !zone || m[4] === undefined) return new Date(wall);
  return new Date(wall - offsetMinutes(zone, wall) * 60_000);
}

/** The zone's UTC offset at (about) that wall time, in minutes, from Intl. */
function offsetMinutes(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (t: string): number => Number(parts.find((x) => x.type === t)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - at) / 60_000);
}
