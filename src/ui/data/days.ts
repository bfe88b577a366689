/** Calendar days as 'YYYY-MM-DD' keys (they sort as strings). */
const pad = (n: number) => String(n).padStart(2, '0');

export const dayKey = (y: number, m: number, d: number): string => `${y}-${pad(m)}-${pad(d)}`;

/** The user's local day of an instant. */
export const localDayKey = (d: Date): string => dayKey(d.getFullYear(), d.getMonth() + 1, d.getDate());
