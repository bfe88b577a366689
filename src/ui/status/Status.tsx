/**
 * Sync status: the send/receive control with the last sync time, the offline banner,
 * and each account's error with the action that fixes it (re-enter the password,
 * full resync).
 */
import { useEffect, useState } from 'preact/hooks';
import type { AccountRecord } from '../../store/schema.ts';
import { Dialog } from '../components/Dialog.tsx';
import { SetupError } from '../../runtime/engine-client.ts';
import { ERROR_TEXT } from '../setup/errors.ts';
import { OAUTH_START, oauthSession, proxyConfig, reenterPassword } from '../setup/vault.ts';
import { Icon } from '../components/Icon.tsx';
import { useApp, useEngineEvents, useLive } from '../data/live.ts';
import { listAccounts } from '../data/read.ts';
import { useI18n, type MessageKey } from '../i18n/index.ts';
import { Details, errorKey } from './error-text.tsx';

export function useOnline(): boolean {
  const { client } = useApp();
  const [online, setOnline] = useState(() => client.status().online && navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(client.status().online && navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    const off = client.subscribe((e) => e.type === 'online' && update());
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
      off();
    };
  }, [client]);
  return online;
}

function lastSync(accounts: readonly AccountRecord[]): number | undefined {
  const times = accounts.map((a) => a.lastSyncAt).filter((x): x is number => x !== undefined);
  return times.length ? Math.max(...times) : undefined;
}

/** What the status line says, as a catalog key and the moments it names. */
export interface HeaderStatus {
  readonly key: MessageKey;
  /** busyShort: the next try; unreachable/failing/synced: the last good sync. */
  readonly at?: number;
}

/**
 * The status line, most urgent first: a busy server and when it is tried again
 * (MS-ASHTTP 3.1.5.2.3 Retry-After); a server that cannot be reached, or failed, since
 * the last good sync; a sync under way; the last good sync.
 */
export function headerStatus(accounts: readonly AccountRecord[], syncing: boolean, now: number): HeaderStatus {
  const last = lastSync(accounts);
  const busy = accounts.flatMap((a) => (a.state.kind === 'busy' && a.state.until > now ? [a.state.until] : []));
  if (busy.length > 0) return { key: 'status.busyShort', at: Math.min(...busy) };
  const failure = accounts.find((a) => a.lastFailure && a.lastFailure.kind !== 'busy')?.lastFailure;
  if (failure) {
    const unreachable = failure.kind === 'unreachable' || failure.kind === 'cors';
    if (last === undefined) return { key: unreachable ? 'status.unreachableNever' : 'status.failingNever' };
    return { key: unreachable ? 'status.unreachable' : 'status.failing', at: last };
  }
  if (syncing) return { key: 'status.syncing' };
  return last === undefined ? { key: 'status.never' } : { key: 'status.synced', at: last };
}

/** Re-renders at `at` (and every minute, for "5 minutes ago"), so a passed Retry-After stops showing. */
function useTick(at: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const wait = at !== undefined && at > Date.now() ? Math.min(at - Date.now() + 50, 60_000) : 60_000;
    const timer = setTimeout(() => setNow(Date.now()), wait);
    return () => clearTimeout(timer);
  }, [at, now]);
  return now;
}

/** The send/receive button; it spins while any account syncs. */
export function SyncButton() {
  const { client } = useApp();
  const { t, relative, time, dateTime } = useI18n();
  useEngineEvents(['sync']);
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const syncing = client.status().syncing.length > 0;
  const nextBusy = accounts.flatMap((a) => (a.state.kind === 'busy' ? [a.state.until] : []))[0];
  const now = useTick(nextBusy);
  const status = headerStatus(accounts, syncing, now);
  // A moment today as its time, another day with its date: "14:05", "Dec 5, 2026, 14:05".
  const moment = (ms: number) =>
    new Date(ms).toDateString() === new Date(now).toDateString() ? time(new Date(ms)) : dateTime(new Date(ms));
  const at = status.at;
  const label =
    at === undefined
      ? t(status.key)
      : t(status.key, { time: status.key === 'status.synced' ? relative(new Date(Math.min(at, now)), new Date(now)) : moment(at) });
  const trouble = status.key !== 'status.syncing' && status.key !== 'status.synced' && status.key !== 'status.never';
  return (
    <div class="sync-control">
      <span class={'last-sync' + (trouble ? ' trouble' : '')} aria-live="polite">
        {label}
      </span>
      <button
        type="button"
        class={'icon-btn' + (syncing ? ' spinning' : '')}
        onClick={() => void client.syncNow()}
        aria-label={t('status.syncNow')}
        title={t('status.syncNow')}
        disabled={syncing}
      >
        <Icon name="sync" />
      </button>
    </div>
  );
}

