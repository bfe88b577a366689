/**
 * Calendar: agenda, day, week and month, with every series expanded in the window
 * shown (expand.ts) and times in the user's zone through Intl.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { CalendarItem } from '../../eas/items/calendar.ts';
import type { Db } from '../../store/db.ts';
import { Icon } from '../components/Icon.tsx';
import type { ItemRef } from '../engine-client.ts';
import { useLive } from '../data/live.ts';
import { listAllFolders, listFolderItems } from '../data/read.ts';
import { useI18n, type I18n } from '../i18n/index.ts';
import { classOf } from '../mail/folders.ts';
import { href, type CalendarView, type Route } from '../router.ts';
import { SyncButton } from '../status/Status.tsx';
import { localDayKey } from '../data/days.ts';
import { expandAll, onDay, type Occurrence } from './expand.ts';

type CalendarRoute = Extract<Route, { name: 'calendar' }>;

export interface StoredEvent {
  readonly ref: ItemRef;
  readonly item: CalendarItem;
}

export async function loadEvents(db: Db): Promise<StoredEvent[]> {
  const folders = (await listAllFolders(db)).filter((f) => classOf(f) === 'Calendar' && f.enabled);
  const lists = await Promise.all(folders.map((f) => listFolderItems(db, f.accountId, f.serverId)));
  return lists.flat().map((i) => ({ ref: { accountId: i.accountId, folderId: i.folderId, serverId: i.serverId }, item: i.data as CalendarItem }));
}

const HOUR_PX = 48;

function parseDay(s: string | undefined): Date {
  const m = s && /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const now = new Date();
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const startOfWeek = (d: Date) => addDays(d, -d.getDay());

/** The window a view shows, and where prev/next go. */
export function viewWindow(view: CalendarView, anchor: Date): { from: Date; to: Date; prev: Date; next: Date } {
  switch (view) {
    case 'day':
      return { from: anchor, to: addDays(anchor, 1), prev: addDays(anchor, -1), next: addDays(anchor, 1) };
    case 'week': {
      const from = startOfWeek(anchor);
      return { from, to: addDays(from, 7), prev: addDays(anchor, -7), next: addDays(anchor, 7) };
    }
    case 'month': {
      const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
      const from = startOfWeek(first);
      return { from, to: addDays(from, 42), prev: new Date(anchor.getFullYear(), anchor.getMonth() - 1, 1), next: new Date(anchor.getFullYear(), anchor.getMonth() + 1, 1) };
    }
    case 'agenda':
      return { from: anchor, to: addDays(anchor, 30), prev: addDays(anchor, -30), next: addDays(anchor, 30) };
  }
}

function days(from: Date, to: Date): Date[] {
  const out: Date[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) out.push(d);
  return out;
}

function title(view: CalendarView, anchor: Date, i18n: I18n): string {
  if (view === 'month') return i18n.month(anchor);
  if (view === 'week') return i18n.t('cal.weekOf', { date: i18n.date(startOfWeek(anchor)) });
  if (view === 'day') return i18n.date(anchor);
  return i18n.month(anchor);
}

export function CalendarScreen({ route }: { route: CalendarRoute }) {
  const i18n = useI18n();
  const { t } = i18n;
  const anchor = parseDay(route.date);
  const win = viewWindow(route.view, anchor);
  const events = useLive(loadEvents, [], ['items', 'folders']);
  const occurrences = useMemo(() => expandAll(events.value ?? [], win.from, win.to), [events.value, win.from.getTime(), win.to.getTime()]);
  const views: CalendarView[] = ['agenda', 'day', 'week', 'month'];
  const today = localDayKey(new Date());

  return (
    <div class="screen-col">
      <header class="bar">
        <h1 tabIndex={-1}>{t('nav.calendar')}</h1>
        <SyncButton />
        <a class="icon-btn" href={href.newEvent(route.view === 'day' ? localDayKey(anchor) : undefined)} aria-label={t('cal.newEvent')} title={t('cal.newEvent')}>
          <Icon name="plus" />
        </a>
      </header>
      <div class="cal-nav">
        <a class="icon-btn" href={href.calendar(route.view, localDayKey(win.prev))} aria-label={t('cal.prev')}>
          <Icon name="back" />
        </a>
        <a class="btn small" href={href.calendar(route.view, today)}>
          {t('cal.today')}
        </a>
        <a class="icon-btn" href={href.calendar(route.view, localDayKey(win.next))} aria-label={t('cal.next')}>
          <Icon name="forwardArrow" />
        </a>
        <h2 aria-live="polite">{title(route.view, anchor, i18n)}</h2>
        <nav class="segmented" aria-label={t('cal.view')}>
          {views.map((v) => (
            <a key={v} href={href.calendar(v, localDayKey(anchor))} aria-current={v === route.view ? 'page' : undefined}>
              {t(`cal.${v}`)}
            </a>
          ))}
        </nav>
      </div>
      <div class="screen-body">
        {events.loading && !events.value ? (
          <p class="loading">{t('cal.expanding')}</p>
        ) : route.view === 'agenda' ? (
          <Agenda days={days(win.from, win.to)} occurrences={occurrences} />
        ) : route.view === 'month' ? (
          <Month days={days(win.from, win.to)} month={anchor.getMonth()} occurrences={occurrences} />
        ) : (
          <TimeGrid days={days(win.from, win.to)} occurrences={occurrences} />
        )}
      </div>
    </div>
  );
}

