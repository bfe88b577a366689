/**
 * The EAS TimeZone blob (MS-ASDTYPE 2.7.6), carried base64-encoded in
 * calendar:Timezone (MS-ASCAL 2.2.2.44): Windows' TIME_ZONE_INFORMATION, 172 bytes,
 * little-endian.
 *
 *   offset size
 *        0    4  Bias          LONG, minutes; UTC = local time + Bias (UTC+1 is -60)
 *        4   64  StandardName  32 WCHAR, UTF-16LE, unused characters 0x0000
 *       68   16  StandardDate  SYSTEMTIME: when daylight time ends (local daylight time)
 *       84    4  StandardBias  LONG, added to Bias in standard time (usually 0)
 *       88   64  DaylightName
 *      152   16  DaylightDate  SYSTEMTIME: when daylight time starts (local standard time)
 *      168    4  DaylightBias  LONG, added to Bias in daylight time (usually -60)
 *
 * SYSTEMTIME (MS-DTYP 2.3.13) is eight WORDs: wYear, wMonth, wDayOfWeek (0 = Sunday),
 * wDay, wHour, wMinute, wSecond, wMilliseconds. With wYear = 0 it is a yearly rule:
 * wDay is the week of the month, 1..5, where 5 means the last such weekday. With
 * wYear set it is one absolute date. wMonth = 0 in StandardDate means "no daylight
 * saving time".
 *
 * Mapping to IANA zones uses only Intl, so it works in browsers and Node alike.
 */
import { fromBase64, toBase64 } from '../../wbxml/base64.ts';
import { EasProtocolError } from '../command.ts';

export interface SystemTime {
  readonly year: number;
  readonly month: number;
  readonly dayOfWeek: number;
  /** Day of month (absolute form) or week of month 1..5, 5 = last (yearly rule). */
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly milliseconds: number;
}

export interface TimeZoneBlob {
  /** Minutes; UTC = local + bias. */
  readonly bias: number;
  readonly standardName: string;
  readonly standardDate: SystemTime;
  readonly standardBias: number;
  readonly daylightName: string;
  readonly daylightDate: SystemTime;
  readonly daylightBias: number;
}

export const TIMEZONE_BLOB_SIZE = 172;

const NO_DATE: SystemTime = { year: 0, month: 0, dayOfWeek: 0, day: 0, hour: 0, minute: 0, second: 0, milliseconds: 0 };

/** UTC with no daylight saving time. */
export const UTC_BLOB: TimeZoneBlob = {
  bias: 0,
  standardName: 'UTC',
  standardDate: NO_DATE,
  standardBias: 0,
  daylightName: 'UTC',
  daylightDate: NO_DATE,
  daylightBias: 0,
};

// ---------------------------------------------------------------------------
// Bytes and base64

/** Reads the 172-byte structure. */
export function timeZoneFromBytes(bytes: Uint8Array): TimeZoneBlob {
  if (bytes.length < TIMEZONE_BLOB_SIZE) {
    throw new EasProtocolError(`TimeZone blob is ${bytes.length} bytes, expected ${TIMEZONE_BLOB_SIZE}`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, TIMEZONE_BLOB_SIZE);
  return {
    bias: v.getInt32(0, true),
    standardName: readName(v, 4),
    standardDate: readSystemTime(v, 68),
    standardBias: v.getInt32(84, true),
    daylightName: readName(v, 88),
    daylightDate: readSystemTime(v, 152),
    daylightBias: v.getInt32(168, true),
  };
}

/** Writes the 172-byte structure; names longer than 31 characters are cut (one WCHAR stays NUL). */
export function timeZoneToBytes(tz: TimeZoneBlob): Uint8Array {
  const bytes = new Uint8Array(TIMEZONE_BLOB_SIZE);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, tz.bias, true);
  writeName(v, 4, tz.standardName);
  writeSystemTime(v, 68, tz.standardDate);
  v.setInt32(84, tz.standardBias, true);
  writeName(v, 88, tz.daylightName);
  writeSystemTime(v, 152, tz.daylightDate);
  v.setInt32(168, tz.daylightBias, true);
  return bytes;
}

/** Decodes the base64 text of calendar:Timezone. */
export function decodeTimeZone(base64: string): TimeZoneBlob {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(base64);
  } catch {
    throw new EasProtocolError('TimeZone is not base64');
  }
  return timeZoneFromBytes(bytes);
}

