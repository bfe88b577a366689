/**
 * The app's side of `eas proxy --vault` (src/proxy/vault.ts): the proxy that serves the app
 * keeps the EAS password. The app asks `GET /proxy/config` whether it is in that mode; if so
 * it signs in with `POST /proxy/login` (the proxy answers with an HttpOnly session cookie),
 * keeps no password, and sends EAS requests without Authorization (credentials kind 'none').
 * After the proxy's 401 (session ended) the user signs in here again.
 */
import type { AccountRecord } from '../../store/schema.ts';
import { SetupError, type EngineClient, type SetupErrorKind } from '../engine-client.ts';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const CONFIG_PATH = '/proxy/config';
const LOGIN_PATH = '/proxy/login';

/**
 * True when the app's own server is `eas proxy --vault`. Anything else (a static server's 404
 * or index.html, `eas proxy` without --vault, no network) means the app keeps the password.
 */
export async function servedByVault(fetcher: Fetch = fetch): Promise<boolean> {
  try {
    const res = await fetcher(CONFIG_PATH, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok || !/^application\/json\b/.test(res.headers.get('Content-Type') ?? '')) return false;
    const config: unknown = await res.json();
    return typeof config === 'object' && config !== null && (config as { vault?: unknown }).vault === true;
  } catch {
    return false;
  }
}

export interface VaultLogin {
  /** The EAS user and domain after the `@`/`defaultcontext` rule (user-name.ts). */
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
  const said = await res.json().then((v: unknown) => (v as { error?: unknown }).error, () => undefined);
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
