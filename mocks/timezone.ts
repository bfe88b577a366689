/**
 * EAS TimeZone blobs (MS-ASDTYPE 2.6.4) for the zones the demo data uses, written
 * from the zones' published rules, and local-time -> UTC conversion via Intl.
 */
import { toBase64 } from '../src/wbxml/base64.ts';

/** A transition rule: month, weekday (0 Sunday), week of month (5 = last), local hour. */
interface Rule {
  readonly month: number;
  readonly dayOfWeek: number;
  readonly week: number;
  readonly hour: number;
}

interface ZoneRules {
  /** Minutes to add to local time to get UTC (Tokyo: -540). */
  readonly bias: number;
  readonly standardName: string;
  readonly daylightName: string;
  readonly standard?: Rule;
  readonly daylight?: Rule;
  /** Usually -60: daylight time is one hour ahead of standard time. */
  readonly daylightBias: number;
}

const ZONES: Record<string, ZoneRules> = {
  'Asia/Tokyo': { bias: -540, standardName: 'Tokyo Standard Time', daylightName: 'Tokyo Daylight Time', daylightBias: 0 },
  // EU rules since 1996: last Sunday of March 02:00 -> CEST, last Sunday of October 03:00 -> CET.
  'Europe/Berlin': {
    bias: -60,
    standardName: 'W. Europe Standard Time',
    daylightName: 'W. Europe Daylight Time',
    standard: { month: 10, dayOfWeek: 0, week: 5, hour: 3 },
    daylight: { month: 3, dayOfWeek: 0, week: 5, hour: 2 },
    daylightBias: -60,
  },
  // US rules since 2007: second Sunday of March 02:00 -> EDT, first Sunday of November 02:00 -> EST.
  'America/New_York': {
    bias: 300,
    standardName: 'Eastern Standard Time',
    daylightName: 'Eastern Daylight Time',
    standard: { month: 11, dayOfWeek: 0, week: 1, hour: 2 },
    daylight: { month: 3, dayOfWeek: 0, week: 2, hour: 2 },
    daylightBias: -60,
  },
  UTC: { bias: 0, standardName: 'Coordinated Universal Time', daylightName: 'Coordinated Universal Time', daylightBias: 0 },
};

export const DEMO_ZONES = ['Asia/Tokyo', 'Europe/Berlin', 'America/New_York'] as const;

function writeName(view: DataView, offset: number, name: string): void {
  for (let i = 0; i < Math.min(name.length, 31); i++) view.setUint16(offset + i * 2, name.charCodeAt(i), true);
}

/** SYSTEMTIME with wYear 0: a yearly recurring rule (MS-ASDTYPE 2.6.4). */
function writeRule(view: DataView, offset: number, rule: Rule | undefined): void {
  if (!rule) return;
  view.setUint16(offset + 2, rule.month, true);
  view.setUint16(offset + 4, rule.dayOfWeek, true);
  view.setUint16(offset + 6, rule.week, true);
  view.setUint16(offset + 8, rule.hour, true);
}

/** The base64 TimeZone blob for an IANA zone the mock knows (Tokyo, Berlin, New York, UTC). */
export function timezoneBlob(zone: string): string {
  const z = ZONES[zone];
  if (!z) throw new Error(`no TimeZone rules for ${zone}`);
  const bytes = new Uint8Array(172);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, z.bias, true);
  writeName(view, 4, z.standardName);
  writeRule(view, 68, z.standard);
  view.setInt32(84, 0, true);
  writeName(view, 88, z.daylightName);
  writeRule(view, 152, z.daylight);
  view.setInt32(168, z.daylight ? z.daylightBias : 0, true);
  return toBase64(bytes);
}

/** Offset of `zone` from UTC at instant `ms`, in minutes (Berlin in summer: +120). */
function offsetMinutes(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** UTC instant of a wall-clock time in `zone` (month 1-12). */
export function zonedToUtc(zone: string, y: number, month: number, d: number, h: number, min = 0): number {
  const guess = Date.UTC(y, month - 1, d, h, min);
  const first = guess - offsetMinutes(zone, guess) * 60000;
  return guess - offsetMinutes(zone, first) * 60000;
}

/** The wall-clock date of instant `ms` in `zone` (month 1-12, weekday 0 Sunday). */
export function localParts(zone: string, ms: number): { y: number; m: number; d: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
  }).formatToParts(new Date(ms));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { y: Number(get('year')), m: Number(get('month')), d: Number(get('day')), weekday };
}
