/**
 * One event: its details with the one-tap answers to an invitation, and the editor for
 * new and existing events (edits change only the fields the user touched).
 */
import { useState } from 'preact/hooks';
import { ATTENDEE_STATUS, isCanceledMeeting, isReceivedMeeting, RESPONSE_TYPE, type CalendarItem } from '../../eas/items/calendar.ts';
import type { FolderRecord } from '../../store/schema.ts';
import { Field } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import type { ItemRef } from '../../runtime/engine-client.ts';
import { useApp, useLive } from '../data/live.ts';
import { getItem, listAccounts, listAllFolders } from '../data/read.ts';
import { useI18n, type I18n, type MessageKey } from '../i18n/index.ts';
import { classOf } from '../mail/folders.ts';
import { href, navigate, type Route } from '../router.ts';
import {
  applyEventEdits,
  eventWindow,
  formFromEvent,
  newEvent,
  newEventForm,
  validTimes,
  type EventField,
  type EventForm,
} from './event-edit.ts';
import { localDayKey } from '../data/days.ts';
import { attendeeStatus, calendarName } from './calendars.ts';
import { RecipientField } from '../compose/RecipientField.tsx';
import { occurrenceAt } from './expand.ts';
import { atLeast } from '../../eas/version.ts';

type EventRoute = Extract<Route, { name: 'event' }>;

export function EventScreen({ route }: { route: EventRoute }) {
  const { ref, instance } = route;
  const item = useLive((db) => (ref ? getItem(db, ref) : Promise.resolve(undefined)), [ref?.accountId, ref?.itemId], ['items']);
  if (ref && item.loading && !item.value) return null;
  const event = item.value?.class === 'Calendar' ? item.value.data : undefined;
  if (ref && !event) return <Gone />;
  if (route.edit || !ref || !event) return <EventEditor key={ref?.itemId ?? 'new'} eventRef={ref} previous={event} day={route.date} />;
  if (!instance || !event.recurrence) return <EventDetail key={ref.itemId} eventRef={ref} event={event} />;
  // One occurrence of a series: its own date and time, and its exception's fields.
  const o = occurrenceAt(ref, event, instance);
  if (!o) return <Gone />;
  const shown = { ...event, ...o.fields, startTime: o.start, endTime: o.end };
  return <EventDetail key={ref.itemId + instance.getTime()} eventRef={ref} event={shown} occurrence={instance} />;
}

/** The event (or the occurrence) is not in the store any more: say so, with a way back. */
function Gone() {
  const { t } = useI18n();
  return (
    <div class="screen-col">
      <header class="bar">
        <a class="icon-btn" href={href.calendar('agenda')} aria-label={t('cal.backToCalendar')}>
          <Icon name="back" />
        </a>
        <h1 tabIndex={-1}>{t('nav.calendar')}</h1>
      </header>
      <div class="screen-body padded">
        <p class="empty">{t('cal.gone')}</p>
        <a class="btn" href={href.calendar('agenda')}>
          {t('cal.backToCalendar')}
        </a>
      </div>
    </div>
  );
}

const RESPONSE_TEXT: Readonly<Record<number, MessageKey>> = {
  [RESPONSE_TYPE.accepted]: 'cal.accepted',
  [RESPONSE_TYPE.tentative]: 'cal.tentativeAnswer',
  [RESPONSE_TYPE.declined]: 'cal.declined',
  [RESPONSE_TYPE.notResponded]: 'cal.notResponded',
};

const ATTENDEE_TEXT: Readonly<Record<number, MessageKey>> = {
  [ATTENDEE_STATUS.accepted]: 'cal.accepted',
  [ATTENDEE_STATUS.tentative]: 'cal.tentativeAnswer',
  [ATTENDEE_STATUS.declined]: 'cal.declined',
  [ATTENDEE_STATUS.notResponded]: 'cal.notResponded',
};

export function reminderText(minutes: number | undefined, i18n: I18n): string {
  if (minutes === undefined) return i18n.t('cal.reminderNone');
  if (minutes === 0) return i18n.t('cal.reminderAtStart');
  if (minutes % 1440 === 0) return i18n.t('cal.reminderDays', { count: minutes / 1440 });
  if (minutes % 60 === 0) return i18n.t('cal.reminderHours', { count: minutes / 60 });
  return i18n.t('cal.reminderMinutes', { count: minutes });
}

