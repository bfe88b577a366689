/**
 * The same-origin proxy (`eas proxy`). EAS servers send no CORS headers, so a
 * browser page may talk EAS only to its own origin. This server is that origin:
 * it serves the built PWA and forwards the EAS endpoint (MS-ASHTTP 2.2.1.1:
 * `/Microsoft-Server-ActiveSync`, OPTIONS and POST) and Autodiscover
 * (`/autodiscover/autodiscover.xml`) to the real server.
 *
 * Everything is bounded: body size (413), connections (503), header size (431,
 * by Node), time to receive a request, and the idle time of an upstream exchange.
 */
import { Agent as HttpAgent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { realpath } from 'node:fs/promises';
import { EAS_PATH } from '../eas/endpoint.ts';
import { AUTODISCOVER_JSON, pointAutodiscoverAt, pointAutodiscoverJsonAt } from './autodiscover.ts';
import {
  forward,
  parseUpstream,
  requestUpstream,
  type Exchange,
  type ForwardRequest,
  type ForwardSettings,
  type Upstream,
} from './forward.ts';
import { clientAddress, type ForwardedFor } from './headers.ts';
import { formatRecord } from './log.ts';
import { OAuthClient, oauthEndpoint, type OAuthOptions } from './oauth.ts';
import { json, plainText } from './respond.ts';
import { serveStatic } from './static.ts';
import {
  claimVapidKeys,
  observeDevice,
  PUSH_PATH,
  pushEndpoint,
  sessionHooks,
  setUpPush,
  type PushOptions,
  type PushSetup,
} from './push.ts';
import { redisStore } from './redis-store.ts';
import type { Relay } from './relay.ts';
import { fileStore, memoryStore, type DeviceRecord, type Loaded, type PushRecord, type SessionRecord } from './state.ts';
import { isCrossOrigin, sessionId, Vault, vaultEndpoint, type VaultEndpoints } from './vault.ts';

export interface ProxyOptions {
  /** The EAS server's base URL; may carry a path prefix (`http://127.0.0.1:20000/SOGo`). */
  readonly upstream: string;
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The built PWA; default `dist` under the working directory. */
  readonly dist?: string;
  /** Keep the EAS credentials on the proxy (see vault.ts). */
  readonly vault?: boolean;
  /** Wake closed apps with Web Push (push.ts); needs `vault`. */
  readonly push?: boolean | PushOptions;
  /** Keep sessions, push registrations and keys here across restarts (state.ts). */
  readonly state?: string;
  /** Keep them in Redis instead, shared by a fleet of proxy processes (redis-store.ts, lease.ts). */
  readonly redis?: string;
  /** The key sealing secrets in `state` or Redis (EAS_PROXY_SECRET); without it no secret is written. */
  readonly secret?: Buffer;
  /** Longest silence of an upstream exchange; must exceed the longest Ping/Sync wait (59 min). Default 65 min. */
  readonly idleTimeoutMs?: number;
  /** Longest time to receive a whole request (headers and body) from the client. Default 15 min. */
  readonly requestTimeoutMs?: number;
  /** Default 50 MiB. */
  readonly maxBodyBytes?: number;
  /** Open client connections; beyond it 503. Default 256. */
  readonly maxConnections?: number;
  /** Request line and headers; beyond it 431. Default 16 KiB. */
  readonly maxHeaderBytes?: number;
  /** Vault: a session unused this long is forgotten. Default 30 days. */
  readonly sessionIdleMs?: number;
  /** Vault: most sessions kept. Default 10 000. */
  readonly maxSessions?: number;
  /** Receives one line per request. Default: nothing is logged. */
  readonly log?: (line: string) => void;
  /** The vault's clock (tests). Default Date.now. */
  readonly now?: () => number;
  /** Vault: sign in through this OpenID provider instead of passwords (oauth.ts). */
  readonly oauth?: OAuthOptions;
  /** The User-Agent sent upstream in place of the browser's. */
  readonly userAgent?: string;
}

export const PROXY_DEFAULTS = {
  host: '127.0.0.1',
  dist: 'dist',
  idleTimeoutMs: 65 * 60_000,
  requestTimeoutMs: 15 * 60_000,
  maxBodyBytes: 50 * 1024 * 1024,
  maxConnections: 256,
  maxHeaderBytes: 16 * 1024,
  sessionIdleMs: 30 * 86_400_000,
  maxSessions: 10_000,
} as const;

export interface RunningProxy {
  /** `http://host:port` as bound (port 0 picks a free one). */
  readonly url: string;
  /** Open client connections now. */
  connections(): number;
  /** Vault sessions held now (0 without vault mode). */
  sessions(): number;
  /** The push relay (with `push`). */
  readonly relay?: Relay;
  close(): Promise<void>;
}

type Route = 'eas' | 'autodiscover' | 'autodiscover-json' | 'vault' | 'static';

/** EAS and Autodiscover paths are matched without regard to case, as IIS and Exchange do. */
export function routeOf(pathname: string): Route {
  const lower = pathname.toLowerCase();
  if (lower === EAS_PATH.toLowerCase()) return 'eas';
  if (lower === '/autodiscover/autodiscover.xml') return 'autodiscover';
  if (AUTODISCOVER_JSON.test(pathname)) return 'autodiscover-json';
  if (lower === '/proxy' || lower.startsWith('/proxy/')) return 'vault';
  return 'static';
}

const ALLOWED: Partial<Record<Route, readonly string[]>> = {
  eas: ['OPTIONS', 'POST'], // MS-ASHTTP 2.2.1.1.1, 2.2.3
  autodiscover: ['GET', 'POST'], // MS-OXDISCO 3.1.5: POST the request; GET only learns a redirect
  'autodiscover-json': ['GET'],
};

interface Context {
  readonly root: string;
  readonly forward: ForwardSettings;
  readonly vault?: VaultEndpoints;
  readonly push?: PushSetup;
  readonly oauth?: OAuthClient;
}

/**
 * How the client reached the proxy. The proxy itself speaks plain HTTP; a TLS
 * terminator on the same machine may say `X-Forwarded-Proto: https`.
 */
function forwardedFor(req: IncomingMessage): ForwardedFor {
  const client = clientAddress(req.socket.remoteAddress);
  const loopback = client === '127.0.0.1' || client === '::1';
  const said = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim();
  return { client, proto: loopback && said === 'https' ? 'https' : 'http' };
}

function publicBase(req: IncomingMessage, fwd: ForwardedFor): string {
  return `${fwd.proto}://${req.headers.host ?? 'localhost'}`;
}

function publicEndpoint(req: IncomingMessage, fwd: ForwardedFor): string {
  return `${publicBase(req, fwd)}${EAS_PATH}`;
}

/**
 * The EAS `User` of the query (MS-ASHTTP 2.2.1.1.1.1) set to the OAuth session's address:
 * the app knows the user only as the proxy told it, and Exchange Online wants the SMTP address.
 * The base64 query form (MS-ASHTTP 2.2.1.1.1.1.1) is left as sent.
 */
function withUser(search: string, address: string): string {
  const params = new URLSearchParams(search);
  if (!params.has('Cmd')) return search;
  params.set('User', address);
  return `?${params.toString()}`;
}

/** The forwarding of an EAS or Autodiscover request, with the vault's credentials in vault mode. */
async function forwardRequest(req: IncomingMessage, res: ServerResponse, route: Route, url: URL, ctx: Context, x: Exchange): Promise<void> {
  const fwd = forwardedFor(req);
  let f: ForwardRequest = { path: url.pathname + url.search, forwarded: fwd };
  if (route === 'autodiscover') {
    const endpoint = publicEndpoint(req, fwd);
    f = { ...f, rewrite: (xml) => pointAutodiscoverAt(xml, endpoint) };
  }
  if (route === 'autodiscover-json') {
    const endpoint = publicEndpoint(req, fwd);
    f = { ...f, rewrite: (text) => pointAutodiscoverJsonAt(text, endpoint), rewriteType: /json/i };
  }
  if (ctx.vault) {
    if (isCrossOrigin(req)) {
      x.note = 'cross-origin';
      return json(res, 403, { error: 'cross-origin request refused' });
    }
    const id = sessionId(req);
    const session = ctx.vault.vault.use(id);
    if (!session || id === undefined) {
      x.note = 'no vault session';
      return json(res, 401, { error: 'no session: log in at /proxy/login' }); // no WWW-Authenticate: no browser dialog
    }
    // The vault's credentials replace any the client sent; the note shows a client that still sends its own.
    if (req.headers.authorization !== undefined) x.note = 'client Authorization replaced';
    const cookie = ctx.vault.vault.refreshCookie(id);
    f = { ...f, authorization: session.authorization, ...(cookie ? { responseHeaders: { 'set-cookie': cookie } } : {}) };
    if (ctx.oauth && session.tokens) {
      const oauth = ctx.oauth;
      let authorization: string | undefined;
      try {
        authorization = await oauth.authorization(id);
      } catch (e) {
        x.note = `token refresh failed: ${(e as Error).message}`;
        return json(res, 502, { error: 'the sign-in provider cannot be reached' });
      }
      if (authorization === undefined) {
        x.note = 'token refused: sign in again';
        return json(res, 401, { error: 'sign in again' });
      }
      // Exchange Online routes by the anchor mailbox and answers 451 without it; a page cannot set a Cookie header.
      f = {
        ...f,
        authorization,
        path: url.pathname + withUser(url.search, session.user),
        headers: { cookie: `DefaultAnchorMailbox=${session.user}` },
        again: () => oauth.again(id, authorization).catch(() => undefined),
      };
    }
    const observe = route === 'eas' && ctx.push ? observeDevice(ctx.push, session.user, url.search, req) : undefined;
    if (observe) f = { ...f, observe };
  }
  forward(req, res, ctx.forward, f, x);
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context, x: Exchange): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://proxy.invalid');
  } catch {
    return plainText(res, 400, 'Bad Request');
  }
  const route = routeOf(url.pathname);
  const allowed = ALLOWED[route];
  if (allowed && !allowed.includes(req.method ?? '')) {
    return plainText(res, 405, 'Method Not Allowed', { Allow: allowed.join(', ') });
  }
  if (ctx.vault && route !== 'static') await ctx.vault.vault.find(sessionId(req)); // a fleet: a session opened on another process
  if (route === 'eas' || route === 'autodiscover' || route === 'autodiscover-json') return forwardRequest(req, res, route, url, ctx, x);
  if (url.pathname === CONFIG_PATH) return deploymentConfig(req, res, ctx);
  if (url.pathname.startsWith('/proxy/oauth/') && ctx.oauth && ctx.vault) {
    x.note = await oauthEndpoint(req, res, url, ctx.oauth, publicBase(req, forwardedFor(req)), checkBearer(ctx.forward));
    return;
  }
  if (url.pathname === PUSH_PATH && ctx.vault && ctx.push) {
    x.note = await pushEndpoint(req, res, ctx.vault.vault, ctx.push);
    return;
  }
  if (route === 'vault') {
    if (!ctx.vault) return plainText(res, 404, 'Not Found');
    x.note = await vaultEndpoint(req, res, url.pathname, ctx.vault);
    return;
  }
  x.bytesOut = await serveStatic(req, res, ctx.root, url.pathname);
}

