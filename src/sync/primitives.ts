/**
 * The few things the engine needs from its surroundings, injectable for tests:
 * a clock with sleep, a mutex, and unique numeric ids for queued records.
 * Only timers and Promises: runs in a service worker, a page, a worker and Node.
 */

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(done, ms);
      function done(): void {
        signal?.removeEventListener('abort', abort);
        resolve();
      }
      function abort(): void {
        clearTimeout(timer);
        reject(signal?.reason);
      }
      signal?.addEventListener('abort', abort, { once: true });
    }),
};

/** A FIFO async mutex: `run` calls never overlap. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** One mutex per key (account id). */
export class Mutexes {
  private readonly map = new Map<string, Mutex>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let m = this.map.get(key);
    if (!m) {
      m = new Mutex();
      this.map.set(key, m);
    }
    return m.run(fn);
  }
}

/**
 * Ids for `pending` and `conflicts` records, given explicitly rather than by the
 * store's autoIncrement so a write set can name (and delete) a record it creates,
 * and a journal replays to the same keys. Increasing, so the queue keeps its order.
 */
export class IdSource {
  private last = 0;
  constructor(private readonly clock: Clock) {}

  next(): number {
    this.last = Math.max(this.last + 1, this.clock.now() * 1000);
    return this.last;
  }

  /** Never hand out an id at or below one already stored. */
  seen(id: number): void {
    this.last = Math.max(this.last, id);
  }
}
