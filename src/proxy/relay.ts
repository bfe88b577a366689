/**
 * The push relay: for each registered device the proxy holds the Ping
 * (MS-ASCMD 2.2.1.13) upstream on the user's behalf, with the vault's
 * credentials and the device's own DeviceId, so the server compares with that
 * device's sync state; on a change (Status 2) it sends one Web Push to the
 * device's subscription and Pings again.
 *
 * The relay and the app never Ping at once. A server keeps one Ping per device
 * and ends the older one when a newer Ping or waiting Sync of the same device
 * arrives (Exchange and the mock answer the older one at once), so two holders
 * would end each other's Ping in a loop. Rules:
 *  - The app skips its own Ping while `holdsPing` is true (the answer of
 *    `POST /proxy/push` and the `push` list of `GET /proxy/session`).
 *  - Any request of the device passing through the proxy (an open tab that
 *    syncs, or an older app that still Pings) comes first: the relay drops its
 *    Ping before forwarding it and Pings again only after the device has been
 *    quiet for `quietMs`.
 * A change is pushed once: the pushed folders are left out of the relay's Ping
 * (the server would answer at once while the device has not synced them) until
 * a Sync of that folder by the device passes through.
 */
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { buildPing, parsePing, type PingFolder } from '../eas/commands/ping.ts';
import { encodeEas, decodeEas } from '../eas/wbxml.ts';
import { EAS_PATH, WBXML_CONTENT_TYPE } from '../eas/endpoint.ts';
import type { EasVersion } from '../eas/version.ts';
import { deviceKey, type DeviceBook } from './devices.ts';
import { requestUpstream, type Upstream } from './forward.ts';
import { maskUser } from './log.ts';
import type { ProxyStore, PushRecord } from './state.ts';
import type { El } from '../wbxml/tree.ts';
import type { PushSender } from './webpush.ts';

/** How the relay signs in for one vault session (push.ts: a password's, or an OAuth session's through oauth.ts). */
export interface SessionAccess {
  /** The Authorization of the next Ping (an OAuth token refreshed first when it is about to expire); undefined: sign in again. */
  authorization(): Promise<string | undefined>;
  /** After the server refused `used` (401): a fresh Authorization, or undefined (a password: the user must sign in again). */
  again(used: string): Promise<string | undefined>;
  /** Headers every request needs besides the Authorization (OAuth: Exchange Online's DefaultAnchorMailbox cookie). */
  readonly headers: Readonly<Record<string, string>>;
  /** An organisation sign-in (OAuth), not a password. */
  readonly oauth: boolean;
}

export interface RelayOptions {
  readonly upstream: Upstream;
  /** Its own agent: held Pings must not take the sockets of the browsers' requests. */
  readonly agent: Agent;
  readonly book: DeviceBook;
  readonly send: PushSender;
  readonly store: ProxyStore;
  /** How to sign in for a vault session; undefined once it ended. */
  readonly credentials: (sessionId: string) => SessionAccess | undefined;
  /** The server refused the session's sign-in (HTTP 401, after a fresh token for an OAuth session). */
  readonly refused: (sessionId: string) => void;
  /** The User-Agent sent upstream in place of the device's (`--upstream-user-agent`). */
  readonly userAgent?: string;
  readonly log: (line: string) => void;
  /** How long a device must be quiet before the relay Pings for it again. */
  readonly quietMs: number;
  /** Most Pings held at once (one upstream connection each). */
  readonly maxPings: number;
  /** Most registrations per user. */
  readonly maxPerUser: number;
  /** First heartbeat asked for, seconds; the server's limit (Status 5) replaces it. */
  readonly heartbeatS: number;
  /** Back-off after a failure: base and cap, ms (the delay doubles per failure, with jitter). */
  readonly backoffMs: { readonly base: number; readonly cap: number };
  /** RFC 8030 5.2 TTL of each push, seconds. */
  readonly ttlS: number;
  /** A fleet (`--redis`, lease.ts): this process Pings only for the devices whose lease it holds. */
  readonly lease?: DeviceLease;
  /** A fleet: tells the other processes that a device's request started (true) or the last one ended (false). */
  readonly announce?: (key: string, busy: boolean) => void;
}

