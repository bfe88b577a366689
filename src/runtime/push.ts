/**
 * Web Push from `eas proxy --vault --push` (issue #14), the worker's side and the record the
 * page and the worker share.
 *
 * The proxy holds the Ping of a registered device and, on a change, sends one push whose
 * decrypted payload is `{"folders": [ServerId…], "user", "deviceId", "hierarchyChanged"?}`
 * (../shared/CONTRACTS.md, "The proxy"). The worker syncs what it names and shows the new-mail
 * notification; every push ends with a notification the user can see (a browser requires it
 * with `userVisibleOnly`, Push API §3.3, and shows a generic notice of its own otherwise): when
 * the sync brought no new mail, a silent "No new mail" that replaces the last one of its kind.
 *
 * The page registers the subscription (src/ui/status/push.ts) and writes one RelayRecord per
 * account here; while the proxy says it holds the Ping (`holdsPing`), the in-tab schedule runs
 * no Ping of its own for that account (schedule.ts): a server keeps one Ping per device.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { enNotices, jaNotices } from '../i18n/notices.ts';
import type { AccountRecord } from '../store/schema.ts';
import type { Notice, NotifyPrefs } from './new-mail.ts';

export interface PushMessage {
  /** The folders the relay saw change (ServerIds); empty after a hierarchy change. */
  readonly folders: readonly string[];
  readonly deviceId?: string;
  readonly hierarchyChanged: boolean;
}

/** The payload as the relay sends it, or undefined for anything else (then every relayed account syncs). */
export function parsePushMessage(text: string | undefined): PushMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v['folders']) || !v['folders'].every((f) => typeof f === 'string')) return undefined;
  return {
    folders: v['folders'] as string[],
    ...(typeof v['deviceId'] === 'string' ? { deviceId: v['deviceId'] } : {}),
    hierarchyChanged: v['hierarchyChanged'] === true,
  };
}

/** What one push syncs: an account, and first the folders the relay named (none: the whole account only). */
export interface PushTarget {
  readonly accountId: string;
  readonly folders: readonly string[];
}

/**
 * The account the push is for (its DeviceId), with the folders named. A payload that cannot be
 * read, or names no account here, syncs every account registered with the relay (every account
 * when none is recorded): a push always means something changed.
 */
export function pushTargets(
  message: PushMessage | undefined,
  accounts: readonly AccountRecord[],
  relays: readonly RelayRecord[],
): PushTarget[] {
  const named = message?.deviceId === undefined ? undefined : accounts.find((a) => a.deviceId === message.deviceId);
  if (message && named) return [{ accountId: named.id, folders: message.hierarchyChanged ? [] : message.folders }];
  const registered = accounts.filter((a) => relays.some((r) => r.accountId === a.id));
  return (registered.length ? registered : accounts).map((a) => ({ accountId: a.id, folders: [] }));
}

/**
 * The notification of a push that brought no new mail (or whose sync could not run: `failed`):
 * silent, one at a time (its tag), leading to the mail.
 */
export function quietNotice(accounts: readonly AccountRecord[], lang: NotifyPrefs['lang'], failed = false): Notice {
  const dict = lang === 'ja' ? jaNotices : enNotices;
  return {
    title: dict[failed ? 'notify.checkFailed' : 'notify.upToDate'],
    body: accounts.map((a) => a.displayName ?? a.email).join(', '),
    tag: 'push-quiet',
    hash: '#/mail',
    silent: true,
  };
}

// ---------------------------------------------------------------- the page's registrations

/** One account registered with the relay: its DeviceId, the subscription's endpoint, what the proxy answered. */
export interface RelayRecord {
  readonly accountId: string;
  readonly deviceId: string;
  readonly endpoint: string;
  /** The relay holds the Ping for this device (`holdsPing` of `POST /proxy/push`). */
  readonly holdsPing: boolean;
}

interface PushDb extends DBSchema {
  relays: { key: string; value: RelayRecord };
}

const DB = 'eas-pwa-push';
let opened: Promise<IDBPDatabase<PushDb>> | undefined;
const db = (): Promise<IDBPDatabase<PushDb>> =>
  (opened ??= openDB<PushDb>(DB, 1, {
    upgrade: (d) => void d.createObjectStore('relays', { keyPath: 'accountId' }),
  }));

export async function readRelays(): Promise<RelayRecord[]> {
  return (await db()).getAll('relays');
}

export async function writeRelay(r: RelayRecord): Promise<void> {
  await (await db()).put('relays', r);
}

export async function forgetRelay(accountId: string): Promise<void> {
  await (await db()).delete('relays', accountId);
}

/** The accounts whose Ping the relay holds now: the schedule leaves their Ping to it. */
export async function relayedAccounts(): Promise<ReadonlySet<string>> {
  return new Set((await readRelays()).filter((r) => r.holdsPing).map((r) => r.accountId));
}

// ---------------------------------------------------------------- registration at the proxy

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** `POST`/`DELETE /proxy/push` (CONTRACTS.md "The proxy"): the session cookie goes along, same origin. */
export const PUSH_PATH = '/proxy/push';

/** PushSubscription.toJSON(). */
export interface SubscriptionJson {
  readonly endpoint?: string;
  readonly keys?: Record<string, string>;
}

function send(fetcher: Fetch, method: 'POST' | 'DELETE', deviceId: string, subscription: SubscriptionJson): Promise<Response> {
  return fetcher(PUSH_PATH, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ deviceId, subscription }),
    credentials: 'same-origin',
    cache: 'no-store',
  });
}

/**
 * Registers the subscription for one account's DeviceId (a new subscription replaces the old one:
 * the proxy keeps one per device) and records what the proxy answered. Refused or unreachable:
 * the record goes, so the in-tab schedule Pings again; returns undefined.
 */
export async function registerDevice(
  fetcher: Fetch,
  accountId: string,
  deviceId: string,
  subscription: SubscriptionJson,
): Promise<RelayRecord | undefined> {
  const res = await send(fetcher, 'POST', deviceId, subscription).catch(() => undefined);
  const answer = res?.ok ? ((await res.json().catch(() => ({}))) as { holdsPing?: unknown }) : undefined;
  if (!answer) {
    await forgetRelay(accountId);
    return undefined;
  }
  const record: RelayRecord = { accountId, deviceId, endpoint: subscription.endpoint ?? '', holdsPing: answer.holdsPing === true };
  await writeRelay(record);
  return record;
}

/** Removes a device's registration at the proxy (best effort: offline, the proxy drops it at its next push's 404/410) and forgets it here. */
export async function unregisterDevice(fetcher: Fetch, r: RelayRecord): Promise<void> {
  await send(fetcher, 'DELETE', r.deviceId, { endpoint: r.endpoint }).catch(() => undefined);
  await forgetRelay(r.accountId);
}

/** The browser changed the subscription (`pushsubscriptionchange`): every registered account gets the new one. */
export async function reregisterAll(fetcher: Fetch, subscription: SubscriptionJson): Promise<void> {
  for (const r of await readRelays()) await registerDevice(fetcher, r.accountId, r.deviceId, subscription);
}
