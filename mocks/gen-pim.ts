/**
 * Seeded Contacts, Calendar, Tasks, Notes and GAL data, built as the classes'
 * own ApplicationData elements (MS-ASCNTC, MS-ASCAL, MS-ASTASK, MS-ASNOTE).
 */
import { el, ns, type El } from '../src/wbxml/tree.ts';
import {
  CATEGORIES,
  CITIES,
  COMPANIES,
  EN_PEOPLE,
  EVENT_TITLES,
  JA_PEOPLE,
  LOCATIONS,
  NOTE_TITLES,
  TASK_TITLES,
  TITLES,
  type Person,
} from './gen-text.ts';
import type { Address, GalEntry, Pim, User } from './model.ts';
import { portrait } from './picture.ts';
import { rng, type Rng } from './random.ts';
import { toBase64 } from '../src/wbxml/base64.ts';
import { DEMO_ZONES, localParts, timezoneBlob, zonedToUtc } from './timezone.ts';
import { compactDate, isoDate } from './wire.ts';

const C = ns('Calendar');
const K = ns('Contacts');
const K2 = ns('Contacts2');
const T = ns('Tasks');
const N = ns('Notes');
const DAY = 86_400_000;

function categories(namespace: string, list: readonly string[]): El | undefined {
  return list.length > 0
    ? el(
        namespace,
        'Categories',
        list.map((c) => el(namespace, 'Category', c)),
      )
    : undefined;
}

function pim(props: (El | undefined | false)[], body?: Pim['body']): Pim {
  return { kind: 'pim', props: props.filter((p): p is El => p !== undefined && p !== false), body };
}

// ------------------------------------------------------------------ contacts

function phone(r: Rng, japanese: boolean): string {
  return japanese ? `090-${r.int(1000, 9999)}-${r.int(1000, 9999)}` : `+1 212 555 ${r.int(1000, 9999)}`;
}

export function contactFor(p: Person, r: Rng, index: number): Pim {
  const japanese = p.yomiLast !== undefined;
  const [city, country] = r.pick(CITIES);
  const fileAs = japanese ? `${p.last} ${p.first}` : `${p.last}, ${p.first}`;
  const birthday = r.chance(0.4) ? isoDate(Date.UTC(1970 + r.int(0, 30), r.int(0, 11), r.int(1, 28))) : undefined;
  return pim(
    [
      K('FileAs', fileAs),
      K('FirstName', p.first),
      K('LastName', p.last),
      p.yomiFirst !== undefined && K('YomiFirstName', p.yomiFirst),
      p.yomiLast !== undefined && K('YomiLastName', p.yomiLast),
      K('CompanyName', r.pick(COMPANIES)),
      K('JobTitle', r.pick(TITLES)),
      K('Email1Address', `${p.ascii}${index > 27 ? index : ''}@partner.example.com`),
      K('MobilePhoneNumber', phone(r, japanese)),
      r.chance(0.5) && K('BusinessPhoneNumber', phone(r, japanese)),
      K('BusinessAddressCity', city),
      K('BusinessAddressCountry', country),
      birthday !== undefined && K('Birthday', birthday),
      categories('Contacts', r.chance(0.3) ? [r.pick(CATEGORIES)] : []),
      r.chance(0.2) && K2('NickName', p.first),
    ],
    r.chance(0.3) ? { type: 1, data: japanese ? '展示会で名刺交換。' : 'Met at the trade fair.' } : undefined,
  );
}

/** A colleague (another demo user) as a contact, under the address the mails use. */
export function colleagueContact(u: User): Pim {
  const picture = userPortrait(u);
  const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/.test(u.lastName);
  return pim([
    K('FileAs', japanese ? `${u.lastName} ${u.firstName}` : `${u.lastName}, ${u.firstName}`),
    K('FirstName', u.firstName),
    K('LastName', u.lastName),
    u.company !== undefined && K('CompanyName', u.company),
    u.title !== undefined && K('JobTitle', u.title),
    K('Email1Address', u.email),
    u.phone !== undefined && K('BusinessPhoneNumber', u.phone),
    picture !== undefined && K('Picture', toBase64(picture)),
  ]);
}

/** The last contacts of `list` replaced by the colleagues, so the count stays. */
export function withColleagues(list: readonly Pim[], colleagues: readonly User[]): Pim[] {
  const mates = colleagues.slice(0, list.length).map(colleagueContact);
  return [...list.slice(0, list.length - mates.length), ...mates];
}

