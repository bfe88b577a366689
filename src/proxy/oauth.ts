/**
 * OAuth sign-in through the vault (`eas proxy --vault --oauth-issuer …`): the proxy is the
 * OAuth client, so no token ever reaches the browser.
 *
 * `GET /proxy/oauth/start` sends the browser to the provider's authorization endpoint with an
 * authorization code request (RFC 6749 4.1.1), PKCE S256 (RFC 7636 4.2), `state` (RFC 6749
 * 10.12), an OpenID `nonce` (OIDC Core 3.1.2.1) and `resource` when configured (RFC 8707 2).
 * What the callback must check is kept here, under a random key in a short-lived cookie:
 * SameSite=Lax, since the provider's return is a cross-site top-level navigation, which a
 * Strict cookie would miss. `GET /proxy/oauth/callback` checks `state`, exchanges the code,
 * checks the ID token (issuer, audience, expiry, nonce: OIDC Core 3.1.3.7), asks the EAS
 * server whether it takes the access token, and opens a vault session like /proxy/login.
 *
 * The tokens live in the session record (sealed at rest, state.ts). An access token about to
 * run out is refreshed first (RFC 6749 6); one refresh per session at a time; a rotated
 * refresh token is written to the store before the new access token is used. A refresh
 * refused with `invalid_grant` (RFC 6749 5.2: revoked, expired, or used twice) ends the
 * session's use until the user signs in again.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as oauth from 'oauth4webapi';
import { cookieValue } from './headers.ts';
import { maskUser } from './log.ts';
import { json, plainText } from './respond.ts';
import type { TokenRecord } from './state.ts';
import { sessionId, type Vault } from './vault.ts';

export interface OAuthOptions {
  /** The issuer; its metadata is read from `issuer/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  /** A confidential client's secret (client_secret_basic); none: a public client with PKCE only. */
  readonly clientSecret?: string;
  /** Space-separated; `openid` is added when missing (the ID token names the mailbox). */
  readonly scope?: string;
  /** RFC 8707 resource indicator. */
  readonly resource?: string;
  /** Fixed callback URL; default: built from the Host the browser used. */
  readonly redirectUri?: string;
}

export const DEFAULT_SCOPE = 'openid email profile offline_access';
export const START_PATH = '/proxy/oauth/start';
export const CALLBACK_PATH = '/proxy/oauth/callback';
/** Holds the key of a sign-in under way. */
export const STATE_COOKIE = 'eas_oauth';
/** How long a sign-in may take on the provider's pages. */
const PENDING_MS = 10 * 60_000;
/** Most sign-ins under way at once (each is a few hundred bytes). */
const MAX_PENDING = 10_000;
/** A token this close to its end is refreshed before use. */
export const REFRESH_EARLY_MS = 60_000;
/** Without `expires_in`, a token is taken to last this long. */
const DEFAULT_LIFETIME_S = 3600;

interface Pending {
  readonly state: string;
  readonly verifier: string;
  readonly nonce: string;
  readonly redirectUri: string;
  readonly created: number;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** The issuer as a URL; `http:` only on a loopback host (tests, a provider on the same machine). */
export function parseIssuer(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`--oauth-issuer: not a URL: ${text}`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname))
    throw new RangeError('--oauth-issuer: http: is accepted on a loopback address only; use https:');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`--oauth-issuer: not an http or https URL: ${text}`);
  return url;
}

/** The scope asked for: the configured one with `openid` in front when it lacks it. */
export function scopeOf(scope: string | undefined): string {
  const words = (scope ?? DEFAULT_SCOPE).split(/\s+/).filter((w) => w !== '');
  return (words.includes('openid') ? words : ['openid', ...words]).join(' ');
}

/** The mailbox address: OIDC `email`, else `preferred_username` (Entra ID puts the UPN there). */
export function addressOf(claims: Record<string, unknown>): string | undefined {
  for (const name of ['email', 'preferred_username']) {
    const value = claims[name];
    if (typeof value === 'string' && value.includes('@')) return value;
  }
  return undefined;
}

/** Error codes the app words (`/?signin-error=<code>`): the provider's own (RFC 6749 4.1.2.1) or these. */
export type SigninError = 'state' | 'token' | 'id_token' | 'no_address' | 'server_refused' | 'unreachable' | string;

/** What the callback needs besides OAuth: the EAS server's status for OPTIONS with this Bearer and address. */
export type CheckBearer = (authorization: string, address: string) => Promise<number>;

export class OAuthClient {
  private readonly pending = new Map<string, Pending>();
  private readonly refreshing = new Map<string, Promise<TokenRecord | undefined>>();
  private readonly auth: oauth.ClientAuth;
  private readonly client: oauth.Client;
  private readonly http: { [oauth.allowInsecureRequests]?: boolean };

