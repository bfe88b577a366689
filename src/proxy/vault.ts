/**
 * Vault mode: the EAS credentials stay on the proxy.
 *
 * The browser sends the password once, to `POST /proxy/login`; the proxy checks
 * it with an OPTIONS on the upstream (MS-ASHTTP 2.2.3: a server answers OPTIONS
 * only to an authenticated user), keeps the Authorization header in memory under
 * a random session id, and gives the browser only a cookie it cannot read
 * (HttpOnly), that travels only over HTTPS or to localhost (Secure) and only
 * with requests from this site (SameSite=Strict). Forwarded EAS requests get
 * the Authorization from the vault. Sessions end on logout or after an idle
 * period; a restart keeps them only with `--state` and `EAS_PROXY_SECRET`
 * (state.ts: sealed at rest), else it forgets them and users sign in again.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basicAuthorization, easUserName } from '../eas/endpoint.ts';
import { cookieValue, SESSION_COOKIE } from './headers.ts';
import { maskUser } from './log.ts';
import { json } from './respond.ts';
import { memoryStore, type ProxyStore, type SessionRecord, type TokenRecord } from './state.ts';

/** `cookieAt`: when the browser last got the cookie (it is sent again after a day, to keep its Max-Age current). */
type Session = SessionRecord;

export interface VaultOptions {
  /** A session unused this long is forgotten. */
  readonly idleMs: number;
  /** Beyond this many sessions, the least recently used one is forgotten. */
  readonly maxSessions: number;
  readonly now: () => number;
  /** Where sessions are kept across restarts (written on open, close and the daily cookie renewal). */
  readonly store?: ProxyStore;
  /** Told when a session ends (logout, expiry, eviction), so what hangs on it can go too. */
  readonly onClose?: (id: string) => void;
  /** A fleet (`--redis`): reads a session another process opened a moment ago, before its announcement arrives. */
  readonly fetch?: (id: string) => Promise<SessionRecord | undefined>;
}

const ID = /^[A-Za-z0-9_-]{43}$/;
const DAY_MS = 86_400_000;

export class Vault {
  /** In order of last use, oldest first. */
  private readonly sessions = new Map<string, Session>();
  /** Sessions whose saved password the server refused (the push relay saw 401): the user must sign in again. */
  private readonly refused = new Set<string>();
  private readonly store: ProxyStore;

  constructor(private readonly options: VaultOptions) {
    this.store = options.store ?? memoryStore;
  }

  /** Takes back the sessions a store kept, least recently used first. */
  restore(saved: ReadonlyMap<string, Session>): void {
    const now = this.options.now();
    const live = [...saved].filter(([id, s]) => ID.test(id) && now - s.lastUsed <= this.options.idleMs);
    for (const [id, s] of live.sort((a, b) => a[1].lastUsed - b[1].lastUsed)) this.sessions.set(id, { ...s });
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Stores the credentials and returns the new session id (256 random bits). */
  open(user: string, authorization: string, tokens?: TokenRecord): string {
    const id = randomBytes(32).toString('base64url');
    const now = this.options.now();
    const session: Session = { user, authorization, lastUsed: now, cookieAt: now, ...(tokens ? { tokens } : {}) };
    this.sessions.set(id, session);
    this.store.put('session', id, session);
    while (this.sessions.size > this.options.maxSessions) this.close(this.sessions.keys().next().value ?? '');
    return id;
  }

  /** In a fleet: makes sure a session opened on another process is known here before `use`. */
  async find(id: string | undefined): Promise<void> {
    if (!this.options.fetch || id === undefined || !ID.test(id) || this.sessions.has(id)) return;
    const s = await this.options.fetch(id).catch(() => undefined); // Redis away: only the sessions known here
    if (s && !this.sessions.has(id)) this.sessions.set(id, { ...s });
  }

  /** Another process of a fleet opened, renewed or closed this session. */
  remote(id: string, s: SessionRecord | undefined): void {
    if (!ID.test(id)) return;
    if (s) {
      this.sessions.delete(id);
      this.sessions.set(id, { ...s });
      return;
    }
    if (!this.sessions.delete(id)) return;
    this.refused.delete(id);
    this.options.onClose?.(id);
  }

  /** The live session of this id, marked as used now; an expired one is forgotten. */
  use(id: string | undefined): Session | undefined {
    if (id === undefined || !ID.test(id)) return undefined;
    const session = this.sessions.get(id);
    if (!session || this.refused.has(id)) return undefined;
    const now = this.options.now();
    if (now - session.lastUsed > this.options.idleMs) {
      this.close(id);
      return undefined;
    }
    this.sessions.delete(id);
    session.lastUsed = now;
    this.sessions.set(id, session);
    return session;
  }

  /** The session's record without marking it used (the push relay borrows its credentials). */
  peek(id: string): Session | undefined {
    return this.refused.has(id) ? undefined : this.sessions.get(id);
  }

  /** The server refused this session's password; the session answers as gone until the user signs in again. */
  refuse(id: string): void {
    if (this.sessions.has(id)) this.refused.add(id);
  }

  isRefused(id: string | undefined): boolean {
    return id !== undefined && this.refused.has(id);
  }

  /** Whether the session signed in through OAuth (refused or not). */
  isOAuth(id: string): boolean {
    return this.sessions.get(id)?.tokens !== undefined;
  }

  /** Replaces an OAuth session's tokens and writes them to the store at once (a rotated refresh token must not be lost). */
  async saveTokens(id: string, tokens: TokenRecord): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    session.tokens = tokens;
    this.store.put('session', id, session);
    await this.store.flush();
  }

