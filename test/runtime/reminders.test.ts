import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import type { Task } from '../../src/eas/items/task.ts';
import { zoneFromIana } from '../../src/eas/items/timezone.ts';
import {
  readDone,
  reminderNotice,
  startReminders,
  writeDone,
  type Reminder,
  type ReminderClock,
  type Source,
} from '../../src/runtime/reminders.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { expandItem } from '../../src/ui/calendar/expand.ts';
import { parseRoute } from '../../src/ui/router.ts';

const utc = (s: string) => new Date(s);
const ref = (itemId: string) => ({ accountId: 'a', itemId });
const NY = 'America/New_York';

/** A weekly 09:00 New York meeting, 15 minutes' reminder, over the end of DST (2 Nov 2025). */
const standup: CalendarItem = {
  subject: 'Standup',
  uid: 'standup-1',
  location: 'Room 5',
  reminder: 15,
  startTime: utc('2025-10-27T13:00:00Z'),
  endTime: utc('2025-10-27T13:15:00Z'), // Mon 09:00 EDT
  timezone: zoneFromIana(NY, 2025).blob,
  recurrence: { type: 1, interval: 1, dayOfWeek: 2 }, // Mondays
};

interface Raised {
  readonly at: string;
  readonly key: string;
  readonly title: string;
  readonly body: string;
  readonly hash: string;
}

let n = 0;
async function freshStore(): Promise<Store> {
  return openStore({ name: `reminders-test-${n++}` });
}

type Done = Readonly<Record<string, number>>;

/** The record of raised reminders in memory (fake-indexeddb runs on real setImmediate, which fake timers do not wait for). */
function memoryRecord(): { read(): Promise<Done>; write(d: Done): Promise<void> } {
  let done: Done = {};
  return { read: async () => done, write: async (d) => void (done = d) };
}

/** The store's meta as the record (the app's own). */
const storeRecord = (store: Store) => ({ read: () => readDone(store.db), write: (d: Done) => writeDone(store.db, d) });

/** The reminder clock on fake timers, a list of what it raised. */
function clockFor(
  record: { read(): Promise<Done>; write(d: Done): Promise<void> },
  sources: () => readonly Source[],
  opts: { allowed?: () => boolean; zone?: string } = {},
) {
  const raised: Raised[] = [];
  const clock: ReminderClock = startReminders({
    load: async () => sources(),
    expand: (r, item, from, to) => expandItem(r, item, from, to, { hint: opts.zone ?? NY }),
    readDone: () => record.read(),
    writeDone: (done) => record.write(done),
    show: async (r: Reminder) => {
      const notice = reminderNotice(r, 'en', opts.zone ?? NY);
      raised.push({ at: new Date(Date.now()).toISOString(), key: r.key, title: notice.title, body: notice.body, hash: notice.hash });
    },
    allowed: opts.allowed ?? (() => true),
    now: () => Date.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
  });
  return { clock, raised };
}

const event = (itemId: string, item: CalendarItem): Source => ({ kind: 'event', ref: ref(itemId), item });

