/** What an attendee's free/busy says of the event's time, for a short hint beside their name. */
export type Busy = 'free' | 'tentative' | 'busy' | 'away';

const BY_DIGIT: Readonly<Record<string, Busy>> = { '0': 'free', '1': 'tentative', '2': 'busy', '3': 'away' };

/**
 * The busiest 30-minute slot of a MergedFreeBusy string (MS-ASCMD 2.2.3.107: 0 free,
 * 1 tentative, 2 busy, 3 out of office, 4 no data); undefined when there is no data at all.
 */
export function busiest(merged: string | undefined): Busy | undefined {
  const digits = [...(merged ?? '')].filter((d) => d in BY_DIGIT).map(Number);
  if (digits.length === 0) return undefined;
  // Out of office outranks busy, busy outranks tentative (the spec's "higher digit" rule).
  return BY_DIGIT[String(Math.max(...digits))];
}
