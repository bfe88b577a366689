import { describe, expect, it } from 'vitest';
import { formatCompactDateTime, formatEasDateTime, parseEasDate } from '../../../src/eas/items/dates.ts';

describe('parseEasDate', () => {
  it('reads the MS-ASDTYPE 2.3 dateTime form', () => {
    expect(parseEasDate('2026-11-25T09:00:00.000Z')?.toISOString()).toBe('2026-11-25T09:00:00.000Z');
    expect(parseEasDate('2010-12-28T22:30:09.906Z')?.getTime()).toBe(Date.UTC(2010, 11, 28, 22, 30, 9, 906));
  });

  it('reads the MS-ASDTYPE 2.7.2 compact form', () => {
    expect(parseEasDate('20261125T090000Z')?.toISOString()).toBe('2026-11-25T09:00:00.000Z');
  });

  it('tolerates a missing Z, missing or long fractions and surrounding space', () => {
    expect(parseEasDate('2026-11-25T09:00:00')?.toISOString()).toBe('2026-11-25T09:00:00.000Z');
    expect(parseEasDate(' 2026-11-25T09:00:00.1234567Z\n')?.toISOString()).toBe('2026-11-25T09:00:00.123Z');
    expect(parseEasDate('2026-11-25T09:00:00.5Z')?.getUTCMilliseconds()).toBe(500);
  });

  it('keeps years below 100 (Date.UTC would move them to the 1900s)', () => {
    expect(parseEasDate('0001-01-01T00:00:00.000Z')?.getUTCFullYear()).toBe(1);
  });

  it('rejects malformed and impossible dates', () => {
    expect(parseEasDate(undefined)).toBeUndefined();
    expect(parseEasDate('')).toBeUndefined();
    expect(parseEasDate('2026-11-25')).toBeUndefined();
    expect(parseEasDate('2026-02-30T00:00:00.000Z')).toBeUndefined();
    expect(parseEasDate('2026-13-01T00:00:00.000Z')).toBeUndefined();
    expect(parseEasDate('20261125T250000Z')).toBeUndefined();
    expect(parseEasDate('2026-11-25T09:00:00+01:00')).toBeUndefined();
  });
});

describe('formatting', () => {
  const d = new Date(Date.UTC(2026, 10, 25, 9, 5, 7, 42));

  it('writes dateTime with milliseconds and Z', () => {
    expect(formatEasDateTime(d)).toBe('2026-11-25T09:05:07.042Z');
  });

  it('writes Compact DateTime without separators or milliseconds', () => {
    expect(formatCompactDateTime(d)).toBe('20261125T090507Z');
  });

  it('round-trips through the parser', () => {
    expect(parseEasDate(formatEasDateTime(d))).toEqual(d);
    expect(parseEasDate(formatCompactDateTime(d))).toEqual(new Date(Date.UTC(2026, 10, 25, 9, 5, 7)));
  });
});
