/**
 * `--push`: the proxy wakes a closed app with Web Push (issue #14).
 *
 * `POST /proxy/push` `{"deviceId", "subscription"}` (vault session cookie) registers the browser's
 * push subscription for the device; `DELETE /proxy/push` with the same body removes it. From then
 * on the relay (relay.ts) holds the Ping for that device and pushes on a change. The folders to
 * watch come from the device's own FolderSync and Sync requests passing through (devices.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { deviceKey, DeviceBook, easRequestInfo } from './devices.ts';
import type { Observer, Upstream } from './forward.ts';
import { maskUser } from './log.ts';
import { Leases, LEASE_TTL_MS } from './lease.ts';
import type { OAuthClient } from './oauth.ts';
import type { SharedStore } from './redis-store.ts';
import { Relay, RELAY_DEFAULTS, type RelayOptions, type SessionAccess } from './relay.ts';
import { json } from './respond.ts';
import type { Loaded, ProxyStore, VapidKeys } from './state.ts';
import { isCrossOrigin, readSmallBody, sessionId, type SessionHooks, type Vault } from './vault.ts';
import { checkSubscription, makeVapidKeys, pushSender } from './webpush.ts';

export const PUSH_PATH = '/proxy/push';

export interface PushOptions {
  /** Hosts allowed as push endpoints besides public addresses (`--push-allow-host`, tests: 127.0.0.1). */
  readonly allowHosts?: readonly string[];
  /** RFC 8292 `sub`: mailto: or https: contact of the operator. */
  readonly contact?: string;
  /** Extra CA certificates for the push services (tests). */
  readonly ca?: string;
  readonly relay?: Partial<Pick<RelayOptions, 'quietMs' | 'maxPings' | 'maxPerUser' | 'heartbeatS' | 'backoffMs' | 'ttlS'>>;
  /** With `--redis`: the Ping lease time, ms (lease.ts). Default 30 s. */
  readonly leaseMs?: number;
}

export interface PushSetup {
  readonly relay: Relay;
  readonly book: DeviceBook;
  readonly keys: VapidKeys;
  readonly allowHosts: ReadonlySet<string>;
  /** With `--redis`: the Ping leases this process holds. */
  readonly leases?: Leases;
}

const KEYS_ID = 'vapid';
export const DEFAULT_CONTACT = 'mailto:postmaster@localhost';

/** The VAPID keys kept in the state, made on the first start (a new key would void every subscription). */
function vapidKeys(loaded: Loaded, store: ProxyStore): VapidKeys {
  const kept = loaded.keys.get(KEYS_ID);
  if (kept) return kept;
  const keys = makeVapidKeys();
  store.put('keys', KEYS_ID, keys);
  return keys;
}

/** In a fleet the first process to start makes the keys; the others take them from Redis. */
export async function claimVapidKeys(loaded: Loaded, shared: SharedStore): Promise<void> {
  if (!loaded.keys.has(KEYS_ID) && shared.keepsSecrets) loaded.keys.set(KEYS_ID, await shared.claim('keys', KEYS_ID, makeVapidKeys()));
}

/** What the relay works with: the proxy's upstream, vault and state, and how it signs in (oauth.ts, `--upstream-user-agent`). */
export interface PushContext {
  readonly upstream: Upstream;
  readonly vault: Vault;
  readonly store: ProxyStore;
  readonly loaded: Loaded;
  readonly log: (line: string) => void;
  readonly shared?: SharedStore;
  readonly oauth?: OAuthClient;
  readonly userAgent?: string;
}

export function setUpPush(o: PushOptions, c: PushContext): PushSetup {
  const { upstream, vault, store, loaded, log, shared } = c;
  const keys = vapidKeys(loaded, store);
  const allowHosts = new Set((o.allowHosts ?? []).map((h) => h.toLowerCase().replace(/^\[(.*)\]$/, '$1')));
  const book = new DeviceBook(store);
  book.restore(loaded.device);
  const r = { ...RELAY_DEFAULTS, ...o.relay };
  const agentOptions = { keepAlive: false, maxSockets: r.maxPings };
  let relay: Relay | undefined;
  const leases =
    shared &&
    new Leases({
      client: shared.client,
      owner: shared.owner,
      ttlMs: o.leaseMs ?? LEASE_TTL_MS,
      max: r.maxPings,
      log,
      wanted: () => relay?.wanted() ?? [],
      gained: (key) => relay?.leaseGained(key),
      lost: (key) => relay?.leaseLost(key),
      freed: (key) => shared.leaseFreed(key),
    });
  shared?.listenLeaseFreed((key) => leases?.freedElsewhere(key));
  relay = new Relay({
    ...r,
    upstream,
    book,
    store,
    log,
    ...(leases && shared ? { lease: leases, announce: (key, busy) => shared.activity(key, busy) } : {}),
    agent: upstream.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions),
    send: pushSender({ keys, subject: o.contact ?? DEFAULT_CONTACT, allowHosts, ...(o.ca ? { ca: o.ca } : {}) }),
    credentials: (id) => sessionAccess(vault, c.oauth, id),
    refused: (id) => vault.refuse(id),
    ...(c.userAgent !== undefined ? { userAgent: c.userAgent } : {}),
  });
  relay.restore(loaded.push);
  shared?.listenActivity((from, key, busy) => relay?.remoteActivity(from, key, busy));
  return { relay, book, keys, allowHosts, ...(leases ? { leases } : {}) };
}