/** People only the directory knows (no mailbox here, in nobody's contacts). */
export const DIRECTORY_ONLY: readonly GalEntry[] = [
  {
    displayName: 'Borislav Novak',
    firstName: 'Borislav',
    lastName: 'Novak',
    email: 'borislav.novak@example.test',
    alias: 'borislav.novak',
    office: 'Berlin',
    title: 'Sales Manager',
    company: 'Example Corp',
    phone: '+49 30 5555 0101',
  },
  {
    displayName: 'Ingrid Halvorsen',
    firstName: 'Ingrid',
    lastName: 'Halvorsen',
    email: 'ingrid.halvorsen@example.test',
    alias: 'ingrid.halvorsen',
    office: 'Oslo',
    title: 'Controller',
    company: 'Example Corp',
    phone: '+47 22 5555 0102',
    // A directory photo for someone who is in nobody's contacts (a sender's photo comes from the GAL).
    picture: portrait(7),
  },
];

/** `count` contacts, half Japanese, half English; names repeat with a number past the pools. */
export function contacts(seed: number, count: number): Pim[] {
  const r = rng(seed ^ 0xc0ffee);
  return Array.from({ length: count }, (_, i) => {
    const pool = i % 2 === 0 ? JA_PEOPLE : EN_PEOPLE;
    const p = pool[Math.floor(i / 2) % pool.length] as Person;
    return contactFor(p, r, i);
  });
}

// ------------------------------------------------------------------ calendar

export interface EventSpec {
  readonly uid: string;
  readonly subject: string;
  readonly zone: string;
  readonly start: number;
  readonly end: number;
  readonly allDay?: boolean;
  readonly location?: string;
  readonly organizer?: Address;
  readonly attendees?: readonly { readonly who: Address; readonly status: number }[];
  /** MS-ASCAL 2.2.2.29 MeetingStatus: 0 appointment, 1 meeting (organizer), 3 meeting received. */
  readonly meetingStatus?: number;
  /** MS-ASCAL 2.2.2.40 ResponseType. */
  readonly responseType?: number;
  /** MS-ASCAL 2.2.2.8 BusyStatus: 0 free, 1 tentative, 2 busy, 3 out of office. */
  readonly busy?: number;
  readonly recurrence?: El;
  readonly exceptions?: El;
  readonly categories?: readonly string[];
  readonly body?: string;
  readonly stamp: number;
  /** A TimeZone blob to use as is (a meeting request's own); else the blob of `zone`. */
  readonly timezone?: string;
}

/** A Calendar item's elements in the order Exchange sends them. */
export function eventFor(s: EventSpec): Pim {
  const meeting = (s.meetingStatus ?? 0) !== 0;
  return pim(
    [
      C('Timezone', s.timezone ?? timezoneBlob(s.zone)),
      C('AllDayEvent', s.allDay ? '1' : '0'),
      C('BusyStatus', s.busy ?? 2),
      meeting && s.organizer && C('OrganizerName', s.organizer.name),
      meeting && s.organizer && C('OrganizerEmail', s.organizer.email),
      C('DtStamp', compactDate(s.stamp)),
      C('EndTime', compactDate(s.end)),
      s.location !== undefined && C('Location', s.location),
      C('Reminder', s.allDay ? 1080 : 15),
      C('Sensitivity', 0),
      C('Subject', s.subject),
      C('StartTime', compactDate(s.start)),
      C('UID', s.uid),
      C('MeetingStatus', s.meetingStatus ?? 0),
      s.attendees &&
        s.attendees.length > 0 &&
        C(
          'Attendees',
          s.attendees.map((a) =>
            C('Attendee', C('Email', a.who.email), C('Name', a.who.name), C('AttendeeStatus', a.status), C('AttendeeType', 1)),
          ),
        ),
      categories('Calendar', s.categories ?? []),
      s.recurrence,
      s.exceptions,
      meeting && C('ResponseRequested', '1'),
      meeting && C('ResponseType', s.responseType ?? 1),
      meeting && C('DisallowNewTimeProposal', '0'),
    ],
    s.body !== undefined ? { type: 1, data: s.body } : undefined,
  );
}

/** Instant of `hour:min` local time, `days` after today's local date in `zone`. */
export function atLocal(zone: string, now: number, days: number, hour: number, min = 0): number {
  const today = localParts(zone, now);
  const d = new Date(Date.UTC(today.y, today.m - 1, today.d + days));
  return zonedToUtc(zone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour, min);
}

function exception(originalStart: number, changes: (El | false)[]): El {
  return C(
    'Exception',
    C('ExceptionStartTime', compactDate(originalStart)),
    changes.filter((c): c is El => c !== false),
  );
}

