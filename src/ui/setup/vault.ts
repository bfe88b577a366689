/**
 * The app's side of `eas proxy --vault` (src/proxy/vault.ts): the proxy that serves the app
 * keeps the EAS password. The app asks `GET /proxy/config` whether it is in that mode; if so
 * it signs in with `POST /proxy/login` (the proxy answers with an HttpOnly session cookie),
 * keeps no password, and sends EAS requests without Authorization (credentials kind 'none').
 * After the proxy's 401 (session ended) the user signs in here again.
 */
import type { AccountRecord } from '../../store/schema.ts';
import { SetupError, type EngineClient, type SetupErrorKind } from '../../runtime/engine-client.ts';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const CONFIG_PATH = '/proxy/config';
const LOGIN_PATH = '/proxy/login';

/**
 * True when the app's own server is `eas proxy --vault`. Anything else (a static server's 404
 * or index.html, `eas proxy` without --vault, no network) means the app keeps the password.
 */
export async function servedByVault(fetcher: Fetch = fetch): Promise<boolean> {
  return (await proxyConfig(fetcher)).vault;
}

export interface ProxyConfig {
  readonly vault: boolean;
  /** The proxy signs in through the organisation's OpenID provider (`eas proxy --oauth-issuer`). */
  readonly oauth: boolean;
  /** The proxy wakes the app with Web Push (`eas proxy --push`): the applicationServerKey to subscribe with. */
  readonly vapidPublicKey?: string;
}

/** What `GET /proxy/config` says; nothing (a static server, no network) means neither. */
export async function proxyConfig(fetcher: Fetch = fetch): Promise<ProxyConfig> {
  try {
    const res = await fetcher(CONFIG_PATH, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok || !/^application\/json\b/.test(res.headers.get('Content-Type') ?? '')) return { vault: false, oauth: false };
    const config: unknown = await res.json();
    if (typeof config !== 'object' || config === null) return { vault: false, oauth: false };
    const c = config as { vault?: unknown; oauth?: unknown; push?: { vapidPublicKey?: unknown } };
    const key = c.vault === true && typeof c.push?.vapidPublicKey === 'string' ? c.push.vapidPublicKey : undefined;
    return { vault: c.vault === true, oauth: c.vault === true && c.oauth === true, ...(key ? { vapidPublicKey: key } : {}) };
  } catch {
    return { vault: false, oauth: false };
  }
}

/** Where the browser goes to sign in with the organisation; the proxy sends it on to the provider and back to `/`. */
export const OAUTH_START = '/proxy/oauth/start';

/** The mailbox address of the proxy's OAuth session, or undefined without one. */
export async function oauthSession(fetcher: Fetch = fetch): Promise<string | undefined> {
  try {
    const res = await fetcher('/proxy/session', { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { address?: unknown; oauth?: unknown };
    return body.oauth === true && typeof body.address === 'string' ? body.address : undefined;
  } catch {
    return undefined;
  }
}

/** The codes of `/?signin-error=` the app words; any other is 'other'. */
export const SIGNIN_ERRORS = ['access_denied', 'state', 'server_refused', 'unreachable'] as const;
export type SigninErrorCode = (typeof SIGNIN_ERRORS)[number] | 'other';

/** The refused sign-in the proxy's callback reported in the page's query, if any. */
export function signinError(search: string): SigninErrorCode | undefined {
  const code = new URLSearchParams(search).get('signin-error');
  if (code === null) return undefined;
  return (SIGNIN_ERRORS as readonly string[]).includes(code) ? (code as SigninErrorCode) : 'other';
}

export interface VaultLogin {
  /** The EAS user and domain after the `@`/`defaultcontext` rule (eas/login.ts); an empty domain: none. */
  readonly user: string;
  readonly domain: string;
  readonly password: string;
}

/** The proxy's answers to a login (vault.ts), as the setup screen words them. */
const LOGIN_ERRORS: Readonly<Record<number, SetupErrorKind>> = { 401: 'auth', 403: 'blocked', 502: 'unreachable' };

/**
 * Signs in at the proxy, which checks the password with the EAS server and keeps it. Resolves
 * once the session cookie is set; throws SetupError otherwise.
 */
export async function vaultLogin(login: VaultLogin, fetcher: Fetch = fetch): Promise<void> {
  let res: Response;
  try {
    res = await fetcher(LOGIN_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: login.user, ...(login.domain ? { domain: login.domain } : {}), password: login.password }),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new SetupError('unreachable', e instanceof Error ? e.message : String(e));
  }
  if (res.ok) return;
  const said = await res.json().then(
    (v: unknown) => (v as { error?: unknown }).error,
    () => undefined,
  );
  throw new SetupError(LOGIN_ERRORS[res.status] ?? 'unknown', typeof said === 'string' ? said : `HTTP ${res.status}`);
}

/**
 * The "re-enter password" dialog's save (after a 401). An account without a stored password
 * behind the vault signs in at the proxy again and stays without one; any other account
 * takes the new password. Throws SetupError when the proxy refuses the sign-in.
 */
export async function reenterPassword(
  client: Pick<EngineClient, 'setPassword'>,
  account: Pick<AccountRecord, 'id' | 'user' | 'domain' | 'password'>,
  password: string,
  fetcher: Fetch = fetch,
): Promise<void> {
  if (account.password === undefined && (await servedByVault(fetcher))) {
    await vaultLogin({ user: account.user, domain: account.domain ?? '', password }, fetcher);
    return client.setPassword(account.id, '');
  }
  return client.setPassword(account.id, password);
}
