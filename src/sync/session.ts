/**
 * One account's conversation with its server: every command goes through `run`,
 * which applies the error rules of MS-ASHTTP and MS-ASPROV in one place:
 *
 * - HTTP 449 (12.x) or status 140/142/143/144 (14.0+): Provision once, repeat the
 *   command; asked again after that, give up with a `provisioning` error (never a loop).
 * - HTTP 451 (MS-ASHTTP 3.1.5.2.2): follow X-MS-Location, at most 3 hops, and keep
 *   the new URL in the account.
 * - HTTP 503/429: wait for Retry-After (or a back-off), a few times, then `busy`; a
 *   Retry-After over MAX_WAIT_MS is `busy` at once (the engine keeps it as busyUntil).
 * - A request that met a connection the server had silently closed (no answer byte)
 *   goes again at once, one time, when repeating it cannot double an effect (reconnect.ts).
 * - Network failures and other 5xx: back off and retry a few times, then give up. A
 *   network failure that may have reached the server is retried only when repeating
 *   the request cannot double an effect (reconnect.ts safeToRepeat): a 12.1 SendMail,
 *   a MoveItems or a MeetingResponse goes back to its queue, which decides (outbox.ts,
 *   edit-commands.ts).
 * - 401/403/456/457 and account statuses (MS-ASCMD 2.2.2): stop, no retry.
 */
import type { EasContext, EasRequest } from '../eas/command.ts';
import { buildProvision, parseProvision, type DeviceInformation, type ProvisionResponse } from '../eas/commands/provision.ts';
import { EasClient, type EasExchange } from '../eas/http.ts';
import { EasHttpError, EasNetworkError, EasRedirectError, EasRetryLaterError } from '../eas/response.ts';
import { negotiateVersion, type ServerOptions } from '../eas/options.ts';
import { readMultipart } from '../eas/multipart.ts';
import type { EasCredentials, Transport } from '../eas/endpoint.ts';
import { describeStatus, isAccountBlocked, needsProvisioning } from '../eas/status.ts';
import { CLIENT_VERSIONS, type EasVersion } from '../eas/version.ts';
import { wipeAccountOps, type Store } from '../store/db.ts';
import type { AccountRecord, AccountState } from '../store/schema.ts';
import type { El } from '../wbxml/tree.ts';
import { SyncError, classify } from './errors.ts';
import type { Emit } from './events.ts';
import { QUICK_CLOSE_MS, closedUnanswered, mayHaveArrived, safeToRepeat } from './reconnect.ts';
import type { Clock } from './primitives.ts';

/** The version the user chose, when this client speaks it and the server offers it (MS-ASHTTP 2.2.4.1.2.2). */
function chosenVersion(chosen: EasVersion, offered: readonly EasVersion[], listed: string): EasVersion {
  if (!CLIENT_VERSIONS.includes(chosen))
    throw new SyncError('version', `ActiveSync ${chosen} is not a version this client speaks (${CLIENT_VERSIONS.join(', ')})`);
  if (!offered.includes(chosen)) throw new SyncError('version', `the server does not offer ActiveSync ${chosen} (it offers: ${listed})`);
  return chosen;
}

/**
 * A bearer token, else the password given or stored. Without either (an app behind
 * `eas proxy --vault`, which holds the password) requests carry no Authorization: the
 * proxy adds it, and its 401 after the session ends reads as a wrong password.
 */
function credentialsOf(account: AccountRecord, password: string | undefined): EasCredentials {
  if (account.bearerToken) return { kind: 'bearer', token: account.bearerToken };
  const secret = password || account.password;
  return secret ? { kind: 'password', password: secret } : { kind: 'none' };
}

/** MS-ASHTTP 3.1.5.2.2 lets the client bound redirects; three hops is plenty. */
export const MAX_REDIRECTS = 3;
/** A Retry-After up to this long is waited out inside a request; a longer one makes it `busy`. */
export const MAX_WAIT_MS = 120_000;
/** OPTIONS is asked again when the version is older than this. */
export const VERSION_RECHECK_MS = 24 * 60 * 60 * 1000;

export interface SessionDeps {
  readonly store: Store;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly emit: Emit;
  readonly deviceInformation: DeviceInformation;
  readonly userAgent?: string;
  readonly onExchange?: (exchange: EasExchange) => void;
  /** Retries after a network failure, 5xx or 503 before giving up. Default 3. */
  readonly retries?: number;
  /** First back-off delay; it doubles per retry. Default 1000 ms. */
  readonly backoffMs?: number;
  /** A Retry-After longer than this is not waited for here: the caller gets `busy`. Default 120 s. */
  readonly maxWaitMs?: number;
  /** The account's data lock, under which `update` reads and writes the account record. */
  readonly lockFor?: (accountId: string) => <T>(fn: () => Promise<T>) => Promise<T>;
}

