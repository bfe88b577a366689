/**
 * What every part of the engine shares (engine.ts puts the parts together): the store
 * and clock, the event listeners, the per-account sync queue and data lock, the ids of
 * queued records, and the rules of a sync job and of its failure.
 */
import type { Store } from '../../store/db.ts';
import type { AccountRecord, AccountState } from '../../store/schema.ts';
import { DEFAULT_BODIES } from '../classes.ts';
import type { AccountRun } from '../context.ts';
import { SyncError, backoffMs, classify, type ErrorKind } from '../errors.ts';
import type { SyncEvent } from '../events.ts';
import { getAccount } from '../local.ts';
import { IdSource, Mutexes, systemClock, type Clock } from '../primitives.ts';
import { Session, type SessionDeps } from '../session.ts';
import type { EngineOptions, SyncReport } from '../engine.ts';

export interface EngineCore {
  readonly options: EngineOptions;
  readonly store: Store;
  readonly clock: Clock;
  readonly listeners: Set<(e: SyncEvent) => void>;
  readonly emit: (e: SyncEvent) => void;
  /** One sync job at a time per account. */
  readonly syncQueue: Mutexes;
  /** Per account: reads that decide a write set, and its commit (syncs and local edits alike). */
  readonly dataLock: Mutexes;
  readonly ids: IdSource;
  readonly inFlight: Set<number>;
  readonly sessionDeps: SessionDeps;
  /** Resolves once the id source has seen the stored ids. */
  readonly idsReady: Promise<void>;
  runFor(account: AccountRecord): AccountRun;
  requireAccount(accountId: string): Promise<AccountRecord>;
  /** One sync job of an account: queued behind the others, errors turned into a report. */
  job(accountId: string, body: (run: AccountRun) => Promise<SyncReport['folderErrors']>, stamp?: boolean): Promise<SyncReport>;
  failed(run: AccountRun, e: unknown): Promise<SyncReport>;
  /** Keeps a passing failure on the account for the status line (lastFailure). */
  noteFailure(run: AccountRun, kind: ErrorKind, at: number): Promise<void>;
  /** Clears it when the server answers again. */
  cleared(run: AccountRun): Promise<void>;
  /** Work that needs the server now (a mail opened, a search): outside the sync queue, errors classified. */
  online<T>(accountId: string, fn: (run: AccountRun) => Promise<T>): Promise<T>;
}

