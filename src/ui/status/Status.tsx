/**
 * Sync status: the send/receive control with the last sync time, the offline banner,
 * and each account's error with the action that fixes it (re-enter the password,
 * full resync).
 */
import { useEffect, useState } from 'preact/hooks';
import type { AccountRecord } from '../../store/schema.ts';
import { Dialog } from '../components/Dialog.tsx';
import { SetupError } from '../engine-client.ts';
import { ERROR_TEXT } from '../setup/errors.ts';
import { reenterPassword } from '../setup/vault.ts';
import { Icon } from '../components/Icon.tsx';
import { useApp, useEngineEvents, useLive } from '../data/live.ts';
import { listAccounts } from '../data/read.ts';
import { useI18n } from '../i18n/index.ts';

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

/** The send/receive button; it spins while any account syncs. */
export function SyncButton() {
  const { client } = useApp();
  const { t, relative } = useI18n();
  useEngineEvents(['sync']);
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const syncing = client.status().syncing.length > 0;
  const last = lastSync(accounts);
  const label = syncing ? t('status.syncing') : last ? t('status.synced', { time: relative(new Date(last)) }) : t('status.never');
  return (
    <div class="sync-control">
      <span class="last-sync" aria-live="polite">
        {label}
      </span>
      <button type="button" class={'icon-btn' + (syncing ? ' spinning' : '')} onClick={() => void client.syncNow()} aria-label={t('status.syncNow')} title={t('status.syncNow')} disabled={syncing}>
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
              <span>{t('status.authError', { account: name })}</span>
              <button type="button" class="btn small" onClick={() => setPasswordFor(a)}>
                {t('status.reenterPassword')}
              </button>
            </div>
          );
        if (a.state.kind === 'blocked')
          return (
            <p class="banner error" role="alert" key={a.id}>
              {t('status.blocked', { account: name, message: a.state.message })}
            </p>
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
              <span>{t('status.error', { account: name, message: a.state.message })}</span>
              <button type="button" class="btn small" onClick={() => void client.syncNow(a.id)}>
                {t('common.retry')}
              </button>
              <button type="button" class="btn small" onClick={() => confirm(t('settings.fullResyncConfirm', { account: name })) && void client.fullResync(a.id)}>
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
          <input type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p class="error-text" role="alert">{error}</p>}
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