/**
 * How the relay signs in for a session: with its password's Authorization, or, for an OAuth
 * session, with its access token (refreshed like the page's requests, oauth.ts) and Exchange
 * Online's anchor cookie, as forwarded EAS requests are.
 */
function sessionAccess(vault: Vault, oauth: OAuthClient | undefined, id: string): SessionAccess | undefined {
  const session = vault.peek(id);
  if (!session) return undefined;
  if (!session.tokens) {
    return { authorization: async () => vault.peek(id)?.authorization, again: async () => undefined, headers: {}, oauth: false };
  }
  if (!oauth) return undefined;
  return {
    authorization: () => oauth.authorization(id),
    again: (used) => oauth.again(id, used),
    headers: { cookie: `DefaultAnchorMailbox=${session.user}` },
    oauth: true,
  };
}

/** What /proxy/login and /proxy/session learn from the relay. */
export function sessionHooks(p: PushSetup): SessionHooks {
  return {
    opened: (id, user) => p.relay.adopt(user, id),
    describe: (_id, user) => ({ push: p.relay.statusOfUser(user) }),
  };
}

/**
 * A device's EAS request on its way upstream: the relay lets go of that device's Ping meanwhile, and
 * learns its folders from FolderSync answers and the collections of its Syncs.
 */
export function observeDevice(p: PushSetup, user: string, search: string, req: IncomingMessage): Observer | undefined {
  const info = easRequestInfo(search, req.headers);
  if (!info) return undefined;
  const key = deviceKey(user, info.deviceId);
  p.book.seen(key, info, req.headers['user-agent']);
  const ended = p.relay.deviceRequest(user, info.deviceId);
  const folderSync = info.cmd === 'FolderSync';
  const folderChange = info.cmd === 'FolderCreate' || info.cmd === 'FolderDelete' ? info.cmd : undefined;
  const sync = info.cmd === 'Sync';
  return {
    request: folderSync || sync || folderChange !== undefined,
    response: folderSync || folderChange !== undefined,
    done: (status, request, response) => {
      if (status === 200 && folderSync) {
        p.book.folderSync(key, request, response);
        p.relay.hierarchySynced(user, info.deviceId);
      }
      if (status === 200 && folderChange) p.book.folderChange(key, folderChange, request, response);
      if (status === 200 && sync) p.relay.synced(user, info.deviceId, p.book.syncRequest(key, request));
      ended();
    },
  };
}

interface Registration {
  readonly deviceId: string;
  readonly subscription?: unknown;
}

/** DeviceId: MS-ASHTTP 2.2.1.1.1.2.3 allows up to 32 characters; some clients send longer, so 128. */
function parseRegistration(text: string): Registration | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'expected JSON {"deviceId", "subscription"}';
  }
  if (typeof value !== 'object' || value === null) return 'expected JSON {"deviceId", "subscription"}';
  const { deviceId, subscription } = value as Record<string, unknown>;
  if (typeof deviceId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(deviceId)) return 'deviceId must be the EAS DeviceId the app syncs with';
  return { deviceId, subscription };
}

/** `POST /proxy/push` -> 201 (new) or 200 (replaced) with the relay's state; `DELETE /proxy/push` -> 204. */
export async function pushEndpoint(req: IncomingMessage, res: ServerResponse, vault: Vault, p: PushSetup): Promise<string> {
  if (req.method !== 'POST' && req.method !== 'DELETE') {
    json(res, 405, { error: 'use POST or DELETE' }, { Allow: 'POST, DELETE' });
    return '';
  }
  // CSRF: as /proxy/login, only a same-origin script can send JSON with the cookie.
  if (isCrossOrigin(req)) {
    json(res, 403, { error: 'cross-origin request refused' });
    return 'cross-origin';
  }
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    json(res, 415, { error: 'send the registration as application/json' });
    return 'push: not JSON';
  }
  const id = sessionId(req);
  const session = vault.use(id);
  if (!session || id === undefined) {
    json(res, 401, { error: 'no session: log in at /proxy/login' });
    return 'push: no session';
  }
  const text = await readSmallBody(req);
  const reg = text === undefined ? 'registration too large' : parseRegistration(text);
  if (typeof reg === 'string') {
    json(res, text === undefined ? 413 : 400, { error: reg });
    return 'push: bad registration';
  }
  if (req.method === 'DELETE') {
    p.relay.unregister(session.user, reg.deviceId);
    res.writeHead(204, { 'Cache-Control': 'no-store' });
    res.end();
    return `push ${maskUser(session.user)} ${reg.deviceId}: removed`;
  }
  const subscription = checkSubscription(reg.subscription, p.allowHosts);
  if (typeof subscription === 'string') {
    json(res, 400, { error: subscription });
    return 'push: bad subscription';
  }
  const result = p.relay.register({ user: session.user, deviceId: reg.deviceId, sessionId: id, subscription });
  if (result.status === 'over-user-cap') {
    json(res, 409, { error: `at most ${p.relay.maxPerUser} push subscriptions per user: remove one first` });
    return 'push: over the per-user cap';
  }
  if (result.status === 'over-process-cap') {
    json(res, 503, { error: 'the push relay is full' }, { 'Retry-After': '3600' });
    return 'push: relay full';
  }
  json(res, result.status === 'created' ? 201 : 200, p.relay.status(session.user, reg.deviceId));
  return `push ${maskUser(session.user)} ${reg.deviceId}: ${result.status}`;
}
