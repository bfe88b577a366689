/**
 * The new-mail notification, page side. Where the engine runs (src/sw/host.ts) the
 * notification is decided and raised (src/sw/new-mail.ts); the page keeps the user's
 * switch and language where the worker can read them, and goes to the route a clicked
 * notification names.
 */
import { useEffect } from 'preact/hooks';
import { writePrefs, type Notice } from '../../sw/new-mail.ts';
import type { OpenRoute } from '../../sw/protocol.ts';
import { useI18n, type Lang } from '../i18n/index.ts';

const KEY = 'eas-pwa.notify';

export function notificationsWanted(): boolean {
  return localStorage.getItem(KEY) === '1';
}

const permission = (): NotificationPermission | 'unsupported' => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

/** Asks the browser when switching on; resolves to what is in force afterwards. */
export async function setNotificationsWanted(on: boolean, lang: Lang): Promise<boolean> {
  if (on && permission() === 'default') await Notification.requestPermission();
  const enabled = on && permission() === 'granted';
  localStorage.setItem(KEY, enabled ? '1' : '0');
  await writePrefs({ enabled, lang });
  return enabled;
}

/** A notification raised by the page itself (no service worker: the engine runs here). */
export async function showPageNotice(n: Notice): Promise<void> {
  const shown = new Notification(n.title, { body: n.body, tag: n.tag, icon: 'icons/icon-192.png' });
  shown.onclick = () => {
    window.focus();
    location.hash = n.hash;
    shown.close();
  };
}

function isOpenRoute(m: unknown): m is OpenRoute {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'open' && typeof (m as { hash?: unknown }).hash === 'string';
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
