/**
 * Settings: accounts (classes, sync window per class, push/interval/manual, folders,
 * full resync, removal with a wipe, protocol version and DeviceId, signature, automatic
 * replies), language, what a swipe on a mail does,
 * notifications, installing the app (while the browser offers it) and the protocol
 * inspector switch.
 */
import { useState } from 'preact/hooks';
import type { FilterType } from '../../eas/commands/sync.ts';
import { SYNC_CLASSES, type AccountRecord, type FolderRecord, type PushMode, type SyncClass } from '../../store/schema.ts';
import { usePrefs } from '../prefs.ts';
import { StoredCheckbox } from '../components/StoredCheckbox.tsx';
import { Icon } from '../components/Icon.tsx';
import { useApp, useLive } from '../data/live.ts';
import { listAccounts, listAllFolders } from '../data/read.ts';
import { useI18n, type LangChoice, type MessageKey } from '../i18n/index.ts';
import { calendarName } from '../calendar/calendars.ts';
import { classOf, folderName } from '../mail/folders.ts';
import { cleanSignatureHtml } from '../compose/signature.ts';
import { href } from '../router.ts';
import { OutOfOfficeSection } from './OutOfOffice.tsx';
import { SwipeSettings } from './SwipeSettings.tsx';
import { useInstall } from '../status/install.ts';
import { notificationsWanted, setNotificationsWanted } from '../status/notify.ts';
import { pushForget, pushOff, pushOn, setPushState, usePushState, type PushState } from '../status/push.ts';
import { remindersWanted, setRemindersWanted } from '../status/reminders.ts';

/** FilterType values that make sense per class (MS-ASCMD 2.2.3.69.2). */
const WINDOWS: Readonly<Record<SyncClass, readonly FilterType[]>> = {
  Email: [1, 2, 3, 4, 5, 0],
  Calendar: [4, 5, 6, 7, 0],
  Contacts: [0],
  Tasks: [0, 8],
};

/** What the settings say under the notification switch: whether mail comes with the app closed, and if not, why. */
const PUSH_HINTS: Readonly<Record<PushState, MessageKey | undefined>> = {
  on: 'settings.pushOn',
  off: undefined,
  'no-server': 'settings.pushNoServer',
  'no-browser': 'settings.pushNoBrowser',
  denied: undefined, // settings.notificationsDenied says it
  failed: 'settings.pushFailed',
};

export function SettingsScreen() {
  const { t, lang } = useI18n();
  const prefs = usePrefs();
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const folders = useLive(listAllFolders, [], ['folders']).value ?? [];
  const [notify, setNotify] = useState(notificationsWanted);
  const [remind, setRemind] = useState(remindersWanted);
  const denied = typeof Notification !== 'undefined' && Notification.permission === 'denied';
  const push = usePushState();
  /** The switch also subscribes to the proxy's push, or ends it (status/push.ts). */
  // Each switch shows the user's choice at once, then what came of it (permission, subscription):
  // a render while the permission was asked re-applied the old state and the click seemed lost.
  const switchNotify = async (on: boolean) => {
    setNotify(on);
    const enabled = await setNotificationsWanted(on, lang);
    setNotify(enabled);
    setPushState(enabled ? await pushOn(accounts).catch((): PushState => 'failed') : (await pushOff().catch(() => undefined), 'off'));
  };
  return (
    <div class="screen-col">
      <header class="bar">
        <h1 tabIndex={-1}>{t('nav.settings')}</h1>
      </header>
      <div class="screen-body padded">
        <div class="narrow">
          <section class="card" aria-labelledby="accounts-title">
            <h2 id="accounts-title">{t('settings.accounts')}</h2>
            {accounts.length === 0 && <p class="hint">{t('settings.noAccounts')}</p>}
            {accounts.map((a) => (
              <AccountSettings key={a.id} account={a} folders={folders.filter((f) => f.accountId === a.id)} />
            ))}
            <a class="btn" href={href.setup()}>
              <Icon name="plus" /> {t('settings.addAccount')}
            </a>
          </section>
          <section class="card" aria-labelledby="lang-title">
            <h2 id="lang-title">{t('settings.language')}</h2>
            <label class="field">
              <span class="visually-hidden">{t('settings.language')}</span>
              <select value={prefs.langChoice} onChange={(e) => prefs.setLangChoice(e.currentTarget.value as LangChoice)}>
                <option value="auto">{t('settings.langAuto')}</option>
                <option value="en" lang="en">
                  English
                </option>
                <option value="ja" lang="ja">
                  日本語
                </option>
              </select>
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={notify}
                disabled={denied}
                aria-describedby={notify && PUSH_HINTS[push] ? 'push-hint' : undefined}
                onChange={(e) => void switchNotify(e.currentTarget.checked)}
              />
              {t('settings.notifications')}
            </label>
            {notify && PUSH_HINTS[push] && (
              <p class="hint" id="push-hint" role="status">
                {t(PUSH_HINTS[push])}
              </p>
            )}
            <label class="check">
              <input
                type="checkbox"
                checked={remind}
                disabled={denied}
                onChange={async (e) => {
                  const on = e.currentTarget.checked;
                  setRemind(on);
                  await setRemindersWanted(on);
                  setRemind(remindersWanted());
                }}
              />
              {t('settings.reminders')}
            </label>
            {denied && <p class="hint">{t('settings.notificationsDenied')}</p>}
          </section>
          <SwipeSettings accounts={accounts} folders={folders} />
          <InstallSection />
          <section class="card" aria-labelledby="dev-title">
            <h2 id="dev-title">{t('settings.developer')}</h2>
            <label class="check">
              <input type="checkbox" checked={prefs.inspector} onChange={(e) => prefs.setInspector(e.currentTarget.checked)} />
              {t('settings.inspector')}
            </label>
          </section>
        </div>
      </div>
    </div>
  );
}

