/**
 * The steps a leader tab asks for, run where the engine lives (the service worker, or
 * the page when there is none). Each step is short or bounded: a Ping round is held
 * at most `MAX_HEARTBEAT_S` (Chromium stops a service worker whose event lasts five
 * minutes), so one step fits one `event.waitUntil`.
 *
 * A tick waits for all of its parts, so while a push account's Ping is held an
 * interval account's sync can be late by up to one heartbeat.
 *
 * An account whose Ping the proxy's relay holds (push.ts, issue #14) gets no Ping and no
 * interval sync from here: a server keeps one Ping per device, so two holders would end each
 * other's. It syncs when the app opens, when the connection returns, and on each push.
 */
import type { Store } from '../store/db.ts';
import { sendsDraft } from '../store/drafts.ts';
import type { AccountRecord } from '../store/schema.ts';
import { backoffMs } from '../sync/errors.ts';
import type { Hosted } from './engine-adapter.ts';
import type { StepKind, StepResult } from './protocol.ts';

/** Under the 5-minute event limit of Chromium's service workers, with room for the answer. */
export const MAX_HEARTBEAT_S = 270;
/** The leader's next tick when nothing is scheduled sooner. */
const IDLE_TICK_MS = 60_000;
/** Never tick faster than this after a failure. */
const MIN_RETRY_MS = 5_000;

/**
 * Runs steps for one engine and remembers what it learned in this worker's life: which
 * accounts failed and when to retry them, and which cannot push here (the server's
 * shortest heartbeat is over `MAX_HEARTBEAT_S`; they sync on their interval instead).
 */
export class Scheduler {
  private readonly retryAt = new Map<string, { at: number; failures: number }>();
  private readonly noPush = new Set<string>();
  /** Accounts the relay watches, read at the start of each step. */
  private relayed: ReadonlySet<string> = new Set();

  constructor(
    private readonly h: Hosted,
    private readonly relayedNow: () => Promise<ReadonlySet<string>> = async () => new Set(),
  ) {}

  /**
   * - sync: the outbox, then every account, and the Ping loops' back-off ends.
   * - outbox: the outbox only.
   * - tick: interval accounts that are due, and one Ping round per push account.
   */
  async run(kind: StepKind, now = Date.now()): Promise<StepResult> {
    if (kind !== 'tick') await this.h.sendOutbox();
    this.relayed = await this.relayedNow().catch(() => new Set<string>());
    const accounts = (await this.h.engine.accounts()).filter(usable);
    if (kind === 'sync') {
      await this.syncAll(accounts);
      this.h.engine.wakePush();
      // A push account's Ping starts at once: mail arriving just after the app opens or the
      // connection returns is pushed, not left for the idle tick a minute later.
      return { nextInMs: await this.nextTick(Date.now(), accounts.some((a) => this.pushes(a)) ? [0] : []) };
    }
    if (kind === 'outbox') return { nextInMs: await this.nextTick(Date.now(), []) };
    await this.syncAll(accounts.filter((a) => !this.pushes(a) && this.due(a, now)));
    const waits = await Promise.all(accounts.filter((a) => this.pushes(a)).map((a) => this.ping(a.id)));
    return {
      nextInMs: await this.nextTick(
        Date.now(),
        waits.filter((w): w is number => w !== undefined),
      ),
    };
  }

  private pushes(a: AccountRecord): boolean {
    return a.push === 'push' && !this.noPush.has(a.id) && !this.relayed.has(a.id);
  }

  /** One Ping round (held at most MAX_HEARTBEAT_S); when to come back, or undefined. */
  private async ping(accountId: string): Promise<number | undefined> {
    try {
      const step = await this.h.engine.pushStep(accountId, { maxHeartbeat: MAX_HEARTBEAT_S });
      if (step.kind === 'again') return 0;
      if (step.kind === 'wait') return step.ms;
      if (step.reason === 'heartbeat') this.noPush.add(accountId);
      return undefined;
    } catch {
      this.failed(accountId);
      return undefined;
    }
  }

  private async syncAll(accounts: readonly AccountRecord[]): Promise<void> {
    await Promise.all(
      accounts.map(async (a) => {
        const started = Date.now();
        await this.h.client.syncNow(a.id).catch(() => undefined);
        const after = await this.h.store.db.get('accounts', a.id);
        if ((after?.lastSyncAt ?? 0) >= started) this.retryAt.delete(a.id);
        else this.failed(a.id);
      }),
    );
  }

  private failed(accountId: string): void {
    const failures = (this.retryAt.get(accountId)?.failures ?? 0) + 1;
    // The engine's back-off; kept in memory here, so a restarted worker retries at once.
    this.retryAt.set(accountId, { at: Date.now() + backoffMs(failures), failures });
  }

  private dueAt(a: AccountRecord): number | undefined {
    if (a.push === 'manual' || this.pushes(a) || this.relayed.has(a.id)) return undefined;
    const scheduled = (a.lastSyncAt ?? 0) + Math.max(1, a.intervalMinutes) * 60_000;
    const retry = this.retryAt.get(a.id)?.at;
    return retry === undefined ? scheduled : Math.min(scheduled, retry);
  }

  private due(a: AccountRecord, now: number): boolean {
    const at = this.dueAt(a);
    return at !== undefined && at <= now;
  }

  /** The sooner of the next interval sync (not before MIN_RETRY_MS) and the Ping rounds' own waits. */
  private async nextTick(now: number, pushWaits: readonly number[]): Promise<number> {
    const times = (await this.h.engine.accounts())
      .filter(usable)
      .map((a) => this.dueAt(a))
      .filter((t): t is number => t !== undefined);
    const interval = times.length ? Math.max(MIN_RETRY_MS, Math.min(...times) - now) : IDLE_TICK_MS;
    return Math.min(IDLE_TICK_MS, interval, ...pushWaits);
  }
}

/** Accounts stopped until the user acts are never synced by the schedule. */
function usable(a: AccountRecord): boolean {
  return a.state.kind !== 'auth' && a.state.kind !== 'blocked';
}

/**
 * Whether mail still waits to be sent, the outbox's or a 16.x draft's Send (the Background
 * Sync handler retries then); failed mail waits for the user.
 */
export async function outboxWaiting(store: Store): Promise<boolean> {
  const pending = await store.db.getAll('pending');
  return pending.some((p) => (p.kind === 'send' && p.payload?.state !== 'failed') || sendsDraft(p));
}