/** Weekly on Monday in Tokyo, with one moved and one deleted occurrence. */
function weeklyTokyo(now: number, uid: string, stamp: number): EventSpec {
  const zone = 'Asia/Tokyo';
  const monday = -((localParts(zone, now).weekday + 6) % 7) - 28;
  const occ = (k: number, hour = 10): number => atLocal(zone, now, monday + 7 * k, hour);
  return {
    uid,
    stamp,
    zone,
    subject: '週次定例 / Weekly sync',
    location: '会議室A',
    start: occ(0),
    end: occ(0, 11),
    recurrence: C('Recurrence', C('Type', 1), C('Interval', 1), C('DayOfWeek', 2), C('Until', compactDate(occ(16)))),
    exceptions: C(
      'Exceptions',
      exception(occ(2), [
        C('Subject', '週次定例（時間変更）'),
        C('StartTime', compactDate(occ(2, 13))),
        C('EndTime', compactDate(occ(2, 14))),
      ]),
      exception(occ(5), [C('Deleted', '1')]),
    ),
  };
}

/**
 * Monthly on the 15th in Berlin, ten times, one occurrence moved to the 16th; a meeting a
 * colleague organizes, not yet answered (an occurrence can be answered on its own, 14.1+).
 */
function monthlyBerlin(now: number, uid: string, stamp: number, me: Address, organizer: Address | undefined): EventSpec {
  const zone = 'Europe/Berlin';
  const today = localParts(zone, now);
  const at = (monthOffset: number, day: number, hour: number): number => {
    const d = new Date(Date.UTC(today.y, today.m - 1 + monthOffset, day));
    return zonedToUtc(zone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour);
  };
  return {
    uid,
    stamp,
    zone,
    subject: 'Monthly review (Berlin)',
    location: 'Room 4.12',
    start: at(-2, 15, 14),
    end: at(-2, 15, 15),
    ...(organizer && {
      organizer,
      meetingStatus: 3,
      responseType: 5,
      attendees: [
        { who: me, status: 5 },
        { who: organizer, status: 3 },
      ],
    }),
    recurrence: C('Recurrence', C('Type', 2), C('Interval', 1), C('DayOfMonth', 15), C('Occurrences', 10)),
    exceptions: C(
      'Exceptions',
      exception(at(0, 15, 14), [C('StartTime', compactDate(at(0, 16, 14))), C('EndTime', compactDate(at(0, 16, 15)))]),
    ),
  };
}

/** Weekdays 09:30 in New York, one occurrence cancelled. */
function standupNewYork(now: number, uid: string, stamp: number): EventSpec {
  const zone = 'America/New_York';
  const monday = -((localParts(zone, now).weekday + 6) % 7) - 21;
  const occ = (day: number, hour = 9, min = 30): number => atLocal(zone, now, monday + day, hour, min);
  return {
    uid,
    stamp,
    zone,
    subject: 'Daily stand-up (NY)',
    location: 'Zoom',
    start: occ(0),
    end: occ(0, 9, 45),
    recurrence: C('Recurrence', C('Type', 1), C('Interval', 1), C('DayOfWeek', 62), C('Until', compactDate(occ(60)))),
    exceptions: C('Exceptions', exception(occ(9), [C('Deleted', '1')])),
  };
}

/** A yearly all-day birthday in Tokyo. */
function birthday(now: number, uid: string, stamp: number): EventSpec {
  const zone = 'Asia/Tokyo';
  const start = atLocal(zone, now, 10, 0);
  const day = localParts(zone, start);
  return {
    uid,
    stamp,
    zone,
    subject: '誕生日 / Birthday',
    start,
    end: start + DAY,
    allDay: true,
    busy: 0,
    recurrence: C('Recurrence', C('Type', 5), C('Interval', 1), C('DayOfMonth', day.d), C('MonthOfYear', day.m)),
  };
}

/** `count` events of `owner`: four recurring series, the rest single events around today. */
export function events(seed: number, count: number, now: number, owner: User, colleagues: readonly Address[]): Pim[] {
  const r = rng(seed ^ 0xca1e);
  const stamp = now - 30 * DAY;
  const uid = (i: number): string => `demo-${owner.login}-${seed}-${i}@example.test`;
  const me: Address = { name: owner.displayName, email: owner.email };
  const series = [
    weeklyTokyo(now, uid(0), stamp),
    monthlyBerlin(now, uid(1), stamp, me, colleagues[0]),
    standupNewYork(now, uid(2), stamp),
    birthday(now, uid(3), stamp),
  ];
  const singles = Array.from({ length: Math.max(0, count - series.length) }, (_, i): EventSpec => {
    const zone = DEMO_ZONES[i % DEMO_ZONES.length] as string;
    const day = Math.round(((i + 1) / (count - series.length + 1)) * 90) - 45;
    const hour = r.int(9, 16);
    const allDay = i % 11 === 5;
    const start = allDay ? atLocal(zone, now, day, 0) : atLocal(zone, now, day, hour);
    const invitees = colleagues.length > 0 && i % 4 === 1 ? colleagues : [];
    return {
      uid: uid(10 + i),
      stamp,
      zone,
      subject: r.pick(EVENT_TITLES),
      location: r.pick(LOCATIONS),
      start,
      end: allDay ? start + DAY : start + r.pick([30, 60, 90]) * 60_000,
      allDay,
      busy: allDay ? 0 : 2,
      organizer: me,
      meetingStatus: invitees.length > 0 ? 1 : 0,
      attendees: invitees.map((who) => ({ who, status: r.pick([0, 3, 2]) })),
      categories: r.chance(0.3) ? [r.pick(CATEGORIES)] : [],
      body: r.chance(0.4) ? 'アジェンダ: 進捗確認 / Agenda: status update' : undefined,
    };
  });
  return [...series, ...singles].slice(0, count).map(eventFor);
}