/** Encodes a blob as the base64 text of calendar:Timezone. */
export function encodeTimeZone(tz: TimeZoneBlob): string {
  return toBase64(timeZoneToBytes(tz));
}

function readName(v: DataView, at: number): string {
  let s = '';
  for (let i = 0; i < 32; i++) {
    const c = v.getUint16(at + 2 * i, true);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function writeName(v: DataView, at: number, name: string): void {
  for (let i = 0; i < Math.min(name.length, 31); i++) v.setUint16(at + 2 * i, name.charCodeAt(i), true);
}

const SYSTEMTIME_FIELDS = ['year', 'month', 'dayOfWeek', 'day', 'hour', 'minute', 'second', 'milliseconds'] as const;

function readSystemTime(v: DataView, at: number): SystemTime {
  const t: Record<string, number> = {};
  SYSTEMTIME_FIELDS.forEach((f, i) => (t[f] = v.getUint16(at + 2 * i, true)));
  return t as unknown as SystemTime;
}

function writeSystemTime(v: DataView, at: number, t: SystemTime): void {
  SYSTEMTIME_FIELDS.forEach((f, i) => v.setUint16(at + 2 * i, t[f], true));
}

// ---------------------------------------------------------------------------
// Offsets from the blob's own rules

const MINUTE = 60_000;
const DAY = 86_400_000;

/** True when the blob has a daylight period (StandardDate.wMonth is not 0). */
export function hasDaylightTime(tz: TimeZoneBlob): boolean {
  return tz.standardDate.month !== 0 && tz.daylightDate.month !== 0;
}

/** UTC offset in minutes (local = UTC + offset) in standard and in daylight time. */
export function blobOffsets(tz: TimeZoneBlob): { standard: number; daylight: number } {
  if (!hasDaylightTime(tz)) return { standard: negate(tz.bias), daylight: negate(tz.bias) };
  return { standard: negate(tz.bias + tz.standardBias), daylight: negate(tz.bias + tz.daylightBias) };
}

/** -n without producing -0 (UTC stays 0). */
function negate(n: number): number {
  return n === 0 ? 0 : -n;
}

/** A change of UTC offset: from `at` (ms since the epoch, UTC) the offset is `offset` minutes. */
export interface Transition {
  readonly at: number;
  readonly offset: number;
}

/**
 * The blob's two transitions in one year, ordered by time, or [] without daylight
 * time. DaylightDate is read in local standard time, StandardDate in local
 * daylight time (TIME_ZONE_INFORMATION semantics).
 */
export function blobTransitions(tz: TimeZoneBlob, year: number): Transition[] {
  if (!hasDaylightTime(tz)) return [];
  const { standard, daylight } = blobOffsets(tz);
  const toDaylight = ruleDate(tz.daylightDate, year);
  const toStandard = ruleDate(tz.standardDate, year);
  const out: Transition[] = [];
  if (toDaylight !== undefined) out.push({ at: toDaylight - standard * MINUTE, offset: daylight });
  if (toStandard !== undefined) out.push({ at: toStandard - daylight * MINUTE, offset: standard });
  return out.sort((a, b) => a.at - b.at);
}

/** UTC offset in minutes (local = UTC + offset) at an instant, from the blob's rules alone. */
export function offsetAt(tz: TimeZoneBlob, instant: Date | number): number {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  const { standard } = blobOffsets(tz);
  const year = new Date(t + standard * MINUTE).getUTCFullYear();
  const transitions = blobTransitions(tz, year);
  // Before the year's first transition the zone is in the state the last one leaves.
  let offset = transitions.at(-1)?.offset ?? standard;
  for (const tr of transitions) if (t >= tr.at) offset = tr.offset;
  return offset;
}

/** The local wall-clock time (as a UTC-based ms count) of a SYSTEMTIME rule in `year`. */
function ruleDate(st: SystemTime, year: number): number | undefined {
  const time = ((st.hour * 60 + st.minute) * 60 + st.second) * 1000 + st.milliseconds;
  if (st.year !== 0) {
    // Absolute form: one date, valid only in its own year.
    return st.year === year ? Date.UTC(year, st.month - 1, st.day) + time : undefined;
  }
  return Date.UTC(year, st.month - 1, nthWeekday(year, st.month, st.dayOfWeek, st.day)) + time;
}

/** Day of month of the n-th `weekday` (0 = Sunday) of a month; n = 5 means the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const firstDay = 1 + ((weekday - first + 7) % 7);
  let day = firstDay + (Math.min(Math.max(n, 1), 5) - 1) * 7;
  while (day > daysInMonth(year, month)) day -= 7;
  return day;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---------------------------------------------------------------------------
// IANA zones through Intl

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when this runtime's Intl knows the IANA zone name. */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** UTC offset in minutes of an IANA zone at an instant, from Intl. */
export function zoneOffsetAt(zone: string, instant: Date | number): number {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(t))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const hour = (parts['hour'] ?? 0) % 24; // some engines print midnight as 24
  const field = (name: string, fallback: number): number => parts[name] ?? fallback;
  const date = Date.UTC(field('year', 1970), field('month', 1) - 1, field('day', 1));
  const local = date + ((hour * 60 + field('minute', 0)) * 60 + field('second', 0)) * 1000;
  return Math.round((local - Math.floor(t / 1000) * 1000) / MINUTE);
}

/** The zone this runtime runs in (the user's own zone), e.g. "Europe/Berlin". */
export function runtimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const zoneTransitionCache = new Map<string, Transition[]>();

/**
 * Every offset change of an IANA zone within the UTC calendar year, found by
 * probing Intl weekly and bisecting each change down to the minute (transitions
 * fall on whole minutes). Two changes less than a week apart that return to the
 * same offset would be missed.
 */
export function zoneTransitions(zone: string, year: number): Transition[] {
  const key = `${zone} ${year}`;
  const cached = zoneTransitionCache.get(key);
  if (cached) return cached;
  const end = Date.UTC(year + 1, 0, 1);
  const out: Transition[] = [];
  let t = Date.UTC(year, 0, 1);
  let offset = zoneOffsetAt(zone, t);
  while (t < end) {
    const next = Math.min(t + 7 * DAY, end);
    const nextOffset = zoneOffsetAt(zone, next);
    if (nextOffset !== offset) {
      const at = firstChangedMinute(zone, t, next);
      const mid = zoneOffsetAt(zone, at);
      out.push({ at, offset: mid });
      // More than one change inside the week: continue from the one just found.
      if (mid !== nextOffset) {
        t = at;
        offset = mid;
        continue;
      }
    }
    t = next;
    offset = nextOffset;
  }
  zoneTransitionCache.set(key, out);
  return out;
}

/** The first whole minute in (from, to] whose offset differs from the one at `from`. */
function firstChangedMinute(zone: string, from: number, to: number): number {
  const before = zoneOffsetAt(zone, from);
  let lo = from / MINUTE;
  let hi = to / MINUTE;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffsetAt(zone, mid * MINUTE) === before) lo = mid;
    else hi = mid;
  }
  return hi * MINUTE;
}

