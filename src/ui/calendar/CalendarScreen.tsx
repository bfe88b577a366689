/**
 * Calendar: agenda, day, week and month, with every series expanded in the window
 * shown (expand.ts) and times in the user's zone through Intl. Each calendar has its
 * colour, name and switch; a meeting in two shown calendars appears once (calendars.ts).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ofClass } from '../../store/item.ts';
import type { Db } from '../../store/db.ts';
import type { FolderRecord } from '../../store/schema.ts';
import { Icon } from '../components/Icon.tsx';
import { refOf, type ItemRef } from '../../runtime/engine-client.ts';
import { useLive } from '../data/live.ts';
import { listAllFolders, listFolderItems } from '../data/read.ts';
import { useI18n, type I18n } from '../i18n/index.ts';
import { classOf } from '../mail/folders.ts';
import { href, type CalendarView, type Route } from '../router.ts';
import { SyncButton } from '../status/Status.tsx';
import { localDayKey } from '../data/days.ts';
import { describeCalendars, loadHidden, mergeShown, saveHidden, type CalendarInfo, type StoredEvent } from './calendars.ts';
import { expandAll, onDay, type Occurrence } from './expand.ts';

type CalendarRoute = Extract<Route, { name: 'calendar' }>;

interface Loaded {
  readonly folders: readonly FolderRecord[];
  readonly events: readonly StoredEvent[];
}

export async function loadEvents(db: Db): Promise<Loaded> {
  const folders = (await listAllFolders(db)).filter((f) => classOf(f) === 'Calendar' && f.enabled);
  const lists = await Promise.all(folders.map((f) => listFolderItems(db, f.accountId, f.serverId)));
  const events = lists
    .flat()
    .filter(ofClass('Calendar'))
    .map((i) => ({ ref: refOf(i), folderId: i.folderId, item: i.data }));
  return { folders, events };
}

/** What a row needs to show whose it is: its calendars (the first one gives the colour). */
type CalendarsOf = (o: Occurrence) => readonly CalendarInfo[];

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
      return {
        from,
        to: addDays(from, 42),
        prev: new Date(anchor.getFullYear(), anchor.getMonth() - 1, 1),
        next: new Date(anchor.getFullYear(), anchor.getMonth() + 1, 1),
      };
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
  const [hidden, setHidden] = useState(loadHidden);
  const calendars = useMemo(() => describeCalendars(events.value?.folders ?? [], hidden, i18n), [events.value, hidden, i18n.lang]);
  const shown = useMemo(() => mergeShown(events.value?.events ?? [], calendars), [events.value, calendars]);
  const occurrences = useMemo(() => expandAll(shown, win.from, win.to), [shown, win.from.getTime(), win.to.getTime()]);
  const calendarsOf = useMemo((): CalendarsOf => {
    const byKey = new Map(calendars.map((c) => [c.key, c]));
    const byRef = new Map(shown.map((e) => [refKey(e.ref), e.calendars.map((k) => byKey.get(k)).filter((c): c is CalendarInfo => !!c)]));
    return (o) => byRef.get(refKey(o.ref)) ?? [];
  }, [calendars, shown]);
  const toggle = (key: string, on: boolean) => {
    const next = new Set(hidden);
    if (on) next.delete(key);
    else next.add(key);
    saveHidden(next);
    setHidden(next);
  };
  const views: CalendarView[] = ['agenda', 'day', 'week', 'month'];
  const today = localDayKey(new Date());

  return (
    <div class="screen-col">
      <header class="bar">
        <h1 tabIndex={-1}>{t('nav.calendar')}</h1>
        <SyncButton />
        <a
          class="icon-btn"
          href={href.newEvent(route.view === 'day' ? localDayKey(anchor) : undefined)}
          aria-label={t('cal.newEvent')}
          title={t('cal.newEvent')}
        >
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
      {calendars.length > 1 && <CalendarList calendars={calendars} onToggle={toggle} />}
      <div class="screen-body">
        {events.loading && !events.value ? (
          <p class="loading">{t('cal.expanding')}</p>
        ) : route.view === 'agenda' ? (
          <Agenda days={days(win.from, win.to)} occurrences={occurrences} calendarsOf={calendarsOf} />
        ) : route.view === 'month' ? (
          <Month days={days(win.from, win.to)} month={anchor.getMonth()} occurrences={occurrences} calendarsOf={calendarsOf} />
        ) : (
          <TimeGrid days={days(win.from, win.to)} occurrences={occurrences} calendarsOf={calendarsOf} />
        )}
      </div>
    </div>
  );
}

const refKey = (r: ItemRef) => `${r.accountId}/${r.itemId}`;