function eventsOn(occurrences: readonly Occurrence[], day: Date): Occurrence[] {
  return occurrences.filter((o) => onDay(o, localDayKey(day), day, addDays(day, 1)));
}

function statusClass(o: Occurrence): string {
  const canceled = ((o.fields.meetingStatus ?? 0) & 5) === 5;
  return (o.fields.busyStatus === 1 || o.fields.responseType === 2 ? ' tentative' : '') + (canceled ? ' canceled' : '');
}

function occurrenceLabel(o: Occurrence, i18n: I18n): string {
  const when = o.allDay ? i18n.t('cal.allDay') : `${i18n.time(o.start)}–${i18n.time(o.end)}`;
  return `${o.fields.subject || i18n.t('common.noSubject')}, ${when}${o.fields.location ? ', ' + o.fields.location : ''}`;
}

function Agenda({ days: list, occurrences }: { days: Date[]; occurrences: readonly Occurrence[] }) {
  const i18n = useI18n();
  const { t, time } = i18n;
  const today = localDayKey(new Date());
  const filled = list.map((d) => ({ day: d, items: eventsOn(occurrences, d) })).filter((x) => x.items.length > 0);
  if (filled.length === 0) return <p class="empty">{t('cal.noEvents')}</p>;
  return (
    <div>
      {filled.map(({ day, items }) => (
        <section key={day.getTime()} class="agenda-day" aria-label={i18n.date(day)}>
          <h3 class={localDayKey(day) === today ? 'today' : ''}>{i18n.date(day)}</h3>
          {items.map((o) => (
            <a key={o.ref.serverId + (o.instance?.getTime() ?? '')} class="event-row" href={href.event(o.ref)}>
              <span class="event-time">{o.allDay ? t('cal.allDay') : <>{time(o.start)}<span class="visually-hidden"> – </span><br />{time(o.end)}</>}</span>
              <span class={'event-main' + statusClass(o)}>
                <span class="event-title">{o.fields.subject || t('common.noSubject')}</span>
                {o.fields.location && <span class="event-sub"><br />{o.fields.location}</span>}
                {o.instance && <Icon name="repeat" size={14} label={t('cal.recurring')} />}
              </span>
            </a>
          ))}
        </section>
      ))}
    </div>
  );
}

interface Placed {
  readonly o: Occurrence;
  readonly top: number;
  readonly height: number;
  readonly lane: number;
  readonly lanes: number;
}

/** Timed events of one day as blocks; overlapping ones share the width in lanes. */
export function placeDay(items: readonly Occurrence[], day: Date): Placed[] {
  const start = day.getTime();
  const end = addDays(day, 1).getTime();
  const timed = items.filter((o) => !o.allDay).map((o) => ({ o, s: Math.max(o.start.getTime(), start), e: Math.min(Math.max(o.end.getTime(), o.start.getTime() + 900_000), end) }));
  timed.sort((a, b) => a.s - b.s || b.e - a.e);
  const out: Placed[] = [];
  let cluster: { o: Occurrence; s: number; e: number; lane: number }[] = [];
  let clusterEnd = -Infinity;
  const flush = () => {
    const lanes = Math.max(1, ...cluster.map((c) => c.lane + 1));
    for (const c of cluster) out.push({ o: c.o, top: ((c.s - start) / 3_600_000) * HOUR_PX, height: Math.max(((c.e - c.s) / 3_600_000) * HOUR_PX, 18), lane: c.lane, lanes });
    cluster = [];
  };
  for (const t of timed) {
    if (t.s >= clusterEnd) {
      flush();
      clusterEnd = -Infinity;
    }
    const used = new Set(cluster.filter((c) => c.e > t.s).map((c) => c.lane));
    let lane = 0;
    while (used.has(lane)) lane++;
    cluster.push({ ...t, lane });
    clusterEnd = Math.max(clusterEnd, t.e);
  }
  flush();
  return out;
}

