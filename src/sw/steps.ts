/**
 * The steps a leader tab asks for, run where the engine lives (the service worker, or
 * the page when there is none). Each step is short or bounded: a Ping round is held
 * at most `MAX_HEARTBEAT_S` (the browser stops a service worker whose event lasts
 * five minutes), so one step fits one `event.waitUntil`.
 */
import type { Engine } from '../sync/engine.ts';
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

/** What an engine may offer beyond the base API (the outbox and Ping loop, as they land). */
export interface EngineExtras {
  flushOutbox?(accountId?: string): Promise<unknown>;
}

export interface Hosted {
  readonly client: EngineClient;
  readonly engine: Engine & EngineExtras;
  readonly store: Store;
}

/** Back-off after failed syncs: 30 s doubling to 15 min (kept in memory; a restart retries at once). */
const BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 900_000];

/** Runs steps for one engine and remembers which accounts failed and when to retry them. */
export class Scheduler {
  private readonly retryAt = new Map<string, { at: number; failures: number }>();

  constructor(private readonly h: Hosted) {}

  async run(kind: StepKind, now = Date.now()): Promise<StepResult> {
    if (kind !== 'tick') await flushOutbox(this.h);
    if (kind === 'sync') await this.syncAll((await this.h.engine.accounts()).filter(usable));
    if (kind === 'tick') await this.syncAll((await this.h.engine.accounts()).filter((a) => usable(a) && this.due(a, now)));
    return { nextInMs: await this.nextTick(Date.now()) };
  }

  private async syncAll(accounts: readonly AccountRecord[]): Promise<void> {
    await Promise.all(accounts.map(async (a) => {
      const started = Date.now();
      await this.h.client.syncNow(a.id);
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
    if (a.push === 'manual') return undefined;
    const scheduled = (a.lastSyncAt ?? 0) + Math.max(1, a.intervalMinutes) * 60_000;
    const retry = this.retryAt.get(a.id)?.at;
    return retry === undefined ? scheduled : Math.min(scheduled, retry);
  }

  private due(a: AccountRecord, now: number): boolean {
    const at = this.dueAt(a);
    return at !== undefined && at <= now;
  }

  private async nextTick(now: number): Promise<number> {
    const times = (await this.h.engine.accounts()).filter(usable).map((a) => this.dueAt(a)).filter((t): t is number => t !== undefined);
    const soonest = times.length ? Math.min(...times) - now : IDLE_TICK_MS;
    return Math.min(IDLE_TICK_MS, Math.max(MIN_RETRY_MS, soonest));
  }
}

/** Accounts stopped until the user acts are never synced by the schedule. */
function usable(a: AccountRecord): boolean {
  return a.state.kind !== 'auth' && a.state.kind !== 'blocked';
}

/** Sends the outbox with the engine's own flush (until it has one, the next sync sends it). */
export async function flushOutbox(h: Hosted, accountId?: string): Promise<void> {
  if (h.engine.flushOutbox) await h.engine.flushOutbox(accountId);
}

/** Whether mail still waits to be sent (the Background Sync handler retries then). */
export async function outboxWaiting(store: Store): Promise<boolean> {
  const pending = await store.db.getAll('pending');
  return pending.some((p) => p.kind === 'send');
}
