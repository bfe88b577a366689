/**
 * A device that can be killed at any instant: its store lives only as long as the
 * "process", and what survives a kill is the journal of write sets, exactly as
 * with the CLI's journal file. A kill can land
 *   - before a request reaches the server (the request is lost),
 *   - after the server processed it, before the answer is read (the answer is lost),
 *   - before a write set is journaled (the write set is lost),
 *   - after it is journaled, before the store applied it (the restart replays it).
 * After a kill, `boot` rebuilds the store from the journal (compacted into one
 * snapshot write set once it grows long) and starts a new engine on it.
 */
import type { Rng } from '../../mocks/random.ts';
import { applyOps, everyRecordOps, openStore, randomId, type Store, type WriteOp } from '../../src/store/db.ts';
import type { Clock } from '../../src/sync/primitives.ts';
import { engineFor, type Harness } from './support.ts';

export class Killed extends Error {
  override readonly name = 'Killed';
}

export class Machine {
  journal: (readonly WriteOp[])[] = [];
  store: Store | undefined;
  kills = 0;
  private budget = Number.POSITIVE_INFINITY;
  private killed = false;

  /**
   * `clock`: one clock for every process of the device, so time goes on across restarts
   * as a wall clock does. Without it each process starts its own at NOW.
   */
  constructor(
    private readonly server: (r: Request) => Promise<Response>,
    private readonly rng: Rng,
    private readonly clock?: Clock,
  ) {}

  get dead(): boolean {
    return this.killed;
  }

  /** A new process: the store from the journal, an engine that dies after `ticks` crash points. */
  async boot(ticks = Number.POSITIVE_INFINITY): Promise<Harness> {
    this.store?.close();
    this.killed = false;
    this.budget = ticks;
    const store = await openStore({ name: randomId(), journal: (ops) => this.journalWrite(ops) });
    await this.replay(store);
    // Compaction now and then keeps the journal short, as the CLI does at start.
    if (this.journal.length > 40) this.journal = [await snapshot(store)];
    this.store = store;
    return engineFor(store, (r) => this.transport(r), { retries: 1, backoffMs: 10, ...(this.clock && { clock: this.clock }) });
  }

  /**
   * Restarts the device (`label` names it in errors and EAS_FAULT_DEBUG lines) until one sync goes through clean with an empty queue (at most
   * `maxLives` processes). Before each one, `beforeLife(lives)` arms the server's faults
   * and gives the crash points that process lives for (undefined: no kill). After each
   * one, `afterLife(through)` checks what the next process would start from (restored()).
   */
  async liveUntilThrough(
    accountId: string,
    label: string,
    maxLives: number,
    beforeLife: (lives: number) => Promise<number | undefined> | number | undefined,
    afterLife?: (through: boolean) => Promise<void>,
  ): Promise<number> {
    let lives = 0;
    for (let done = false; !done; lives++) {
      if (lives >= maxLives) throw new Error(`${label}: not through after ${maxLives} lives`);
      const h = await this.boot(await beforeLife(lives));
      try {
        const report = await h.engine.syncAccount(accountId);
        const queue = await this.store!.db.getAll('pending');
        done = !this.dead && report.ok && report.folderErrors.length === 0 && queue.length === 0;
        if (process.env['EAS_FAULT_DEBUG'] && !this.dead)
          console.log(
            label,
            lives,
            JSON.stringify(report),
            JSON.stringify(queue.map((q) => [q.kind, q.folderId, q.serverId, q.attempts, q.lastError])),
          );
      } catch (e) {
        if (!(e instanceof Killed) && !this.dead) throw e;
      }
      await afterLife?.(done);
    }
    return lives;
  }

  /** The store a restarted process would start from (the journal replayed), for checks; the caller closes it. */
  async restored(): Promise<Store> {
    const store = await openStore({ name: randomId() });
    await this.replay(store);
    return store;
  }

  private async replay(store: Store): Promise<void> {
    for (const ops of this.journal) {
      try {
        await applyOps(store.db, ops);
      } catch {
        // rejected when it was first applied, too
      }
    }
  }

  private tick(): void {
    if (this.killed) throw new Killed('already dead');
    this.budget -= 1;
    if (this.budget > 0) return;
    this.killed = true;
    this.kills += 1;
    throw new Killed('killed');
  }

  private async transport(r: Request): Promise<Response> {
    this.tick();
    const res = await this.server(r);
    const bytes = await res.arrayBuffer(); // the server has finished with the request
    if (this.rng.chance(0.5)) this.tick();
    return new Response(res.status === 204 || bytes.byteLength === 0 ? null : bytes, { status: res.status, headers: res.headers });
  }

  private async journalWrite(ops: readonly WriteOp[]): Promise<void> {
    this.tick();
    this.journal.push(ops); // write sets are fresh objects, never changed after commit
    if (this.rng.chance(0.3)) this.tick(); // journaled, not yet applied
  }
}

/** Every record of the store as one write set (what the CLI's compaction writes). */
export async function snapshot(store: Store): Promise<WriteOp[]> {
  return everyRecordOps(store.db);
}