export interface DeviceLease {
  has(key: string): boolean;
  /** Try to take it now. */
  want(key: string): void;
  drop(key: string): void;
}

export const RELAY_DEFAULTS = {
  quietMs: 10_000,
  maxPings: 10_000,
  maxPerUser: 10,
  heartbeatS: 3540, // MS-ASCMD 2.2.3.86.1: Exchange allows at most 3540 s by default
  backoffMs: { base: 5_000, cap: 15 * 60_000 },
  ttlS: 12 * 3600,
} as const;

export type RelayState =
  /** A Ping is held (or about to be sent). */
  | 'watching'
  /** The device itself is talking to the server; the relay Pings again once it is quiet. */
  | 'yielding'
  /** Nothing to watch until the device does something (no mail folder synced yet, all pushed, hierarchy, provisioning). */
  | 'waiting'
  /** A failure; the next try is scheduled. */
  | 'retrying'
  /** The server refused the password, or the provider an organisation sign-in: nothing until the user signs in again. */
  | 'stopped';

interface Watch {
  readonly key: string;
  rec: PushRecord;
  state: RelayState;
  reason: string;
  request?: ClientRequest;
  timer?: NodeJS.Timeout;
  /** Bumped by every cancel: callbacks of an older Ping see it and do nothing. */
  generation: number;
  failures: number;
  /** Pushed folders the device has not synced since. */
  readonly pending: Set<string>;
  /** 'told': Status 7 was pushed; 'stuck': it came again, wait for the device's FolderSync. */
  hierarchy: 'ok' | 'told' | 'stuck';
  /** The Authorization of the Ping out now, and whether it is already a fresh one after a 401. */
  auth?: { readonly used: string; readonly fresh: boolean };
}

const ELSEWHERE = 'another proxy process of the fleet holds the Ping';
/** How long a request another process announced is taken as in flight without word of its end. */
const REMOTE_BUSY_MS = 70 * 60_000;

/** Largest Ping answer read; a real one is a few dozen bytes. */
const MAX_PING_ANSWER = 64 * 1024;
/** A push is tried this many times (429, 5xx, network) before it is given up. */
const PUSH_TRIES = 3;

export interface RegisterResult {
  readonly status: 'created' | 'replaced' | 'over-user-cap' | 'over-process-cap';
}

export interface DeviceStatus {
  readonly deviceId: string;
  /** The relay holds this device's Ping: the app must not Ping for it. */
  readonly holdsPing: boolean;
  readonly state: RelayState;
  readonly reason?: string;
  /** The folders watched now (ServerIds). */
  readonly folders: readonly string[];
}

export class Relay {
  private readonly watches = new Map<string, Watch>();
  /** Requests in flight per device (registered or not: a registration must not Ping over one). */
  private readonly busy = new Map<string, number>();
  /** A fleet: devices with a request in flight through other processes (process -> a timer that forgets it). */
  private readonly elsewhere = new Map<string, Map<string, NodeJS.Timeout>>();
  private heartbeatS: number;
  private maxFolders = Infinity;
  private closed = false;

  constructor(private readonly o: RelayOptions) {
    this.heartbeatS = o.heartbeatS;
  }

  get size(): number {
    return this.watches.size;
  }

  get maxPerUser(): number {
    return this.o.maxPerUser;
  }

  /** Upstream Pings held now. */
  held(): number {
    let n = 0;
    for (const w of this.watches.values()) if (w.request) n++;
    return n;
  }

  /** Registrations a store kept; their Pings start spread over a few seconds, not all at once. */
  restore(saved: ReadonlyMap<string, PushRecord>): void {
    const spreadMs = Math.min(30_000, saved.size * 5);
    for (const rec of saved.values()) this.add(rec, Math.random() * spreadMs);
  }

