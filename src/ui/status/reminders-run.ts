/**
 * The reminder clock in this tab (loaded by reminders.ts useReminders): it reads the
 * user's own calendars (not calendars others share: their reminders are their
 * owners') and the task folders, expands series with the calendar's expansion, and
 * raises notifications through the service worker when it controls the page (its
 * notificationclick brings the app to the route, src/sw/notice-click.ts).
 */
import { readDone, reminderNotice, startReminders, writeDone, type ReminderClock, type Source } from '../../runtime/reminders.ts';
import type { Db } from '../../store/db.ts';
import { expandItem } from '../calendar/expand.ts';
import { listAllFolders, listFolderItems } from '../data/read.ts';
import { refOf, type EngineClient } from '../../runtime/engine-client.ts';
import { loadLangChoice, resolveLang } from '../i18n/index.ts';
import { classOf } from '../mail/folders.ts';
import { showNotice } from './notify.ts';
import { remindersAllowed } from './reminders.ts';

async function loadSources(db: Db): Promise<Source[]> {
  const folders = (await listAllFolders(db)).filter((f) => f.enabled && !f.owner && (classOf(f) === 'Calendar' || classOf(f) === 'Tasks'));
  const items = (await Promise.all(folders.map((f) => listFolderItems(db, f.accountId, f.serverId)))).flat();
  return items.flatMap((i): Source[] => {
    if (i.class === 'Calendar') return [{ kind: 'event', ref: refOf(i), item: i.data }];
    return i.class === 'Tasks' ? [{ kind: 'task', ref: refOf(i), item: i.data }] : [];
  });
}

export function runReminders(db: Db, client: EngineClient): ReminderClock {
  const clock = startReminders({
    load: () => loadSources(db),
    expand: (ref, item, from, to) => expandItem(ref, item, from, to),
    readDone: () => readDone(db),
    writeDone: (done) => writeDone(db, done),
    show: (r) => showNotice(reminderNotice(r, resolveLang(loadLangChoice()))),
    allowed: remindersAllowed,
    now: () => Date.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
  });
  // Timers stop while the machine sleeps: look again when the page is shown.
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && clock.replan());
  client.subscribe((e) => {
    if (e.type === 'changed' && e.stores.some((s) => s === 'items' || s === 'folders')) clock.replan();
  });
  return clock;
}
