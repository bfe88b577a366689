/**
 * Push to a closed app, the page's side (issue #14). Where the app's own server is
 * `eas proxy --vault --push` (its `/proxy/config` names a VAPID key), the new-mail notification
 * switch subscribes the service worker's registration (`PushManager.subscribe` with
 * `userVisibleOnly` and that key, Push API §3) and registers the subscription with each account's
 * DeviceId at `/proxy/push`; the proxy then holds the Ping for that device and the worker
 * wakes on its pushes (src/runtime/push.ts). Switching off, removing an account, or a
 * new key undoes or replaces it; each opening of the app registers again, so the proxy always has
 * the current subscription. Where push cannot work the app keeps its in-tab schedule, and the
 * settings say why.
 */
import { useEffect, useState } from 'preact/hooks';
import { forgetRelay, readRelays, registerDevice, unregisterDevice, type RelayRecord } from '../../runtime/push.ts';
import type { AccountRecord } from '../../store/schema.ts';
import { proxyConfig } from '../setup/vault.ts';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * - `on`: the proxy holds the Ping; mail comes with the app closed.
 * - `off`: the switch is off (or nothing was tried yet).
 * - `no-server`: the app's server offers no push (no `eas proxy --push`, no account behind it).
 * - `no-browser`: no PushManager here (an iPhone's Safari outside the Home Screen, a private window).
 * - `denied`: notifications are blocked for the site.
 * - `failed`: the browser or the proxy refused the subscription.
 */
export type PushState = 'on' | 'off' | 'no-server' | 'no-browser' | 'denied' | 'failed';

export interface PushEnv {
  readonly fetch: Fetch;
  /** The service worker's registration, undefined without one. */
  registration(): Promise<ServiceWorkerRegistration | undefined>;
  permission(): NotificationPermission | 'unsupported';
  /** The app's origin: accounts whose EAS server is there are behind the proxy. */
  readonly origin: string;
}

export function browserEnv(): PushEnv {
  return {
    fetch: (input, init) => fetch(input, init),
    // An installed worker that is not active yet is waited for; no worker at all (?sw=0, the dev server): none.
    registration: async () => {
      const reg = await navigator.serviceWorker?.getRegistration();
      return reg && !reg.active ? navigator.serviceWorker.ready : reg;
    },
    permission: () => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission),
    origin: location.origin,
  };
}

/** Accounts whose EAS server is the app's own origin, i.e. the proxy. */
function behindProxy(accounts: readonly AccountRecord[], origin: string): AccountRecord[] {
  return accounts.filter((a) => {
    try {
      return new URL(a.url).origin === origin;
    } catch {
      return false;
    }
  });
}

const b64url = (key: ArrayBuffer | null | undefined): string =>
  key
    ? btoa(String.fromCharCode(...new Uint8Array(key)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '')
    : '';

/** The registration's subscription for `key`: the one it has, or a new one (a subscription under another key is ended first). */
async function subscription(reg: ServiceWorkerRegistration, key: string): Promise<PushSubscription> {
  const had = await reg.pushManager.getSubscription();
  if (had && b64url(had.options.applicationServerKey) === key) return had;
  await had?.unsubscribe();
  return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
}

/** Registrations of accounts no longer here (removed on another screen, or the switch went off elsewhere) go. */
async function dropStale(env: PushEnv, keep: readonly AccountRecord[]): Promise<void> {
  for (const r of await readRelays())
    if (!keep.some((a) => a.id === r.accountId && a.deviceId === r.deviceId)) await unregisterDevice(env.fetch, r);
}

/** Subscribes and registers every account behind the proxy; what is in force afterwards. */
export async function pushOn(accounts: readonly AccountRecord[], env: PushEnv = browserEnv()): Promise<PushState> {
  const config = await proxyConfig(env.fetch);
  const relayable = behindProxy(accounts, env.origin);
  if (!config.vapidPublicKey || relayable.length === 0) {
    // No relay (the proxy now runs without --push, or the accounts moved): the tabs Ping again.
    for (const r of await readRelays()) await forgetRelay(r.accountId);
    return 'no-server';
  }
  const reg = await env.registration();
  if (!reg?.pushManager) return 'no-browser';
  if (env.permission() === 'denied') return 'denied';
  await dropStale(env, relayable);
  let sub: PushSubscription;
  try {
    sub = await subscription(reg, config.vapidPublicKey);
  } catch {
    return 'failed';
  }
  const json = sub.toJSON();
  const done: (RelayRecord | undefined)[] = [];
  for (const a of relayable) done.push(await registerDevice(env.fetch, a.id, a.deviceId, json));
  return done.every((r) => r?.holdsPing) ? 'on' : 'failed';
}

/** Removes every registration and ends the subscription: the in-tab schedule Pings again. */
export async function pushOff(env: PushEnv = browserEnv()): Promise<void> {
  for (const r of await readRelays()) await unregisterDevice(env.fetch, r);
  const reg = await env.registration();
  await (await reg?.pushManager?.getSubscription())?.unsubscribe();
}

/** Before an account is removed: its registration goes. */
export async function pushForget(account: AccountRecord, env: PushEnv = browserEnv()): Promise<void> {
  const r = (await readRelays()).find((x) => x.accountId === account.id);
  if (r) await unregisterDevice(env.fetch, r);
  else await forgetRelay(account.id);
}

// ---------------------------------------------------------------- what the settings show

let current: PushState = 'off';
const listeners = new Set<(s: PushState) => void>();

export function setPushState(s: PushState): void {
  current = s;
  listeners.forEach((l) => l(s));
}

export function usePushState(): PushState {
  const [s, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    set(current);
    return () => void listeners.delete(set);
  }, []);
  return s;
}

/**
 * On each opening of the app, and when the accounts change, the switch's choice is carried out
 * again: the proxy gets the current subscription (it may have restarted without its state, or
 * the browser may have renewed the subscription), new accounts are registered, removed ones go.
 */
export function usePushRelay(accounts: readonly AccountRecord[] | undefined, wanted: () => boolean): void {
  const key = accounts?.map((a) => `${a.id}:${a.deviceId}`).join(',');
  useEffect(() => {
    // Offline the proxy cannot be asked: what was registered stays as it is until the next opening.
    if (!accounts || !navigator.onLine) return;
    const run = wanted() ? pushOn(accounts) : pushOff().then((): PushState => 'off');
    void run.then(setPushState, () => setPushState('failed'));
  }, [key]);
}
