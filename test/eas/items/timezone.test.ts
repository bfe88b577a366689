import { describe, expect, it } from 'vitest';
import { EasProtocolError } from '../../../src/eas/command.ts';
import {
  UTC_BLOB,
  blobForZone,
  decodeTimeZone,
  encodeTimeZone,
  ianaForBlob,
  instantAt,
  offsetAt,
  timeZoneFromBytes,
  timeZoneToBytes,
  wallTimeAt,
  zoneFromBlob,
  zoneFromIana,
  zoneOffsetAt,
  type SystemTime,
  type TimeZoneBlob,
} from '../../../src/eas/items/timezone.ts';

/** A yearly rule: month, week of month (5 = last), weekday (0 = Sunday), local hour. */
function rule(month: number, week: number, weekday: number, hour: number): SystemTime {
  return { year: 0, month, dayOfWeek: weekday, day: week, hour, minute: 0, second: 0, milliseconds: 0 };
}
const NONE = rule(0, 0, 0, 0);

// The published Windows rules of these zones (registry TZI values).
const W_EUROPE: TimeZoneBlob = {
  bias: -60,
  standardName: 'W. Europe Standard Time',
  standardDate: rule(10, 5, 0, 3),
  standardBias: 0,
  daylightName: 'W. Europe Daylight Time',
  daylightDate: rule(3, 5, 0, 2),
  daylightBias: -60,
};
const TOKYO: TimeZoneBlob = {
  bias: -540,
  standardName: 'Tokyo Standard Time',
  standardDate: NONE,
  standardBias: 0,
  daylightName: 'Tokyo Daylight Time',
  daylightDate: NONE,
  daylightBias: 0,
};
const EASTERN: TimeZoneBlob = {
  bias: 300,
  standardName: 'Eastern Standard Time',
  standardDate: rule(11, 1, 0, 2),
  standardBias: 0,
  daylightName: 'Eastern Daylight Time',
  daylightDate: rule(3, 2, 0, 2),
  daylightBias: -60,
};
const AUS_EASTERN: TimeZoneBlob = {
  bias: -600,
  standardName: 'AUS Eastern Standard Time',
  standardDate: rule(4, 1, 0, 3),
  standardBias: 0,
  daylightName: 'AUS Eastern Daylight Time',
  daylightDate: rule(10, 1, 0, 2),
  daylightBias: -60,
};

const KNOWN: [TimeZoneBlob, string][] = [
  [W_EUROPE, 'Europe/Berlin'],
  [TOKYO, 'Asia/Tokyo'],
  [EASTERN, 'America/New_York'],
  [AUS_EASTERN, 'Australia/Sydney'],
  [UTC_BLOB, 'UTC'],
];

const nameless = (tz: TimeZoneBlob): TimeZoneBlob => ({ ...tz, standardName: '', daylightName: '' });
const at = (iso: string): number => Date.parse(iso);

describe('TimeZone blob bytes (MS-ASDTYPE 2.7.6)', () => {
  it('lays out the 172 bytes little-endian with UTF-16LE names', () => {
    const b = timeZoneToBytes(W_EUROPE);
    const v = new DataView(b.buffer);
    expect(b.length).toBe(172);
    expect([...b.subarray(0, 4)]).toEqual([0xc4, 0xff, 0xff, 0xff]); // -60
    expect([...b.subarray(4, 8)]).toEqual([0x57, 0, 0x2e, 0]); // "W."
    expect(v.getUint16(68 + 2, true)).toBe(10); // StandardDate.wMonth
    expect(v.getUint16(68 + 6, true)).toBe(5); // StandardDate.wDay: last week
    expect(v.getUint16(68 + 8, true)).toBe(3); // StandardDate.wHour
    expect(v.getUint16(152 + 2, true)).toBe(3); // DaylightDate.wMonth
    expect(v.getInt32(168, true)).toBe(-60); // DaylightBias
  });

  it('round-trips every known blob through base64', () => {
    for (const [tz] of KNOWN) expect(decodeTimeZone(encodeTimeZone(tz))).toEqual(tz);
  });

  it('decodes a wire value', () => {
    const wire =
      'xP///1cALgAgAEUAdQByAG8AcABlACAAUwB0AGEAbgBkAGEAcgBkACAAVABpAG0AZQAAAAAAAAAAAAAAAAAAAAAAAAAAAAoAAAAF' +
      'AAMAAAAAAAAAAAAAAFcALgAgAEUAdQByAG8AcABlACAARABhAHkAbABpAGcAaAB0ACAAVABpAG0AZQAAAAAAAAAAAAAAAAAAAAAA' +
      'AAAAAAMAAAAFAAIAAAAAAAAAxP///w==';
    expect(decodeTimeZone(wire)).toEqual(W_EUROPE);
    expect(encodeTimeZone(W_EUROPE)).toBe(wire);
  });

  it('cuts names to 31 characters so the last WCHAR stays NUL', () => {
    const long = { ...UTC_BLOB, standardName: 'x'.repeat(40) };
    expect(timeZoneFromBytes(timeZoneToBytes(long)).standardName).toBe('x'.repeat(31));
  });

  it('rejects a short blob and junk text', () => {
    expect(() => timeZoneFromBytes(new Uint8Array(100))).toThrow(EasProtocolError);
    expect(() => decodeTimeZone('not base64!')).toThrow(EasProtocolError);
  });
});