function TimeGrid({ days: list, occurrences }: { days: Date[]; occurrences: readonly Occurrence[] }) {
  const i18n = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const now = new Date();
  const today = localDayKey(now);
  useEffect(() => {
    const body = scroller.current?.closest('.screen-body');
    if (body) body.scrollTop = 7.5 * HOUR_PX;
  }, [list.length]);
  const cols = `3.2em repeat(${list.length}, minmax(0, 1fr))`;
  const hours = Array.from({ length: 24 }, (_, h) => h);
  return (
    <div ref={scroller}>
      <div class="timegrid-head" style={{ gridTemplateColumns: cols }}>
        <span />
        {list.map((d) => (
          <div key={d.getTime()} class={'colhead' + (localDayKey(d) === today ? ' today' : '')}>
            {list.length > 1 ? `${i18n.weekdays()[d.getDay()]} ${d.getDate()}` : i18n.date(d)}
            <div class="allday">
              {eventsOn(occurrences, d)
                .filter((o) => o.allDay)
                .map((o) => (
                  <a key={o.ref.serverId + (o.instance?.getTime() ?? '')} href={href.event(o.ref)} aria-label={occurrenceLabel(o, i18n)}>
                    {o.fields.subject || i18n.t('common.noSubject')}
                  </a>
                ))}
            </div>
          </div>
        ))}
      </div>
      <div class="timegrid" style={{ gridTemplateColumns: cols }}>
        <div class="hours" aria-hidden="true">
          {hours.map((h) => (
            <div key={h} class="hour">
              {i18n.time(new Date(2000, 0, 1, h)).replace(/:00/, '')}
            </div>
          ))}
        </div>
        {list.map((d) => (
          <div key={d.getTime()} class="daycol" style={{ height: `${24 * HOUR_PX}px` }} role="group" aria-label={i18n.date(d)}>
            {localDayKey(d) === today && <div class="now-line" style={{ top: `${((now.getTime() - d.getTime()) / 3_600_000) * HOUR_PX}px` }} />}
            {placeDay(eventsOn(occurrences, d), d).map((p) => (
              <a
                key={p.o.ref.serverId + (p.o.instance?.getTime() ?? '')}
                class={'block' + statusClass(p.o)}
                href={href.event(p.o.ref)}
                aria-label={occurrenceLabel(p.o, i18n)}
                style={{ top: `${p.top}px`, height: `${p.height}px`, left: `calc(${(p.lane / p.lanes) * 100}% + 2px)`, width: `calc(${100 / p.lanes}% - 4px)`, right: 'auto' }}
              >
                {p.o.fields.subject || i18n.t('common.noSubject')}
              </a>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function Month({ days: list, month, occurrences }: { days: Date[]; month: number; occurrences: readonly Occurrence[] }) {
  const i18n = useI18n();
  const today = localDayKey(new Date());
  const weekdays = i18n.weekdays();
  return (
    <div class="month">
      {weekdays.map((w) => (
        <div key={w} class="wd" aria-hidden="true">
          {w}
        </div>
      ))}
      {list.map((d) => {
        const items = eventsOn(occurrences, d);
        const key = localDayKey(d);
        return (
          <div key={key} class={'cell' + (d.getMonth() !== month ? ' other' : '') + (key === today ? ' today' : '')}>
            <a class="daynum" href={href.calendar('day', key)} aria-label={i18n.date(d)}>
              {d.getDate()}
            </a>
            {items.slice(0, 3).map((o) => (
              <a key={o.ref.serverId + (o.instance?.getTime() ?? '')} class={'chip' + (o.allDay ? ' allday-chip' : '')} href={href.event(o.ref)} aria-label={occurrenceLabel(o, i18n)}>
                {o.fields.subject || i18n.t('common.noSubject')}
              </a>
            ))}
            {items.length > 3 && (
              <a class="chip" href={href.calendar('day', key)}>
                {i18n.t('cal.more', { count: items.length - 3 })}
              </a>
            )}
          </div>
        );
      })}
    </div>
  );
}
