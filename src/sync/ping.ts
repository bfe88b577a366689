/**
 * Direct push: one Ping (MS-ASCMD 2.2.1.13) over all synced folders of an account,
 * again and again.
 *
 * What each answer leads to (MS-ASCMD 2.2.3.177.11):
 * - 1 the heartbeat ran out with no change: Ping again; after a clean expiry the
 *   heartbeat is raised by a step (a longer heartbeat wakes the radio less often).
 * - 2 changes: Sync exactly the folders named (syncFolders), then Ping again.
 * - 3 / 4 parameters missing or malformed (e.g. an empty Ping the server has nothing
 *   cached for): send the full Ping, folders and heartbeat.
 * - 5 heartbeat out of range: the answer's HeartbeatInterval is the server's minimum
 *   or maximum; it is kept and obeyed.
 * - 6 too many folders: keep MaxFolders and watch that many (Inbox first).
 * - 7 hierarchy out of date: FolderSync, then the full Ping.
 * - 8 server error: back off.
 *
 * A Ping that does not come back within heartbeat + grace is a network timeout: some
 * middlebox drops idle connections sooner, so the heartbeat is lowered and that value
 * kept as a ceiling for a day. A connection cut after half the heartbeat counts the same.
 * While the network is down the loop backs off exponentially with jitter, capped.
 *
 * Everything it has learned lives in `meta` (`push:<accountId>`): the heartbeat, the
 * server's limits, the folder set the server holds, the back-off. A restarted process
 * or service worker resumes from there, with an empty Ping when the server still holds
 * the parameters. A service worker runs it one step per waitUntil (pushStep) with
 * maxHeartbeat 270 s, so a step ends before the browser stops the worker.
 */
import type { PingClass, PingRequest, PingResponse } from '../eas/commands/ping.ts';
import { FolderType } from '../eas/commands/foldersync.ts';
import type { Store } from '../store/db.ts';
import type { AccountRecord, FolderRecord } from '../store/schema.ts';
import { syncable } from './collections.ts';
import { SyncError, type ErrorKind } from './errors.ts';
import type { Emit } from './events.ts';
import { getAccount, getFolders, putOp } from './local.ts';
import type { Clock } from './primitives.ts';

export interface PushOptions {
  /** Ends the loop (and the Ping on the wire). */
  readonly signal?: AbortSignal;
  /** Longest heartbeat in seconds; a service worker passes 270. Default 1680 (28 min). */
  readonly maxHeartbeat?: number;
  /** Shortest heartbeat in seconds. Default 60. */
  readonly minHeartbeat?: number;
  /** First heartbeat in seconds, before anything is learned. Default 480. */
  readonly initialHeartbeat?: number;
  /** Raise and lower by this many seconds. Default 120. */
  readonly heartbeatStep?: number;
  /** Seconds a Ping may run over its heartbeat before it is a network timeout. Default 20. */
  readonly graceSeconds?: number;
  /** First back-off while the network is down, doubling per failure. Default 5 s. */
  readonly backoffMs?: number;
  /** Longest back-off. Default 15 min. */
  readonly maxBackoffMs?: number;
  /** For the jitter; default Math.random. */
  readonly random?: () => number;
}

/** What the loop needs from the engine. */
export interface PushDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly emit: Emit;
  /** One Ping with the account's session: no retries, cancelled by `signal`. Throws SyncError. */
  ping(account: AccountRecord, req: PingRequest, signal: AbortSignal): Promise<PingResponse>;
  syncAccount(accountId: string): Promise<Report>;
  syncFolders(accountId: string, folderIds: readonly string[]): Promise<Report>;
  syncHierarchy(accountId: string): Promise<Report>;
}

interface Report {
  readonly ok: boolean;
  readonly error?: { readonly kind: ErrorKind; readonly message: string };
  /** When to try again (a busy server's Retry-After among others). */
  readonly retryAt?: number;
}

