/**
 * Reminders of events and tasks, raised while the app is open.
 *
 * The plan: every reminder due in a window around now, one per occurrence. An event's
 * reminder is its Reminder minutes before each occurrence's start (MS-ASCAL 2.2.2.38;
 * an exception's own Reminder for its occurrence, 2.2.2.21), a task's its ReminderTime
 * when ReminderSet (MS-ASTASK 2.2.2.23, 2.2.2.22). Series are expanded by the
 * calendar's own expansion (given as `expand`: the wall clock of the event's zone,
 * so a 09:00 New York meeting reminds at 08:45 New York time on both sides of a DST
 * change). A reminder missed while the app was closed or the machine slept is still
 * raised when the app comes back, as long as its event has not ended (a task: for a
 * day); after that it is dropped silently.
 *
 * The clock: a timer to the next reminder, never longer than a minute, so that sleep
 * (timers stop) and clock changes (the wall clock jumps under a timer) are noticed
 * within a minute; the plan is made again when the store changes, when the page
 * becomes visible, every hour, and whenever the clock went back. A reminder is
 * written down as raised (the store's meta, `DONE_KEY`) BEFORE it is shown, so it is
 * raised at most once: not again after a reload, nor in another tab, nor after the
 * user dismissed it.
 */
import { isCanceledMeeting, RESPONSE_TYPE, type CalendarItem } from '../eas/items/calendar.ts';
import type { Task } from '../eas/items/task.ts';
import type { Db } from '../store/db.ts';
import { enNotices, jaNotices } from '../i18n/notices.ts';
import type { ItemRef } from './engine-client.ts';
import type { Notice } from './new-mail.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The plan covers reminders due from a day ago (late ones) to a day ahead. */
const LOOKBACK_MS = DAY;
const HORIZON_MS = DAY;
/** Longest wait between two looks at the clock. */
export const TICK_MS = MINUTE;
/** The plan is made again at least this often. */
const REPLAN_MS = HOUR;
/** A task's reminder is still raised this long after its time. */
const TASK_GRACE_MS = DAY;
/** Raised reminders are remembered until this long after their event ended. */
const KEEP_DONE_MS = 7 * DAY;

/** The store's meta record listing the raised reminders: key → until (ms). */
export const DONE_KEY = 'reminders.done';

/** One reminder of one occurrence (or task). */
export interface Reminder {
  /** One per occurrence and reminder time: the same meeting in two calendars is one. */
  readonly key: string;
  /** When to raise it (ms). */
  readonly at: number;
  /** After this it is not raised any more (the occurrence's end; a task: a day later). */
  readonly until: number;
  readonly kind: 'event' | 'task';
  readonly subject?: string;
  readonly location?: string;
  /** Events: the occurrence's start and end; all-day ones by day ('YYYY-MM-DD'). */
  readonly start?: number;
  readonly end?: number;
  readonly day?: string;
  /** Tasks: the due date. */
  readonly due?: number;
  /** Where a click leads (the app's hash route). */
  readonly hash: string;
}

/** What the plan needs of an occurrence (src/ui/calendar/expand.ts Occurrence). */
export interface OccurrenceLike {
  readonly fields: {
    readonly reminder?: number;
    readonly subject?: string;
    readonly location?: string;
    readonly responseType?: number;
    readonly meetingStatus?: number;
  };
  readonly start: Date;
  readonly end: Date;
  readonly allDay: boolean;
  readonly startDay?: string;
  readonly instance?: Date;
}

export type Expand = (ref: ItemRef, item: CalendarItem, from: Date, to: Date) => readonly OccurrenceLike[];

export type Source =
  | { readonly kind: 'event'; readonly ref: ItemRef; readonly item: CalendarItem }
  | { readonly kind: 'task'; readonly ref: ItemRef; readonly item: Task };

// ---------------------------------------------------------------- the plan (pure)

const enc = encodeURIComponent;
const refPath = (r: ItemRef) => `${enc(r.accountId)}/${enc(r.itemId)}`;

