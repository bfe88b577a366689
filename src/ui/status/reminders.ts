/**
 * Reminders, page side: the user's switch (on unless turned off; the browser's
 * permission is asked when it is turned on) and the hook that starts the reminder
 * clock (src/runtime/reminders.ts) in ONE tab: the tab holding the `eas-reminders`
 * Web Lock, handed to the next tab when it closes. The clock and the calendar's
 * expansion load in their own chunk (reminders-run.ts), after the first paint.
 */
import { useEffect } from 'preact/hooks';
import { useApp } from '../data/live.ts';

const KEY = 'eas-pwa.reminders';
export const REMINDERS_LOCK = 'eas-reminders';

export function remindersWanted(): boolean {
  return localStorage.getItem(KEY) !== '0';
}

const permission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/** Asks the browser when switching on; resolves to what is in force afterwards. */
export async function setRemindersWanted(on: boolean): Promise<boolean> {
  if (on && permission() === 'default') await Notification.requestPermission();
  localStorage.setItem(KEY, on ? '1' : '0');
  return on && permission() === 'granted';
}

/** Reminders may be raised: the user's switch and the browser's permission. */
export function remindersAllowed(): boolean {
  return remindersWanted() && permission() === 'granted';
}

export function useReminders(): void {
  const { db, client } = useApp();
  useEffect(() => {
    const stop = new AbortController();
    const run = async () => {
      const { runReminders } = await import('./reminders-run.ts');
      const clock = runReminders(db, client);
      // Held for the tab's life (or until the app unmounts): one tab raises reminders.
      await new Promise<void>((done) => stop.signal.addEventListener('abort', () => done()));
      clock.stop();
    };
    if (typeof navigator !== 'undefined' && navigator.locks)
      void navigator.locks.request(REMINDERS_LOCK, { signal: stop.signal }, run).catch(() => undefined);
    else void run();
    return () => stop.abort();
  }, [db, client]);
}