/** The calendars with their colours and show/hide switches (folded on a phone). */
function CalendarList({ calendars, onToggle }: { calendars: readonly CalendarInfo[]; onToggle: (key: string, on: boolean) => void }) {
  const { t } = useI18n();
  return (
    <details class="cal-list">
      <summary>{t('cal.calendars')}</summary>
      <ul>
        {calendars.map((c) => (
          <li key={c.key}>
            <label class="check">
              <input type="checkbox" checked={c.shown} onChange={(e) => onToggle(c.key, e.currentTarget.checked)} />
              <span class="swatch" style={{ background: c.colour }} aria-hidden="true" />
              {c.name}
            </label>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The row's colour (its first calendar's). */
function colourStyle(cals: readonly CalendarInfo[]): Record<string, string> | undefined {
  const first = cals[0];
  return first ? { '--cal': first.colour } : undefined;
}

/** Which calendars, said when it is not simply the user's main calendar: "Calendar, Bob's calendar". */
function calendarsText(cals: readonly CalendarInfo[]): string | undefined {
  const plain = cals.length === 1 && !cals[0]?.folder.owner && cals[0]?.folder.type === 8;
  return cals.length === 0 || plain ? undefined : cals.map((c) => c.name).join(', ');
}

/** A meeting held by several shown calendars: a dot of each colour and their names. */
function CalendarMarks({ cals }: { cals: readonly CalendarInfo[] }) {
  const { t } = useI18n();
  const names = calendarsText(cals);
  if (!names) return null;
  return (
    <span class="event-cals">
      <br />
      {cals.map((c) => (
        <span key={c.key} class="swatch" style={{ background: c.colour }} aria-hidden="true" />
      ))}
      {cals.length > 1 ? t('cal.inCalendars', { names }) : names}
    </span>
  );
}

function eventsOn(occurrences: readonly Occurrence[], day: Date): Occurrence[] {
  return occurrences.filter((o) => onDay(o, localDayKey(day), day, addDays(day, 1)));
}

function statusClass(o: Occurrence): string {
  const canceled = ((o.fields.meetingStatus ?? 0) & 5) === 5;
  return (o.fields.busyStatus === 1 || o.fields.responseType === 2 ? ' tentative' : '') + (canceled ? ' canceled' : '');
}

function occurrenceLabel(o: Occurrence, i18n: I18n, cals: readonly CalendarInfo[]): string {
  const when = o.allDay ? i18n.t('cal.allDay') : `${i18n.time(o.start)}–${i18n.time(o.end)}`;
  const names = calendarsText(cals);
  const where = names ? ', ' + (cals.length > 1 ? i18n.t('cal.inCalendars', { names }) : names) : '';
  return `${o.fields.subject || i18n.t('common.noSubject')}, ${when}${o.fields.location ? ', ' + o.fields.location : ''}${where}`;
}

interface ViewProps {
  readonly days: Date[];
  readonly occurrences: readonly Occurrence[];
  readonly calendarsOf: CalendarsOf;
}

function Agenda({ days: list, occurrences, calendarsOf }: ViewProps) {
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
            <a key={o.ref.itemId + (o.instance?.getTime() ?? '')} class="event-row" href={href.event(o.ref, false, o.instance)}>
              <span class="event-time">
                {o.allDay ? (
                  t('cal.allDay')
                ) : (
                  <>
                    {time(o.start)}
                    <span class="visually-hidden"> – </span>
                    <br />
                    {time(o.end)}
                  </>
                )}
              </span>
              <span class={'event-main' + statusClass(o)} style={colourStyle(calendarsOf(o))}>
                <span class="event-title">{o.fields.subject || t('common.noSubject')}</span>
                {o.fields.location && (
                  <span class="event-sub">
                    <br />
                    {o.fields.location}
                  </span>
                )}
                {o.instance && <Icon name="repeat" size={14} label={t('cal.recurring')} />}
                <CalendarMarks cals={calendarsOf(o)} />
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
  const timed = items
    .filter((o) => !o.allDay)
    .map((o) => ({ o, s: Math.max(o.start.getTime(), start), e: Math.min(Math.max(o.end.getTime(), o.start.getTime() + 900_000), end) }));
  timed.sort((a, b) => a.s - b.s || b.e - a.e);
  const out: Placed[] = [];
  let cluster: { o: Occurrence; s: number; e: number; lane: number }[] = [];
  let clusterEnd = -Infinity;
  const flush = () => {
    const lanes = Math.max(1, ...cluster.map((c) => c.lane + 1));
    for (const c of cluster)
      out.push({
        o: c.o,
        top: ((c.s - start) / 3_600_000) * HOUR_PX,
        height: Math.max(((c.e - c.s) / 3_600_000) * HOUR_PX, 18),
        lane: c.lane,
        lanes,
      });
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

function TimeGrid({ days: list, occurrences, calendarsOf }: ViewProps) {
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
                  <a
                    key={o.ref.itemId + (o.instance?.getTime() ?? '')}
                    href={href.event(o.ref, false, o.instance)}
                    aria-label={occurrenceLabel(o, i18n, calendarsOf(o))}
                    style={colourStyle(calendarsOf(o))}
                  >
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
            {localDayKey(d) === today && (
              <div class="now-line" style={{ top: `${((now.getTime() - d.getTime()) / 3_600_000) * HOUR_PX}px` }} />
            )}
            {placeDay(eventsOn(occurrences, d), d).map((p) => (
              <a
                key={p.o.ref.itemId + (p.o.instance?.getTime() ?? '')}
                class={'block' + statusClass(p.o)}
                href={href.event(p.o.ref, false, p.o.instance)}
                aria-label={occurrenceLabel(p.o, i18n, calendarsOf(p.o))}
                style={{
                  ...colourStyle(calendarsOf(p.o)),
                  top: `${p.top}px`,
                  height: `${p.height}px`,
                  left: `calc(${(p.lane / p.lanes) * 100}% + 2px)`,
                  width: `calc(${100 / p.lanes}% - 4px)`,
                  right: 'auto',
                }}
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

function Month({ days: list, month, occurrences, calendarsOf }: ViewProps & { month: number }) {
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
              <a
                key={o.ref.itemId + (o.instance?.getTime() ?? '')}
                class={'chip' + (o.allDay ? ' allday-chip' : '')}
                href={href.event(o.ref, false, o.instance)}
                aria-label={occurrenceLabel(o, i18n, calendarsOf(o))}
                style={colourStyle(calendarsOf(o))}
              >
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
