// @vitest-environment happy-dom
/**
 * The status line says the most urgent truth (issue #12 item 5): a busy server with the
 * next try, a server out of reach with the last good sync, a sync under way, the last sync;
 * in English and Japanese, with local times.
 */
import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../../src/store/schema.ts';
import { createI18n } from '../../../src/ui/i18n/index.ts';
import { headerStatus } from '../../../src/ui/status/Status.tsx';

const NOW = new Date(2026, 11, 6, 14, 0).getTime();
const account = (extra: Partial<AccountRecord>): AccountRecord => ({
  id: 'a1',
  email: 'alice@example.test',
  url: 'https://x',
  user: 'alice',
  deviceId: 'd',
  deviceType: 't',
  folderSyncKey: '1',
  classes: { Email: true, Calendar: true, Contacts: true, Tasks: true },
  filters: { Email: 0, Calendar: 0, Contacts: 0, Tasks: 0 },
  push: 'push',
  intervalMinutes: 15,
  state: { kind: 'ok' },
  createdAt: 0,
  lastSyncAt: NOW - 7 * 60_000,
  ...extra,
});

describe('headerStatus', () => {
  it('busy wins, with the next try; a passed Retry-After no longer counts', () => {
    const until = NOW + 30_000;
    expect(headerStatus([account({ state: { kind: 'busy', until } })], true, NOW)).toEqual({ key: 'status.busyShort', at: until });
    expect(headerStatus([account({ state: { kind: 'busy', until: NOW - 1 } })], false, NOW)).toEqual({
      key: 'status.synced',
      at: NOW - 7 * 60_000,
    });
  });

  it('an unreachable server is said even while a retry runs, with the last good sync', () => {
    const a = account({ lastFailure: { kind: 'unreachable', at: NOW - 60_000 } });
    expect(headerStatus([a], true, NOW)).toEqual({ key: 'status.unreachable', at: NOW - 7 * 60_000 });
    expect(headerStatus([account({ lastFailure: { kind: 'server', at: NOW } })], false, NOW)).toEqual({
      key: 'status.failing',
      at: NOW - 7 * 60_000,
    });
    expect(headerStatus([account({ lastFailure: { kind: 'unreachable', at: NOW }, lastSyncAt: undefined })], false, NOW)).toEqual({
      key: 'status.unreachableNever',
    });
  });

  it('otherwise syncing, then the last sync', () => {
    expect(headerStatus([account({})], true, NOW)).toEqual({ key: 'status.syncing' });
    expect(headerStatus([account({ lastSyncAt: undefined })], false, NOW)).toEqual({ key: 'status.never' });
  });

  it('reads in both languages', () => {
    const time = '14:07';
    expect(createI18n('en').t('status.unreachable', { time })).toBe("Can't reach the server. Last synced 14:07");
    expect(createI18n('ja').t('status.unreachable', { time })).toBe('サーバーに接続できません。最終同期: 14:07');
    expect(createI18n('ja').t('status.busyShort', { time })).toBe('サーバー混雑中。次の試行: 14:07');
  });
});