/** The app's route to one occurrence of an event (the `#/event/...?at=` form of src/ui/router.ts). */
export function eventHash(ref: ItemRef, instance?: Date): string {
  return `#/event/${refPath(ref)}${instance ? '?at=' + instance.toISOString() : ''}`;
}

/** The app's route to a task (the `#/tasks/...` form of src/ui/router.ts). */
export const taskHash = (ref: ItemRef): string => `#/tasks/${refPath(ref)}`;

const declined = (f: OccurrenceLike['fields']) => f.responseType === RESPONSE_TYPE.declined || isCanceledMeeting(f.meetingStatus);

function eventReminders(ref: ItemRef, item: CalendarItem, from: number, to: number, expand: Expand): Reminder[] {
  const minutes = [item.reminder, ...(item.exceptions ?? []).map((x) => x.reminder)].filter((m): m is number => m !== undefined && m >= 0);
  if (minutes.length === 0) return [];
  const lead = Math.max(...minutes) * MINUTE;
  // Occurrences starting up to `lead` after the window can have their reminder in it.
  const who = item.uid?.trim() ? `uid:${item.uid.trim()}` : refPath(ref);
  return expand(ref, item, new Date(from), new Date(to + lead)).flatMap((o) => {
    const m = o.fields.reminder;
    if (m === undefined || m < 0 || declined(o.fields)) return [];
    const at = o.start.getTime() - m * MINUTE;
    if (at < from || at >= to) return [];
    const occurrence = (o.instance ?? o.start).toISOString();
    return [
      {
        key: `event:${who}:${occurrence}:${at}`,
        at,
        until: Math.max(o.end.getTime(), o.start.getTime() + MINUTE),
        kind: 'event' as const,
        subject: o.fields.subject,
        location: o.fields.location,
        start: o.start.getTime(),
        end: o.end.getTime(),
        day: o.allDay ? o.startDay : undefined,
        hash: eventHash(ref, o.instance),
      },
    ];
  });
}

function taskReminder(ref: ItemRef, task: Task, from: number, to: number): Reminder[] {
  const at = task.reminderTime?.getTime();
  if (!task.reminderSet || at === undefined || task.complete || at < from || at >= to) return [];
  const due = task.dueDate ?? task.utcDueDate;
  return [
    {
      key: `task:${refPath(ref)}:${at}`,
      at,
      until: at + TASK_GRACE_MS,
      kind: 'task',
      subject: task.subject,
      due: due?.getTime(),
      hash: taskHash(ref),
    },
  ];
}

/** Every reminder due in [from, to), by time; one per key. Items that fail to expand are skipped. */
export function planReminders(sources: readonly Source[], from: number, to: number, expand: Expand): Reminder[] {
  const out = new Map<string, Reminder>();
  for (const s of sources) {
    let found: Reminder[] = [];
    try {
      found = s.kind === 'event' ? eventReminders(s.ref, s.item, from, to, expand) : taskReminder(s.ref, s.item, from, to);
    } catch {
      // a series the expansion cannot read reminds of nothing (the calendar shows it once)
    }
    for (const r of found) if (!out.has(r.key)) out.set(r.key, r);
  }
  return [...out.values()].sort((a, b) => a.at - b.at);
}

/** The reminders to raise now: due, not over, not raised before. */
export function dueNow(plan: readonly Reminder[], now: number, done: Readonly<Record<string, number>>): Reminder[] {
  return plan.filter((r) => r.at <= now && now < r.until && !(r.key in done));
}

/** The record of raised reminders after raising `raised`, forgetting those long over. */
export function markDone(done: Readonly<Record<string, number>>, raised: readonly Reminder[], now: number): Record<string, number> {
  const kept = Object.entries(done).filter(([, until]) => until + KEEP_DONE_MS > now);
  return Object.fromEntries([...kept, ...raised.map((r) => [r.key, r.until] as const)]);
}

const fill = (text: string, params: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m);