  register(rec: PushRecord): RegisterResult {
    const key = deviceKey(rec.user, rec.deviceId);
    const old = this.watches.get(key);
    if (!old) {
      let mine = 0;
      for (const w of this.watches.values()) if (w.rec.user === rec.user) mine++;
      if (mine >= this.o.maxPerUser) return { status: 'over-user-cap' };
      // In a fleet every process knows every registration; the cap bounds the leases each one holds.
      if (!this.o.lease && this.watches.size >= this.o.maxPings) return { status: 'over-process-cap' };
    }
    if (old) {
      // The same watch goes on with the new subscription: requests of the device in flight still end it.
      old.rec = old.pending.size > 0 ? { ...rec, pending: [...old.pending] } : rec;
      old.failures = 0;
      this.o.store.put('push', key, old.rec);
      this.start(old);
      return { status: 'replaced' };
    }
    this.o.store.put('push', key, rec);
    this.add(rec, 0);
    return { status: 'created' };
  }

  /** Removes a registration; true when there was one. */
  unregister(user: string, deviceId: string, endpoint?: string): boolean {
    const key = deviceKey(user, deviceId);
    const w = this.watches.get(key);
    if (!w || (endpoint !== undefined && w.rec.subscription.endpoint !== endpoint)) return false;
    this.drop(w);
    return true;
  }

  status(user: string, deviceId: string): DeviceStatus | undefined {
    const w = this.watches.get(deviceKey(user, deviceId));
    return w && this.describe(w);
  }

  statusOfUser(user: string): DeviceStatus[] {
    return [...this.watches.values()].filter((w) => w.rec.user === user).map((w) => this.describe(w));
  }

  /** A new sign-in of the user: devices stopped for a refused password, or left without a session, go on with it. */
  adopt(user: string, sessionId: string): void {
    for (const w of this.watches.values()) {
      if (w.rec.user !== user || (!w.rec.stopped && this.o.credentials(w.rec.sessionId) !== undefined)) continue;
      w.rec = { ...w.rec, sessionId };
      delete w.rec.stopped;
      this.o.store.put('push', w.key, w.rec);
      this.note(w, 'signed in again');
      this.start(w);
    }
  }

  /** The session ended (logout, expiry): its devices stop, except those waiting for a new sign-in. */
  sessionClosed(sessionId: string): void {
    for (const w of [...this.watches.values()]) if (w.rec.sessionId === sessionId && !w.rec.stopped) this.drop(w);
  }

