/**
 * The small part of iCalendar (RFC 5545/5546) the mock needs: reading the
 * REQUEST/REPLY/CANCEL a client sends with SendMail, and writing a REPLY.
 */
import type { Address } from './model.ts';
import { zonedToUtc } from './timezone.ts';
import { compactDate } from './wire.ts';

export interface IcsAttendee {
  readonly email: string;
  readonly name: string;
  /** NEEDS-ACTION, ACCEPTED, TENTATIVE, DECLINED. */
  readonly partstat: string;
}

export interface IcsEvent {
  readonly method: string;
  readonly uid: string;
  readonly summary: string;
  readonly location: string;
  readonly start?: number;
  readonly end?: number;
  readonly allDay: boolean;
  readonly tzid?: string;
  readonly organizer?: Address;
  readonly attendees: IcsAttendee[];
}

interface Line {
  readonly name: string;
  readonly params: Record<string, string>;
  readonly value: string;
}

/** Unfolds continuation lines (RFC 5545 3.1) and splits name;params:value. */
function lines(text: string): Line[] {
  const unfolded = text.replace(/\r?\n[ \t]/g, '');
  return unfolded
    .split(/\r?\n/)
    .filter(Boolean)
    .map((raw) => {
      const colon = raw.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/);
      const head = colon < 0 ? raw : raw.slice(0, colon);
      const [name = '', ...rest] = head.split(';');
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).toUpperCase()] = p.slice(eq + 1).replace(/^"|"$/g, '');
      }
      return { name: name.toUpperCase(), params, value: colon < 0 ? '' : raw.slice(colon + 1) };
    });
}

function unescapeText(v: string): string {
  return v.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1');
}

/** DATE-TIME or DATE (RFC 5545 3.3.4/3.3.5): UTC, floating, or local to TZID. */
function readTime(line: Line): { ms?: number; allDay: boolean; tzid?: string } {
  const v = line.value.trim();
  const tzid = line.params['TZID'];
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (date) return { ms: Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])), allDay: true, tzid };
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(v);
  if (!m) return { allDay: false };
  const n = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (m[7] === 'Z' || !tzid) return { ms: Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5]), allDay: false, tzid };
  try {
    return { ms: zonedToUtc(tzid, n[0], n[1], n[2], n[3], n[4]), allDay: false, tzid };
  } catch {
    return { ms: Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5]), allDay: false, tzid };
  }
}

function address(line: Line): Address {
  return { email: line.value.replace(/^mailto:/i, '').trim(), name: line.params['CN'] ?? '' };
}

/** The first VEVENT of an iCalendar object, with the object's METHOD. */
export function parseIcs(text: string): IcsEvent | undefined {
  const all = lines(text);
  const method =
    all
      .find((l) => l.name === 'METHOD')
      ?.value.trim()
      .toUpperCase() ?? 'PUBLISH';
  const begin = all.findIndex((l) => l.name === 'BEGIN' && l.value.toUpperCase() === 'VEVENT');
  if (begin < 0) return undefined;
  const end = all.findIndex((l, i) => i > begin && l.name === 'END' && l.value.toUpperCase() === 'VEVENT');
  const ev = all.slice(begin + 1, end < 0 ? undefined : end);
  const get = (name: string): Line | undefined => ev.find((l) => l.name === name);
  const start = get('DTSTART') ? readTime(get('DTSTART') as Line) : { allDay: false };
  const finish = get('DTEND') ? readTime(get('DTEND') as Line) : { allDay: false };
  const organizer = get('ORGANIZER');
  return {
    method,
    uid: get('UID')?.value.trim() ?? '',
    summary: unescapeText(get('SUMMARY')?.value ?? ''),
    location: unescapeText(get('LOCATION')?.value ?? ''),
    start: start.ms,
    end: finish.ms ?? (start.ms !== undefined ? start.ms + (start.allDay ? 86_400_000 : 3_600_000) : undefined),
    allDay: start.allDay,
    tzid: 'tzid' in start ? start.tzid : undefined,
    organizer: organizer ? address(organizer) : undefined,
    attendees: ev
      .filter((l) => l.name === 'ATTENDEE')
      .map((l) => ({ ...address(l), partstat: (l.params['PARTSTAT'] ?? 'NEEDS-ACTION').toUpperCase() })),
  };
}

/** PARTSTAT for a MeetingResponse UserResponse (1 accept, 2 tentative, 3 decline). */
export const PARTSTAT: Record<number, string> = { 1: 'ACCEPTED', 2: 'TENTATIVE', 3: 'DECLINED' };

/** An iTIP REPLY from `attendee` (RFC 5546 3.2.3). */
export function icsReply(
  uid: string,
  summary: string,
  start: number,
  end: number,
  organizer: Address,
  attendee: Address,
  partstat: string,
  stamp: number,
): string {
  return [
    'BEGIN:VCALENDAR',
    'PRODID:-//eas-pwa//mock//EN',
    'VERSION:2.0',
    'METHOD:REPLY',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `DTSTAMP:${compactDate(stamp)}`,
    `DTSTART:${compactDate(start)}`,
    `DTEND:${compactDate(end)}`,
    `SUMMARY:${summary}`,
    `ORGANIZER;CN=${organizer.name}:mailto:${organizer.email}`,
    `ATTENDEE;CN=${attendee.name};PARTSTAT=${partstat}:mailto:${attendee.email}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