/**
 * The TimeZone blob that describes an IANA zone's rules in `referenceYear`:
 * Bias and the two transitions expressed as month / week-of-month (5 = last) /
 * weekday / local time. A zone without a change that year gets zero dates; one
 * with a single change (a permanent new offset) is described by its offset at the
 * end of the year.
 */
export function blobForZone(zone: string, referenceYear: number): TimeZoneBlob {
  const names = windowsNames(zone);
  const transitions = zoneTransitions(zone, referenceYear);
  const offsets = transitions.map((t) => t.offset);
  const atStart = zoneOffsetAt(zone, Date.UTC(referenceYear, 0, 1));
  const standard = Math.min(atStart, ...offsets);
  const daylight = Math.max(atStart, ...offsets);
  const toDaylight = lastInto(transitions, daylight);
  const toStandard = lastInto(transitions, standard);
  if (transitions.length < 2 || standard === daylight || !toDaylight || !toStandard) {
    const offset = zoneOffsetAt(zone, Date.UTC(referenceYear + 1, 0, 1) - 1);
    return { ...UTC_BLOB, bias: negate(offset), standardName: names.standard, daylightName: names.daylight };
  }
  return {
    bias: negate(standard),
    standardName: names.standard,
    standardDate: ruleOf(toStandard.at + daylight * MINUTE),
    standardBias: 0,
    daylightName: names.daylight,
    daylightDate: ruleOf(toDaylight.at + standard * MINUTE),
    daylightBias: standard - daylight,
  };
}

function lastInto(transitions: readonly Transition[], offset: number): Transition | undefined {
  return transitions.filter((t) => t.offset === offset).at(-1);
}

/** A yearly SYSTEMTIME rule for a local wall-clock time (given as a UTC-based ms count). */
function ruleOf(local: number): SystemTime {
  const d = new Date(local);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const last = day + 7 > daysInMonth(year, month);
  return {
    year: 0,
    month,
    dayOfWeek: d.getUTCDay(),
    day: last ? 5 : Math.ceil(day / 7),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    milliseconds: 0,
  };
}