export type StatusOf<T> = (response: T) => number | undefined;

export interface RunOptions {
  /** Cancels the request (a Ping's timeout, the caller giving up); the signal's reason is thrown. */
  readonly signal?: AbortSignal;
  /** Retries after a network failure or 5xx for this command (default: the session's). */
  readonly retries?: number;
  /**
   * False: a 5xx other than 503 is thrown at once instead of retried, for a command
   * with a better plan B (a Smart* the server refuses with 500 goes as SendMail).
   */
  readonly retryServerErrors?: boolean;
}

/** What one command has been through so far (see `recover`). */
interface Attempts {
  provisioned: boolean;
  hops: number;
  attempts: number;
  retries?: number;
  retryServerErrors?: boolean;
  /** Repeating the request cannot double an effect (reconnect.ts): it may go again after a network failure. */
  repeatable: boolean;
  /** It already went again for that reason: once only. */
  reopened: boolean;
  /** When the current attempt was sent. */
  sentAt: number;
  /** It waited out a Retry-After, showing the account as busy meanwhile. */
  waitedBusy?: boolean;
}

export class Session {
  private readonly client: EasClient;
  private current: AccountRecord;
  /** False while the account is being set up: nothing to persist yet. */
  persisted: boolean;

  constructor(
    private readonly deps: SessionDeps,
    account: AccountRecord,
    password: string | undefined,
    persisted = true,
  ) {
    this.current = account;
    this.persisted = persisted;
    this.client = new EasClient(
      {
        url: account.url,
        user: account.user,
        domain: account.domain,
        credentials: credentialsOf(account, password),
        deviceId: account.deviceId,
        deviceType: account.deviceType,
        userAgent: deps.userAgent,
        version: account.version ?? '14.1',
        policyKey: account.policyKey,
      },
      deps.transport,
      { onExchange: deps.onExchange, now: () => deps.clock.now() },
    );
  }

  get account(): AccountRecord {
    return this.current;
  }

  get deviceInformation(): DeviceInformation {
    return this.deps.deviceInformation;
  }

  get ctx(): EasContext {
    return { version: this.client.version };
  }

  /** Sends a command with the error rules above. `status` reads the response's top-level status. */
  async run<T>(
    build: (ctx: EasContext) => EasRequest,
    parse: (root: El | null, ctx: EasContext) => T,
    status?: StatusOf<T>,
    options: RunOptions = {},
  ): Promise<T> {
    const got = await this.runWith(
      async (req) => ({ root: await this.client.send(req, { signal: options.signal }), parts: [] }),
      build,
      parse,
      status,
      options,
    );
    return got.result;
  }

  /**
   * Like `run`, asking for a multipart answer (MS-ASHTTP 2.2.1.1.2.5, ItemOperations):
   * the binary parts come back next to the result (parts[0] is the WBXML). A server may
   * answer inline anyway; then `parts` holds only the body.
   */
  async runMultipart<T>(
    build: (ctx: EasContext) => EasRequest,
    parse: (root: El | null, ctx: EasContext) => T,
    status?: StatusOf<T>,
    options: RunOptions = {},
  ): Promise<{ result: T; parts: Uint8Array[] }> {
    return this.runWith(
      async (req) => readMultipart(await this.client.sendRaw(req, { acceptMultiPart: true, signal: options.signal })),
      build,
      parse,
      status,
      options,
    );
  }

  private async runWith<T>(
    send: (req: EasRequest) => Promise<{ root: El | null; parts: Uint8Array[] }>,
    build: (ctx: EasContext) => EasRequest,
    parse: (root: El | null, ctx: EasContext) => T,
    status: StatusOf<T> | undefined,
    options: RunOptions,
  ): Promise<{ result: T; parts: Uint8Array[] }> {
    const state = this.attempts({ provisioned: false, retries: options.retries, retryServerErrors: options.retryServerErrors });
    for (;;) {
      try {
        const ctx = this.ctx;
        const req = build(ctx);
        state.repeatable = safeToRepeat(req, ctx.version);
        state.sentAt = this.deps.clock.now();
        const got = await send(req);
        const result = parse(got.root, ctx);
        const code = status?.(result);
        if (code !== undefined && needsProvisioning(code)) {
          await this.provisionOnce(state, `status ${code}: ${describeStatus(code)}`);
          continue;
        }
        if (code !== undefined && isAccountBlocked(code)) throw new SyncError('blocked', `status ${code}: ${describeStatus(code)}`);
        if (state.waitedBusy) await this.showState({ kind: 'ok' });
        return { result, parts: got.parts };
      } catch (e) {
        if (options.signal?.aborted) throw options.signal.reason;
        await this.recover(e, state);
      }
    }
  }

