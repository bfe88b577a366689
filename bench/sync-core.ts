/**
 * The initial-sync measurement shared by the Node bench (bench/sync.ts, fake-indexeddb)
 * and the Chromium one (bench/browser-sync.ts, the browser's IndexedDB): a live sync of
 * `mails` mails from the in-process mock with every answer recorded, then pairs of the
 * same sync on the recorded answers (the server costing nothing) and a raw write of the
 * records it stored, in the same transactions. Environment-free: it uses the global
 * indexedDB, and gc() when the runtime exposes it.
 */
import { generateItems } from '../mocks/data.ts';
import { FolderType, requireFolderOfType } from '../mocks/model.ts';
import { createMockServer, type MockServer } from '../mocks/server.ts';
import { openStore, randomId, type Store, type WriteOp } from '../src/store/db.ts';
import { createEngine } from '../src/sync/engine.ts';
import type { Row } from './table.ts';

export const LOGIN = {
  email: 'alice@example.test',
  password: 'alicepass',
  server: 'http://mock.test',
  userName: 'alice',
  defaultDomain: null,
};

/** A mock whose only items are `mails` generated mails in alice's Inbox. */
export function mockWith(mails: number): MockServer {
  const server = createMockServer({ seed: 7, data: false });
  const mb = server.mock.world.mailboxes.get('alice')!;
  generateItems(server.mock.world, mb, requireFolderOfType(mb, FolderType.Inbox).store, mails, 7);
  return server;
}

interface Counted {
  readonly store: Store;
  /** Items put per committed write set, in order. */
  readonly batches: number[];
}

async function countingStore(): Promise<Counted> {
  const batches: number[] = [];
  const store = await openStore({
    name: randomId(),
    journal: async (ops: readonly WriteOp[]) => {
      const items = ops.filter((o) => o.store === 'items' && o.op === 'put').length;
      if (items > 0) batches.push(items);
    },
  });
  return { store, batches };
}

interface Recorded {
  readonly cmd: string;
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: Uint8Array;
}

const cmdOf = (r: Request): string => new URL(r.url).searchParams.get('Cmd') ?? r.method;

interface Run {
  readonly ms: number;
  readonly roundTrips: number;
  readonly store: Store;
  readonly batches: number[];
}

/** Sets up the account and syncs it on `transport`; the sync alone is timed. */
async function syncOn(transport: (r: Request) => Promise<Response>): Promise<Run> {
  const { store, batches } = await countingStore();
  let roundTrips = 0;
  const engine = createEngine({ store, transport: (r) => (roundTrips++, transport(r)) });
  const account = await engine.addAccount(LOGIN);
  roundTrips = 0;
  batches.length = 0;
  settle();
  const t = performance.now();
  const report = await engine.syncAccount(account.id);
  const ms = performance.now() - t;
  if (!report.ok) throw new Error(`sync failed: ${report.error?.message}`);
  return { ms, roundTrips, store, batches };
}

/** A sync from the in-process mock, every answer recorded for a replay. */
async function syncFromMock(mails: number): Promise<Run & { answers: Recorded[] }> {
  const server = mockWith(mails);
  const answers: Recorded[] = [];
  const run = await syncOn(async (r) => {
    const res = await server.handle(r);
    const body = new Uint8Array(await res.arrayBuffer());
    answers.push({ cmd: cmdOf(r), status: res.status, headers: [...res.headers], body });
    return new Response(body.length ? body : null, { status: res.status, headers: res.headers });
  });
  return { ...run, answers };
}

/** The same sync on the recorded answers: the engine's own time, the server costing nothing. */
async function syncReplayed(answers: readonly Recorded[]): Promise<Run> {
  let i = 0;
  return syncOn(async (r) => {
    const a = answers[i++];
    if (!a || a.cmd !== cmdOf(r)) throw new Error(`replay: request ${i} is ${cmdOf(r)}, recorded ${a?.cmd}`);
    return new Response(a.body.length ? a.body.slice() : null, { status: a.status, headers: a.headers });
  });
}

/** The same records written straight into a fresh database, one transaction per batch the sync committed. */
async function rawWrite(source: Store, batches: readonly number[]): Promise<number> {
  const records = await source.db.getAll('items');
  const target = await openStore({ name: randomId() });
  settle();
  const t = performance.now();
  let at = 0;
  for (const n of batches) {
    const tx = target.db.transaction('items', 'readwrite');
    for (const r of records.slice(at, at + n)) void tx.store.put(r);
    await tx.done;
    at += n;
  }
  const ms = performance.now() - t;
  await drop(target);
  return ms;
}

/**
 * A full collection before a timed part, when the bench runs with --expose-gc (npm run
 * bench does): the garbage of one part is then not collected on the next one's time.
 */
export function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Closes and deletes a database, so that runs do not pile up on the heap. */
async function drop(store: Store): Promise<void> {
  const name = store.db.name;
  store.close();
  await new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = resolve;
    req.onerror = () => reject(req.error);
  });
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface InitialSyncRuns {
  readonly mails: number;
  /** The live sync from the mock. */
  readonly liveMs: number;
  readonly roundTrips: number;
  /** Per pair: the replayed sync, and the raw write right after it. */
  readonly engineMs: number[];
  readonly rawMs: number[];
}

/** What the browser page (bench/pages/sync.ts) hands back to bench/browser-sync.ts. */
export type PageResult = { ok: true; runs: InitialSyncRuns } | { ok: false; error: string };

/** Replayed sync and raw write, in `pairs` pairs (after a warm-up and the live sync). */
export async function measureInitialSync(mails: number, pairs: number): Promise<InitialSyncRuns> {
  await drop((await syncFromMock(500)).store); // warm-up: JIT, module init
  const live = await syncFromMock(mails);
  const count = await live.store.db.count('items');
  if (count !== mails) throw new Error(`synced ${count} of ${mails} mails`);
  await drop(live.store);
  const engineMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < pairs; i++) {
    settle();
    const replay = await syncReplayed(live.answers);
    engineMs.push(replay.ms);
    rawMs.push(await rawWrite(replay.store, replay.batches));
    await drop(replay.store);
  }
  return { mails, liveMs: live.ms, roundTrips: live.roundTrips, engineMs, rawMs };
}

/** The table rows of a measurement; `where` prefixes every name (e.g. "chromium: "). */
export function initialSyncRows(runs: InitialSyncRuns, where: string): Row[] {
  const k = `${runs.mails / 1000}k`;
  const ratios = runs.engineMs.map((e, i) => e / (runs.rawMs[i] as number));
  return [
    { name: `${where}sync ${k} mails from the mock: items/s`, value: runs.mails / (runs.liveMs / 1000) },
    { name: `${where}sync ${k} mails: round trips`, value: runs.roundTrips },
    { name: `${where}sync ${k} mails, engine only (replayed answers): ms`, value: median(runs.engineMs) },
    { name: `${where}raw IDB write of the same records: ms`, value: median(runs.rawMs) },
    { name: `${where}engine / raw IDB write, median of ${ratios.length} pairs`, value: median(ratios), goal: '≤ 1.5' },
    { name: `${where}engine / raw IDB write, highest pair`, value: Math.max(...ratios) },
  ];
}