function whenText(e: CalendarItem, i18n: I18n): string {
  if (e.allDayEvent) {
    const last = new Date(e.endTime.getTime() - 1);
    return localDayKey(e.startTime) === localDayKey(last)
      ? `${i18n.date(e.startTime)} · ${i18n.t('cal.allDay')}`
      : `${i18n.date(e.startTime)} – ${i18n.date(last)}`;
  }
  const sameDay = localDayKey(e.startTime) === localDayKey(e.endTime);
  return sameDay
    ? `${i18n.date(e.startTime)} ${i18n.time(e.startTime)}–${i18n.time(e.endTime)}`
    : `${i18n.dateTime(e.startTime)} – ${i18n.dateTime(e.endTime)}`;
}

/** `occurrence`: the original start of the occurrence shown, when one of a series is. */
function EventDetail({ eventRef, event, occurrence }: { eventRef: ItemRef; event: CalendarItem; occurrence?: Date }) {
  const { client } = useApp();
  const i18n = useI18n();
  const { t } = i18n;
  const [busy, setBusy] = useState(false);
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const account = accounts.find((a) => a.id === eventRef.accountId);
  const ownEmail = account?.email;
  // MS-ASCMD 2.2.3.92.1: one occurrence can be answered on its own from 14.1 on.
  const canAnswerOne = occurrence !== undefined && account?.version !== undefined && atLeast(account.version, '14.1');
  const [onlyThis, setOnlyThis] = useState(true);
  const received = isReceivedMeeting(event.meetingStatus);
  const canceled = isCanceledMeeting(event.meetingStatus);
  const answer = (response: 1 | 2 | 3) => async () => {
    setBusy(true);
    try {
      await client.respondToMeeting(eventRef, response, canAnswerOne && onlyThis ? occurrence : undefined);
      // Answered: back to the calendar (a declined meeting leaves it, MS-ASCMD 2.2.1.11).
      navigate(href.calendar('agenda'), true);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!confirm(t('common.confirmDelete'))) return;
    await client.deleteItems([eventRef]);
    navigate(href.calendar('agenda'));
  };
  const responseKey = event.responseType !== undefined ? RESPONSE_TEXT[event.responseType] : undefined;
  return (
    <div class="screen-col">
      <header class="bar">
        <button type="button" class="icon-btn" onClick={() => history.back()} aria-label={t('common.back')}>
          <Icon name="back" />
        </button>
        <h1 tabIndex={-1}>{t('nav.calendar')}</h1>
        <a class="icon-btn" href={href.event(eventRef, true)} aria-label={t('common.edit')} title={t('common.edit')}>
          <Icon name="edit" />
        </a>
        <button type="button" class="icon-btn" onClick={() => void remove()} aria-label={t('common.delete')} title={t('common.delete')}>
          <Icon name="trash" />
        </button>
      </header>
      <div class="screen-body">
        <article class="detail narrow">
          <h2>{event.subject || t('common.noSubject')}</h2>
          {canceled && <p class="badge warn">{t('cal.canceled')}</p>}
          <p class="line">
            <Icon name="clock" /> <span>{whenText(event, i18n)}</span>
          </p>
          {event.recurrence && (
            <p class="line">
              <Icon name="repeat" /> <span>{t('cal.recurring')}</span>
            </p>
          )}
          {event.location && (
            <p class="line">
              <Icon name="pin" /> <span>{event.location}</span>
            </p>
          )}
          <p class="line">
            <Icon name="bell" /> <span>{reminderText(event.reminder, i18n)}</span>
          </p>
          {received && !canceled && (
            <section aria-label={t('cal.respond')}>
              <p class="hint">
                {t('cal.respond')}
                {responseKey && `: ${t(responseKey)}`}
              </p>
              {canAnswerOne && <AnswerScope onlyThis={onlyThis} onChange={setOnlyThis} />}
              <div class="button-row">
                <button
                  type="button"
                  class={'btn' + (event.responseType === RESPONSE_TYPE.accepted ? ' primary' : '')}
                  aria-pressed={event.responseType === RESPONSE_TYPE.accepted}
                  disabled={busy}
                  onClick={answer(1)}
                >
                  {t('mail.accept')}
                </button>
                <button
                  type="button"
                  class={'btn' + (event.responseType === RESPONSE_TYPE.tentative ? ' primary' : '')}
                  aria-pressed={event.responseType === RESPONSE_TYPE.tentative}
                  disabled={busy}
                  onClick={answer(2)}
                >
                  {t('mail.tentative')}
                </button>
                <button
                  type="button"
                  class={'btn' + (event.responseType === RESPONSE_TYPE.declined ? ' primary' : '')}
                  aria-pressed={event.responseType === RESPONSE_TYPE.declined}
                  disabled={busy}
                  onClick={answer(3)}
                >
                  {t('mail.decline')}
                </button>
              </div>
            </section>
          )}
          {(event.organizerName || event.organizerEmail) && (
            <p class="line">
              <Icon name="person" />
              <span>
                {t('cal.organizer')}: {event.organizerName ?? event.organizerEmail}
              </span>
            </p>
          )}
          {event.attendees && event.attendees.length > 0 && (
            <section>
              <h3 class="hint">{t('cal.attendees')}</h3>
              <ul class="attendee-list">
                {event.attendees.map((a) => {
                  const status = attendeeStatus(a, event, ownEmail);
                  return (
                    <li key={a.email}>
                      {a.name || a.email}
                      {status !== undefined && ATTENDEE_TEXT[status] && (
                        <span class="hint"> · {t(ATTENDEE_TEXT[status] as MessageKey)}</span>
                      )}
                    </li>
                  );
                })}
              </ul>
            </section>
          )}
          {(event.body?.data || event.body?.preview) && <p class="notes">{event.body.data ?? event.body.preview}</p>}
        </article>
      </div>
    </div>
  );
}