  close(id: string): void {
    if (!this.sessions.delete(id)) return;
    this.refused.delete(id);
    this.store.delete('session', id);
    this.options.onClose?.(id);
  }

  /** Forgets every expired session (run now and then; `use` also checks). */
  sweep(): void {
    const now = this.options.now();
    for (const [id, s] of this.sessions) {
      if (now - s.lastUsed > this.options.idleMs) this.close(id);
      else break; // the rest were used later
    }
  }

  /** The Set-Cookie value giving the browser this session (RFC 6265 4.1; Max-Age = the idle limit). */
  cookie(id: string): string {
    const session = this.sessions.get(id);
    if (session) {
      session.cookieAt = this.options.now();
      this.store.put('session', id, session);
    }
    return `${SESSION_COOKIE}=${id}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=${Math.floor(this.options.idleMs / 1000)}`;
  }

  /** A fresh cookie when the browser's copy is more than a day old, so an active session's cookie never runs out. */
  refreshCookie(id: string): string | undefined {
    const session = this.sessions.get(id);
    return session && this.options.now() - session.cookieAt > DAY_MS ? this.cookie(id) : undefined;
  }
}

/** The Set-Cookie value that makes the browser drop the session cookie. */
export const CLEARED_COOKIE = `${SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0`;

export function sessionId(req: IncomingMessage): string | undefined {
  return cookieValue(req.headers.cookie, SESSION_COOKIE);
}

/**
 * A request another site made the browser send. SameSite=Strict keeps the cookie off
 * cross-site requests, but a sibling subdomain counts as the same site; the Fetch
 * Metadata (Sec-Fetch-Site) and Origin headers tell the page's own origin apart.
 */
export function isCrossOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true; // "null" and anything else that is not an origin of this host
  }
}

// ------------------------------------------------------------------ /proxy/* endpoints

export interface LoginForm {
  readonly user: string;
  readonly domain?: string;
  readonly password: string;
}

/** Reads `{url?, user, domain?, password}`; `url` is ignored: the proxy only talks to its own upstream. */
export function parseLoginForm(text: string): LoginForm | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { user, domain, password } = value as Record<string, unknown>;
  if (typeof user !== 'string' || user === '' || typeof password !== 'string' || password === '') return undefined;
  if (domain !== undefined && typeof domain !== 'string') return undefined;
  return { user, password, ...(domain ? { domain } : {}) };
}

/** Largest login body; the form is a few short strings. */
const MAX_LOGIN_BYTES = 16 * 1024;

export async function readSmallBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_LOGIN_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface VaultEndpoints {
  readonly vault: Vault;
  /** The upstream's HTTP status for an OPTIONS with this Authorization; throws when unreachable. */
  readonly check: (authorization: string) => Promise<number>;
  /** The push relay's part (push.ts): it learns of new sessions and adds its state to /proxy/session. */
  readonly hooks?: SessionHooks;
}

