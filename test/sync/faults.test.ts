/**
 * Offline edits replayed through random faults, many seeds: a device syncs, goes
 * offline, makes random edits of every kind (adds, changes, deletes of contacts,
 * events and tasks, edits of items still being added, mail read/flag/move/delete),
 * then comes back through a network and a server that fail at random: the process
 * killed anywhere, 503, answers cut off or truncated, a lost sync state (Status 3),
 * a changed hierarchy (Status 12). In the end every edit is on the server exactly
 * once and the store equals the server: 0 lost, 0 duplicated.
 *
 * The seeds share one mock world (each seed is a new device), which keeps a seed
 * around 0.1 s.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { rng } from '../../mocks/random.ts';
import type { FaultSpec } from '../../mocks/faults.ts';
import type { MockServer } from '../../mocks/server.ts';
import { countProblems, EDITS, type Ctx } from './fuzz-edits.ts';
import { Machine } from './machine.ts';
import { alice, diffViews, localView, mockServer, pinVersion, serverView } from './support.ts';

const SEEDS = Number(process.env['EAS_FAULT_SEEDS'] ?? 500);
const MAX_LIVES = 80;

const FAULTS: Partial<FaultSpec>[] = [
  { unavailable: 1, retryAfter: 1 }, { drop: 1 }, { truncate: 1 }, { invalidSyncKey: 1 }, { folderSyncRequired: 1 },
];

async function runSeed(server: MockServer, seed: number): Promise<{ lives: number; kills: number }> {
  const r = rng(seed);
  server.control.faults.clear();
  // Odd seeds speak 14.1, even ones 16.1 (where a Change carries only what changed and
  // the server keeps the rest, MS-ASCAL 3.1.5.3).
  const version = seed % 2 ? '14.1' : '16.1';
  const machine = new Machine(pinVersion(server.handle, version), r);
  let h = await machine.boot();
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  const c: Ctx = { engine: h.engine, store: machine.store!, accountId: account.id, mb: server.mock.world.mailboxes.get('alice')!, r, tag: `s${seed}`, used: new Set(), checks: [], n: 0 };
  const edits = r.int(3, 8);
  for (let i = 0; i < edits; i++) await r.pick(EDITS)(c);

  const lives = await machine.liveUntilThrough(account.id, `seed ${seed}`, MAX_LIVES, () => {
    if (r.chance(0.3)) server.control.faults.set(r.pick(FAULTS));
    return r.chance(0.6) ? r.int(1, 10) : undefined;
  });
  server.control.faults.clear();
  h = await machine.boot();
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true, folderErrors: [] });
  const problems = c.checks.map((check) => check()).filter((x): x is string => x !== undefined);
  const store = machine.store!;
  problems.push(...diffViews(serverView(server), await localView(store, account.id)), ...(await countProblems(store, account.id)));
  if ((await store.db.getAll('pending')).length > 0) problems.push('queue not empty');
  if (problems.length) throw new Error(`seed ${seed}: ${problems.join('; ')} (faults: ${server.control.faults.log.slice(-20).join(' ')})`);
  store.close();
  return { lives, kills: machine.kills };
}

describe('offline edits through random faults', () => {
  it(`${SEEDS} seeds: every edit on the server once, store equal to the server`, async () => {
    const server = mockServer({ data: { mails: 40, contacts: 12, events: 12, tasks: 12, notes: 0, gal: 0 } });
    const started = Date.now();
    let lives = 0;
    let kills = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const s = await runSeed(server, seed);
      lives += s.lives;
      kills += s.kills;
    }
    console.log(`offline edits: ${SEEDS} seeds, ${lives} process lives, ${kills} kills, ${Date.now() - started} ms`);
  }, 300_000);
});