/** Whether an answer given on one occurrence of a series is for it alone or for the whole series. */
function AnswerScope({ onlyThis, onChange }: { onlyThis: boolean; onChange: (onlyThis: boolean) => void }) {
  const { t } = useI18n();
  return (
    <fieldset class="answer-scope">
      <legend class="hint">{t('cal.answerFor')}</legend>
      <label>
        <input type="radio" name="answer-scope" checked={onlyThis} onChange={() => onChange(true)} /> {t('cal.answerOccurrence')}
      </label>
      <label>
        <input type="radio" name="answer-scope" checked={!onlyThis} onChange={() => onChange(false)} /> {t('cal.answerSeries')}
      </label>
    </fieldset>
  );
}

const REMINDERS = [0, 5, 10, 15, 30, 60, 120, 1440, 2880, 10080];

function EventEditor({ eventRef, previous, day }: { eventRef?: ItemRef; previous?: CalendarItem; day?: string }) {
  const { client } = useApp();
  const i18n = useI18n();
  const { t } = i18n;
  const folders = (useLive(listAllFolders, [], ['folders']).value ?? []).filter((f) => classOf(f) === 'Calendar');
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const [form, setForm] = useState<EventForm>(() => (previous ? formFromEvent(previous) : newEventForm(day)));
  const [dirty, setDirty] = useState<ReadonlySet<EventField>>(new Set());
  const [folderKey, setFolderKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const set = <K extends EventField>(key: K, value: EventForm[K]) => {
    setForm({ ...form, [key]: value });
    setDirty(new Set([...dirty, key]));
  };
  const target: FolderRecord | undefined =
    folders.find((f) => `${f.accountId}/${f.serverId}` === folderKey) ?? folders.find((f) => f.type === 8) ?? folders[0];

  const save = async (e: Event) => {
    e.preventDefault();
    if (!validTimes(form)) return setError(t('cal.endBeforeStart'));
    if (previous && eventRef) {
      await client.updateItem(eventRef, previous, applyEventEdits(previous, form, dirty));
      navigate(href.event(eventRef), true);
      return;
    }
    if (!target) return;
    const account = accounts.find((a) => a.id === target.accountId);
    const created = await client.createItem(
      target.accountId,
      target.serverId,
      newEvent(form, { email: account?.email ?? '', name: account?.displayName }),
    );
    navigate(href.event(created), true);
  };

  const reminders = form.reminder !== '' && !REMINDERS.includes(Number(form.reminder)) ? [...REMINDERS, Number(form.reminder)] : REMINDERS;
  const input = (key: 'subject' | 'location' | 'start' | 'end') => (e: Event) => set(key, (e.currentTarget as HTMLInputElement).value);
  return (
    <form class="screen-col" onSubmit={save} aria-labelledby="event-title">
      <header class="bar">
        <button type="button" class="icon-btn" onClick={() => history.back()} aria-label={t('common.cancel')}>
          <Icon name="close" />
        </button>
        <h1 id="event-title" tabIndex={-1}>
          {previous ? t('cal.editEvent') : t('cal.newEvent')}
        </h1>
        <button type="submit" class="btn primary">
          {t('common.save')}
        </button>
      </header>
      <div class="screen-body padded">
        <div class="form narrow">
          <Field label={t('cal.title')}>
            <input type="text" value={form.subject} onInput={input('subject')} />
          </Field>
          <Field label={t('cal.location')}>
            <input type="text" value={form.location} onInput={input('location')} />
          </Field>
          <label class="check">
            <input
              type="checkbox"
              checked={form.allDay}
              onChange={(e) => {
                const allDay = e.currentTarget.checked;
                setForm({
                  ...form,
                  allDay,
                  start: allDay ? form.start.slice(0, 10) : `${form.start.slice(0, 10)}T09:00`,
                  end: allDay ? form.end.slice(0, 10) : `${form.end.slice(0, 10)}T10:00`,
                });
                setDirty(new Set([...dirty, 'allDay', 'start', 'end']));
              }}
            />
            {t('cal.allDay')}
          </label>
          <div class="row2">
            <Field label={t('cal.start')}>
              <input type={form.allDay ? 'date' : 'datetime-local'} value={form.start} onInput={input('start')} required />
            </Field>
            <Field label={t('cal.end')}>
              <input
                type={form.allDay ? 'date' : 'datetime-local'}
                value={form.end}
                onInput={input('end')}
                required
                aria-invalid={error ? 'true' : undefined}
              />
            </Field>
          </div>
          <Field label={t('cal.reminder')}>
            <select value={form.reminder} onChange={(e) => set('reminder', e.currentTarget.value)}>
              <option value="">{t('cal.reminderNone')}</option>
              {reminders.map((m) => (
                <option key={m} value={String(m)}>
                  {reminderText(m, i18n)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('cal.repeat')}>
            <select value={form.repeat} onChange={(e) => set('repeat', e.currentTarget.value as EventForm['repeat'])}>
              <option value="none">{t('cal.repeatNone')}</option>
              <option value="daily">{t('cal.repeatDaily')}</option>
              <option value="weekly">{t('cal.repeatWeekly')}</option>
              <option value="monthly">{t('cal.repeatMonthly')}</option>
              <option value="yearly">{t('cal.repeatYearly')}</option>
              {form.repeat === 'custom' && <option value="custom">{t('cal.recurring')}</option>}
            </select>
          </Field>
          <Field label={t('cal.busy')}>
            <select value={form.busyStatus} onChange={(e) => set('busyStatus', e.currentTarget.value)}>
              <option value="0">{t('cal.busyFree')}</option>
              <option value="1">{t('cal.busyTentative')}</option>
              <option value="2">{t('cal.busyBusy')}</option>
              <option value="3">{t('cal.busyOof')}</option>
              <option value="4">{t('cal.busyElsewhere')}</option>
            </select>
          </Field>
          <RecipientField
            label={t('cal.attendees')}
            hint={t('cal.attendeesHint')}
            hintId="attendees-hint"
            value={form.attendees}
            onChange={(v) => set('attendees', v)}
            accountId={previous && eventRef ? eventRef.accountId : target?.accountId}
            when={eventWindow(form)}
          />
          {!previous && folders.length > 1 && (
            <Field label={t('cal.calendar')}>
              <select value={target ? `${target.accountId}/${target.serverId}` : ''} onChange={(e) => setFolderKey(e.currentTarget.value)}>
                {folders.map((f) => (
                  <option key={f.accountId + f.serverId} value={`${f.accountId}/${f.serverId}`}>
                    {calendarName(f, i18n)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label={t('cal.notes')}>
            <textarea rows={5} value={form.notes} onInput={(e) => set('notes', e.currentTarget.value)} />
          </Field>
          {error && (
            <p class="error-text" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    </form>
  );
}
