/** A notification on new mail, when the user switched it on and the browser allows it. */
import { useEffect } from 'preact/hooks';
import { useApp } from '../data/live.ts';
import { useI18n } from '../i18n/index.ts';
import { href } from '../router.ts';

const KEY = 'eas-pwa.notify';

export function notificationsWanted(): boolean {
  return localStorage.getItem(KEY) === '1';
}

/** Asks the browser when switching on; resolves to what is in force afterwards. */
export async function setNotificationsWanted(on: boolean): Promise<boolean> {
  if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') await Notification.requestPermission();
  const granted = typeof Notification !== 'undefined' && Notification.permission === 'granted';
  localStorage.setItem(KEY, on && granted ? '1' : '0');
  return on && granted;
}

export function useNewMailNotifications(): void {
  const { client } = useApp();
  const { t } = useI18n();
  useEffect(
    () =>
      client.subscribe((e) => {
        if (e.type !== 'newMail' || !notificationsWanted() || document.visibilityState === 'visible') return;
        if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
        const n = new Notification(t('settings.newMail', { from: e.from ?? '' }), { body: e.subject ?? '', tag: e.ref.serverId });
        n.onclick = () => {
          window.focus();
          location.hash = href.mail(e.ref.accountId, e.ref.folderId, e.ref.serverId);
        };
      }),
    [client, t],
  );
}