/** Where the app asks how it is deployed (vault mode or not); answered with and without --vault. */
export const CONFIG_PATH = '/proxy/config';

/**
 * `GET /proxy/config` -> `{"vault": boolean, "push"?: {"vapidPublicKey"}}`. With `vault: true` the app
 * signs in at /proxy/login, keeps no password and sends EAS requests without Authorization; with
 * `push` it may subscribe with that key (the applicationServerKey) and register at /proxy/push.
 * A static server (no proxy) answers 404 or the app's index.html here: no vault.
 */
function deploymentConfig(req: IncomingMessage, res: ServerResponse, ctx: Context): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plainText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  json(res, 200, {
    vault: ctx.vault !== undefined,
    ...(ctx.oauth ? { oauth: true } : {}),
    ...(ctx.push ? { push: { vapidPublicKey: ctx.push.keys.publicKey } } : {}),
  });
}

/** The upstream's status for OPTIONS on the EAS endpoint with these credentials (the vault's login check). */
function checkCredentials(s: ForwardSettings): (authorization: string) => Promise<number> {
  return (authorization) =>
    new Promise((resolve, reject) => {
      const req = requestUpstream(s, 'OPTIONS', EAS_PATH, { host: s.upstream.host, authorization }, 30_000);
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.on('response', (up) => {
        up.resume();
        resolve(up.statusCode ?? 502);
      });
      req.end();
    });
}

