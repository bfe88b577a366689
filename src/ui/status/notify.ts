/**
 * The new-mail notification, page side. Where the engine runs (src/runtime/host.ts) the
 * notification is decided and raised (src/runtime/new-mail.ts); the page keeps the user's
 * switch and language where the worker can read them, and goes to the route a clicked
 * notification names.
 */
import { useEffect } from 'preact/hooks';
import { isOpenRoute, showPageNotice } from '../../runtime/notice-click.ts';
import { writePrefs, type Notice } from '../../runtime/new-mail.ts';
import { useI18n, type Lang } from '../i18n/index.ts';

const KEY = 'eas-pwa.notify';

export function notificationsWanted(): boolean {
  return localStorage.getItem(KEY) === '1';
}

const permission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/** Asks the browser when switching on; resolves to what is in force afterwards. */
export async function setNotificationsWanted(on: boolean, lang: Lang): Promise<boolean> {
  if (on && permission() === 'default') await Notification.requestPermission();
  const enabled = on && permission() === 'granted';
  localStorage.setItem(KEY, enabled ? '1' : '0');
  await writePrefs({ enabled, lang });
  return enabled;
}

/**
 * A notification raised by the page (reminders): through the service worker's
 * registration when one controls the page, so it looks and clicks like the worker's
 * own; else a page Notification.
 */
export async function showNotice(n: Notice): Promise<void> {
  const reg = navigator.serviceWorker?.controller ? await navigator.serviceWorker.getRegistration() : undefined;
  if (!reg) return showPageNotice(n);
  await reg.showNotification(n.title, { body: n.body, tag: n.tag, icon: 'icons/icon-192.png', data: { hash: n.hash } });
}

/** Keeps the worker's copy of the switch and language current; follows clicked notifications. */
export function useNewMailNotifications(): void {
  const { lang } = useI18n();
  useEffect(() => void writePrefs({ enabled: notificationsWanted(), lang }).catch(() => undefined), [lang]);
  useEffect(() => {
    const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
    if (!sw) return undefined;
    const open = (m: MessageEvent) => {
      if (isOpenRoute(m.data)) location.hash = m.data.hash;
    };
    sw.addEventListener('message', open);
    return () => sw.removeEventListener('message', open);
  }, []);
}
