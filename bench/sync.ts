/**
 * The sync engine against the mock:
 *
 * - Initial sync of 10,000 mails from the in-process mock: items/s and round trips.
 *   Then the same sync on the recorded answers (the server costing nothing), against a
 *   raw IndexedDB write of the same records in the same transactions (goal ≤ 1.5×);
 *   with fake-indexeddb here, and in Chromium on its own IndexedDB (browser-sync.ts).
 * - Peak heap while syncing 50,000 mails (goal ≤ 100 MB), in a child process started
 *   with --expose-gc that runs only the engine (see heapChild).
 * - Push latency: a new mail on the server until its commit in IndexedDB, through the
 *   Ping loop (Status 2) and a Sync of that folder; median of 20 (goal ≤ 100 ms).
 */
import 'fake-indexeddb/auto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import { FolderType, requireFolderOfType } from '../mocks/model.ts';
import { serveHttp } from '../mocks/node-http.ts';
import { createMockServer, type MockServer } from '../mocks/server.ts';
import { openStore, randomId, type Store, type WriteOp } from '../src/store/db.ts';
import { createEngine, type Engine } from '../src/sync/engine.ts';
import type { SyncEvent } from '../src/sync/events.ts';
import { initialSyncRows, LOGIN, measureInitialSync, median, mockWith } from './sync-core.ts';
import type { Row } from './table.ts';
import type { ItemRecord } from '../src/store/schema.ts';

/** Replayed sync and raw write, in pairs: the ratio is the median of the pairs' ratios. */
const PAIRS = 7;

async function initialSync(): Promise<Row[]> {
  return initialSyncRows(await measureInitialSync(10_000, PAIRS), '');
}

/**
 * The heap child: only the engine runs here. The mock serves from the parent over
 * HTTP, and, as IndexedDB keeps records outside the JS heap in a browser, each item
 * record is kept serialized in off-heap memory (v8.serialize into a Buffer) while
 * fake-indexeddb holds its keys, sort key and read flag: what an initial sync reads
 * back. Every write still goes through the engine's write sets.
 *
 * Two figures: the live heap, measured after a full GC as each write set is about to
 * be applied (when a decoded response and its write set are both held); and heapUsed
 * sampled every 5 ms, which also counts garbage V8 has not collected yet.
 */
async function heapChild(url: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const kept: Buffer[] = [];
  let live = 0;
  const store = await offHeapItems(kept, () => {
    gc();
    live = Math.max(live, process.memoryUsage().heapUsed);
  });
  const engine = createEngine({ store, transport: (r) => fetch(r) });
  const account = await engine.addAccount({ ...LOGIN, server: url });
  gc();
  live = 0;
  let sampled = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().heapUsed);
  }, 5);
  const report = await engine.syncAccount(account.id);
  clearInterval(timer);
  if (!report.ok) throw new Error(`sync failed: ${report.error?.message}`);
  process.stdout.write(`${JSON.stringify({ live, sampled, items: kept.length })}\n`);
}

/** A store whose item records live off the heap (see heapChild); `before` runs ahead of each write set. */
async function offHeapItems(kept: Buffer[], before: () => void): Promise<Store> {
  const inner = await openStore({ name: randomId() });
  return {
    db: inner.db,
    close: () => inner.close(),
    commit: (ops) => {
      before();
      return inner.commit(
        ops.map((o): WriteOp => {
          if (o.store !== 'items' || o.op !== 'put') return o;
          const { data, ...rest } = o.value;
          kept.push(serialize(data));
          return { ...o, value: { ...rest, data: undefined } as unknown as ItemRecord }; // the data is kept aside, serialized
        }),
      );
    },
  };
}

async function peakHeap(): Promise<Row[]> {
  const server = mockWith(50_000);
  const running = await serveHttp(server, { port: 0 });
  try {
    const out = await childOutput(['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--heap-child', running.url]);
    const { live, sampled, items } = JSON.parse(out) as { live: number; sampled: number; items: number };
    if (items !== 50_000) throw new Error(`heap child synced ${items} mails`);
    return [
      { name: 'sync 50k mails: peak live heap MB', value: live / 2 ** 20, goal: '≤ 100' },
      { name: 'sync 50k mails: peak heapUsed sampled (with garbage) MB', value: sampled / 2 ** 20 },
    ];
  } finally {
    await running.close();
  }
}

/** Runs node with `args` (the parent keeps serving meanwhile); resolves with the last stdout line. */
function childOutput(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill(), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(line);
      else reject(new Error(`heap child failed (${code}): ${err.slice(-2000)}`));
    });
  });
}

/** A new mail on the server until its commit, through Ping (Status 2) and Sync of the Inbox. */
async function pushLatency(): Promise<Row[]> {
  const server = createMockServer({ seed: 3 });
  const store = await openStore({ name: randomId() });
  const engine: Engine = createEngine({ store, transport: server.handle });
  const account = await engine.addAccount(LOGIN);
  const inbox = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Inbox).store.id;
  const events: SyncEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const stop = new AbortController();
  const loop = engine.push(account.id, { signal: stop.signal });
  const samples: number[] = [];
  for (let i = 0; i < 21; i++) {
    await pinging(server, events);
    events.length = 0;
    const t = performance.now();
    server.control.newMail('alice');
    await until(() => events.some((e) => e.type === 'changes' && e.folderId === inbox && e.added > 0));
    if (i > 0) samples.push(performance.now() - t); // the first one warms up
  }
  stop.abort();
  await loop;
  store.close();
  return [
    { name: 'push latency, median of 20: ms', value: median(samples), goal: '≤ 100' },
    { name: 'push latency, slowest of 20: ms', value: Math.max(...samples) },
  ];
}

/** Until the loop's Ping is held by the mock (the device waits on it). */
async function pinging(server: MockServer, events: SyncEvent[]): Promise<void> {
  await until(() => events.some((e) => e.type === 'push' && e.state === 'ping'));
  await until(() => server.mock.devices.all().some((d) => d.cancelWait !== undefined));
}

async function until(check: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('push latency: timed out');
    await new Promise((r) => setTimeout(r, 0));
  }
}

export async function benchSync(): Promise<Row[]> {
  // Imported here, not at the top: the heap child runs this module, and Playwright's
  // modules on its heap would count as the engine's.
  const { benchBrowserSync } = await import('./browser-sync.ts');
  return [...(await initialSync()), ...(await benchBrowserSync()), ...(await peakHeap()), ...(await pushLatency())];
}

const child = process.argv.indexOf('--heap-child');
if (child >= 0) void heapChild(process.argv[child + 1] as string);
