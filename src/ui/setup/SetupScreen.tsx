/**
 * Account setup as on a phone: email and password first (Autodiscover is tried), then
 * server, SSL, user name and domain with the `@`/`defaultcontext` rule shown live, and
 * under advanced settings the protocol version; then what to sync. Errors say what went
 * wrong in plain words.
 *
 * Served by `eas proxy --vault` (vault.ts), the server is the app's own origin, the password
 * goes to the proxy's sign-in instead of the account, and nothing of it is kept here.
 */
import { useEffect, useState } from 'preact/hooks';
import { DEMO_ACCOUNT } from '../../demo/demo-host.ts';
import { parseLogin, serverUrl } from '../../eas/login.ts';
import { CLIENT_VERSIONS, type EasVersion } from '../../eas/version.ts';
import { SYNC_CLASSES, type AccountRecord, type SyncClass } from '../../store/schema.ts';
import { SetupError, type AccountInput, type DiscoveredServer, type SetupStep } from '../../runtime/engine-client.ts';
import { demoRequested } from '../demo/demo-mode.ts';
import { useApp } from '../data/live.ts';
import { useI18n, type MessageKey } from '../i18n/index.ts';
import { href, navigate } from '../router.ts';
import { looksLikeEmail } from './user-name.ts';
import { ERROR_TEXT } from './errors.ts';
import { Details, technical } from '../status/error-text.tsx';
import { OAUTH_START, oauthSession, proxyConfig, signinError, vaultLogin } from './vault.ts';

type Stage = 'account' | 'server' | 'classes';

const STEP_TEXT: Readonly<Record<SetupStep, MessageKey>> = {
  autodiscover: 'setup.step.autodiscover',
  options: 'setup.step.options',
  provision: 'setup.step.provision',
  folders: 'setup.step.folders',
};

