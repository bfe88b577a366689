/**
 * Shared pieces of the sync tests: a store with an in-memory journal, the mock
 * server as transport, an instant clock, and comparisons of the local store with
 * the server's mailbox.
 */
import { createMockServer, type MockServer, type MockServerOptions } from '../../mocks/server.ts';
import { applyOps, openStore, randomId, type Store, type WriteOp } from '../../src/store/db.ts';
import type { ItemRecord } from '../../src/store/schema.ts';
import { createEngine, type Engine, type EngineOptions } from '../../src/sync/engine.ts';
import type { SyncEvent } from '../../src/sync/events.ts';
import type { Clock } from '../../src/sync/primitives.ts';

/** 2026-05-15 03:00 UTC, the mock tests' clock. */
export const NOW = Date.UTC(2026, 4, 15, 3, 0, 0);
export const MOCK_URL = 'http://mock.test';

export function mockServer(options: MockServerOptions = {}): MockServer {
  return createMockServer({ seed: 1, now: () => NOW, config: { minHeartbeat: 1, timeScale: 0.01 }, ...options });
}

/** A clock that advances by itself and never really sleeps; `slept` records the waits. */
export function instantClock(start = NOW): Clock & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => (t += 1),
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

/** A store whose write sets are also kept, structured-cloned, as the journal a crash falls back to. */
export interface JournaledStore {
  readonly store: Store;
  readonly journal: (readonly WriteOp[])[];
}

export async function journaledStore(journal: (readonly WriteOp[])[] = [], hook?: () => void): Promise<JournaledStore> {
  const store = await openStore({
    name: randomId(),
    journal: async (ops) => {
      hook?.();
      journal.push(structuredClone(ops));
    },
  });
  return { store, journal };
}

/** A fresh store rebuilt from a journal: what a restarted process sees. */
export async function restore(journal: (readonly WriteOp[])[], hook?: () => void): Promise<JournaledStore> {
  const fresh = await journaledStore([...journal], hook);
  for (const ops of journal) {
    try {
      await applyOps(fresh.store.db, ops);
    } catch {
      // rejected when first applied too: skipped then as now
    }
  }
  return fresh;
}

export interface Harness {
  readonly engine: Engine;
  readonly events: SyncEvent[];
  readonly clock: Clock & { slept: number[] };
}

export function engineFor(store: Store, transport: (r: Request) => Promise<Response>, extra: Partial<EngineOptions> = {}): Harness {
  const events: SyncEvent[] = [];
  const clock = instantClock();
  const engine = createEngine({ store, transport, clock, onEvent: (e) => events.push(e), ...extra });
  return { engine, events, clock };
}

/** Answers OPTIONS with only the given versions, so the engine negotiates one of them. */
export function pinVersion(handle: (r: Request) => Promise<Response>, versions: string): (r: Request) => Promise<Response> {
  return async (r) => {
    const res = await handle(r);
    if (r.method !== 'OPTIONS') return res;
    const headers = new Headers(res.headers);
    headers.set('MS-ASProtocolVersions', versions);
    return new Response(null, { status: res.status, headers });
  };
}

export const alice = { email: 'alice@example.test', password: 'alicepass', server: MOCK_URL, userName: 'alice', defaultDomain: null };

/** The server's view: folder id -> item ids, for the folders of the four synced classes. */
export function serverView(server: MockServer, login = 'alice'): Map<string, Set<string>> {
  const mailbox = server.mock.world.mailboxes.get(login);
  if (!mailbox) throw new Error(`no mailbox ${login}`);
  const out = new Map<string, Set<string>>();
  for (const [id, folder] of mailbox.folders) {
    const cls = folder.store.cls;
    if (cls !== 'Email' && cls !== 'Calendar' && cls !== 'Contacts' && cls !== 'Tasks') continue;
    if (folder.type === 6) continue; // Outbox is not synced
    out.set(id, new Set(folder.store.items.keys()));
  }
  return out;
}

/** The local view, same shape. */
export async function localView(store: Store, accountId: string): Promise<Map<string, Set<string>>> {
  const items: ItemRecord[] = await store.db.getAll('items', IDBKeyRange.bound([accountId], [accountId, []]));
  const out = new Map<string, Set<string>>();
  for (const f of await store.db.getAll('folders', IDBKeyRange.bound([accountId], [accountId, []]))) {
    if (['Email', 'Calendar', 'Contacts', 'Tasks'].includes(f.class ?? '') && f.type !== 6) out.set(f.serverId, new Set());
  }
  for (const i of items) out.get(i.folderId)?.add(i.serverId);
  return out;
}

/** Differences between two views, as readable lines (empty when equal). */
export function diffViews(server: Map<string, Set<string>>, local: Map<string, Set<string>>): string[] {
  const lines: string[] = [];
  for (const [folder, ids] of server) {
    const mine = local.get(folder) ?? new Set();
    const lost = [...ids].filter((id) => !mine.has(id));
    const extra = [...mine].filter((id) => !ids.has(id));
    if (lost.length) lines.push(`folder ${folder}: ${lost.length} lost (${lost.slice(0, 3).join(', ')})`);
    if (extra.length) lines.push(`folder ${folder}: ${extra.length} extra (${extra.slice(0, 3).join(', ')})`);
  }
  for (const folder of local.keys()) if (!server.has(folder)) lines.push(`folder ${folder} not on the server`);
  return lines;
}

/** The stable id (ItemRecord.id) of the item stored under this ServerId, which engine edits name. */
export async function itemIdOf(store: Store, accountId: string, folderId: string, serverId: string): Promise<string> {
  const item = await store.db.get('items', [accountId, folderId, serverId]);
  if (!item) throw new Error(`no stored item ${serverId} in folder ${folderId}`);
  return item.id;
}
