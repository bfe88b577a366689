/**
 * Recent recipients (the `meta` store, key `recent:<account>`): the people the user
 * wrote to, remembered when a mail is queued or a draft sent, so that compose can suggest them
 * offline. Newest first, at most MAX_RECENTS; removed with the account.
 */
import type { Address } from '../eas/items/addresses.ts';
import type { Store, WriteOp } from './db.ts';

export interface RecentRecipient {
  readonly email: string;
  readonly name?: string;
  /** How many mails went to them. */
  readonly count: number;
  /** When the last one was queued, by the device's clock. */
  readonly lastUsed: number;
}

export const MAX_RECENTS = 200;

export const recentKey = (accountId: string) => `recent:${accountId}`;

/** The list after a mail to `sent` was queued at `now`: they move to the front, counted once per mail. */
export function rememberRecipients(list: readonly RecentRecipient[], sent: readonly Address[], now: number): RecentRecipient[] {
  const fresh = new Map<string, RecentRecipient>();
  for (const a of sent) {
    const key = a.email.toLowerCase();
    if (!a.email.includes('@') || fresh.has(key)) continue;
    const old = list.find((r) => r.email.toLowerCase() === key);
    fresh.set(key, { email: a.email, name: a.name || old?.name, count: (old?.count ?? 0) + 1, lastUsed: now });
  }
  const rest = list.filter((r) => !fresh.has(r.email.toLowerCase()));
  return [...fresh.values(), ...rest].slice(0, MAX_RECENTS);
}

export const saveRecentsOps = (accountId: string, list: readonly RecentRecipient[]): WriteOp[] => [
  { store: 'meta', op: 'put', value: { key: recentKey(accountId), value: list } },
];
/** The write that remembers the recipients of a mail sent now (from the outbox, or a 16.x draft sent on the server). */
export async function writtenToOps(
  store: Store,
  mail: { readonly accountId: string } & Record<'to' | 'cc' | 'bcc', readonly Address[]>,
  now: number,
): Promise<WriteOp[]> {
  const list = ((await store.db.get('meta', recentKey(mail.accountId)))?.value ?? []) as RecentRecipient[];
  return saveRecentsOps(mail.accountId, rememberRecipients(list, [...mail.to, ...mail.cc, ...mail.bcc], now));
}

export const wipeRecentsOps = (accountId: string): WriteOp[] => [{ store: 'meta', op: 'delete', key: recentKey(accountId) }];
