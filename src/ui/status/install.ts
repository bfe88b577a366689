/**
 * The in-app "Install app" offer. Chromium fires `beforeinstallprompt` when the app is
 * installable (manifest, icons, a service worker); we keep the event (its default, the
 * browser's own mini-infobar, is prevented) and call its `prompt()` when the user asks.
 * Nothing is offered when the app already runs installed (display-mode standalone, or
 * iOS's `navigator.standalone`) or once `appinstalled` fired. Browsers without the event
 * (Safari, Firefox) simply never offer it: they install from their own menu.
 * Started in main.tsx before the first render, so an early event is not missed.
 */
import { useEffect, useState } from 'preact/hooks';

/** The non-standard event Chromium fires (WICG "Manifest Incubations" BeforeInstallPromptEvent). */
export interface InstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice: Promise<{ readonly outcome: 'accepted' | 'dismissed' }>;
}

export type InstallState = 'installed' | 'available' | 'unavailable';

/** What the watch needs of `window` (a fake in tests). */
export interface InstallHost {
  addEventListener(type: string, listener: (e: Event) => void): void;
  matchMedia(query: string): { readonly matches: boolean };
  readonly navigator: { readonly standalone?: boolean };
}

export interface InstallWatch {
  state(): InstallState;
  subscribe(listener: (state: InstallState) => void): () => void;
  /** Shows the browser's install dialog; resolves to the user's answer. */
  install(): Promise<'accepted' | 'dismissed' | 'unavailable'>;
}

function isPromptEvent(e: Event): e is InstallPromptEvent {
  return typeof (e as Partial<InstallPromptEvent>).prompt === 'function';
}

export function watchInstall(host: InstallHost): InstallWatch {
  const standalone = host.matchMedia('(display-mode: standalone)').matches || host.navigator.standalone === true;
  let state: InstallState = standalone ? 'installed' : 'unavailable';
  let deferred: InstallPromptEvent | undefined;
  const listeners = new Set<(s: InstallState) => void>();
  const set = (next: InstallState) => {
    state = next;
    listeners.forEach((l) => l(next));
  };
  host.addEventListener('beforeinstallprompt', (e) => {
    if (state === 'installed' || !isPromptEvent(e)) return;
    e.preventDefault();
    deferred = e;
    set('available');
  });
  host.addEventListener('appinstalled', () => {
    deferred = undefined;
    set('installed');
  });
  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async install() {
      const e = deferred;
      if (!e) return 'unavailable';
      deferred = undefined; // a prompt can be shown once per event
      await e.prompt();
      const { outcome } = await e.userChoice;
      // Accepted: 'appinstalled' follows. Dismissed: the browser may fire the event again later.
      set(outcome === 'accepted' ? 'installed' : 'unavailable');
      return outcome;
    },
  };
}

let current: InstallWatch | undefined;

/** Called once at start-up with the real window. */
export function startInstallWatch(host: InstallHost = window as unknown as InstallHost): InstallWatch {
  current ??= watchInstall(host);
  return current;
}

/** The install state for a screen, and the action; 'unavailable' before start-up. */
export function useInstall(): { state: InstallState; install: () => Promise<unknown> } {
  const [state, setState] = useState<InstallState>(() => current?.state() ?? 'unavailable');
  useEffect(() => current?.subscribe(setState), []);
  return { state, install: () => current?.install() ?? Promise.resolve('unavailable') };
}
