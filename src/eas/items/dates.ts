/**
 * EAS date and time formats.
 *
 * Two shapes travel on the wire:
 * - dateTime (MS-ASDTYPE 2.3): `2026-11-25T09:00:00.000Z`. Used by Email, Tasks,
 *   Contacts and the MeetingRequest inside an email.
 * - Compact DateTime (MS-ASDTYPE 2.7.2): `20261125T090000Z`. Used by Calendar
 *   (MS-ASCAL), airsyncbase:InstanceId (MS-ASAIRS 2.2.2.25) and
 *   notes:LastModifiedDate (MS-ASNOTE 2.2.2.4).
 *
 * Both are UTC. Parsing accepts either shape wherever a date is expected, because
 * servers are not always consistent; formatting writes the shape each element requires.
 */

// YYYY-MM-DDTHH:MM:SS(.fraction)?Z — the Z is tolerated when missing (read as UTC).
const EXTENDED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?$/i;
// YYYYMMDDTHHMMSSZ — MS-ASDTYPE 2.7.2 ABNF.
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z?$/i;

/** Parses an EAS dateTime or Compact DateTime into a Date; undefined when malformed. */
export function parseEasDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  if (isUsual(text)) {
    // The shape servers write nearly every date in, read without a regex.
    const n = (start: number, count: number): number => digits(text, start, count);
    return utcDate(n(0, 4), n(5, 2), n(8, 2), n(11, 2), n(14, 2), n(17, 2), n(20, 3));
  }
  const s = text.trim();
  const m = EXTENDED.exec(s) ?? COMPACT.exec(s);
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  return utcDate(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
}

// The usual dateTime, `2026-11-25T09:00:00.000Z`: 'd' stands for a digit.
const USUAL = 'dddd-dd-ddTdd:dd:dd.dddZ';

function isUsual(s: string): boolean {
  if (s.length !== USUAL.length) return false;
  for (let i = 0; i < USUAL.length; i++) {
    const c = s.charCodeAt(i);
    if (USUAL[i] === 'd' ? c < 0x30 || c > 0x39 : c !== USUAL.charCodeAt(i)) return false;
  }
  return true;
}

function digits(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) n = n * 10 + s.charCodeAt(i) - 0x30;
  return n;
}

/** The date of these UTC fields; undefined when a field is out of range. */
function utcDate(y: number, mo: number, d: number, h: number, mi: number, se: number, ms: number): Date | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se, ms));
  date.setUTCFullYear(y); // Date.UTC maps years 0..99 to 1900..1999
  // Reject day overflow such as 2026-02-30, which Date.UTC would roll into March.
  return date.getUTCDate() === d ? date : undefined;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** MS-ASDTYPE 2.3 dateTime: `2026-11-25T09:00:00.000Z`. */
export function formatEasDateTime(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `.${pad(d.getUTCMilliseconds(), 3)}Z`
  );
}

/** MS-ASDTYPE 2.7.2 Compact DateTime: `20261125T090000Z` (milliseconds are dropped). */
export function formatCompactDateTime(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}
