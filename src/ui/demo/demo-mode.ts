/**
 * When the demo is on: the page was opened with `?demo=1` (what `npm start` prints),
 * or an account lives on the demo server. The fault panel shows only then.
 */
import { isDemoHost } from '../../demo/demo-host.ts';
import type { AccountRecord } from '../../store/schema.ts';

export function demoRequested(search = globalThis.location?.search ?? ''): boolean {
  return new URLSearchParams(search).get('demo') === '1';
}

export function isDemoAccount(account: Pick<AccountRecord, 'url'>): boolean {
  try {
    return isDemoHost(new URL(account.url).hostname);
  } catch {
    return false;
  }
}
