/**
 * The steps a leader tab asks for, run where the engine lives (the service worker, or
 * the page when there is none). Each step is short or bounded: a Ping round is held
 * at most `MAX_HEARTBEAT_S` (Chromium stops a service worker whose event lasts five
 * minutes), so one step fits one `event.waitUntil`.
 *
 * A tick waits for all of its parts, so while a push account's Ping is held an
 * interval account's sync can be late by up to one heartbeat.
 */
import type { Engine } from '../sync/engine.ts';
import type { OutboxPayload } from '../sync/outbox.ts';
import type { Store } from '../store/db.ts';
import type { AccountRecord } from '../store/schema.ts';
import type { EngineClient } from '../ui/engine-client.ts';
import type { StepKind, StepResult } from './protocol.ts';

/** Under the 5-minute event limit of Chromium's service workers, with room for the answer. */
export const MAX_HEARTBEAT_S = 270;
/** The leader's next tick when nothing is scheduled sooner. */
const IDLE_TICK_MS = 60_000;
/** Never tick faster than this after a failure. */
const MIN_RETRY_MS = 5_000;

export interface Hosted {
  readonly client: EngineClient;
  readonly engine: Engine;
  readonly store: Store;
}

/** Back-off after failed syncs: 30 s doubling to 15 min (kept in memory; a restart retries at once). */
const BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 900_000];

/**
 * Runs steps for one engine and remembers what it learned in this worker's life: which
 * accounts failed and when to retry them, and which cannot push here (the server's
 * shortest heartbeat is over `MAX_HEARTBEAT_S`; they sync on their interval instead).
 */
export class Scheduler {
  private readonly retryAt = new Map<string, { at: number; failures: number }>();
  private readonly noPush = new Set<string>();

  constructor(private readonly h: Hosted) {}

  /**
   * - sync: the outbox, then every account, and the Ping loops' back-off ends.
   * - outbox: the outbox only.
   * - tick: interval accounts that are due, and one Ping round per push account.
   */
  async run(kind: StepKind, now = Date.now()): Promise<StepResult> {
    if (kind !== 'tick') await flushOutbox(this.h);
    const accounts = (await this.h.engine.accounts()).filter(usable);
    if (kind === 'sync') {
      await this.syncAll(accounts);
      this.h.engine.wakePush();
      return { nextInMs: await this.nextTick(Date.now(), []) };
    }
    if (kind === 'outbox') return { nextInMs: await this.nextTick(Date.now(), []) };
    await this.syncAll(accounts.filter((a) => !this.pushes(a) && this.due(a, now)));
    const waits = await Promise.all(accounts.filter((a) => this.pushes(a)).map((a) => this.ping(a.id)));
    return { nextInMs: await this.nextTick(Date.now(), waits.filter((w): w is number => w !== undefined)) };
  }

  private pushes(a: AccountRecord): boolean {
    return a.push === 'push' && !this.noPush.has(a.id);
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
    await Promise.all(accounts.map(async (a) => {
      const started = Date.now();
      await this.h.client.syncNow(a.id).catch(() => undefined);
      const after = await this.h.store.db.get('accounts', a.id);
      if ((after?.lastSyncAt ?? 0) >= started) this.retryAt.delete(a.id);
      else this.failed(a.id);
    }));
  }

  private failed(accountId: string): void {
    const failures = (this.retryAt.get(accountId)?.failures ?? 0) + 1;
    const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length) - 1] ?? 900_000;
    this.retryAt.set(accountId, { at: Date.now() + wait, failures });
  }

  private dueAt(a: AccountRecord): number | undefined {
    if (a.push === 'manual' || this.pushes(a)) return undefined;
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
    const times = (await this.h.engine.accounts()).filter(usable).map((a) => this.dueAt(a)).filter((t): t is number => t !== undefined);
    const interval = times.length ? Math.max(MIN_RETRY_MS, Math.min(...times) - now) : IDLE_TICK_MS;
    return Math.min(IDLE_TICK_MS, interval, ...pushWaits);
  }
}

/** Accounts stopped until the user acts are never synced by the schedule. */
function usable(a: AccountRecord): boolean {
  return a.state.kind !== 'auth' && a.state.kind !== 'blocked';
}

/** Sends what the outbox holds; failures stay queued for the next try. */
export async function flushOutbox(h: Hosted, accountId?: string): Promise<void> {
  await h.engine.flushOutbox(accountId).catch(() => undefined);
}

/** Whether mail still waits to be sent (the Background Sync handler retries then); failed mail waits for the user. */
export async function outboxWaiting(store: Store): Promise<boolean> {
  const pending = await store.db.getAll('pending');
  return pending.some((p) => p.kind === 'send' && (p.payload as Partial<OutboxPayload> | undefined)?.state !== 'failed');
}
