/** What the modules of one account's sync share: its session, the store, the clock, the queue state. */
import type { Store } from '../store/db.ts';
import type { BodyOptions } from './classes.ts';
import type { Emit } from './events.ts';
import type { Clock, IdSource } from './primitives.ts';
import type { Session } from './session.ts';

export interface AccountRun {
  readonly session: Session;
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly emit: Emit;
  /** Queued records being sent now (shared with the edit API, which does not merge into them). */
  readonly inFlight: Set<number>;
  /** Runs `fn` under the account's data lock: reads that decide a write set, and its commit. */
  readonly locked: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly bodies: BodyOptions;
}

/** Marks records as on their way for the duration of `fn`. */
export async function sending<T>(run: AccountRun, ids: readonly (number | undefined)[], fn: () => Promise<T>): Promise<T> {
  const own = ids.filter((id): id is number => id !== undefined && !run.inFlight.has(id));
  own.forEach((id) => run.inFlight.add(id));
  try {
    return await fn();
  } finally {
    own.forEach((id) => run.inFlight.delete(id));
  }
}