  /** HTTP OPTIONS with the same network rules (no provisioning involved). */
  async options(): Promise<ServerOptions> {
    const state = this.attempts({ provisioned: true, repeatable: true }); // OPTIONS is safe (RFC 9110 9.2.1)
    for (;;) {
      state.sentAt = this.deps.clock.now();
      try {
        return await this.client.options();
      } catch (e) {
        await this.recover(e, state);
      }
    }
  }

  /**
   * OPTIONS and version negotiation (MS-ASHTTP 2.2.3, 2.2.4). Returns the account
   * fields to keep. Throws `not-eas` when the answer lists no version we speak.
   */
  async negotiate(): Promise<Pick<AccountRecord, 'version' | 'versionCheckedAt' | 'serverVersions' | 'serverCommands'>> {
    const opts = await this.options();
    const listed = [...opts.versions, ...opts.otherVersions].join(', ') || 'none';
    const chosen = this.current.chosenVersion;
    if (chosen !== undefined) return this.keep(chosenVersion(chosen, opts.versions, listed), opts);
    const version = negotiateVersion(opts.versions);
    if (!version) throw new SyncError('not-eas', `no common ActiveSync version (server offers: ${listed})`);
    return this.keep(version, opts);
  }

  private keep(
    version: EasVersion,
    opts: ServerOptions,
  ): Pick<AccountRecord, 'version' | 'versionCheckedAt' | 'serverVersions' | 'serverCommands'> {
    this.client.version = version;
    return { version, versionCheckedAt: this.deps.clock.now(), serverVersions: [...opts.versions], serverCommands: [...opts.commands] };
  }

  /**
   * Asks OPTIONS again when the version is older than a day; a failure other than 401,
   * a block or a chosen version the server no longer offers keeps the old one.
   */
  async recheckVersion(): Promise<void> {
    const checked = this.current.versionCheckedAt ?? 0;
    if (this.deps.clock.now() - checked < VERSION_RECHECK_MS) return;
    try {
      await this.update(await this.negotiate());
    } catch (e) {
      const err = classify(e);
      if (err.kind === 'wrong-password' || err.kind === 'blocked' || err.kind === 'version') throw err;
    }
  }

  /**
   * Stores changed account fields: under the account's data lock, on the latest record
   * (so a setting changed meanwhile is kept). Never call it while holding that lock.
   */
  async update(patch: Partial<AccountRecord>): Promise<void> {
    this.remember(patch);
    if (!this.persisted) return;
    const write = async (): Promise<void> => {
      const latest = await this.deps.store.db.get('accounts', this.current.id);
      if (!latest) return; // removed meanwhile
      this.current = { ...latest, ...patch };
      await this.deps.store.commit([{ store: 'accounts', op: 'put', value: this.current }]);
    };
    const lock = this.deps.lockFor?.(this.current.id);
    await (lock ? lock(write) : write());
  }

  /** Account fields a caller has just stored itself (in its own write set). */
  remember(patch: Partial<AccountRecord>): void {
    this.current = { ...this.current, ...patch };
  }

  /**
   * Provision (MS-ASPROV 3.1.5.1): download the policy with the temporary key, then
   * acknowledge it and keep the final key. A RemoteWipe in either answer is
   * acknowledged and the account's local data erased.
   */
  async provision(): Promise<void> {
    this.client.policyKey = undefined; // the first request carries none (MS-ASPROV 3.1.5.1.1)
    const download = await this.provisionCommand({ kind: 'download', deviceInformation: this.deps.deviceInformation });
    const policy = download.policy;
    if (!policy || policy.status === 2 || !policy.policyKey) {
      // Policy status 2: no policy for this client; commands go without a key.
      await this.update({ policyKey: undefined });
      return;
    }
    if (policy.status !== 1) throw new SyncError('provisioning', `Provision policy status ${policy.status}`);
    this.client.policyKey = policy.policyKey;
    const ack = await this.provisionCommand({ kind: 'acknowledge', policyKey: policy.policyKey, status: 1 });
    const finalKey = ack.policy?.policyKey;
    if (!finalKey || ack.policy?.status !== 1)
      throw new SyncError('provisioning', `Provision acknowledgement refused (policy status ${ack.policy?.status})`);
    this.client.policyKey = finalKey;
    await this.update({ policyKey: finalKey });
  }