export function SetupScreen() {
  const { client, db } = useApp();
  const { t } = useI18n();
  const [stage, setStage] = useState<Stage>('account');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [description, setDescription] = useState('');
  const [server, setServer] = useState('');
  const [ssl, setSsl] = useState(true);
  const [userName, setUserName] = useState('');
  const [domain, setDomain] = useState('');
  const [classes, setClasses] = useState<Record<SyncClass, boolean>>({ Email: true, Calendar: true, Contacts: true, Tasks: true });
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  /** The engine's own (English, technical) words for the last failure, folded under the error. */
  const [detail, setDetail] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
  const [account, setAccount] = useState<AccountRecord | undefined>();
  const [version, setVersion] = useState<EasVersion | ''>('');
  /** Served by `eas proxy --vault`: the proxy signs in and keeps the password. */
  const [vault, setVault] = useState(false);
  /** The proxy signs in through the organisation's OpenID provider (no password here at all). */
  const [oauth, setOauth] = useState(false);

  const split = parseLogin(userName || email, domain);

  const fail = (e: unknown) => {
    setError(t(e instanceof SetupError ? ERROR_TEXT[e.kind] : 'setup.err.unknown'));
    setDetail(technical(e));
  };

  /** Autodiscover, then the server form (filled in when something was found). */
  const discover = async (mail: string, pass: string): Promise<DiscoveredServer | null> => {
    setBusy(t('setup.discovering'));
    try {
      const found = await client.discover(mail, pass);
      if (found) {
        setServer(found.url);
        setSsl(new URL(found.url).protocol === 'https:');
      } else setNotice(t('setup.discoverFailed'));
      return found;
    } catch {
      setNotice(t('setup.discoverFailed'));
      return null;
    } finally {
      setBusy(undefined);
      if (!userName) setUserName(mail);
      setStage('server');
    }
  };

  const next = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    if (!looksLikeEmail(email) || !password) {
      setInvalid(new Set([...(!looksLikeEmail(email) ? ['email'] : []), ...(!password ? ['password'] : [])]));
      return setError(t(!looksLikeEmail(email) ? 'setup.badEmail' : 'setup.err.invalid'));
    }
    setInvalid(new Set());
    if (vault) return toVaultServer();
    await discover(email.trim(), password);
  };

  /** "Try the demo": the demo account on the built-in server, through the same steps. */
  const tryDemo = async (auto: boolean) => {
    setError(undefined);
    setEmail(DEMO_ACCOUNT.email);
    setPassword(DEMO_ACCOUNT.password);
    setUserName(DEMO_ACCOUNT.email);
    const found = await discover(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
    if (!auto || !found) return;
    const login = parseLogin(DEMO_ACCOUNT.email);
    const added = await add({
      email: DEMO_ACCOUNT.email,
      password: DEMO_ACCOUNT.password,
      server: found.url,
      ssl: true,
      user: login.user,
      domain: login.domain ?? '',
      classes,
    });
    if (added) await complete(added);
  };

  useEffect(() => {
    // `?demo=1` (what `npm start` prints): set the demo account up without a click.
    if (demoRequested()) void db.count('accounts').then((n) => (n === 0 ? tryDemo(true) : undefined));
    else
      void proxyConfig().then(async (config) => {
        setVault(config.vault);
        setOauth(config.oauth);
        if (config.oauth) await afterOAuth();
      });
  }, []);

  /**
   * Back from the organisation's sign-in (the proxy's callback redirected to `/`): a refusal is
   * in `?signin-error=`; a session means the account is set up with the address it names.
   */
  const afterOAuth = async () => {
    const refused = signinError(location.search);
    if (refused) {
      history.replaceState(history.state, '', location.pathname + location.hash);
      setError(t(`setup.signinError.${refused}`));
      return;
    }
    const address = await oauthSession();
    if (!address) return;
    setEmail(address);
    setUserName(address);
    await add({
      email: address,
      password: '',
      server: location.origin,
      ssl: location.protocol === 'https:',
      user: address,
      domain: '',
      classes,
    });
  };

  /** Vault mode: the EAS server is behind the app's own origin; no Autodiscover (it needs a session). */
  const toVaultServer = () => {
    setServer(location.origin);
    setSsl(location.protocol === 'https:');
    if (!userName) setUserName(email.trim());
    setNotice(t('setup.vault'));
    setStage('server');
  };

  const add = async (input: AccountInput): Promise<AccountRecord | undefined> => {
    // On the setup route the shell keeps this screen up once the account exists (until "Done").
    navigate(href.setup(), true);
    setBusy(t('setup.verifying'));
    try {
      const added = await client.addAccount(input, (step) => setBusy(t(STEP_TEXT[step])));
      setAccount(added);
      setStage('classes');
      return added;
    } catch (err) {
      fail(err);
      return undefined;
    } finally {
      setBusy(undefined);
    }
  };

  const verify = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    if (!server.trim()) {
      setInvalid(new Set(['server']));
      return setError(t('setup.badServer'));
    }
    setInvalid(new Set());
    const input = {
      email: email.trim(),
      password,
      server: server.trim(),
      ssl,
      user: split.user,
      domain: split.domain ?? '',
      description: description.trim() || undefined,
      classes,
      version: version || undefined,
    };
    if (!vault) {
      await add(input);
      return;
    }
    setBusy(t('setup.verifying'));
    try {
      await vaultLogin({ user: split.user, domain: split.domain ?? '', password });
    } catch (err) {
      setBusy(undefined);
      return fail(err);
    }
    // Signed in at the proxy: the account gets no password (requests go without Authorization).
    if (await add({ ...input, password: '' })) setPassword('');
  };

  const complete = async (added: AccountRecord) => {
    await client.updateAccount(added.id, { classes });
    void client.syncNow(added.id);
    navigate(href.mail(), true);
  };

  const finish = async (e: Event) => {
    e.preventDefault();
    if (account) await complete(account);
  };

  const status = (busy || error) && (
    <p class={error ? 'error-text' : 'steps'} role={error ? 'alert' : 'status'}>
      {error ?? busy}
      {error && <Details detail={detail} />}
    </p>
  );

  return (
    <div class="screen-col">
      <header class="bar">
        <h1 tabIndex={-1}>{t('setup.title')}</h1>
      </header>
      <div class="screen-body padded">
        <div class="narrow">
          {stage === 'account' && oauth && (
            <div class="form">
              <p>{t('setup.oauthHint')}</p>
              {status}
              <div class="button-row end">
                <button type="button" class="btn primary" disabled={!!busy} onClick={() => location.assign(OAUTH_START)}>
                  {t('setup.oauth')}
                </button>
              </div>
            </div>
          )}
          {stage === 'account' && !oauth && (
            <form class="form" onSubmit={next} noValidate>
              <p>{t('setup.intro')}</p>
              <label class="field">
                <span>{t('setup.email')}</span>
                <input
                  type="email"
                  autoComplete="username"
                  inputMode="email"
                  value={email}
                  aria-invalid={invalid.has('email') ? 'true' : undefined}
                  onInput={(e) => setEmail(e.currentTarget.value)}
                  required
                />
              </label>
              <label class="field">
                <span>{t('setup.password')}</span>
                <input
                  type="password"
                  autoComplete="current-password"
                  value={password}
                  aria-invalid={invalid.has('password') ? 'true' : undefined}
                  onInput={(e) => setPassword(e.currentTarget.value)}
                  required
                />
              </label>
              <label class="field">
                <span>{t('setup.description')}</span>
                <input type="text" value={description} placeholder={email} onInput={(e) => setDescription(e.currentTarget.value)} />
              </label>
              {status}
              <div class="button-row end">
                <button type="submit" class="btn primary" disabled={!!busy}>
                  {t('common.next')}
                </button>
              </div>
              <div class="demo-offer">
                <p class="hint">{t('setup.demoIntro')}</p>
                <button type="button" class="btn" onClick={() => void tryDemo(false)} disabled={!!busy}>
                  {t('setup.tryDemo')}
                </button>
              </div>
            </form>
          )}
          {stage === 'server' && (
            <form class="form" onSubmit={verify} noValidate>
              <h2>{t('setup.manual')}</h2>
              {notice && (
                <p class="notice" role="status">
                  <span>{notice}</span>
                </p>
              )}
              <label class="field">
                <span>{t('setup.server')}</span>
                <input
                  type="text"
                  inputMode="url"
                  autoComplete="url"
                  value={server}
                  readOnly={vault}
                  aria-invalid={invalid.has('server') ? 'true' : undefined}
                  aria-describedby="server-hint"
                  onInput={(e) => setServer(e.currentTarget.value)}
                  required
                />
                <span class="hint" id="server-hint">
                  {t('setup.serverHint')}
                  {server.trim() && ` → ${serverUrl(server, ssl)}`}
                </span>
              </label>
              <label class="check">
                <input
                  type="checkbox"
                  checked={ssl}
                  disabled={/^https?:\/\//i.test(server.trim())}
                  onChange={(e) => setSsl(e.currentTarget.checked)}
                />
                {t('setup.ssl')}
              </label>
              <label class="field">
                <span>{t('setup.user')}</span>
                <input
                  type="text"
                  autoComplete="username"
                  autoCapitalize="none"
                  value={userName}
                  aria-describedby="user-rule"
                  onInput={(e) => setUserName(e.currentTarget.value)}
                />
              </label>
              <label class="field">
                <span>
                  {t('setup.domain')} <span class="hint">({t('setup.domainHint')})</span>
                </span>
                <input
                  type="text"
                  autoCapitalize="none"
                  value={domain}
                  aria-describedby="user-rule"
                  onInput={(e) => setDomain(e.currentTarget.value)}
                />
              </label>
              <div class="rule" id="user-rule">
                <p>
                  <strong>{t('setup.ruleTitle')}</strong>
                </p>
                <p>{t('setup.rule')}</p>
                <p class="result" aria-live="polite">
                  {split.domain
                    ? t('setup.signsInAs', { user: split.user, domain: split.domain })
                    : t('setup.signsInAsBare', { user: split.user })}
                </p>
              </div>
              <label class="field">
                <span>{t('setup.password')}</span>
                <input
                  type="password"
                  autoComplete="current-password"
                  value={password}
                  onInput={(e) => setPassword(e.currentTarget.value)}
                />
              </label>
              <details class="advanced">
                <summary>{t('setup.advanced')}</summary>
                <label class="field">
                  <span>{t('setup.version')}</span>
                  <select value={version} onChange={(e) => setVersion(e.currentTarget.value as EasVersion | '')}>
                    <option value="">{t('setup.versionAuto')}</option>
                    {CLIENT_VERSIONS.map((v) => (
                      <option key={v} value={v}>
                        {v}
                      </option>
                    ))}
                  </select>
                </label>
              </details>
              {status}
              <div class="button-row end">
                <button type="button" class="btn" onClick={() => setStage('account')} disabled={!!busy}>
                  {t('common.back')}
                </button>
                <button type="submit" class="btn primary" disabled={!!busy}>
                  {t('common.next')}
                </button>
              </div>
            </form>
          )}
          {stage === 'classes' && (
            <form class="form" onSubmit={finish}>
              <fieldset>
                <legend>
                  <h2>{t('setup.classesTitle')}</h2>
                </legend>
                <p class="hint">{t('setup.classesIntro')}</p>
                {SYNC_CLASSES.map((c) => (
                  <label class="check" key={c}>
                    <input
                      type="checkbox"
                      checked={classes[c]}
                      onChange={(e) => setClasses({ ...classes, [c]: e.currentTarget.checked })}
                    />
                    {t(`class.${c}`)}
                  </label>
                ))}
              </fieldset>
              <div class="button-row end">
                <button type="submit" class="btn primary">
                  {t('setup.done')}
                </button>
              </div>
            </form>
          )}
        </div>
      </div>
    </div>
  );
}
