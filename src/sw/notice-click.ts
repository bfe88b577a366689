/**
 * A click on a new-mail notification: the app comes to the front at that mail. An open
 * tab of the app is told where to go (a message; it sets its own hash route) and
 * focused; with none, a new window opens at the route. The click is the user
 * activation that lets the worker focus or open a window (Notifications API §3.4,
 * Service Workers §4.3.9 `focus()`).
 */
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
