/**
 * The Ping loop against the mock, on a clock scaled like the mock's timers (1 s of
 * protocol time = 10 ms), so heartbeats of a few seconds take a few tens of ms.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createFolder, FolderType, requireFolderOfType } from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import { decodeEas } from '../../src/eas/wbxml.ts';
import type { Store } from '../../src/store/db.ts';
import type { Engine } from '../../src/sync/engine.ts';
import type { SyncEvent } from '../../src/sync/events.ts';
import { stateKey, type PushOptions, type PushState } from '../../src/sync/ping.ts';
import { systemClock, type Clock } from '../../src/sync/primitives.ts';
import { intAt, kid, kids, textAt, type El } from '../../src/wbxml/tree.ts';
import { alice, engineFor, journaledStore, mockServer, NOW } from './support.ts';

const SCALE = 0.01;
const DATA = { data: { mails: 10, contacts: 3, events: 3, tasks: 3, notes: 0, gal: 0 } } as const;

/** Protocol time runs 1/SCALE faster than real time; with `instant`, sleeps return at once and advance it. */
function testClock(): Clock & { instant: boolean; slept: number[] } {
  const t0 = performance.now();
  let skipped = 0;
  const clock = {
    instant: false,
    slept: [] as number[],
    now: () => NOW + skipped + (performance.now() - t0) / SCALE,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (!clock.instant) return systemClock.sleep(ms * SCALE, signal);
      if (signal?.aborted) throw signal.reason;
      clock.slept.push(ms);
      skipped += ms;
      await Promise.resolve();
    },
  };
  return clock;
}

interface Sent {
  readonly cmd: string;
  readonly body: El | null;
}

/** The transport: records each request's command and body, and can drop the network or black-hole Pings. */
function wire(server: MockServer) {
  const sent: Sent[] = [];
  const net = {
    online: true,
    /** Pings with a heartbeat above this never come back (a NAT that drops idle connections). */
    natLimit: Number.POSITIVE_INFINITY,
    lastHeartbeat: 0,
  };
  const transport = async (r: Request): Promise<Response> => {
    const cmd = new URL(r.url).searchParams.get('Cmd') ?? r.method;
    const bytes = new Uint8Array(await r.clone().arrayBuffer());
    const body = bytes.length && r.headers.get('Content-Type')?.includes('wbxml') ? decodeEas(bytes) : null;
    sent.push({ cmd, body });
    if (!net.online) throw new TypeError('Failed to fetch');
    if (cmd === 'Ping') {
      net.lastHeartbeat = (body && intAt(body, 'HeartbeatInterval')) ?? net.lastHeartbeat;
      if (net.lastHeartbeat > net.natLimit) return blackHole(r.signal);
    }
    return server.handle(r);
  };
  return { sent, net, transport };
}

function blackHole(signal: AbortSignal): Promise<Response> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true }),
  );
}

const pings = (sent: readonly Sent[]) => sent.filter((s) => s.cmd === 'Ping');
const heartbeatOf = (s: Sent): number | undefined => (s.body ? intAt(s.body, 'HeartbeatInterval') : undefined);
const foldersOf = (s: Sent): string[] => (s.body ? kids(kid(s.body, 'Folders') ?? s.body, 'Folder').map((f) => textAt(f, 'Id') ?? '') : []);
const syncedCollections = (s: Sent): string[] =>
  s.body ? kids(kid(s.body, 'Collections')!, 'Collection').map((c) => textAt(c, 'CollectionId') ?? '') : [];

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const FAST: PushOptions = {
  minHeartbeat: 1,
  initialHeartbeat: 20,
  maxHeartbeat: 40,
  heartbeatStep: 2,
  graceSeconds: 20,
  backoffMs: 1000,
  maxBackoffMs: 8000,
};

async function setup(config: Parameters<MockServer['control']['configure']>[0] = {}, retries?: number) {
  const server = mockServer(DATA);
  server.control.configure(config);
  const { store } = await journaledStore();
  const w = wire(server);
  const clock = testClock();
  const h = engineFor(store, w.transport, { clock, retries });
  const account = await h.engine.addAccount(alice);
  const inbox = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Inbox).store.id;
  return { server, store, ...w, ...h, clock, accountId: account.id, inbox };
}

/** Runs the loop in the background; `stop` aborts it and returns why it ended. */
function start(engine: Engine, accountId: string, options: PushOptions = FAST) {
  const controller = new AbortController();
  const done = engine.push(accountId, { ...options, signal: controller.signal });
  return {
    done,
    stop: async () => {
      controller.abort();
      return done;
    },
  };
}

async function pushState(store: Store, accountId: string): Promise<PushState> {
  return (await store.db.get('meta', stateKey(accountId)))!.value as PushState;
}