// ---------------------------------------------------------------------------
// Blob -> IANA

/**
 * Windows zone names (what Exchange and Outlook write into StandardName) for the
 * most used zones, with the IANA zone CLDR's windowsZones table gives for them.
 * The order is also the preference among zones whose rules are identical.
 */
export const WINDOWS_ZONES: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'W. Central Africa Standard Time': 'Africa/Lagos',
  'GTB Standard Time': 'Europe/Bucharest',
  'FLE Standard Time': 'Europe/Kiev',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'Egypt Standard Time': 'Africa/Cairo',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Israel Standard Time': 'Asia/Jerusalem',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Russian Standard Time': 'Europe/Moscow',
  'Arab Standard Time': 'Asia/Riyadh',
  'Arabic Standard Time': 'Asia/Baghdad',
  'E. Africa Standard Time': 'Africa/Nairobi',
  'Iran Standard Time': 'Asia/Tehran',
  'Arabian Standard Time': 'Asia/Dubai',
  'Pakistan Standard Time': 'Asia/Karachi',
  'India Standard Time': 'Asia/Kolkata',
  'Nepal Standard Time': 'Asia/Kathmandu',
  'Bangladesh Standard Time': 'Asia/Dhaka',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'Taipei Standard Time': 'Asia/Taipei',
  'W. Australia Standard Time': 'Australia/Perth',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'Cen. Australia Standard Time': 'Australia/Adelaide',
  'AUS Central Standard Time': 'Australia/Darwin',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'Tasmania Standard Time': 'Australia/Hobart',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Alaskan Standard Time': 'America/Anchorage',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time': 'America/Denver',
  'Central Standard Time': 'America/Chicago',
  'Central Standard Time (Mexico)': 'America/Mexico_City',
  'Canada Central Standard Time': 'America/Regina',
  'Central America Standard Time': 'America/Guatemala',
  'Eastern Standard Time': 'America/New_York',
  'SA Pacific Standard Time': 'America/Bogota',
  'Venezuela Standard Time': 'America/Caracas',
  'Atlantic Standard Time': 'America/Halifax',
  'Newfoundland Standard Time': 'America/St_Johns',
  'Pacific SA Standard Time': 'America/Santiago',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'Argentina Standard Time': 'America/Argentina/Buenos_Aires',
  'Morocco Standard Time': 'Africa/Casablanca',
};

const PREFERRED_ZONES: readonly string[] = [...new Set(Object.values(WINDOWS_ZONES))];

function windowsNames(zone: string): { standard: string; daylight: string } {
  const win = Object.keys(WINDOWS_ZONES).find((k) => WINDOWS_ZONES[k] === zone && k.endsWith(' Standard Time'));
  if (win) return { standard: win, daylight: win.replace(/ Standard Time$/, ' Daylight Time') };
  return { standard: zone, daylight: zone };
}

/** Candidate IANA zones: every zone Intl knows, else the built-in list. */
export function candidateZones(): readonly string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    const all = intl.supportedValuesOf?.('timeZone');
    if (all && all.length > 0) return all;
  } catch {
    // older engines: fall through
  }
  return PREFERRED_ZONES;
}

/** True when the IANA zone has exactly the blob's offsets and transitions in that UTC year. */
export function zoneMatchesBlob(zone: string, tz: TimeZoneBlob, year: number): boolean {
  if (!isKnownZone(zone)) return false;
  const start = Date.UTC(year, 0, 1);
  if (zoneOffsetAt(zone, start) !== offsetAt(tz, start)) return false;
  const mine = blobTransitions(tz, year).filter((t) => t.at >= start && t.at < Date.UTC(year + 1, 0, 1));
  const theirs = zoneTransitions(zone, year);
  const same = (t: Transition, i: number): boolean => t.at === theirs[i]?.at && t.offset === theirs[i]?.offset;
  return mine.length === theirs.length && mine.every(same);
}

export interface ZoneMatchOptions {
  /** Year whose rules are compared; default: the current year. */
  readonly referenceYear?: number;
  /** Zone to prefer when it fits, typically the user's own (runtimeZone()). */
  readonly hint?: string;
  /** Zones to search; default: candidateZones(). */
  readonly candidates?: readonly string[];
}