  private async provisionCommand(req: Parameters<typeof buildProvision>[0]): Promise<ProvisionResponse> {
    const res = await this.sendProvision(req);
    if (res.remoteWipe || res.accountOnlyRemoteWipe) await this.remoteWipe(res.accountOnlyRemoteWipe);
    if (res.status === 1) return res;
    if (isAccountBlocked(res.status)) throw new SyncError('blocked', `Provision status ${res.status}: ${describeStatus(res.status)}`);
    throw new SyncError('provisioning', `Provision status ${res.status}`);
  }

  private async sendProvision(req: Parameters<typeof buildProvision>[0]): Promise<ProvisionResponse> {
    const state = this.attempts({ provisioned: true });
    for (;;) {
      try {
        return parseProvision(await this.client.send(buildProvision(req, this.ctx)), this.ctx);
      } catch (e) {
        await this.recover(e, state);
      }
    }
  }

  /** MS-ASPROV 3.1.5.1.2.2: acknowledge first (the server may not answer), then erase. */
  private async remoteWipe(accountOnly: boolean): Promise<never> {
    try {
      await this.sendProvision({ kind: 'remote-wipe', status: 1, accountOnly: accountOnly || undefined });
    } catch {
      // The wipe goes ahead even when the acknowledgement is lost.
    }
    if (this.persisted) await this.deps.store.commit(wipeAccountOps(this.current.id));
    this.deps.emit({ type: 'wiped', accountId: this.current.id });
    throw new SyncError('wiped', 'remote wipe requested by the server');
  }

  private async provisionOnce(state: { provisioned: boolean }, why: string): Promise<void> {
    if (state.provisioned) throw new SyncError('provisioning', `server asks to provision again after a Provision (${why})`);
    state.provisioned = true;
    await this.provision();
  }

  private attempts(init: Partial<Attempts>): Attempts {
    return { provisioned: false, hops: 0, attempts: 0, repeatable: false, reopened: false, sentAt: this.deps.clock.now(), ...init };
  }

  /** Decides what to do about a failed attempt: returns to retry, throws to give up. */
  private async recover(e: unknown, state: Attempts): Promise<void> {
    if (e instanceof SyncError) throw e;
    if (this.reopens(e, state)) return;
    if (e instanceof EasRedirectError) return this.redirect(e, state);
    if (e instanceof EasHttpError && e.kind === 'needs-provisioning') return this.provisionOnce(state, 'HTTP 449');
    const serverError = e instanceof EasHttpError && e.kind === 'server' && state.retryServerErrors !== false;
    const transient = e instanceof EasNetworkError || e instanceof EasRetryLaterError || serverError;
    const err = classify(e, this.client.url);
    const ambiguous = e instanceof EasNetworkError && !state.repeatable && mayHaveArrived(e);
    if (!transient || ambiguous || err.kind === 'cors' || state.attempts >= (state.retries ?? this.deps.retries ?? 3)) throw err;
    state.attempts += 1;
    const backoff = (this.deps.backoffMs ?? 1000) * 2 ** (state.attempts - 1);
    const wait = e instanceof EasRetryLaterError && e.retryAfterMs !== undefined ? e.retryAfterMs : backoff;
    if (wait > (this.deps.maxWaitMs ?? MAX_WAIT_MS)) throw err;
    if (e instanceof EasRetryLaterError) {
      // MS-ASHTTP 3.1.5.2.3: the server is busy; while the request waits, the account says so and when it tries again.
      state.waitedBusy = true;
      await this.showState({ kind: 'busy', until: this.deps.clock.now() + wait });
    }
    await this.deps.clock.sleep(wait);
  }

  /** The account's state for the status line, stored and announced (nothing while the account is being set up). */
  private async showState(state: AccountState): Promise<void> {
    if (!this.persisted) return;
    if (state.kind === 'ok' && this.current.state.kind !== 'busy') return;
    await this.update({ state });
    this.deps.emit({ type: 'account', accountId: this.current.id, state });
  }

  /** A silently closed connection: once, at once, for a request that may be repeated (reconnect.ts). */
  private reopens(e: unknown, state: Attempts): boolean {
    const quick = this.deps.clock.now() - state.sentAt < QUICK_CLOSE_MS;
    if (state.reopened || !state.repeatable || !quick || !closedUnanswered(e)) return false;
    state.reopened = true;
    return true;
  }

  private async redirect(e: EasRedirectError, state: { hops: number }): Promise<void> {
    state.hops += 1;
    if (!e.location || state.hops > MAX_REDIRECTS) {
      throw new SyncError('redirect', e.location ? `more than ${MAX_REDIRECTS} redirects` : 'HTTP 451 without X-MS-Location');
    }
    this.client.url = e.location;
    await this.update({ url: e.location });
  }
}