describe('Ping loop', () => {
  it('a change wakes the Ping, and exactly that folder is synced and committed at once', async () => {
    const { server, store, sent, engine, events, accountId, inbox } = await setup();
    const loop = start(engine, accountId);
    await until(() => pings(sent).length >= 1, 'the first Ping');
    const first = pings(sent)[0]!;
    expect(heartbeatOf(first)).toBe(20);
    expect(foldersOf(first)[0]).toBe(inbox); // Inbox first
    expect(foldersOf(first).length).toBe(syncedFoldersCount(await store.db.getAll('folders')));
    const before = sent.length;
    const t0 = performance.now();
    const item = server.control.newMail('alice');
    await until(async () => (await store.db.get('items', [accountId, inbox, item.id])) !== undefined, 'the new mail in the store');
    const ms = performance.now() - t0;
    // The goal is 100 ms (npm run bench measures it); the bound here leaves room for a loaded CI machine.
    expect(ms).toBeLessThan(400);
    const after = sent.slice(before);
    const syncs = after.filter((s) => s.cmd === 'Sync');
    expect(syncs.length).toBeGreaterThan(0);
    expect(syncs.every((s) => syncedCollections(s).join() === inbox)).toBe(true);
    expect(after.some((s) => s.cmd === 'FolderSync')).toBe(false);
    await until(() => pings(sent).length >= 2, 'the next Ping');
    expect(pings(sent)[1]!.body).toBeNull(); // the server holds the parameters: an empty Ping
    expect(await loop.stop()).toBe('aborted');
    expect(events.some((e) => e.type === 'changes' && e.folderId === inbox && e.added === 1)).toBe(true);
  });

  it('Status 7: FolderSync, then a full Ping that watches the new folder', async () => {
    const { server, sent, engine, accountId } = await setup();
    const loop = start(engine, accountId);
    await until(() => pings(sent).length >= 1, 'the first Ping');
    const mb = server.mock.world.mailboxes.get('alice')!;
    const folder = createFolder(server.mock.world, mb, 'Projects', FolderType.UserMail, '0');
    await until(() => pings(sent).some((p) => foldersOf(p).includes(folder.store.id)), 'a Ping with the new folder');
    const i = sent.findIndex((s) => s.cmd === 'FolderSync' && sent.indexOf(pings(sent)[0]!) < sent.indexOf(s));
    expect(i).toBeGreaterThan(0);
    expect(await loop.stop()).toBe('aborted');
  });

  it('Status 5 is obeyed (maximum and minimum), and a service worker limit below the server minimum stops the loop', async () => {
    const { server, store, sent, engine, accountId } = await setup({ maxHeartbeat: 12 });
    let loop = start(engine, accountId);
    await until(() => pings(sent).length >= 2, 'two Pings');
    expect(pings(sent).slice(0, 2).map(heartbeatOf)).toEqual([20, 12]);
    expect(await pushState(store, accountId)).toMatchObject({ serverMax: 12, heartbeat: 12 });
    await loop.stop();

    server.control.configure({ minHeartbeat: 30, maxHeartbeat: 3540 });
    loop = start(engine, accountId, { ...FAST, maxHeartbeat: 35 });
    await until(() => pings(sent).length >= 4, 'two more Pings');
    // The old maximum is kept until the server says otherwise: 12 is now below the minimum.
    expect(pings(sent).slice(2, 4).map(heartbeatOf)).toEqual([12, 30]);
    await loop.stop();

    const sw = await engine.push(accountId, { ...FAST, maxHeartbeat: 27 });
    expect(sw).toBe('heartbeat');
  });

  it('Status 6: MaxFolders is kept and the Inbox stays watched', async () => {
    const { sent, store, engine, accountId, inbox } = await setup({ maxPingFolders: 2 });
    const loop = start(engine, accountId);
    await until(() => pings(sent).length >= 2, 'two Pings');
    const [tooMany, fitting] = pings(sent);
    expect(foldersOf(tooMany!).length).toBeGreaterThan(2);
    expect(foldersOf(fitting!)).toHaveLength(2);
    expect(foldersOf(fitting!)[0]).toBe(inbox);
    expect(await pushState(store, accountId)).toMatchObject({ maxFolders: 2 });
    await loop.stop();
  });

  it('after a restart the loop resumes with an empty Ping; Status 3 (nothing cached) brings the full Ping', async () => {
    const { server, sent, store, engine, accountId, transport, clock } = await setup();
    let loop = start(engine, accountId, { ...FAST, maxHeartbeat: 20 });
    await until(() => pings(sent).length >= 2, 'two Pings');
    await loop.stop();
    expect(await pushState(store, accountId)).toMatchObject({ accepted: true, synced: true, heartbeat: 20, sentHeartbeat: 20 });

    // A new process on the same store; the server has forgotten the device's Ping.
    const device = server.mock.devices.all().find((d) => d.login === 'alice')!;
    device.ping = undefined;
    const revived = engineFor(store, transport, { clock }).engine;
    const n = sent.length;
    loop = start(revived, accountId);
    await until(() => pings(sent.slice(n)).length >= 2, 'two Pings after the restart');
    const [empty, full] = pings(sent.slice(n));
    expect(sent.slice(n, sent.indexOf(empty!)).map((s) => s.cmd)).toEqual([]); // no catch-up sync: nothing failed
    expect(empty!.body).toBeNull();
    expect(heartbeatOf(full!)).toBe(20);
    expect(foldersOf(full!).length).toBeGreaterThan(1);
    await loop.stop();
  });

  it('heartbeat: raised after clean expiries, lowered after a network timeout and kept under that ceiling', async () => {
    const { sent, net, store, engine, accountId, events } = await setup();
    net.natLimit = 5; // idle connections longer than 5 s are dropped silently
    const loop = start(engine, accountId, { ...FAST, initialHeartbeat: 2, maxHeartbeat: 10, graceSeconds: 10 });
    await until(() => pings(sent).length >= 7, 'seven Pings', 10_000);
    await loop.stop();
    const chosen = pings(sent).map((p) => heartbeatOf(p) ?? 0);
    // 2 and 4 expire cleanly (raised each time); 6 never comes back: down to 4, the ceiling.
    expect(chosen.slice(0, 4)).toEqual([2, 4, 6, 4]);
    expect(chosen.slice(4).every((h) => h === 0)).toBe(true); // empty Pings: the heartbeat stays 4
    expect(await pushState(store, accountId)).toMatchObject({ heartbeat: 4, ceiling: 4 });
    expect(
      events
        .filter((e): e is Extract<SyncEvent, { type: 'push' }> => e.type === 'push' && e.state === 'ping')
        .map((e) => e.heartbeat)
        .slice(0, 4),
    ).toEqual([2, 4, 6, 4]);
  });

  it('backs off while the network is down (exponential, jitter, capped), resumes after a restart, and wakes early', async () => {
    const { sent, net, store, engine, accountId, transport, clock } = await setup({}, 0); // no retries inside a command
    net.online = false;
    clock.instant = true;
    const options = { ...FAST, random: () => 1 };
    const controller = new AbortController();
    let sleeps = 0;
    const unsubscribe = engine.subscribe((e) => {
      if (e.type === 'push' && e.state === 'backoff' && ++sleeps === 6) controller.abort();
    });
    expect(await engine.push(accountId, { ...options, signal: controller.signal })).toBe('aborted');
    unsubscribe();
    // random 1: the whole base each time; 1, 2, 4, 8 s, then the 8 s cap.
    expect(clock.slept).toEqual([1000, 2000, 4000, 8000, 8000]);
    const state = await pushState(store, accountId);
    expect(state).toMatchObject({ failures: 6, synced: false });
    expect(state.retryAt).toBeGreaterThan(clock.now());

    // A restarted worker waits out the stored back-off without a request.
    const requests = sent.length;
    const revived = engineFor(store, transport, { clock, retries: 0 }).engine;
    const step = await revived.pushStep(accountId, options);
    expect(step.kind).toBe('wait');
    expect(sent.length).toBe(requests);

    // The network comes back; wakePush ends the wait at once (made an hour long here: 36 s real).
    clock.instant = false;
    net.online = true;
    await store.commit([
      {
        store: 'meta',
        op: 'put',
        value: { key: stateKey(accountId), value: { ...(await pushState(store, accountId)), retryAt: clock.now() + 3_600_000 } },
      },
    ]);
    const loop = start(revived, accountId, options);
    await new Promise((r) => setTimeout(r, 20));
    await revived.wakePush(accountId);
    await until(() => pings(sent.slice(requests)).length >= 1, 'a Ping after the wake');
    expect(
      sent
        .slice(requests)
        .map((s) => s.cmd)
        .slice(0, 2),
    ).toEqual(['FolderSync', 'Sync']); // the catch-up sync first
    expect(await pushState(store, accountId)).toMatchObject({ failures: 0, synced: true });
    await loop.stop();
  });
});

function syncedFoldersCount(folders: readonly { class?: string; type: number; enabled: boolean }[]): number {
  return folders.filter((f) => f.enabled && ['Email', 'Calendar', 'Contacts', 'Tasks'].includes(f.class ?? '')).length;
}