/**
 * The IANA zone for a blob, or undefined when none has the same rules. Order of
 * preference, each checked against the blob's rules for the reference year:
 * the Windows name in StandardName (WINDOWS_ZONES), an IANA name in StandardName
 * (some clients write one), the hint, the zones of WINDOWS_ZONES, then the first
 * matching candidate in alphabetical order. A name never wins over the rules:
 * times are computed from the rules.
 */
export function ianaForBlob(tz: TimeZoneBlob, opts: ZoneMatchOptions = {}): string | undefined {
  const year = opts.referenceYear ?? new Date().getUTCFullYear();
  const key = [encodeTimeZone(tz), year, opts.hint ?? '', (opts.candidates ?? []).join(',')].join('|');
  if (!matchCache.has(key)) {
    if (matchCache.size >= 256) matchCache.clear();
    matchCache.set(key, findZone(tz, year, opts));
  }
  return matchCache.get(key);
}

/** Results of ianaForBlob: a full search touches every zone Intl knows, so do it once per blob. */
const matchCache = new Map<string, string | undefined>();

function findZone(tz: TimeZoneBlob, year: number, opts: ZoneMatchOptions): string | undefined {
  const fits = (zone: string | undefined): zone is string => zone !== undefined && zoneMatchesBlob(zone, tz, year);
  const name = tz.standardName.trim();
  const named = [WINDOWS_ZONES[name], name.includes('/') ? name : undefined, opts.hint];
  const first = named.find(fits) ?? PREFERRED_ZONES.find(fits);
  if (first) return first;
  const { standard } = blobOffsets(tz);
  const mid = Date.UTC(year, 6, 1);
  return [...(opts.candidates ?? candidateZones())]
    .sort()
    .filter((z) => isKnownZone(z) && Math.abs(zoneOffsetAt(z, mid) - standard) <= 120) // cheap pre-filter
    .find(fits);
}

// ---------------------------------------------------------------------------
// A zone you can compute with

/**
 * A time zone for calendar arithmetic: an IANA zone when the blob matched one
 * (Intl then gives the offsets, including other years' rules), else the blob's
 * own rules, so that times never shift even for a zone we cannot name.
 */
export interface EasZone {
  /** IANA name, or undefined for a zone known only by its blob. */
  readonly iana: string | undefined;
  readonly blob: TimeZoneBlob;
  /** UTC offset in minutes (local = UTC + offset) at an instant. */
  offsetAt(instant: Date | number): number;
}

/** Resolves a blob to an EasZone: an IANA zone when one matches, else a fixed-rule zone. */
export function zoneFromBlob(tz: TimeZoneBlob, opts: ZoneMatchOptions = {}): EasZone {
  const iana = ianaForBlob(tz, opts);
  if (iana) return { iana, blob: tz, offsetAt: (i) => zoneOffsetAt(iana, i) };
  return { iana: undefined, blob: tz, offsetAt: (i) => offsetAt(tz, i) };
}

/** An EasZone for an IANA name, with its blob for `referenceYear` (default: this year). */
export function zoneFromIana(iana: string, referenceYear = new Date().getUTCFullYear()): EasZone {
  return { iana, blob: blobForZone(iana, referenceYear), offsetAt: (i) => zoneOffsetAt(iana, i) };
}

/** Local wall-clock fields (month 1..12, dayOfWeek 0 = Sunday). */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly dayOfWeek: number;
}

/** The wall-clock time in `zone` at an instant. */
export function wallTimeAt(zone: EasZone, instant: Date | number): WallTime {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  const d = new Date(t + zone.offsetAt(t) * MINUTE);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    dayOfWeek: d.getUTCDay(),
  };
}

/**
 * The instant of a wall-clock time in `zone`. A time that occurs twice (the hour
 * repeated when daylight time ends) gives the earlier instant; a time skipped when
 * daylight time starts is read with the offset before the change, so it lands
 * after the gap (the "compatible" choice of RFC 5545 and Temporal).
 */
export function instantAt(
  zone: EasZone,
  wall: Pick<WallTime, 'year' | 'month' | 'day'> & Partial<Pick<WallTime, 'hour' | 'minute' | 'second'>>,
): Date {
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0);
  const before = zone.offsetAt(local - DAY);
  const after = zone.offsetAt(local + DAY);
  const valid = [before, after]
    .map((o) => local - o * MINUTE)
    .filter((t) => local - zone.offsetAt(t) * MINUTE === t)
    .sort((a, b) => a - b);
  return new Date(valid[0] ?? local - before * MINUTE);
}