export function createCore(options: EngineOptions): EngineCore {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const listeners = new Set<(e: SyncEvent) => void>();
  if (options.onEvent) listeners.add(options.onEvent);
  const emit = (e: SyncEvent): void => listeners.forEach((l) => l(e));
  const syncQueue = new Mutexes();
  const dataLock = new Mutexes();
  const ids = new IdSource(clock);
  const inFlight = new Set<number>();
  const failures = new Map<string, number>();
  const sessionDeps: SessionDeps = {
    store,
    transport: options.transport,
    clock,
    emit,
    deviceInformation: options.deviceInformation ?? { model: 'Web', friendlyName: 'EAS PWA', os: 'Web' },
    userAgent: options.userAgent,
    onExchange: options.onExchange,
    retries: options.retries,
    backoffMs: options.backoffMs,
    lockFor:
      (accountId: string) =>
      <T>(fn: () => Promise<T>) =>
        dataLock.run(accountId, fn),
  };
  const idsReady = seedIds(store, ids);

  function runFor(account: AccountRecord): AccountRun {
    const password = account.password ?? options.password?.(account);
    return {
      session: new Session(sessionDeps, account, password),
      store,
      clock,
      ids,
      emit,
      inFlight,
      locked: (fn) => dataLock.run(account.id, fn),
      bodies: options.bodies ?? DEFAULT_BODIES,
    };
  }

  async function requireAccount(accountId: string): Promise<AccountRecord> {
    const account = await getAccount(store, accountId);
    if (!account) throw new RangeError(`no account ${accountId}`);
    return account;
  }

  function job(accountId: string, body: (run: AccountRun) => Promise<SyncReport['folderErrors']>, stamp = true): Promise<SyncReport> {
    return syncQueue.run(accountId, async () => {
      await idsReady;
      await seedIds(store, ids);
      const account = await requireAccount(accountId);
      if (account.state.kind === 'auth' || account.state.kind === 'blocked') {
        // Stopped until the user acts: no request at all (no retry storm on a 401).
        return {
          ok: false,
          error: { kind: account.state.kind === 'auth' ? 'wrong-password' : 'blocked', message: account.state.message },
          folderErrors: [],
        };
      }
      if (account.busyUntil !== undefined && account.busyUntil > clock.now()) {
        // The server asked for quiet until then (Retry-After): no request before.
        return { ok: false, error: { kind: 'busy', message: busyText(account.busyUntil) }, folderErrors: [], retryAt: account.busyUntil };
      }
      const run = runFor(account);
      try {
        await run.session.recheckVersion();
        const folderErrors = await body(run);
        failures.delete(accountId);
        if (!stamp) {
          if (account.busyUntil !== undefined || account.lastFailure)
            await run.session.update({ busyUntil: undefined, state: { kind: 'ok' }, lastFailure: undefined });
          return { ok: true, folderErrors };
        }
        await run.session.update({ lastSyncAt: clock.now(), state: { kind: 'ok' }, busyUntil: undefined, lastFailure: undefined });
        emit({ type: 'synced', accountId, at: clock.now() });
        return { ok: true, folderErrors };
      } catch (e) {
        return failed(run, e);
      }
    });
  }

  async function failed(run: AccountRun, e: unknown): Promise<SyncReport> {
    const err = classify(e, run.session.account.url);
    const accountId = run.session.account.id;
    emit({ type: 'error', accountId, kind: err.kind, message: err.message });
    if (err.kind === 'wiped') return { ok: false, error: { kind: err.kind, message: err.message }, folderErrors: [] };
    const state = stateFor(err);
    const now = clock.now();
    if (state) {
      await run.session.update({ state });
      emit({ type: 'account', accountId, state });
    } else {
      await noteFailure(run, err.kind, now);
    }
    if (err.kind === 'busy' && err.retryAfterMs !== undefined) await busy(run, now + err.retryAfterMs);
    const n = (failures.get(accountId) ?? 0) + 1;
    failures.set(accountId, n);
    const retryAt =
      err.kind === 'unreachable' || err.kind === 'busy' || err.kind === 'server' ? now + (err.retryAfterMs ?? backoffMs(n)) : undefined;
    return { ok: false, error: { kind: err.kind, message: err.message }, folderErrors: [], retryAt };
  }

  /** A passing failure (unreachable, server error, busy): kept on the account for the status line until a good sync. */
  async function noteFailure(run: AccountRun, kind: ErrorKind, at: number): Promise<void> {
    await run.session.update({ lastFailure: { kind, at } });
    emit({ type: 'account', accountId: run.session.account.id, state: run.session.account.state });
  }

  /** The server answers again: the status line's failure goes. */
  async function cleared(run: AccountRun): Promise<void> {
    await run.session.update({ lastFailure: undefined });
    emit({ type: 'account', accountId: run.session.account.id, state: run.session.account.state });
  }

  /** A Retry-After too long to wait inside one request: kept on the account, and shown in its state. */
  async function busy(run: AccountRun, until: number): Promise<void> {
    const state: AccountState = { kind: 'busy', until };
    await run.session.update({ busyUntil: until, state });
    emit({ type: 'account', accountId: run.session.account.id, state });
  }

  async function online<T>(accountId: string, fn: (run: AccountRun) => Promise<T>): Promise<T> {
    await idsReady;
    const account = await requireAccount(accountId);
    if (account.state.kind === 'auth' || account.state.kind === 'blocked') {
      throw new SyncError(account.state.kind === 'auth' ? 'wrong-password' : 'blocked', account.state.message);
    }
    const run = runFor(account);
    try {
      return await fn(run);
    } catch (e) {
      const err = classify(e, run.session.account.url);
      if (stateFor(err)) await failed(run, err);
      throw err;
    }
  }

  return {
    options,
    store,
    clock,
    listeners,
    emit,
    syncQueue,
    dataLock,
    ids,
    inFlight,
    sessionDeps,
    idsReady,
    runFor,
    requireAccount,
    job,
    failed,
    noteFailure,
    cleared,
    online,
  };
}

function busyText(until: number): string {
  return `The server is busy and asked to wait: next try at ${new Date(until).toISOString()}`;
}

/** The account state an error leaves: stopped until the user acts, or unchanged. */
export function stateFor(err: SyncError): AccountState | undefined {
  switch (err.kind) {
    case 'wrong-password':
    case 'password-expired':
      return { kind: 'auth', message: err.message };
    case 'blocked':
    case 'provisioning':
      return { kind: 'blocked', message: err.message, reason: err.kind };
    case 'version':
      return { kind: 'error', message: err.message, reason: err.kind };
    default:
      return undefined;
  }
}

/** Ids of new queued records stay above those already stored (they order the queue). */
export async function seedIds(store: Store, ids: IdSource): Promise<void> {
  for (const name of ['pending', 'conflicts'] as const) {
    const cursor = await store.db.transaction(name).store.openCursor(null, 'prev');
    if (cursor) ids.seen(Number(cursor.key));
  }
}