  /**
   * A request of the device is going upstream: the relay lets go of its Ping (the server would end one
   * of the two). Returns what to call when that request has ended.
   */
  deviceRequest(user: string, deviceId: string): () => void {
    const key = deviceKey(user, deviceId);
    if (!this.busy.has(key)) this.o.announce?.(key, true);
    this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
    const w = this.watches.get(key);
    if (w && w.state !== 'stopped') {
      this.cancel(w);
      this.set(w, 'yielding', 'the device is talking to the server');
    }
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.busy.get(key) ?? 1) - 1;
      if (left > 0) return void this.busy.set(key, left);
      this.busy.delete(key);
      this.o.announce?.(key, false);
      if (this.elsewhere.has(key)) return;
      const now = this.watches.get(key); // registered, replaced or dropped meanwhile: whatever is there now
      if (!now || now.state === 'stopped') return;
      this.cancel(now);
      now.timer = setTimeout(() => this.start(now), this.o.quietMs);
    };
  }

  /** The device synced these folders: changes pushed for them are picked up, they can be watched again. */
  synced(user: string, deviceId: string, folders: readonly string[]): void {
    const w = this.watches.get(deviceKey(user, deviceId));
    if (w && folders.some((id) => w.pending.has(id))) {
      for (const id of folders) w.pending.delete(id);
      this.keepPending(w);
    }
  }

  private keepPending(w: Watch): void {
    w.rec = { ...w.rec, pending: [...w.pending] };
    this.o.store.put('push', w.key, w.rec);
  }

  /** The device ran FolderSync: its hierarchy is current again. */
  hierarchySynced(user: string, deviceId: string): void {
    const w = this.watches.get(deviceKey(user, deviceId));
    if (w) w.hierarchy = 'ok';
  }

  // ---------------------------------------------------------------- a fleet (--redis)

  /** Devices this process would Ping for if it held their lease. */
  *wanted(): Iterable<string> {
    for (const w of this.watches.values()) if (!w.rec.stopped) yield w.key;
  }

  leaseGained(key: string): void {
    const w = this.watches.get(key);
    if (w && !w.request) this.start(w);
  }

  leaseLost(key: string): void {
    const w = this.watches.get(key);
    if (!w) return;
    this.cancel(w);
    this.set(w, 'waiting', ELSEWHERE);
  }

  /** Another process registered, changed or removed this device's registration. */
  remote(key: string, rec: PushRecord | undefined): void {
    const w = this.watches.get(key);
    if (!rec) {
      if (!w) return;
      this.cancel(w);
      this.watches.delete(key);
      this.o.lease?.drop(key);
      return;
    }
    if (!w) return this.add(rec, 0);
    const before = this.folders(w)
      .map((f) => f.id)
      .join();
    w.rec = rec;
    w.pending.clear();
    for (const id of rec.pending ?? []) w.pending.add(id);
    if (rec.stopped) {
      this.cancel(w);
      return this.set(w, 'stopped', this.stoppedReason(w));
    }
    // A held Ping goes on unless the folders to watch changed; one waiting or without a session tries again.
    if (
      w.state === 'waiting' ||
      w.state === 'stopped' ||
      this.folders(w)
        .map((f) => f.id)
        .join() !== before
    )
      this.start(w);
  }

  /** Another process learned more about the device (its folders): a device waiting for them may be watched now. */
  deviceChanged(key: string): void {
    const w = this.watches.get(key);
    if (w && w.state === 'waiting') this.start(w);
  }

  /**
   * A device's request is passing through another process (`busy`), or its last one there ended: the
   * holder lets go of the Ping meanwhile, as for a request of its own. A process that dies mid-request
   * never says it ended; its mark is forgotten after the longest request (a 59-minute Ping) and more.
   */
  remoteActivity(from: string, key: string, busy: boolean): void {
    const marks = this.elsewhere.get(key) ?? new Map<string, NodeJS.Timeout>();
    clearTimeout(marks.get(from));
    marks.delete(from);
    if (busy) {
      marks.set(from, setTimeout(() => this.remoteActivity(from, key, false), REMOTE_BUSY_MS).unref());
      this.elsewhere.set(key, marks);
      const w = this.watches.get(key);
      if (w && w.state !== 'stopped') {
        this.cancel(w);
        this.set(w, 'yielding', 'the device is talking to the server');
      }
      return;
    }
    if (marks.size > 0) return;
    this.elsewhere.delete(key);
    const w = this.watches.get(key);
    if (!w || w.state === 'stopped' || this.busy.has(key)) return;
    this.cancel(w);
    w.timer = setTimeout(() => this.start(w), this.o.quietMs);
  }

  /** A session made on another process reached this one: devices waiting for it go on. */
  sessionArrived(sessionId: string): void {
    for (const w of this.watches.values()) if (w.rec.sessionId === sessionId && w.state === 'stopped' && !w.rec.stopped) this.start(w);
  }

  close(): void {
    this.closed = true;
    for (const marks of this.elsewhere.values()) for (const t of marks.values()) clearTimeout(t);
    for (const w of this.watches.values()) this.cancel(w);
  }

  // ---------------------------------------------------------------- the Ping loop

  private add(rec: PushRecord, delayMs: number): void {
    const key = deviceKey(rec.user, rec.deviceId);
    const w: Watch = {
      key,
      rec,
      state: 'watching',
      reason: '',
      generation: 0,
      failures: 0,
      pending: new Set(rec.pending ?? []),
      hierarchy: 'ok',
    };
    this.watches.set(key, w);
    if (rec.stopped) return this.set(w, 'stopped', 'the server refused the password');
    if (delayMs > 0) w.timer = setTimeout(() => this.start(w), delayMs);
    else this.start(w);
  }

  private describe(w: Watch): DeviceStatus {
    return {
      deviceId: w.rec.deviceId,
      holdsPing: w.state !== 'stopped',
      state: w.state,
      ...(w.reason ? { reason: w.reason } : {}),
      folders: this.folders(w).map((f) => f.id),
    };
  }

  private drop(w: Watch): void {
    this.cancel(w);
    this.watches.delete(w.key);
    this.o.lease?.drop(w.key);
    this.o.store.delete('push', w.key);
  }

  private cancel(w: Watch): void {
    w.generation++;
    clearTimeout(w.timer);
    w.timer = undefined;
    w.request?.destroy();
    w.request = undefined;
  }

  private set(w: Watch, state: RelayState, reason = ''): void {
    w.state = state;
    w.reason = reason;
  }

  private note(w: Watch, text: string): void {
    this.o.log(`${new Date().toISOString()} relay ${maskUser(w.rec.user)} ${w.rec.deviceId}: ${text}`);
  }

  /** Watchable folders the device has not yet synced since their last push, at most MaxFolders. */
  private folders(w: Watch): PingFolder[] {
    return this.o.book
      .watchable(w.key)
      .filter((f) => !w.pending.has(f.id))
      .slice(0, this.maxFolders);
  }

  private start(w: Watch): void {
    this.cancel(w);
    if (this.closed || this.watches.get(w.key) !== w) return;
    if (w.rec.stopped) return this.set(w, 'stopped', this.stoppedReason(w));
    if (this.o.lease && !this.o.lease.has(w.key)) {
      this.o.lease.want(w.key);
      return this.set(w, 'waiting', ELSEWHERE);
    }
    if (this.busy.has(w.key) || this.elsewhere.has(w.key)) return this.set(w, 'yielding', 'the device is talking to the server');
    if (w.hierarchy === 'stuck') return this.wait(w, 'the folder hierarchy changed: waiting for the device to sync it');
    const folders = this.folders(w);
    if (folders.length === 0) {
      const some = this.o.book.watchable(w.key).length > 0;
      return this.wait(
        w,
        some ? 'every watched folder has a pushed change the device has not synced' : 'no mail folder synced through this proxy yet',
      );
    }
    const access = this.o.credentials(w.rec.sessionId);
    if (access === undefined) return this.set(w, 'stopped', 'no session: sign in again');
    this.set(w, 'watching');
    void this.signedPing(w, folders, access);
  }

  /** Pings with the session's Authorization, or after a 401 (`refused`) with a fresh one, once; none: the sign-in was refused. */
  private async signedPing(w: Watch, folders: PingFolder[], access: SessionAccess, refused?: string): Promise<void> {
    const generation = w.generation;
    const current = (): boolean => w.generation === generation && !this.closed && this.watches.get(w.key) === w;
    let authorization: string | undefined;
    try {
      authorization = refused === undefined ? await access.authorization() : await access.again(refused);
    } catch (e) {
      if (current()) this.retry(w, `sign-in provider: ${(e as Error).message}`);
      return;
    }
    if (!current()) return;
    if (authorization === undefined) return this.signInRefused(w, access);
    w.auth = { used: authorization, fresh: refused !== undefined };
    this.ping(w, folders, authorization, access.headers);
  }

  private stoppedReason(w: Watch): string {
    return w.rec.stopped === 'signin' ? 'the sign-in has ended' : 'the server refused the password';
  }

  /** The password changed or was revoked, or the provider refused a refresh: stop, and tell the app when it next opens (/proxy/session). */
  private signInRefused(w: Watch, access: SessionAccess | undefined): void {
    w.rec = { ...w.rec, stopped: access?.oauth ? 'signin' : 'password' };
    this.o.store.put('push', w.key, w.rec);
    this.set(w, 'stopped', this.stoppedReason(w));
    this.note(w, 'upstream 401: stopped until the user signs in again');
    this.o.refused(w.rec.sessionId);
  }

  /** Nothing to do until the device acts; a long timer tries again in case it never does. */
  private wait(w: Watch, reason: string): void {
    this.set(w, 'waiting', reason);
    w.timer = setTimeout(() => this.start(w), this.heartbeatS * 1000);
  }

  private ping(w: Watch, folders: PingFolder[], authorization: string, extra: Readonly<Record<string, string>>): void {
    const d = this.o.book.get(w.key);
    const version = (d?.version ?? '14.1') as EasVersion;
    const req = buildPing({ heartbeatInterval: this.heartbeatS, folders }, { version });
    const body = encodeEas(req.body as El);
    const query = new URLSearchParams({ Cmd: 'Ping', User: w.rec.user, DeviceId: w.rec.deviceId, DeviceType: d?.deviceType ?? 'WebApp' });
    const headers: Record<string, string | number> = {
      ...extra,
      host: this.o.upstream.host,
      authorization,
      'content-type': WBXML_CONTENT_TYPE,
      'content-length': body.length,
      'ms-asprotocolversion': version,
      ...(d?.policyKey ? { 'x-ms-policykey': d.policyKey } : {}),
    };
    const userAgent = this.o.userAgent ?? d?.userAgent;
    if (userAgent) headers['user-agent'] = userAgent;
    const generation = w.generation;
    const current = (): boolean => w.generation === generation && this.watches.get(w.key) === w;
    // The server answers by the heartbeat at the latest; a minute more covers its slowness.
    const upstream = requestUpstream(
      { upstream: this.o.upstream, agent: this.o.agent, idleTimeoutMs: 0, maxBodyBytes: 0 },
      'POST',
      `${EAS_PATH}?${query}`,
      headers,
      (this.heartbeatS + 60) * 1000,
    );
    w.request = upstream;
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (e) => {
      if (current()) this.retry(w, `upstream ${(e as NodeJS.ErrnoException).code ?? e.message}`);
    });
    upstream.on('response', (res) => this.answer(w, res, folders, current));
    upstream.end(body);
  }

  private answer(w: Watch, res: IncomingMessage, folders: PingFolder[], current: () => boolean): void {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_PING_ANSWER) chunks.push(c);
    });
    res.on('close', () => {
      if (!current()) return;
      w.request = undefined;
      if (!res.complete) return this.retry(w, 'upstream answer cut off');
      const status = res.statusCode ?? 0;
      if (status === 200) return this.pingStatus(w, Buffer.concat(chunks), folders);
      this.httpStatus(w, status, res.headers['retry-after']);
    });
  }

  /** MS-ASHTTP 2.2.2: what an HTTP status of the Ping means for the relay. */
  private httpStatus(w: Watch, status: number, retryAfter: string | string[] | undefined): void {
    if (status === 401) {
      // An OAuth token the server no longer takes is refreshed once; a password is not tried again.
      const access = this.o.credentials(w.rec.sessionId);
      if (access && w.auth && !w.auth.fresh) return void this.signedPing(w, this.folders(w), access, w.auth.used);
      return this.signInRefused(w, access);
    }
    if (status === 449 || status === 403) return this.wait(w, `upstream ${status}: waiting for the device to provision`);
    if (status === 451) return this.wait(w, 'upstream 451: the mailbox moved; waiting for the device');
    const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    if ((status === 503 || status === 429) && Number.isFinite(seconds) && seconds >= 0) {
      // MS-ASHTTP 2.2.2.1.1 Retry-After: wait as long as asked (at least 1 s, at most an hour).
      const ms = Math.min(3_600_000, Math.max(1000, seconds * 1000));
      this.note(w, `upstream ${status}: Retry-After ${seconds}s`);
      w.failures++;
      this.set(w, 'retrying', `upstream ${status}`);
      w.timer = setTimeout(() => this.start(w), ms);
      return;
    }
    this.retry(w, `upstream ${status}`);
  }

  /** MS-ASCMD 2.2.3.177.11: the Ping's own Status. */
  private pingStatus(w: Watch, body: Buffer, folders: PingFolder[]): void {
    let answer;
    try {
      answer = parsePing(body.length > 0 ? decodeEas(new Uint8Array(body)) : null, { version: '14.1' });
    } catch {
      return this.retry(w, 'upstream answer is not a Ping answer');
    }
    switch (answer.status) {
      case 1: // the heartbeat ran out without a change
        w.failures = 0;
        return this.start(w);
      case 2: {
        w.failures = 0;
        const changed = answer.folders.length > 0 ? answer.folders : folders.map((f) => f.id);
        return void this.push(
          w,
          changed.filter((id) => !w.pending.has(id)),
          false,
        );
      }
      case 5: {
        // the heartbeat is out of range; the answer gives the server's limit
        const limit = answer.heartbeatInterval;
        if (limit === undefined || limit === this.heartbeatS) return this.retry(w, 'Ping Status 5');
        this.heartbeatS = limit;
        this.note(w, `heartbeat set to the server's limit, ${limit}s`);
        return this.start(w);
      }
      case 6: // too many folders: watch the first MaxFolders (the Inbox comes first)
        if (answer.maxFolders === undefined || answer.maxFolders >= folders.length) return this.retry(w, 'Ping Status 6');
        this.maxFolders = Math.max(1, answer.maxFolders);
        return this.start(w);
      case 7: // the hierarchy changed: tell the app once, keep watching the known folders
        if (w.hierarchy === 'ok') {
          w.hierarchy = 'told';
          return void this.push(w, [], true);
        }
        w.hierarchy = 'stuck';
        return this.start(w);
      case 142:
      case 143:
      case 144:
      case 145: // MS-ASCMD 2.2.2 common status: the device must provision
        return this.wait(w, `Ping Status ${answer.status}: waiting for the device to provision`);
      default: // 3, 4, 8 and other errors: try again later
        return this.retry(w, `Ping Status ${answer.status}`);
    }
  }

  /** Exponential back-off with jitter: base x 2^failures, capped, then between half and all of it. */
  private retry(w: Watch, reason: string): void {
    const delay = Math.min(this.o.backoffMs.cap, this.o.backoffMs.base * 2 ** Math.min(w.failures, 20));
    const ms = delay / 2 + Math.random() * (delay / 2);
    w.failures++;
    this.note(w, `${reason}: next try in ${Math.round(ms)}ms`);
    this.set(w, 'retrying', reason);
    w.timer = setTimeout(() => this.start(w), ms);
  }

  /** One Web Push for these folders (or the hierarchy), then the next Ping; a gone subscription drops the device. */
  private async push(w: Watch, folders: string[], hierarchyChanged: boolean): Promise<void> {
    const generation = w.generation;
    if (folders.length === 0 && !hierarchyChanged) return this.start(w);
    for (const id of folders) w.pending.add(id);
    if (folders.length > 0) this.keepPending(w);
    const payload = { folders, user: w.rec.user, deviceId: w.rec.deviceId, ...(hierarchyChanged ? { hierarchyChanged: true } : {}) };
    // RFC 8030 5.3: new mail is worth waking a sleeping phone; a hierarchy change is not.
    const message = { payload, ttl: this.o.ttlS, urgency: folders.length > 0 ? 'high' : 'normal' } as const;
    for (let attempt = 1; attempt <= PUSH_TRIES; attempt++) {
      const outcome = await this.o.send(w.rec.subscription, message);
      if (w.generation !== generation || this.watches.get(w.key) !== w) return;
      if (outcome.kind === 'sent') {
        this.note(w, `pushed ${hierarchyChanged ? 'a hierarchy change' : `folders ${folders.join(',')}`}`);
        break;
      }
      if (outcome.kind === 'gone') {
        this.note(w, `push service ${outcome.status}: subscription dropped`);
        return this.drop(w);
      }
      if (outcome.kind === 'failed' || attempt === PUSH_TRIES) {
        this.note(w, `push not delivered (${outcome.note})`);
        break;
      }
      const ms = Math.min(60_000, outcome.afterMs ?? this.o.backoffMs.base * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, ms).unref()); // a closing proxy does not wait for it
      if (w.generation !== generation || this.watches.get(w.key) !== w) return;
    }
    this.start(w);
  }
}