/** The upstream's status for OPTIONS with an OAuth token and the anchor cookie (the callback's check). */
function checkBearer(s: ForwardSettings): (authorization: string, address: string) => Promise<number> {
  return (authorization, address) =>
    new Promise((resolve, reject) => {
      const headers = {
        host: s.upstream.host,
        authorization,
        cookie: `DefaultAnchorMailbox=${address}`,
        ...(s.userAgent !== undefined ? { 'user-agent': s.userAgent } : {}),
      };
      const req = requestUpstream(s, 'OPTIONS', EAS_PATH, headers, 30_000);
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.on('response', (up) => {
        up.resume();
        resolve(up.statusCode ?? 502);
      });
      req.end();
    });
}

/**
 * One upstream connection per request (`Connection: close`), as nginx does by default.
 * sogod closes its connection after every answer without saying so; a POST sent on such
 * a pooled socket fails, and since the body was streamed it cannot be sent again.
 */
function makeAgent(upstream: Upstream, maxSockets: number): HttpAgent {
  const options = { keepAlive: false, maxSockets };
  return upstream.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the proxy; resolves once it listens. Throws RangeError for a bad upstream, and when `dist` is missing. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const o = { ...PROXY_DEFAULTS, ...options };
  const upstream = parseUpstream(o.upstream);
  const root = await realpath(o.dist);
  const agent = makeAgent(upstream, o.maxConnections);
  const settings: ForwardSettings = {
    upstream,
    agent,
    idleTimeoutMs: o.idleTimeoutMs,
    maxBodyBytes: o.maxBodyBytes,
    ...(o.userAgent !== undefined ? { userAgent: o.userAgent } : {}),
  };
  if (o.oauth && !o.vault) throw new RangeError('OAuth sign-in needs vault mode (the proxy keeps the tokens)');
  if (o.push && !o.vault) throw new RangeError('push needs vault mode (the relay signs in for the user)');
  const log = (line: string) => o.log?.(line);
  const shared = o.redis === undefined ? undefined : await redisStore(o.redis, o.secret, log);
  const store = shared ?? (o.state === undefined ? memoryStore : fileStore(o.state, o.secret));
  let loaded: Loaded;
  try {
    loaded = await store.load();
    if (shared && o.push) await claimVapidKeys(loaded, shared);
  } catch (e) {
    await shared?.close();
    throw e;
  }
  let push: PushSetup | undefined;
  const vault = o.vault
    ? new Vault({
        idleMs: o.sessionIdleMs,
        maxSessions: o.maxSessions,
        now: o.now ?? Date.now,
        store,
        onClose: (id) => push?.relay.sessionClosed(id),
        ...(shared ? { fetch: (id: string) => shared.fetch('session', id) } : {}),
      })
    : undefined;
  vault?.restore(loaded.session);
  const oauth = vault && o.oauth ? await OAuthClient.discover(o.oauth, vault, o.now ?? Date.now) : undefined;
  if (vault && o.push) {
    const signIn = { ...(oauth ? { oauth } : {}), ...(o.userAgent !== undefined ? { userAgent: o.userAgent } : {}) };
    push = setUpPush(o.push === true ? {} : o.push, { upstream, vault, store, loaded, log, ...(shared ? { shared } : {}), ...signIn });
  }
  shared?.listen((kind, key, value) => {
    if (kind === 'session') {
      vault?.remote(key, value as SessionRecord | undefined);
      if (value) push?.relay.sessionArrived(key);
    } else if (kind === 'push') {
      push?.relay.remote(key, value as PushRecord | undefined);
    } else if (kind === 'device' && push) {
      push.book.remote(key, value as DeviceRecord | undefined);
      push.relay.deviceChanged(key);
    }
  });
  const vaultEndpoints = vault && { vault, check: checkCredentials(settings), ...(push ? { hooks: sessionHooks(push) } : {}) };
  const ctx: Context = {
    root,
    forward: settings,
    ...(vaultEndpoints ? { vault: vaultEndpoints } : {}),
    ...(push ? { push } : {}),
    ...(oauth ? { oauth } : {}),
  };
  const server = createServer({
    maxHeaderSize: o.maxHeaderBytes,
    requestTimeout: o.requestTimeoutMs, // receiving the request; a held Ping has been received already
    headersTimeout: Math.min(60_000, o.requestTimeoutMs),
    connectionsCheckingInterval: Math.min(30_000, Math.max(250, o.requestTimeoutMs / 4)),
    keepAliveTimeout: 5_000,
  });
  // A silent client socket outlives the upstream's idle timer, so the 504 is sent first.
  server.setTimeout(o.idleTimeoutMs + 10_000);
  server.maxConnections = o.maxConnections * 2; // far beyond the limit, connections are dropped without a word
  let open = 0;
  const over = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    open++;
    if (open > o.maxConnections) over.add(socket);
    socket.once('close', () => open--);
  });
  // RFC 9110 10.1.1: a client that sends Expect: 100-continue waits before sending its body;
  // one announcing a body over the limit gets the 413 instead of the go-ahead.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length'] ?? '0') <= o.maxBodyBytes) res.writeContinue();
    server.emit('request', req, res);
  });
  // close() resolves only once every request has its log line (a client can read the whole
  // answer before the server's 'close' event for it fires).
  let unlogged = 0;
  let drained: (() => void) | undefined;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    unlogged++;
    const started = performance.now();
    const client = clientAddress(req.socket.remoteAddress);
    const x: Exchange = { bytesIn: 0, bytesOut: 0, note: '' };
    // Logged after every other 'close' listener has said what happened.
    res.once('close', () =>
      queueMicrotask(() => {
        const status = res.headersSent ? res.statusCode : 499; // 499: the client left before any answer
        const ms = Math.round(performance.now() - started);
        const record = { client, method: req.method ?? '', target: req.url ?? '', status, ms, ...x };
        o.log?.(formatRecord(record, new Date()));
        if (--unlogged === 0) drained?.();
      }),
    );
    if (over.has(req.socket)) {
      x.note = 'too many connections';
      return plainText(res, 503, 'Service Unavailable: too many connections', { 'Retry-After': '5', Connection: 'close' });
    }
    handle(req, res, ctx, x).catch((e: unknown) => {
      x.note = `error: ${(e as Error).message}`;
      if (res.headersSent) res.destroy();
      else plainText(res, 500, 'Internal Server Error');
    });
  });
  const sweep = vault ? setInterval(() => vault.sweep(), Math.min(o.sessionIdleMs, 3_600_000)).unref() : undefined;
  const port = await listen(server, o.port, o.host);
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shown}:${port}`,
    connections: () => open,
    sessions: () => vault?.size ?? 0,
    ...(push ? { relay: push.relay } : {}),
    close: () =>
      new Promise<void>((done) => {
        clearInterval(sweep);
        push?.relay.close();
        server.closeAllConnections();
        agent.destroy();
        server.close(() => {
          if (unlogged === 0) done();
          else drained = done;
        });
      }).then(async () => {
        await push?.leases?.close();
        await store.flush();
        await shared?.close();
      }),
  };
}