export type StopReason =
  /** The signal aborted. */
  | 'aborted'
  /** The account needs the user (password, blocked): no request until then. */
  | 'account'
  | 'removed'
  /** The account is set to interval or manual sync. */
  | 'not-push'
  /** The server's shortest heartbeat is longer than maxHeartbeat allows (a service worker's limit). */
  | 'heartbeat';

export type PushStep =
  /** Ping again at once. */
  | { readonly kind: 'again' }
  /** Wait this long first (back-off, or nothing to watch yet). */
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'stop'; readonly reason: StopReason };

/** What is kept per account in `meta`. Heartbeats in seconds, times in ms. */
export interface PushState {
  readonly heartbeat: number;
  /** Learned from a network timeout: no raise above it until `ceilingAt` + a day. */
  readonly ceiling?: number;
  readonly ceilingAt?: number;
  /** From Status 5 and 6. */
  readonly serverMin?: number;
  readonly serverMax?: number;
  readonly maxFolders?: number;
  /** The folders and heartbeat of the last full Ping the server took: an empty Ping reuses them. */
  readonly folders: readonly string[];
  readonly sentHeartbeat?: number;
  readonly accepted: boolean;
  /** The account was synced since the loop started or last failed. */
  readonly synced: boolean;
  readonly failures: number;
  readonly timeouts: number;
  readonly retryAt?: number;
  /** Why the loop backs off. */
  readonly lastError?: string;
}

export const stateKey = (accountId: string): string => `push:${accountId}`;

const DAY = 24 * 60 * 60 * 1000;
/** After this many timeouts in a row the network counts as down. */
const MAX_TIMEOUTS = 3;

class PingTimeout extends Error {
  override readonly name = 'PingTimeout';
}

interface Settings {
  readonly min: number;
  readonly max: number;
  readonly initial: number;
  readonly step: number;
  readonly grace: number;
  readonly backoff: number;
  readonly maxBackoff: number;
  readonly random: () => number;
}

function settings(o: PushOptions): Settings {
  const max = o.maxHeartbeat ?? 1680;
  const min = Math.min(o.minHeartbeat ?? 60, max);
  return {
    min,
    max,
    initial: Math.max(min, Math.min(max, o.initialHeartbeat ?? 480)),
    step: o.heartbeatStep ?? 120,
    grace: o.graceSeconds ?? 20,
    backoff: o.backoffMs ?? 5_000,
    maxBackoff: o.maxBackoffMs ?? 15 * 60_000,
    random: o.random ?? Math.random,
  };
}

/** One step: perhaps a catch-up sync, one Ping, and what its answer asks for. */
export async function pushStep(deps: PushDeps, accountId: string, options: PushOptions = {}): Promise<PushStep> {
  const s = settings(options);
  const account = await getAccount(deps.store, accountId);
  if (!account) {
    await deps.store.commit([{ store: 'meta', op: 'delete', key: stateKey(accountId) }]);
    return stop(deps, accountId, 'removed');
  }
  if (account.state.kind === 'auth' || account.state.kind === 'blocked') return stop(deps, accountId, 'account');
  if (account.push !== 'push') return stop(deps, accountId, 'not-push');
  const state = await readState(deps.store, accountId, s);
  const now = deps.clock.now();
  if (state.retryAt !== undefined && state.retryAt > now) return { kind: 'wait', ms: state.retryAt - now };
  const step = new Step(deps, account, s, { ...state, retryAt: undefined }, options.signal);
  const result = await step.run();
  await step.save();
  if (result.kind === 'wait') deps.emit({ type: 'push', accountId, state: 'backoff', retryAt: step.state.retryAt });
  if (result.kind === 'stop') deps.emit({ type: 'push', accountId, state: 'stopped' });
  return result;
}