  private constructor(
    private readonly as: oauth.AuthorizationServer,
    private readonly o: OAuthOptions,
    private readonly vault: Vault,
    private readonly now: () => number,
  ) {
    this.client = { client_id: o.clientId };
    this.auth = o.clientSecret ? oauth.ClientSecretBasic(o.clientSecret) : oauth.None();
    this.http = new URL(o.issuer).protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
  }

  /** Reads the issuer's metadata (OIDC Discovery 4); throws when it cannot. */
  static async discover(o: OAuthOptions, vault: Vault, now: () => number): Promise<OAuthClient> {
    const issuer = parseIssuer(o.issuer);
    const http = issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
    let as: oauth.AuthorizationServer;
    try {
      as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
    } catch (e) {
      const why = (e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new Error(`${o.issuer}: cannot read the provider's metadata (${why})`);
    }
    if (!as.authorization_endpoint || !as.token_endpoint)
      throw new Error(`${o.issuer}: the provider names no authorization or token endpoint`);
    return new OAuthClient(as, o, vault, now);
  }

  /** `GET /proxy/oauth/start`: to the provider, with what the callback will check kept here. */
  async start(req: IncomingMessage, res: ServerResponse, base: string): Promise<string> {
    this.sweep();
    const key = randomBytes(32).toString('base64url');
    const p: Pending = {
      state: oauth.generateRandomState(),
      verifier: oauth.generateRandomCodeVerifier(),
      nonce: oauth.generateRandomNonce(),
      redirectUri: this.o.redirectUri ?? `${base}${CALLBACK_PATH}`,
      created: this.now(),
    };
    this.pending.set(key, p);
    const url = new URL(this.as.authorization_endpoint ?? '');
    const params = {
      response_type: 'code',
      client_id: this.o.clientId,
      redirect_uri: p.redirectUri,
      scope: scopeOf(this.o.scope),
      state: p.state,
      nonce: p.nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(p.verifier),
      code_challenge_method: 'S256',
      ...(this.o.resource ? { resource: this.o.resource } : {}),
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const cookie = `${STATE_COOKIE}=${key}; HttpOnly; Secure; SameSite=Lax; Path=/proxy/oauth/; Max-Age=${PENDING_MS / 1000}`;
    res.writeHead(302, { Location: url.href, 'Set-Cookie': cookie, 'Cache-Control': 'no-store' });
    res.end();
    void req;
    return 'oauth: to the provider';
  }

  /** `GET /proxy/oauth/callback`: the code for tokens, then a session; any refusal goes to `/?signin-error=`. */
  async callback(req: IncomingMessage, res: ServerResponse, url: URL, check: CheckBearer): Promise<string> {
    const key = cookieValue(req.headers.cookie, STATE_COOKIE);
    const p = key === undefined ? undefined : this.pending.get(key);
    if (key !== undefined) this.pending.delete(key); // one use only
    if (!p || this.now() - p.created > PENDING_MS) return refuse(res, 'state', 'no sign-in under way for this browser');
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(this.as, this.client, url.searchParams, p.state);
    } catch (e) {
      if (e instanceof oauth.AuthorizationResponseError) return refuse(res, errorCode(e.error), `provider said ${e.error}`);
      return refuse(res, 'state', (e as Error).message);
    }
    let tokens: oauth.TokenEndpointResponse;
    try {
      const answer = await oauth.authorizationCodeGrantRequest(
        this.as,
        this.client,
        this.auth,
        params,
        p.redirectUri,
        p.verifier,
        this.http,
      );
      tokens = await oauth.processAuthorizationCodeResponse(this.as, this.client, answer, { expectedNonce: p.nonce, requireIdToken: true });
    } catch (e) {
      if (e instanceof oauth.ResponseBodyError) return refuse(res, 'token', `token endpoint said ${e.error}`);
      if (e instanceof TypeError) return refuse(res, 'unreachable', e.message);
      return refuse(res, 'id_token', (e as Error).message);
    }
    const claims = oauth.getValidatedIdTokenClaims(tokens) ?? {};
    const address = addressOf(claims);
    if (!address) return refuse(res, 'no_address', 'the ID token has no email or preferred_username');
    const record = this.record(tokens, undefined);
    let status: number;
    try {
      status = await check(`Bearer ${record.access}`, address);
    } catch (e) {
      return refuse(res, 'unreachable', `EAS server: ${(e as NodeJS.ErrnoException).code ?? 'unreachable'}`);
    }
    if (status === 401 || status === 403) return refuse(res, 'server_refused', `EAS server answered ${status} to the token`);
    const old = sessionId(req);
    if (old !== undefined) this.vault.close(old);
    const id = this.vault.open(address, '', record);
    await this.vault.saveTokens(id, record);
    res.writeHead(302, { Location: '/', 'Set-Cookie': [this.vault.cookie(id), clearedStateCookie], 'Cache-Control': 'no-store' });
    res.end();
    return `oauth ${maskUser(address)}: session opened`;
  }

  /** The Authorization for this session's next EAS request; undefined once the provider refused a refresh. */
  async authorization(id: string): Promise<string | undefined> {
    const tokens = this.vault.peek(id)?.tokens;
    if (!tokens) return undefined;
    if (tokens.expiresAt - this.now() > REFRESH_EARLY_MS) return `Bearer ${tokens.access}`;
    const fresh = await this.refresh(id, tokens.access);
    return fresh && `Bearer ${fresh.access}`;
  }

  /** After the EAS server refused `used` (401): a new token, or undefined. */
  async again(id: string, used: string | undefined): Promise<string | undefined> {
    const fresh = await this.refresh(id, used?.replace(/^Bearer /, ''));
    return fresh && `Bearer ${fresh.access}`;
  }

  /**
   * One refresh per session at a time: callers that come while one runs share its outcome;
   * a caller whose token was already replaced gets the new one without another refresh.
   */
  refresh(id: string, stale: string | undefined): Promise<TokenRecord | undefined> {
    const running = this.refreshing.get(id);
    if (running) return running;
    const current = this.vault.peek(id)?.tokens;
    if (!current) return Promise.resolve(undefined);
    if (stale !== undefined && current.access !== stale) return Promise.resolve(current);
    const run = this.runRefresh(id, current).finally(() => this.refreshing.delete(id));
    this.refreshing.set(id, run);
    return run;
  }

  /** Refreshes now in flight (tests). */
  get inFlight(): number {
    return this.refreshing.size;
  }

  private async runRefresh(id: string, current: TokenRecord): Promise<TokenRecord | undefined> {
    if (current.refresh === undefined) {
      this.vault.refuse(id);
      return undefined;
    }
    let answer: oauth.TokenEndpointResponse;
    try {
      const res = await oauth.refreshTokenGrantRequest(this.as, this.client, this.auth, current.refresh, {
        ...this.http,
        ...(this.o.resource ? { additionalParameters: { resource: this.o.resource } } : {}),
      });
      answer = await oauth.processRefreshTokenResponse(this.as, this.client, res);
    } catch (e) {
      if (e instanceof oauth.ResponseBodyError && (e.error === 'invalid_grant' || e.status === 400 || e.status === 401)) {
        this.vault.refuse(id); // RFC 6749 5.2: revoked, expired or already used; the user signs in again
        return undefined;
      }
      throw e; // the provider is unreachable: the request fails now, the session stays
    }
    const fresh = this.record(answer, current.refresh);
    await this.vault.saveTokens(id, fresh); // stored before use: a crash now loses no rotated refresh token
    return fresh;
  }

  private record(t: oauth.TokenEndpointResponse, oldRefresh: string | undefined): TokenRecord {
    const refresh = t.refresh_token ?? oldRefresh; // RFC 6749 6: a new refresh token replaces the old one
    const lifetime = typeof t.expires_in === 'number' && t.expires_in > 0 ? t.expires_in : DEFAULT_LIFETIME_S;
    return { access: t.access_token, ...(refresh ? { refresh } : {}), expiresAt: this.now() + lifetime * 1000 };
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, p] of this.pending) if (now - p.created > PENDING_MS) this.pending.delete(key);
    while (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value ?? '');
  }
}