function AccountSettings({ account, folders }: { account: AccountRecord; folders: readonly FolderRecord[] }) {
  const { client } = useApp();
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const name = account.displayName ?? account.email;
  const update = (patch: Parameters<typeof client.updateAccount>[1]) => void client.updateAccount(account.id, patch);
  // Its push registration goes first (the proxy would otherwise hold a Ping for a device that is gone).
  const remove = () =>
    confirm(t('settings.removeConfirm', { account: name })) && void pushForget(account).finally(() => client.removeAccount(account.id));
  const resync = () => confirm(t('settings.fullResyncConfirm', { account: name })) && void client.fullResync(account.id);
  return (
    <details class="card" open>
      <summary>
        <strong>{name}</strong>
      </summary>
      <dl class="kv">
        <dt>{t('settings.server')}</dt>
        <dd>{account.url}</dd>
        <dt>{t('setup.user')}</dt>
        <dd>{account.domain ? `${account.domain}\\${account.user}` : account.user}</dd>
        <dt>{t('settings.version')}</dt>
        <dd>{account.version ?? '—'}</dd>
        <dt>{t('settings.deviceId')}</dt>
        <dd>
          <code>{account.deviceId}</code>
        </dd>
        <dt>{t('settings.lastSync')}</dt>
        <dd>{account.lastSyncAt ? dateTime(new Date(account.lastSyncAt)) : t('status.never')}</dd>
      </dl>
      <fieldset class="form" style={{ marginTop: '12px' }}>
        <legend class="hint">{t('settings.classes')}</legend>
        {SYNC_CLASSES.map((c) => (
          <div key={c} class="class-row">
            <label class="check">
              <StoredCheckbox
                value={account.classes[c]}
                onSet={(on) => client.updateAccount(account.id, { classes: { ...account.classes, [c]: on } })}
              />
              {t(`class.${c}`)}
            </label>
            {WINDOWS[c].length > 1 && (
              <label class="field">
                <span class="visually-hidden">
                  {t(`class.${c}`)} {t('settings.window')}
                </span>
                <select
                  value={String(account.filters[c])}
                  disabled={!account.classes[c]}
                  onChange={(e) => update({ filters: { ...account.filters, [c]: Number(e.currentTarget.value) as FilterType } })}
                >
                  {WINDOWS[c].map((w) => (
                    <option key={w} value={String(w)}>
                      {t(`window.${w}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
        ))}
      </fieldset>
      <label class="field" style={{ marginTop: '12px' }}>
        <span>{t('settings.push')}</span>
        <select value={account.push} onChange={(e) => update({ push: e.currentTarget.value as PushMode })}>
          <option value="push">{t('settings.pushPush')}</option>
          <option value="interval">{t('settings.pushInterval')}</option>
          <option value="manual">{t('settings.pushManual')}</option>
        </select>
      </label>
      {account.push === 'interval' && (
        <label class="field">
          <span>{t('settings.interval')}</span>
          <input
            type="number"
            min={1}
            max={1440}
            value={account.intervalMinutes}
            onChange={(e) => update({ intervalMinutes: Math.max(1, Number(e.currentTarget.value) || 15) })}
          />
        </label>
      )}
      {folders.length > 0 && (
        <details style={{ marginTop: '12px' }}>
          <summary>{t('settings.folders')}</summary>
          {folders
            .filter((f) => classOf(f))
            .map((f) => (
              <label class="check" key={f.serverId}>
                <StoredCheckbox value={f.enabled} onSet={(on) => client.setFolderEnabled(account.id, f.serverId, on)} />
                {classOf(f) === 'Calendar' ? calendarName(f, i18n) : folderName(f, i18n)}
                {f.owner && <span class="hint"> · {t('mail.sharedBy', { owner: f.owner })}</span>}
              </label>
            ))}
        </details>
      )}
      <SignatureEditor account={account} />
      <OutOfOfficeSection account={account} />
      <p class="hint">{t('settings.fullResyncHelp')}</p>
      <div class="button-row">
        <button type="button" class="btn" onClick={resync}>
          <Icon name="sync" /> {t('settings.fullResync')}
        </button>
        <button type="button" class="btn danger" onClick={remove}>
          <Icon name="trash" /> {t('settings.removeAccount')}
        </button>
      </div>
    </details>
  );
}

/** The account's signature: plain text or HTML, saved with the account (compose adds it). */
function SignatureEditor({ account }: { account: AccountRecord }) {
  const { client } = useApp();
  const { t } = useI18n();
  const [text, setText] = useState(account.signature?.text ?? '');
  const [html, setHtml] = useState(account.signature?.html ?? false);
  const [saved, setSaved] = useState(false);
  const id = `sig-${account.id}`;
  const save = async () => {
    await client.updateAccount(account.id, { signature: text.trim() ? { text, html } : null });
    setSaved(true);
  };
  return (
    <fieldset class="form" style={{ marginTop: '12px' }} aria-labelledby={`${id}-title`}>
      <legend id={`${id}-title`} class="hint">
        {t('settings.signature')}
      </legend>
      <label class="field">
        <span>{t('settings.signatureText')}</span>
        <textarea rows={4} value={text} onInput={(e) => (setText(e.currentTarget.value), setSaved(false))} />
      </label>
      <label class="check">
        <input type="checkbox" checked={html} onChange={(e) => (setHtml(e.currentTarget.checked), setSaved(false))} />
        {t('settings.signatureHtml')}
      </label>
      {html && text.trim() && (
        <div
          class="signature-preview"
          aria-label={t('settings.signaturePreview')}
          role="group"
          dangerouslySetInnerHTML={{ __html: cleanSignatureHtml(text) }}
        />
      )}
      <p class="hint">{t('settings.signatureHelp')}</p>
      <div class="button-row">
        <button type="button" class="btn" onClick={() => void save()}>
          {t('settings.signatureSave')}
        </button>
        {saved && (
          <span class="hint" role="status">
            {t('settings.signatureSaved')}
          </span>
        )}
      </div>
    </fieldset>
  );
}

/** "Install app", only while the browser lets the page offer it (not when already installed). */
function InstallSection() {
  const { t } = useI18n();
  const { state, install } = useInstall();
  if (state !== 'available') return null;
  return (
    <section class="card" aria-labelledby="install-title">
      <h2 id="install-title">{t('install.title')}</h2>
      <p class="hint">{t('install.help')}</p>
      <button type="button" class="btn primary" onClick={() => void install()}>
        <Icon name="download" /> {t('install.button')}
      </button>
    </section>
  );
}