/** Runs steps until stopped; `wake` gives the signal that ends a back-off sleep early (see clearBackoff). */
export async function runPush(deps: PushDeps, accountId: string, options: PushOptions, wake: () => AbortSignal): Promise<StopReason> {
  for (;;) {
    if (options.signal?.aborted) return 'aborted';
    const woken = wake(); // taken before the step reads the state, so no wake falls in between
    let step: PushStep;
    try {
      step = await pushStep(deps, accountId, options);
    } catch (e) {
      if (options.signal?.aborted) return 'aborted';
      throw e;
    }
    if (step.kind === 'stop') return step.reason;
    if (step.kind === 'again') continue;
    try {
      await deps.clock.sleep(step.ms, anySignal(options.signal, woken));
    } catch {
      if (options.signal?.aborted) return 'aborted';
    }
  }
}

/** Forgets a stored back-off (the network is back): the next step pings at once, in this process or a restarted one. */
export async function clearBackoff(store: Store, accountId: string): Promise<void> {
  const found = (await store.db.get('meta', stateKey(accountId)))?.value as PushState | undefined;
  if (found?.retryAt !== undefined)
    await store.commit([putOp('meta', { key: stateKey(accountId), value: { ...found, retryAt: undefined } })]);
}

function stop(deps: PushDeps, accountId: string, reason: StopReason): PushStep {
  deps.emit({ type: 'push', accountId, state: 'stopped' });
  return { kind: 'stop', reason };
}

async function readState(store: Store, accountId: string, s: Settings): Promise<PushState> {
  const found = (await store.db.get('meta', stateKey(accountId)))?.value as PushState | undefined;
  return found ?? { heartbeat: s.initial, folders: [], accepted: false, synced: false, failures: 0, timeouts: 0 };
}

/** One step's work on a copy of the state, which the caller stores. */
class Step {
  constructor(
    private readonly deps: PushDeps,
    private readonly account: AccountRecord,
    private readonly s: Settings,
    public state: PushState,
    private readonly signal: AbortSignal | undefined,
  ) {}

  private get accountId(): string {
    return this.account.id;
  }

  save(): Promise<void> {
    return this.deps.store.commit([putOp('meta', { key: stateKey(this.accountId), value: this.state })]);
  }

  async run(): Promise<PushStep> {
    const bounds = this.bounds();
    if (bounds.lo > bounds.hi) return { kind: 'stop', reason: 'heartbeat' };
    if (!this.state.synced || (await this.unprimed())) {
      const caught = await this.afterSync(await this.deps.syncAccount(this.accountId));
      if (caught) return caught;
      this.state = { ...this.state, synced: true, failures: 0, lastError: undefined };
    }
    const folders = await this.pingFolders();
    if (folders.length === 0) return { kind: 'wait', ms: this.s.max * 1000 };
    const heartbeat = clamp(this.state.heartbeat, bounds.lo, bounds.hi);
    const ids = folders.map((f) => f.serverId);
    const full = !this.state.accepted || this.state.sentHeartbeat !== heartbeat || !sameSet(this.state.folders, ids);
    const request: PingRequest = full
      ? { heartbeatInterval: heartbeat, folders: folders.map((f) => ({ id: f.serverId, class: f.class as PingClass })) }
      : {};
    // What is known so far is kept before the long wait: a worker stopped mid-Ping resumes from it.
    await this.save();
    this.deps.emit({ type: 'push', accountId: this.accountId, state: 'ping', heartbeat });
    const started = this.deps.clock.now();
    let res: PingResponse;
    try {
      res = await this.ping(request, heartbeat);
    } catch (e) {
      return this.failedPing(e, heartbeat, this.deps.clock.now() - started);
    }
    this.state = { ...this.state, failures: 0, timeouts: 0, lastError: undefined };
    if (full && res.status !== 3 && res.status !== 4 && res.status !== 5 && res.status !== 6) {
      this.state = { ...this.state, folders: ids, sentHeartbeat: heartbeat, accepted: true };
    }
    return this.answer(res, heartbeat, full, this.deps.clock.now() - started);
  }