describe('offsetAt from the blob rules', () => {
  it('switches Berlin at 2026-03-29 01:00Z and 2026-10-25 01:00Z', () => {
    expect(offsetAt(W_EUROPE, at('2026-03-29T00:59:00Z'))).toBe(60);
    expect(offsetAt(W_EUROPE, at('2026-03-29T01:00:00Z'))).toBe(120);
    expect(offsetAt(W_EUROPE, at('2026-10-25T00:59:00Z'))).toBe(120);
    expect(offsetAt(W_EUROPE, at('2026-10-25T01:00:00Z'))).toBe(60);
  });

  it('switches New York on the second Sunday of March and the first of November', () => {
    expect(offsetAt(EASTERN, at('2026-03-08T06:59:00Z'))).toBe(-300);
    expect(offsetAt(EASTERN, at('2026-03-08T07:00:00Z'))).toBe(-240);
    expect(offsetAt(EASTERN, at('2026-11-01T05:59:00Z'))).toBe(-240);
    expect(offsetAt(EASTERN, at('2026-11-01T06:00:00Z'))).toBe(-300);
  });

  it('handles the southern hemisphere (daylight time across new year)', () => {
    expect(offsetAt(AUS_EASTERN, at('2026-01-01T00:00:00Z'))).toBe(660);
    expect(offsetAt(AUS_EASTERN, at('2026-04-04T15:59:00Z'))).toBe(660);
    expect(offsetAt(AUS_EASTERN, at('2026-04-04T16:00:00Z'))).toBe(600);
    expect(offsetAt(AUS_EASTERN, at('2026-10-03T15:59:00Z'))).toBe(600);
    expect(offsetAt(AUS_EASTERN, at('2026-10-03T16:00:00Z'))).toBe(660);
    expect(offsetAt(AUS_EASTERN, at('2026-12-31T23:00:00Z'))).toBe(660);
  });

  it('has no daylight time for Tokyo and UTC', () => {
    for (const t of ['2026-01-15T00:00:00Z', '2026-07-15T00:00:00Z']) {
      expect(offsetAt(TOKYO, at(t))).toBe(540);
      expect(offsetAt(UTC_BLOB, at(t))).toBe(0);
    }
  });

  it('agrees with Intl every six hours of 2026 for the known zones', () => {
    for (const [tz, zone] of KNOWN) {
      for (let t = at('2026-01-01T00:00:00Z'); t < at('2027-01-01T00:00:00Z'); t += 6 * 3_600_000) {
        expect(offsetAt(tz, t), `${zone} ${new Date(t).toISOString()}`).toBe(zoneOffsetAt(zone, t));
      }
    }
  });

  it('applies an absolute-date rule only in its own year', () => {
    const once: TimeZoneBlob = {
      ...W_EUROPE,
      standardDate: { ...W_EUROPE.standardDate, year: 2026, day: 25 },
      daylightDate: { ...W_EUROPE.daylightDate, year: 2026, day: 29 },
    };
    expect(offsetAt(once, at('2026-07-01T00:00:00Z'))).toBe(120);
    expect(offsetAt(once, at('2027-07-01T00:00:00Z'))).toBe(60);
  });
});

describe('IANA zone -> blob', () => {
  it('derives the published rules of each known zone for 2026', () => {
    for (const [tz, zone] of KNOWN) expect(blobForZone(zone, 2026)).toEqual(tz);
  });

  it('names an unmapped zone by its IANA name', () => {
    const b = blobForZone('Europe/Amsterdam', 2026);
    expect(b.standardName).toBe('Europe/Amsterdam');
    expect(nameless(b)).toEqual(nameless(W_EUROPE));
  });
});

