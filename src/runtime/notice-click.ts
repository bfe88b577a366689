/**
 * A click on a new-mail notification: the app comes to the front at that mail. An open
 * tab of the app is told where to go (a message; it sets its own hash route) and
 * focused; with none, a new window opens at the route. The click is the user
 * activation that lets the worker focus or open a window (Notifications API §3.4,
 * Service Workers §4.3.9 `focus()`). Without a service worker the page raises the
 * notice itself and follows its click (showPageNotice).
 */
import type { Notice } from './new-mail.ts';
import type { OpenRoute } from './protocol.ts';

export interface WindowLike {
  readonly url: string;
  readonly focused?: boolean;
  postMessage(message: unknown): void;
  focus(): Promise<unknown>;
}

export interface ClientsLike {
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowLike[]>;
  openWindow(url: string): Promise<unknown>;
}

/** `scope` is the app's base URL (the registration's scope, ending in '/'). */
export async function openAt(clients: ClientsLike, scope: string, hash: string): Promise<void> {
  const tabs = (await clients.matchAll({ type: 'window', includeUncontrolled: true })).filter((c) => c.url.startsWith(scope));
  const tab = tabs.find((c) => c.focused) ?? tabs[0];
  if (!tab) {
    await clients.openWindow(scope + hash);
    return;
  }
  tab.postMessage({ kind: 'open', hash } satisfies OpenRoute);
  await tab.focus();
}

/** A tab's side of the same click: is this worker message an OpenRoute? */
export function isOpenRoute(m: unknown): m is OpenRoute {
  return (
    typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'open' && typeof (m as { hash?: unknown }).hash === 'string'
  );
}

/** A notice raised by the page itself (no service worker: the engine runs here); a click goes to its route. */
export async function showPageNotice(n: Notice): Promise<void> {
  const shown = new Notification(n.title, { body: n.body, tag: n.tag, icon: 'icons/icon-192.png' });
  shown.onclick = () => {
    window.focus();
    location.hash = n.hash;
    shown.close();
  };
}