/** The notification of a reminder, in the user's language and time zone. */
export function reminderNotice(r: Reminder, lang: 'en' | 'ja', timeZone?: string): Notice {
  const dict = lang === 'ja' ? jaNotices : enNotices;
  const locale = lang === 'ja' ? 'ja-JP' : 'en';
  const date = new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric', timeZone });
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone });
  const title = r.subject?.trim() || dict['notify.noSubject'];
  const tag = `reminder:${r.key}`;
  if (r.kind === 'task') {
    const body = r.due !== undefined ? fill(dict['remind.taskDue'], { date: date.format(r.due) }) : dict['remind.task'];
    return { title, body, tag, hash: r.hash };
  }
  let when: string;
  if (r.day) {
    const [y = 0, m = 1, d = 1] = r.day.split('-').map(Number);
    when = `${new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d))} · ${dict['cal.allDay']}`;
  } else {
    when = `${date.format(r.start)} ${time.format(r.start)}–${time.format(r.end)}`;
  }
  return { title, body: r.location ? `${when} · ${r.location}` : when, tag, hash: r.hash };
}

// ---------------------------------------------------------------- the clock

export interface ReminderDeps {
  /** The events of the user's own calendars and the tasks, read from the store. */
  load(): Promise<readonly Source[]>;
  readonly expand: Expand;
  readDone(): Promise<Readonly<Record<string, number>>>;
  writeDone(done: Readonly<Record<string, number>>): Promise<void>;
  show(r: Reminder): Promise<void>;
  /** The user's switch and the browser's permission. */
  allowed(): boolean;
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export interface ReminderClock {
  /** Reads the store again and looks at the clock (a change, the page shown again). */
  replan(): void;
  stop(): void;
  /** Resolves when the work asked for so far is done. */
  settled(): Promise<void>;
}

export function startReminders(deps: ReminderDeps): ReminderClock {
  let plan: { made: number; list: Reminder[] } | undefined;
  let stale = true;
  let stopped = false;
  let timer: unknown;
  let queued = false;
  let tail: Promise<void> = Promise.resolve();

  async function tick(): Promise<void> {
    queued = false;
    if (stopped) return;
    const now = deps.now();
    // The clock went back, an hour passed, or the store changed: plan again.
    if (stale || !plan || now < plan.made || now >= plan.made + REPLAN_MS) {
      stale = false;
      plan = { made: now, list: planReminders(await deps.load(), now - LOOKBACK_MS, now + HORIZON_MS, deps.expand) };
    }
    if (deps.allowed()) await raise(plan.list, now);
    arm(plan.list, deps.now());
  }

  async function raise(list: readonly Reminder[], now: number): Promise<void> {
    if (!list.some((r) => r.at <= now && now < r.until)) return;
    const done = await deps.readDone();
    const due = dueNow(list, now, done);
    if (due.length === 0) return;
    await deps.writeDone(markDone(done, due, now)); // first: at most once, even if the tab dies now
    for (const r of due) await deps.show(r).catch(() => undefined);
  }

  function arm(list: readonly Reminder[], now: number): void {
    if (stopped) return;
    deps.clearTimer(timer);
    const next = list.find((r) => r.at > now)?.at;
    const wait = Math.min(next === undefined ? TICK_MS : next - now, TICK_MS);
    timer = deps.setTimer(run, Math.max(wait, 0));
  }

  /** One look at a time; requests made while one waits to start are the same look. */
  function run(): void {
    if (queued || stopped) return;
    queued = true;
    tail = tail.then(tick).catch(() => {
      queued = false;
      if (plan) arm(plan.list, deps.now());
      else timer = deps.setTimer(run, TICK_MS);
    });
  }

  run();
  return {
    replan() {
      stale = true;
      run();
    },
    stop() {
      stopped = true;
      deps.clearTimer(timer);
    },
    settled: () => tail,
  };
}

// ---------------------------------------------------------------- the record of raised reminders

export async function readDone(db: Db): Promise<Record<string, number>> {
  const v = (await db.get('meta', DONE_KEY))?.value;
  return v && typeof v === 'object' ? (v as Record<string, number>) : {};
}

export async function writeDone(db: Db, done: Readonly<Record<string, number>>): Promise<void> {
  await db.put('meta', { key: DONE_KEY, value: done });
}