describe('blob -> IANA zone', () => {
  it('finds the zone of each known blob by its Windows name', () => {
    for (const [tz, zone] of KNOWN) expect(ianaForBlob(tz, { referenceYear: 2026 })).toBe(zone);
  });

  it('finds the canonical zone by rules alone when the names are empty', () => {
    for (const [tz, zone] of KNOWN) expect(ianaForBlob(nameless(tz), { referenceYear: 2026 })).toBe(zone);
  });

  it('prefers a hint whose rules fit, and ignores one that does not', () => {
    expect(ianaForBlob(nameless(W_EUROPE), { referenceYear: 2026, hint: 'Europe/Paris' })).toBe('Europe/Paris');
    expect(ianaForBlob(nameless(W_EUROPE), { referenceYear: 2026, hint: 'Asia/Tokyo' })).toBe('Europe/Berlin');
  });

  it('accepts an IANA name in StandardName', () => {
    const tz = { ...W_EUROPE, standardName: 'Europe/Amsterdam' };
    expect(ianaForBlob(tz, { referenceYear: 2026 })).toBe('Europe/Amsterdam');
  });

  it('trusts the rules over a misleading name', () => {
    const tz = { ...W_EUROPE, standardName: 'Tokyo Standard Time' };
    expect(ianaForBlob(tz, { referenceYear: 2026 })).toBe('Europe/Berlin');
  });

  it('searches the given candidates when no preferred zone fits', () => {
    // Lord Howe: UTC+10:30 with a 30-minute daylight shift; Yangon: UTC+6:30, no daylight time.
    for (const zone of ['Australia/Lord_Howe', 'Asia/Yangon']) {
      const b = nameless(blobForZone(zone, 2026));
      expect(ianaForBlob(b, { referenceYear: 2026, candidates: ['Asia/Tokyo', zone] })).toBe(zone);
      expect(ianaForBlob(b, { referenceYear: 2026, candidates: ['Asia/Tokyo'] })).toBeUndefined();
    }
  });
});

describe('EasZone', () => {
  // UTC+1 with daylight time from the first Sunday of May to the first Sunday of September: no real zone.
  const ODD: TimeZoneBlob = {
    ...W_EUROPE,
    standardName: 'Custom',
    daylightName: 'Custom summer',
    standardDate: rule(9, 1, 0, 3),
    daylightDate: rule(5, 1, 0, 2),
  };

  it('falls back to the blob rules when no zone matches, so times do not shift', () => {
    const z = zoneFromBlob(ODD, { referenceYear: 2026 });
    expect(z.iana).toBeUndefined();
    expect(z.offsetAt(at('2026-05-03T00:59:00Z'))).toBe(60);
    expect(z.offsetAt(at('2026-05-03T01:00:00Z'))).toBe(120);
    expect(z.offsetAt(at('2026-09-06T00:59:00Z'))).toBe(120);
    expect(z.offsetAt(at('2026-09-06T01:00:00Z'))).toBe(60);
  });

  it('uses Intl for a matched zone', () => {
    const z = zoneFromBlob(EASTERN, { referenceYear: 2026 });
    expect(z.iana).toBe('America/New_York');
    // 2006-03-20: daylight time by today's rules, not yet by the pre-2007 ones that tzdata knows.
    expect(offsetAt(EASTERN, at('2006-03-20T12:00:00Z'))).toBe(-240);
    expect(z.offsetAt(at('2006-03-20T12:00:00Z'))).toBe(-300);
  });

  it('converts wall-clock times to instants, including the gap and the repeated hour', () => {
    const berlin = zoneFromIana('Europe/Berlin', 2026);
    expect(instantAt(berlin, { year: 2026, month: 7, day: 1, hour: 12 }).toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(instantAt(berlin, { year: 2026, month: 3, day: 29, hour: 2, minute: 30 }).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(instantAt(berlin, { year: 2026, month: 10, day: 25, hour: 2, minute: 30 }).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('reads the wall clock of an instant', () => {
    const sydney = zoneFromBlob(AUS_EASTERN, { referenceYear: 2026 });
    expect(wallTimeAt(sydney, at('2026-01-01T00:00:00Z'))).toEqual({
      year: 2026,
      month: 1,
      day: 1,
      hour: 11,
      minute: 0,
      second: 0,
      dayOfWeek: 4,
    });
  });
});