describe('reminders', () => {
  const clocks: ReminderClock[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    for (const c of clocks.splice(0)) c.stop();
    vi.useRealTimers();
  });

  it('raises each occurrence at 08:45 New York time on both sides of the DST change, with its date, place and route', async () => {
    vi.setSystemTime(utc('2025-10-27T12:00:00Z')); // 08:00 EDT
    const { clock, raised } = clockFor(memoryRecord(), () => [event('s1', standup)]);
    clocks.push(clock);
    await vi.advanceTimersByTimeAsync(44 * 60_000);
    expect(raised).toEqual([]); // 08:44: not yet
    await vi.advanceTimersByTimeAsync(8 * 86_400_000);
    expect(raised.map((r) => [r.at, r.title, r.body])).toEqual([
      ['2025-10-27T12:45:00.000Z', 'Standup', 'Mon, Oct 27 9:00 AM–9:15 AM · Room 5'], // 08:45 EDT (UTC-4)
      ['2025-11-03T13:45:00.000Z', 'Standup', 'Mon, Nov 3 9:00 AM–9:15 AM · Room 5'], // 08:45 EST (UTC-5)
    ]);
    // A click opens that occurrence, not the series' first date.
    expect(parseRoute(raised[1]?.hash ?? '')).toEqual({
      name: 'event',
      ref: ref('s1'),
      edit: false,
      instance: utc('2025-11-03T14:00:00Z'),
    });
  });

  it("uses an exception's own reminder and time, and none for a deleted occurrence", async () => {
    vi.setSystemTime(utc('2025-03-02T15:00:00Z')); // Mon 00:00 Tokyo
    const daily: CalendarItem = {
      subject: 'Daily',
      uid: 'daily-1',
      reminder: 10,
      startTime: utc('2025-03-03T00:30:00Z'),
      endTime: utc('2025-03-03T00:45:00Z'), // 09:30 Tokyo
      timezone: zoneFromIana('Asia/Tokyo', 2025).blob,
      recurrence: { type: 0, interval: 1, occurrences: 3 },
      exceptions: [
        {
          exceptionStartTime: utc('2025-03-04T00:30:00Z'),
          startTime: utc('2025-03-04T05:00:00Z'),
          endTime: utc('2025-03-04T05:30:00Z'),
          subject: 'Daily (moved)',
          reminder: 60,
        },
        { exceptionStartTime: utc('2025-03-05T00:30:00Z'), deleted: true },
      ],
    };
    const { clock, raised } = clockFor(memoryRecord(), () => [event('d1', daily)], { zone: 'Asia/Tokyo' });
    clocks.push(clock);
    await vi.advanceTimersByTimeAsync(4 * 86_400_000);
    expect(raised.map((r) => [r.at, r.title, r.body])).toEqual([
      ['2025-03-03T00:20:00.000Z', 'Daily', 'Mon, Mar 3 9:30 AM–9:45 AM'],
      ['2025-03-04T04:00:00.000Z', 'Daily (moved)', 'Tue, Mar 4 2:00 PM–2:30 PM'],
    ]);
  });

  it('raises a reminder once: not again after a reload (the record is in the store), nor after it was dismissed', async () => {
    vi.setSystemTime(utc('2025-10-27T12:46:00Z'));
    const store = await freshStore();
    const first = clockFor(storeRecord(store), () => [event('s1', standup)]);
    clocks.push(first.clock);
    await first.clock.settled();
    expect(first.raised.map((r) => [r.at, r.title])).toEqual([['2025-10-27T12:46:00.000Z', 'Standup']]);
    first.clock.replan(); // a store change: planned again, not raised again
    await first.clock.settled();
    first.clock.stop();
    // A reload (the database opened again), the meeting not over yet (the user dismissed the notice, or not).
    const name = store.db.name;
    store.close();
    vi.setSystemTime(utc('2025-10-27T12:50:00Z'));
    const again = await openStore({ name });
    const second = clockFor(storeRecord(again), () => [event('s1', standup)]);
    clocks.push(second.clock);
    await second.clock.settled();
    expect(first.raised).toHaveLength(1);
    expect(second.raised).toEqual([]);
    expect(Object.keys(await readDone(again.db))).toEqual([first.raised[0]?.key]);
  });

  it('after sleep or a clock jump: a reminder missed meanwhile comes late if its event is still on, not once it has ended', async () => {
    vi.setSystemTime(utc('2025-10-27T10:00:00Z'));
    const lunch: CalendarItem = {
      subject: 'Lunch',
      uid: 'lunch',
      reminder: 30,
      startTime: utc('2025-10-27T16:00:00Z'),
      endTime: utc('2025-10-27T17:00:00Z'),
      timezone: zoneFromIana(NY, 2025).blob,
    };
    const { clock, raised } = clockFor(memoryRecord(), () => [event('s1', standup), event('l1', lunch)]);
    clocks.push(clock);
    await vi.advanceTimersByTimeAsync(1000);
    // The machine sleeps (no timer runs) from 10:00 to 13:05 UTC: the standup (12:45) is
    // still on (until 13:15); then to 17:30, when lunch (reminder 15:30) is over.
    vi.setSystemTime(utc('2025-10-27T13:05:00Z'));
    clock.replan(); // the page is visible again
    await clock.settled();
    expect(raised.map((r) => [r.at, r.title])).toEqual([['2025-10-27T13:05:00.000Z', 'Standup']]);
    vi.setSystemTime(utc('2025-10-27T17:30:00Z'));
    await vi.advanceTimersByTimeAsync(60_000); // no visibility event: the next tick (a minute at most) notices
    expect(raised.map((r) => r.title)).toEqual(['Standup']);
  });

  it('plans again when the store changes, and raises tasks with a reminder (not completed ones)', async () => {
    vi.setSystemTime(utc('2025-06-01T00:00:00Z'));
    const sources: Source[] = [];
    const { clock, raised } = clockFor(memoryRecord(), () => sources, { zone: 'Asia/Tokyo' });
    clocks.push(clock);
    await vi.advanceTimersByTimeAsync(60_000);
    const task = (itemId: string, t: Task): Source => ({ kind: 'task', ref: ref(itemId), item: t });
    sources.push(
      task('t1', {
        subject: 'Send the report',
        reminderSet: true,
        reminderTime: utc('2025-06-01T01:00:00Z'),
        dueDate: utc('2025-06-02T00:00:00Z'),
      }),
      task('t2', { subject: 'Done already', reminderSet: true, reminderTime: utc('2025-06-01T01:00:00Z'), complete: true }),
      task('t3', { subject: 'No reminder', reminderSet: false, reminderTime: utc('2025-06-01T01:00:00Z') }),
    );
    clock.replan();
    await vi.advanceTimersByTimeAsync(2 * 3_600_000);
    expect(raised.map((r) => [r.at, r.title, r.body, r.hash])).toEqual([
      ['2025-06-01T01:00:00.000Z', 'Send the report', 'Task due Mon, Jun 2', '#/tasks/a/t1'],
    ]);
  });

  it('waits while notifications are not allowed, then raises what is still due', async () => {
    vi.setSystemTime(utc('2025-10-27T12:40:00Z'));
    let allowed = false;
    const { clock, raised } = clockFor(memoryRecord(), () => [event('s1', standup)], { allowed: () => allowed });
    clocks.push(clock);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(raised).toEqual([]);
    allowed = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(raised.map((r) => r.at)).toEqual(['2025-10-27T12:51:00.000Z']);
  });

  it('the same meeting in two calendars reminds once; declined and canceled meetings not at all', async () => {
    vi.setSystemTime(utc('2025-10-27T12:40:00Z'));
    const declined: CalendarItem = { ...standup, uid: 'other', subject: 'Declined', responseType: 4, recurrence: undefined };
    const canceled: CalendarItem = { ...standup, uid: 'third', subject: 'Canceled', meetingStatus: 7, recurrence: undefined };
    const { clock, raised } = clockFor(memoryRecord(), () => [
      event('s1', standup),
      { kind: 'event', ref: ref('s9'), item: standup },
      event('x', declined),
      event('y', canceled),
    ]);
    clocks.push(clock);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(raised.map((r) => r.title)).toEqual(['Standup']);
  });

  it('says it in Japanese', () => {
    const r: Reminder = {
      key: 'k',
      at: 0,
      until: 1,
      kind: 'event',
      subject: '定例',
      location: '会議室A',
      start: Date.parse('2025-10-27T13:00:00Z'),
      end: Date.parse('2025-10-27T13:15:00Z'),
      hash: '#/event/a/c/e',
    };
    expect(reminderNotice(r, 'ja', 'Asia/Tokyo').body).toBe('10月27日(月) 22:00–22:15 · 会議室A');
    expect(reminderNotice({ ...r, kind: 'task', due: Date.parse('2025-06-02T00:00:00Z') }, 'ja', 'Asia/Tokyo').body).toBe(
      'タスクの期限: 6月2日(月)',
    );
  });
});