export interface SessionHooks {
  opened(id: string, user: string): void;
  /** Extra fields of the /proxy/session answer. */
  describe(id: string, user: string): Record<string, unknown>;
}

async function login(req: IncomingMessage, res: ServerResponse, v: VaultEndpoints): Promise<string> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    json(res, 415, { error: 'send the login form as application/json' });
    return 'login: not JSON';
  }
  const text = await readSmallBody(req);
  const form = text === undefined ? undefined : parseLoginForm(text);
  if (!form) {
    json(res, text === undefined ? 413 : 400, { error: 'expected {"user", "password", "domain"?}' });
    return 'login: bad form';
  }
  const user = easUserName(form);
  const authorization = basicAuthorization(user, form.password);
  let status: number;
  try {
    status = await v.check(authorization);
  } catch (e) {
    json(res, 502, { error: 'the server cannot be reached' });
    return `login: upstream ${(e as NodeJS.ErrnoException).code ?? 'unreachable'}`;
  }
  if (status === 401 || status === 403) {
    json(res, status, { error: status === 401 ? 'wrong user name or password' : 'the server refused this user' });
    return `login ${maskUser(user)} refused (${status})`;
  }
  if (status < 200 || status > 299) {
    json(res, 502, { error: `the server answered ${status}` });
    return `login ${maskUser(user)}: upstream ${status}`;
  }
  const old = sessionId(req);
  if (old !== undefined) v.vault.close(old);
  const id = v.vault.open(user, authorization);
  v.hooks?.opened(id, user);
  json(res, 200, { user }, { 'Set-Cookie': v.vault.cookie(id) });
  return `login ${maskUser(user)}: session opened`;
}

function logout(req: IncomingMessage, res: ServerResponse, v: VaultEndpoints): string {
  const id = sessionId(req);
  if (id !== undefined) v.vault.close(id);
  res.writeHead(204, { 'Set-Cookie': CLEARED_COOKIE, 'Cache-Control': 'no-store' });
  res.end();
  return 'logout';
}

function session(req: IncomingMessage, res: ServerResponse, v: VaultEndpoints): string {
  const id = sessionId(req);
  if (v.vault.isRefused(id)) {
    if (id !== undefined && v.vault.isOAuth(id)) {
      // The provider refused the refresh (invalid_grant): the app offers "sign in again".
      json(res, 401, { error: 'the sign-in has ended: sign in again', reason: 'signin' });
      return 'session: sign-in refused';
    }
    // The push relay found the password changed while the app was closed: the app asks for the new one.
    json(res, 401, { error: 'the server refused the saved password: sign in again', reason: 'password' });
    return 'session: password refused';
  }
  const s = v.vault.use(id);
  // An OAuth session's user is the mailbox address (oauth.ts); the app sets its account up with it.
  const oauth = s?.tokens ? { address: s.user, oauth: true } : {};
  if (s && id !== undefined) json(res, 200, { user: s.user, ...oauth, ...v.hooks?.describe(id, s.user) });
  else json(res, 401, { error: 'no session' });
  return '';
}

const ROUTES: Record<
  string,
  { method: string; run: (req: IncomingMessage, res: ServerResponse, v: VaultEndpoints) => Promise<string> | string }
> = {
  '/proxy/login': { method: 'POST', run: login },
  '/proxy/logout': { method: 'POST', run: logout },
  '/proxy/session': { method: 'GET', run: session },
};

/**
 * `POST /proxy/login` (JSON form) -> 200 `{user}` + the session cookie, or 401/403 as the upstream said;
 * `POST /proxy/logout` -> 204, session forgotten; `GET /proxy/session` -> 200 `{user}` or 401.
 * Returns a note for the log line.
 */
export async function vaultEndpoint(req: IncomingMessage, res: ServerResponse, pathname: string, v: VaultEndpoints): Promise<string> {
  const route = ROUTES[pathname];
  if (!route) {
    json(res, 404, { error: 'not found' });
    return '';
  }
  if (req.method !== route.method) {
    json(res, 405, { error: `use ${route.method}` }, { Allow: route.method });
    return '';
  }
  if (isCrossOrigin(req)) {
    json(res, 403, { error: 'cross-origin request refused' });
    return 'cross-origin';
  }
  return route.run(req, res, v);
}