// ------------------------------------------------------------------ tasks and notes

/** Task dates: StartDate/DueDate are local wall time written as UTC (MS-ASTASK 2.2.2.8). */
function taskDates(name: 'Start' | 'Due', utc: number, zone: string): El[] {
  const local = localParts(zone, utc);
  const wall = Date.UTC(local.y, local.m - 1, local.d);
  return [T(`Utc${name}Date`, isoDate(utc)), T(`${name}Date`, isoDate(wall))];
}

export function tasks(seed: number, count: number, now: number): Pim[] {
  const r = rng(seed ^ 0x7a5c);
  const zone = 'Asia/Tokyo';
  return Array.from({ length: count }, (_, i) => {
    const start = atLocal(zone, now, i - 10, 0);
    const due = atLocal(zone, now, i - 5, 0);
    const complete = i % 4 === 0;
    return pim(
      [
        T('Subject', TASK_TITLES[i % TASK_TITLES.length] ?? 'Task'),
        T('Importance', r.int(0, 2)),
        ...taskDates('Start', start, zone),
        ...taskDates('Due', due, zone),
        categories('Tasks', r.chance(0.3) ? [r.pick(CATEGORIES)] : []),
        T('Complete', complete ? '1' : '0'),
        complete && T('DateCompleted', isoDate(due - DAY)),
        T('Sensitivity', 0),
        !complete && T('ReminderSet', '1'),
        !complete && T('ReminderTime', isoDate(due - 3_600_000)),
      ],
      r.chance(0.4) ? { type: 1, data: '詳細はメールを参照。 / See mail for details.' } : undefined,
    );
  });
}

export function notes(seed: number, count: number, now: number): Pim[] {
  return Array.from({ length: count }, (_, i) =>
    pim(
      [
        N('Subject', NOTE_TITLES[i % NOTE_TITLES.length] ?? 'Note'),
        N('MessageClass', 'IPM.StickyNote'),
        N('LastModifiedDate', compactDate(now - (i + 1) * DAY)),
        categories('Notes', i % 2 === 0 ? ['Personal'] : []),
      ],
      { type: 1, data: `メモ ${i + 1} / Note ${i + 1} (seed ${seed})` },
    ),
  );
}

// ------------------------------------------------------------------ GAL

export function galEntryForUser(u: User): GalEntry {
  return {
    displayName: u.displayName,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    alias: u.login,
    phone: u.phone,
    title: u.title,
    company: u.company,
    office: 'Tokyo HQ',
    picture: userPortrait(u),
  };
}

/** Alice and Bob have a photo; Carol (and any other user) none, so the app shows her initials. */
export function userPortrait(u: User): Uint8Array | undefined {
  const seed = { alice: 1, bob: 2 }[u.login];
  return seed === undefined ? undefined : portrait(seed);
}

/** `count` directory people with unique names and addresses at example.test. */
export function galEntries(seed: number, count: number): GalEntry[] {
  const r = rng(seed ^ 0x6a1);
  return Array.from({ length: count }, (_, i) => {
    const pool = i % 2 === 0 ? JA_PEOPLE : EN_PEOPLE;
    const k = Math.floor(i / 2);
    const a = pool[k % pool.length] as Person;
    const b = pool[(k + Math.floor(k / pool.length)) % pool.length] as Person;
    const japanese = a.yomiLast !== undefined;
    const alias = `${a.ascii.split('.')[0]}.${b.ascii.split('.')[1]}${k >= pool.length * 4 ? k : ''}`;
    return {
      displayName: japanese ? `${b.last} ${a.first}` : `${a.first} ${b.last}`,
      firstName: a.first,
      lastName: b.last,
      email: `${alias}@example.test`,
      alias,
      phone: `+81 3 5555 ${String(1000 + i)}`,
      mobilePhone: r.chance(0.5) ? `+81 90 ${r.int(1000, 9999)} ${r.int(1000, 9999)}` : undefined,
      office: r.pick(['Tokyo HQ', 'Berlin', 'New York', 'Osaka']),
      title: r.pick(TITLES),
      company: 'Example Corp',
      // Every third person has a photo in the directory.
      picture: i % 3 === 0 ? portrait(10 + i) : undefined,
    };
  });
}