const clearedStateCookie = `${STATE_COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/proxy/oauth/; Max-Age=0`;

/** A provider's error code as it may go into the app's URL (RFC 6749 4.1.2.1: %x20-21 / %x23-5B / %x5D-7E), else 'provider'. */
function errorCode(error: string): string {
  return /^[a-z0-9_.-]{1,64}$/i.test(error) ? error : 'provider';
}

function refuse(res: ServerResponse, code: SigninError, note: string): string {
  res.writeHead(302, {
    Location: `/?signin-error=${encodeURIComponent(code)}`,
    'Set-Cookie': clearedStateCookie,
    'Cache-Control': 'no-store',
  });
  res.end();
  return `oauth refused (${code}): ${note}`;
}

/** The proxy's OAuth endpoints; answers 404 for other /proxy/oauth/ paths. */
export async function oauthEndpoint(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  client: OAuthClient,
  base: string,
  check: CheckBearer,
): Promise<string> {
  if (req.method !== 'GET') {
    plainText(res, 405, 'Method Not Allowed', { Allow: 'GET' });
    return '';
  }
  if (url.pathname === START_PATH) return client.start(req, res, base);
  if (url.pathname === CALLBACK_PATH) return client.callback(req, res, url, check);
  json(res, 404, { error: 'not found' });
  return '';
}