export function StatusBanners() {
  const { client } = useApp();
  const { t, dateTime } = useI18n();
  const online = useOnline();
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const [passwordFor, setPasswordFor] = useState<AccountRecord | undefined>();
  const oauth = useOAuthProxy();
  const refused = accounts
    .filter((a) => a.state.kind === 'auth' && a.password === undefined)
    .map((a) => a.id)
    .join();
  useEffect(() => {
    // Back from signing in again (the proxy's callback lands on `/`): the session is new, so the
    // account syncs again; what waited in the Outbox goes now.
    if (!oauth || refused === '') return;
    void oauthSession().then(async (address) => {
      if (!address) return;
      for (const id of refused.split(',')) {
        await client.setPassword(id, '');
        void client.syncNow(id);
      }
    });
  }, [oauth, refused]);
  return (
    <div class="banners">
      {!online && (
        <p class="banner offline" role="status">
          <Icon name="offline" /> {t('status.offline')}
        </p>
      )}
      {accounts.map((a) => {
        const name = a.displayName ?? a.email;
        if (a.state.kind === 'auth')
          return (
            <div class="banner error" role="alert" key={a.id}>
              <span>{t(oauth && a.password === undefined ? 'status.signinEnded' : 'status.authError', { account: name })}</span>
              {oauth && a.password === undefined ? (
                // Signed in with the organisation: its sign-in page again, not a password. The page
                // leaves and comes back; the Outbox is in this browser's storage and waits.
                <button type="button" class="btn small" onClick={() => location.assign(OAUTH_START)}>
                  {t('status.signInAgain')}
                </button>
              ) : (
                <button type="button" class="btn small" onClick={() => setPasswordFor(a)}>
                  {t('status.reenterPassword')}
                </button>
              )}
            </div>
          );
        if (a.state.kind === 'blocked')
          return (
            <div class="banner error" role="alert" key={a.id}>
              <span>{t('status.blocked', { account: name, reason: t(errorKey(a.state.reason ?? 'blocked')) })}</span>
              <Details detail={a.state.message} />
            </div>
          );
        if (a.state.kind === 'busy')
          return (
            <p class="banner" role="status" key={a.id}>
              {t('status.busy', { account: name, time: dateTime(new Date(a.state.until)) })}
            </p>
          );
        if (a.state.kind === 'error')
          return (
            <div class="banner error" role="alert" key={a.id}>
              <span>{t('status.error', { account: name, reason: t(errorKey(a.state.reason)) })}</span>
              <Details detail={a.state.message} />
              <button type="button" class="btn small" onClick={() => void client.syncNow(a.id)}>
                {t('common.retry')}
              </button>
              <button
                type="button"
                class="btn small"
                onClick={() => confirm(t('settings.fullResyncConfirm', { account: name })) && void client.fullResync(a.id)}
              >
                {t('status.fullResync')}
              </button>
            </div>
          );
        return null;
      })}
      {passwordFor && <PasswordDialog account={passwordFor} onClose={() => setPasswordFor(undefined)} />}
    </div>
  );
}

/** Whether the app is served by a proxy that signs in through the organisation (read once). */
function useOAuthProxy(): boolean {
  const [oauth, setOauth] = useState(false);
  useEffect(() => {
    void proxyConfig().then((c) => setOauth(c.oauth));
  }, []);
  return oauth;
}

export function PasswordDialog({ account, onClose }: { account: AccountRecord; onClose: () => void }) {
  const { client } = useApp();
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await reenterPassword(client, account, password); // behind eas proxy --vault: a new sign-in there
    } catch (err) {
      if (!(err instanceof SetupError)) throw err;
      setError(t(ERROR_TEXT[err.kind], { message: err.message }));
      return;
    }
    onClose();
    void client.syncNow(account.id);
  };
  return (
    <Dialog title={t('status.reenterPassword')} onClose={onClose}>
      <form onSubmit={submit} class="form">
        <label class="field">
          <span>{t('status.password', { account: account.email })}</span>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error-text" role="alert">
            {error}
          </p>
        )}
        <div class="button-row end">
          <button type="button" class="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn primary">
            {t('common.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
