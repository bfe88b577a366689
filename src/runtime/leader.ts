/**
 * One tab drives the sync schedule: the leader, elected with Web Locks. Every tab asks
 * for the lock; the browser grants it to one and hands it to the next when that tab
 * closes. The leader sends one step at a time (protocol.ts): a full sync first, then
 * ticks at the times the engine's side asks for, and a full sync whenever the
 * connection comes back. Other tabs only listen to the BroadcastChannel.
 */
import type { StepKind, StepResult } from './protocol.ts';

export const LEADER_LOCK = 'eas-leader';
/** Pause before repeating a step that failed (the worker was stopped, say). */
const RETRY_MS = 2_000;

export type Step = (kind: StepKind) => Promise<StepResult>;

interface Waker {
  /** Resolves after `ms`, or earlier with 'online' when the connection comes back. */
  sleep(ms: number): Promise<'timeout' | 'online'>;
  /** Waits for `work`; each time the connection comes back meanwhile, calls `onOnline`. */
  during<T>(work: Promise<T>, onOnline: () => void): Promise<T>;
}

function waker(): Waker {
  let wake: (() => void) | undefined;
  addEventListener('online', () => wake?.());
  return {
    sleep: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), ms);
        wake = () => {
          clearTimeout(timer);
          resolve('online');
        };
      }),
    async during(work, onOnline) {
      wake = onOnline;
      try {
        return await work;
      } finally {
        if (wake === onOnline) wake = undefined;
      }
    },
  };
}

/** The leader's loop; runs for as long as the tab lives. */
export async function lead(step: Step, isOnline = () => navigator.onLine, w: Waker = waker()): Promise<never> {
  let kind: StepKind = 'sync';
  // A tick can hold a Ping for minutes: edits made offline go out when the connection
  // returns, in a sync beside it, not when the Ping ends.
  const syncBeside = () => void step('sync').catch(() => undefined);
  for (;;) {
    let wait = RETRY_MS;
    if (isOnline()) {
      try {
        wait = (await w.during(step(kind), syncBeside)).nextInMs;
        kind = 'tick';
      } catch {
        // the step is repeated after a pause (a stopped worker starts with the next message)
      }
    }
    if ((await w.sleep(isOnline() ? wait : 24 * 3600_000)) === 'online') kind = 'sync';
  }
}

/** Joins the election; `onLeader` fires when this tab becomes the leader. */
export function startLeaderElection(step: Step, onLeader?: () => void): void {
  const run = () => {
    onLeader?.();
    return lead(step);
  };
  if (navigator.locks) void navigator.locks.request(LEADER_LOCK, run);
  else void run(); // no Web Locks: every tab drives its own schedule
}