  /** The heartbeat range: ours, narrowed by the server's limits. */
  private bounds(): { lo: number; hi: number } {
    return {
      lo: Math.max(this.s.min, this.state.serverMin ?? 0),
      hi: Math.min(this.s.max, this.state.serverMax ?? Number.POSITIVE_INFINITY),
    };
  }

  private async unprimed(): Promise<boolean> {
    const all = syncable(await getFolders(this.deps.store, this.accountId), this.account.classes);
    return all.some((f) => f.syncKey === '0');
  }

  /** The folders to watch: synced ones, Inbox and the default PIM folders first, at most MaxFolders. */
  private async pingFolders(): Promise<FolderRecord[]> {
    const all = syncable(await getFolders(this.deps.store, this.accountId), this.account.classes).filter((f) => f.syncKey !== '0');
    const rank = (f: FolderRecord): number => (PRIORITY.indexOf(f.type) === -1 ? PRIORITY.length : PRIORITY.indexOf(f.type));
    all.sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName) || a.serverId.localeCompare(b.serverId));
    return all.slice(0, this.state.maxFolders ?? all.length);
  }

  /** The Ping, abandoned at heartbeat + grace (a network timeout). */
  private async ping(request: PingRequest, heartbeat: number): Promise<PingResponse> {
    const timeout = new AbortController();
    const timer = new AbortController();
    void this.deps.clock.sleep((heartbeat + this.s.grace) * 1000, timer.signal).then(
      () => timeout.abort(new PingTimeout(`no answer within ${heartbeat + this.s.grace} s`)),
      () => undefined,
    );
    try {
      const res = await this.deps.ping(this.account, request, anySignal(this.signal, timeout.signal));
      if (timeout.signal.aborted) throw timeout.signal.reason; // a server that ended the Ping when we hung up
      if (this.signal?.aborted) throw this.signal.reason;
      return res;
    } catch (e) {
      if (timeout.signal.aborted && !this.signal?.aborted) throw timeout.signal.reason;
      throw e;
    } finally {
      timer.abort();
    }
  }

  private answer(res: PingResponse, heartbeat: number, full: boolean, elapsed: number): Promise<PushStep> | PushStep {
    switch (res.status) {
      case 1:
        if (elapsed >= heartbeat * 900) this.raise(heartbeat);
        return { kind: 'again' };
      case 2:
        return this.syncChanged(res.folders);
      case 3:
      case 4:
        if (!full) {
          this.state = { ...this.state, accepted: false };
          return { kind: 'again' };
        }
        return this.backoff(`Ping status ${res.status} for a full Ping`);
      case 5:
        return this.limit(res.heartbeatInterval, heartbeat);
      case 6:
        this.state = { ...this.state, maxFolders: Math.max(1, res.maxFolders ?? 1), accepted: false };
        return { kind: 'again' };
      case 7:
        return this.hierarchy();
      default:
        return this.backoff(`Ping status ${res.status}`);
    }
  }

  private async syncChanged(folderIds: readonly string[]): Promise<PushStep> {
    if (folderIds.length === 0) return { kind: 'again' };
    return (await this.afterSync(await this.deps.syncFolders(this.accountId, folderIds))) ?? { kind: 'again' };
  }

  private async hierarchy(): Promise<PushStep> {
    this.state = { ...this.state, accepted: false };
    return (await this.afterSync(await this.deps.syncHierarchy(this.accountId))) ?? { kind: 'again' };
  }

  /** Status 5: the limit is a minimum when our heartbeat was below it, else a maximum. */
  private limit(limit: number | undefined, sent: number): PushStep {
    if (limit === undefined) return this.backoff('Ping status 5 without a HeartbeatInterval');
    // A new minimum above the old maximum (or the reverse) replaces it: the server changed its mind.
    const patch =
      limit > sent
        ? { serverMin: limit, serverMax: (this.state.serverMax ?? limit) < limit ? undefined : this.state.serverMax }
        : { serverMax: limit, serverMin: (this.state.serverMin ?? limit) > limit ? undefined : this.state.serverMin };
    this.state = { ...this.state, ...patch, heartbeat: limit, accepted: false };
    return { kind: 'again' };
  }

  /** Raise after a clean expiry, up to the bounds and a ceiling learned less than a day ago. */
  private raise(heartbeat: number): void {
    const now = this.deps.clock.now();
    const ceiling =
      this.state.ceiling !== undefined && (this.state.ceilingAt ?? 0) + DAY > now ? this.state.ceiling : Number.POSITIVE_INFINITY;
    const next = Math.min(heartbeat + this.s.step, this.bounds().hi, ceiling);
    if (next > heartbeat) this.state = { ...this.state, heartbeat: next };
  }

  /** A network timeout: lower the heartbeat and remember the ceiling. */
  private lower(heartbeat: number): PushStep {
    const next = Math.max(this.bounds().lo, heartbeat - this.s.step);
    const timeouts = this.state.timeouts + 1;
    this.state = { ...this.state, heartbeat: next, ceiling: next, ceilingAt: this.deps.clock.now(), timeouts, accepted: false };
    return timeouts >= MAX_TIMEOUTS ? this.backoff('the network drops every Ping') : { kind: 'again' };
  }

  private failedPing(e: unknown, heartbeat: number, elapsed: number): PushStep {
    if (this.signal?.aborted) return { kind: 'stop', reason: 'aborted' };
    if (e instanceof PingTimeout) return this.lower(heartbeat);
    const err = e instanceof SyncError ? e : new SyncError('server', e instanceof Error ? e.message : String(e));
    if (err.kind === 'unreachable' && elapsed >= heartbeat * 500) return this.lower(heartbeat);
    return this.fromError(err);
  }

  /** Undefined when the sync went through; else the step its failure leads to. */
  private async afterSync(report: Report): Promise<PushStep | undefined> {
    if (report.ok) return undefined;
    this.state = { ...this.state, synced: false };
    const kind = report.error?.kind ?? 'server';
    // A busy server's Retry-After is obeyed here too, not only by the sync (no hammering).
    const retryAfter = kind === 'busy' && report.retryAt !== undefined ? Math.max(0, report.retryAt - this.deps.clock.now()) : undefined;
    return this.fromError(new SyncError(kind, report.error?.message ?? 'sync failed', retryAfter));
  }

  private fromError(err: SyncError): PushStep {
    switch (err.kind) {
      case 'wrong-password':
      case 'password-expired':
      case 'blocked':
      case 'provisioning':
        return { kind: 'stop', reason: 'account' };
      case 'wiped':
        return { kind: 'stop', reason: 'removed' };
      default:
        this.state = { ...this.state, synced: false, accepted: false };
        return this.backoff(err.message, err.retryAfterMs);
    }
  }

  /** Exponential back-off with "equal jitter" (half fixed, half random), capped. */
  private backoff(why: string, retryAfterMs?: number): PushStep {
    const failures = this.state.failures + 1;
    const base = Math.min(this.s.maxBackoff, this.s.backoff * 2 ** (failures - 1));
    const jittered = base / 2 + (base / 2) * this.s.random();
    const ms = Math.round(retryAfterMs !== undefined ? Math.min(this.s.maxBackoff, Math.max(retryAfterMs, jittered)) : jittered);
    this.state = { ...this.state, failures, retryAt: this.deps.clock.now() + ms, lastError: why };
    return { kind: 'wait', ms };
  }
}

/** Watched first when MaxFolders limits the set: Inbox, Calendar, Contacts, Tasks, then user mail folders. */
const PRIORITY: readonly number[] = [FolderType.Inbox, FolderType.Calendar, FolderType.Contacts, FolderType.Tasks, FolderType.UserMail];

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** A signal that aborts when any of the given ones does, with its reason (AbortSignal.any). */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}
