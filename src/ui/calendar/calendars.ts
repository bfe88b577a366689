/**
 * The calendars the user sees, told apart: each has a colour, a name that says whose
 * it is ("Bob's calendar" for a calendar Bob shares, from the folder's name and its
 * owner, src/sync/folders.ts folderOwner) and a show/hide switch kept in this browser.
 * A meeting that sits in two shown calendars (the same UID, MS-ASCAL 2.2.2.46: the
 * user's copy and the organizer's, say) is shown once, marked as in both.
 */
import { RESPONSE_TYPE, type CalendarItem } from '../../eas/items/calendar.ts';
import type { FolderRecord } from '../../store/schema.ts';
import type { ItemRef } from '../../runtime/engine-client.ts';
import type { I18n } from '../i18n/index.ts';
import { folderName } from '../mail/folders.ts';

/** MS-ASCMD 2.2.3.186.3 Type: 8 the default Calendar, 13 a user-created (or shared) one. */
const DEFAULT_CALENDAR = 8;

/** Colours a calendar takes, in order (dark enough for white text on an all-day chip). */
export const PALETTE = ['#1f4e79', '#b3261e', '#2e7d32', '#6a3d9a', '#8a5a00', '#00707f', '#ad1457', '#4e5d23'] as const;

const HIDDEN_KEY = 'eas-pwa.calendars.hidden';

export interface CalendarInfo {
  /** accountId + '/' + folder ServerId. */
  readonly key: string;
  readonly folder: FolderRecord;
  readonly name: string;
  readonly colour: string;
  readonly shown: boolean;
}

export interface StoredEvent {
  readonly ref: ItemRef;
  /** The calendar (folder ServerId) holding it. */
  readonly folderId: string;
  readonly item: CalendarItem;
}

/** An event as shown: from one calendar, or one meeting found in several. */
export interface ShownEvent extends StoredEvent {
  /** The keys of the shown calendars that hold it, the one `ref` points into first. */
  readonly calendars: readonly string[];
}

export const calendarKey = (accountId: string, folderId: string): string => `${accountId}/${folderId}`;

/** Names servers give a user's main calendar (Exchange, SOGo, Zimbra, Horde; en, de, ja). */
const PLAIN_NAME = /^(calendar|personal calendar|kalender|persönlicher kalender|予定表|カレンダー)$/i;

/**
 * Whose calendar: own calendars keep their name (the default one in the UI's language); a shared one is "Bob's calendar"
 * (in the UI's language) when its folder name says no more than that, else its name
 * with the owner's ("Bob's calendar “Trips”").
 */
export function calendarName(folder: Pick<FolderRecord, 'displayName' | 'owner' | 'type'>, i18n: Pick<I18n, 't'>): string {
  const name = folder.displayName.trim();
  const owner = folder.owner?.trim();
  if (!owner) return folderName(folder, i18n);
  const rest = name.toLowerCase().startsWith(owner.toLowerCase())
    ? name
        .slice(owner.length)
        .replace(/^['’]s\s+/i, '')
        .trim()
    : name;
  if (rest === '' || PLAIN_NAME.test(rest)) return i18n.t('cal.calendarOf', { owner });
  return i18n.t('cal.calendarOfNamed', { owner, name: rest });
}

/** The user's own calendars first (the default one leading), then shared ones by owner and name. */
function order(a: FolderRecord, b: FolderRecord): number {
  const rank = (f: FolderRecord) => (f.owner ? 2 : f.type === DEFAULT_CALENDAR ? 0 : 1);
  return (
    rank(a) - rank(b) ||
    (a.owner ?? '').localeCompare(b.owner ?? '') ||
    a.displayName.localeCompare(b.displayName) ||
    a.serverId.localeCompare(b.serverId)
  );
}

/** Every synced calendar with its name, colour and switch. */
export function describeCalendars(folders: readonly FolderRecord[], hidden: ReadonlySet<string>, i18n: Pick<I18n, 't'>): CalendarInfo[] {
  return [...folders].sort(order).map((folder, i) => {
    const key = calendarKey(folder.accountId, folder.serverId);
    return { key, folder, name: calendarName(folder, i18n), colour: PALETTE[i % PALETTE.length] as string, shown: !hidden.has(key) };
  });
}

/**
 * The events of the shown calendars, one per meeting: events with the same UID are one,
 * kept from the first calendar in `calendars` order (the user's own copy, which holds
 * the user's answer, before the organizer's shared one), listing every calendar holding it.
 */
export function mergeShown(events: readonly StoredEvent[], calendars: readonly CalendarInfo[]): ShownEvent[] {
  const rank = new Map(calendars.filter((c) => c.shown).map((c, i) => [c.key, i]));
  const keyOf = (e: StoredEvent) => calendarKey(e.ref.accountId, e.folderId);
  const shown = events.filter((e) => rank.has(keyOf(e))).sort((a, b) => (rank.get(keyOf(a)) ?? 0) - (rank.get(keyOf(b)) ?? 0));
  const byUid = new Map<string, { first: StoredEvent; calendars: string[] }>();
  const out: { first: StoredEvent; calendars: string[] }[] = [];
  for (const e of shown) {
    const uid = e.item.uid?.trim();
    const same = uid ? byUid.get(uid) : undefined;
    if (same) {
      if (!same.calendars.includes(keyOf(e))) same.calendars.push(keyOf(e));
      continue;
    }
    const entry = { first: e, calendars: [keyOf(e)] };
    out.push(entry);
    if (uid) byUid.set(uid, entry);
  }
  return out.map(({ first, calendars: keys }) => ({ ...first, calendars: keys }));
}

/**
 * What the attendee list says of one attendee. The user's own row follows the user's
 * answer (ResponseType, MS-ASCAL 2.2.2.40): a server may leave the user's AttendeeStatus
 * (2.2.2.4, meant for the organizer's copy) unanswered in the attendee's copy, and the
 * event must not say "Accepted" above a list that shows the user as not answered.
 */
export function attendeeStatus(
  a: { readonly email: string; readonly status?: number },
  event: Pick<CalendarItem, 'responseType'>,
  ownEmail: string | undefined,
): number | undefined {
  const own = !!ownEmail && a.email.trim().toLowerCase() === ownEmail.trim().toLowerCase();
  const answer = event.responseType;
  const answeredType = answer === RESPONSE_TYPE.accepted || answer === RESPONSE_TYPE.tentative || answer === RESPONSE_TYPE.declined;
  // ResponseType 2/3/4 and AttendeeStatus 2/3/4 name the same answers.
  return own && answeredType ? answer : a.status;
}

export function loadHidden(): Set<string> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? '[]');
    return new Set(Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}

export function saveHidden(hidden: ReadonlySet<string>): void {
  localStorage.setItem(HIDDEN_KEY, JSON.stringify([...hidden]));
}
