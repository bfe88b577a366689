/**
 * The built-in demo server: the mock EAS server (mocks/) answering inside the service
 * worker through MSW's `getResponse`. MSW's own browser worker cannot help here: it
 * does not see the requests a service worker makes (the engine runs in ours), and two
 * service workers cannot share one scope.
 *
 * What it answers:
 * - requests to `example.test` and `autodiscover.example.test` (RFC 2606 reserves the
 *   name, so no real server can live there; see demo-host.ts): Autodiscover and
 *   `/Microsoft-Server-ActiveSync`;
 * - on the app's own origin, the mock's control API `/mock-control/...` and the
 *   demo's read-only views `/__demo/folders?user=alice` and
 *   `/__demo/mailbox?user=bob&folder=Inbox` (the end-to-end tests read them).
 *
 * The mock's world lives in the worker's memory, and the browser stops idle workers.
 * So that a restarted worker serves the same mailbox, the world is rebuilt the same
 * way and brought forward:
 * - it is seeded with a fixed seed and the creation time kept in IndexedDB (the demo
 *   data's dates are relative to "now");
 * - every request that reached the mock (all but Ping, the control API's fault
 *   settings, and answers faked by a fault: 401, 451, 503) is appended to a log in
 *   IndexedDB before its answer is returned, and replayed in order with the clock set
 *   to the time it was first handled and the mock's timers at zero.
 * What survives a restart: mailboxes (delivered, moved, deleted, answered items, new
 * mail), each device's sync state and keys, and the "network dropped" switch. What
 * does not: one-shot faults not yet used (503, invalid SyncKey), a change stream, and
 * a Ping that was being held (the client simply sends the next one).
 */
import { getResponse } from 'msw';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { createMockServer, type MockServer } from '../../mocks/server.ts';
import { mswHandlers } from '../../mocks/msw.ts';
import { FolderType, mailContent, type Mail } from '../../mocks/model.ts';
import { DEMO_DOMAIN, isDemoHost } from './demo-host.ts';

const SEED = 1;

/** What the fault panel can do. */
export type DemoAction = 'state' | 'network-down' | 'network-up' | '503' | 'invalid-synckey' | 'new-mail';

export interface DemoState {
  /** The demo network is cut: every request to the demo server fails like a lost connection. */
  readonly networkDown: boolean;
  /** One-shot faults waiting for the next requests. */
  readonly pending: { readonly unavailable: number; readonly invalidSyncKey: number };
  /** Requests in the replay log. */
  readonly logged: number;
}

interface LoggedRequest {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly headers: [string, string][];
  readonly body?: ArrayBuffer;
}

interface DemoDb extends DBSchema {
  log: { key: number; value: LoggedRequest };
  meta: { key: string; value: { key: string; value: number | boolean } };
}

export interface DemoOptions {
  /** IndexedDB database of the replay log (the page fallback uses its own). */
  readonly dbName?: string;
  /** The connection as the browser sees it; the demo server is "unreachable" when false. */
  readonly online?: () => boolean;
}

export interface Demo {
  /** Whether `request` is for the demo server (then `handle` answers it). */
  claims(url: URL, origin: string): boolean;
  handle(request: Request): Promise<Response>;
  act(action: DemoAction, user?: string): Promise<DemoState>;
  /** The running mock, after its replay (tests compare mailboxes with it). */
  server(): Promise<MockServer>;
}

/** Same-origin paths of the demo (the mock's control API and the mailbox view). */
function isControlPath(url: URL, origin: string): boolean {
  return url.origin === origin && /^\/(mock-control|__demo)\//i.test(url.pathname);
}

/** The network as a lost connection shows it to fetch callers. */
function networkError(): TypeError {
  return new TypeError('Failed to fetch (demo network is down)');
}

export function createDemo(options: DemoOptions = {}): Demo {
  const dbName = options.dbName ?? 'eas-pwa-demo';
  const online = options.online ?? (() => true);
  let networkDown = false;
  let fixedNow: number | undefined;
  const now = (): number => fixedNow ?? Date.now();
  let ready: Promise<{ server: MockServer; db: IDBPDatabase<DemoDb> }> | undefined;
  let logged = 0;
  // One request at a time is logged in the order the mock finished it.
  let tail: Promise<unknown> = Promise.resolve();

  async function start(): Promise<{ server: MockServer; db: IDBPDatabase<DemoDb> }> {
    const db = await openDB<DemoDb>(dbName, 1, {
      upgrade(d) {
        d.createObjectStore('log', { autoIncrement: true });
        d.createObjectStore('meta', { keyPath: 'key' });
      },
    });
    const created = await db.get('meta', 'createdAt');
    const createdAt = typeof created?.value === 'number' ? created.value : Date.now();
    if (!created) await db.put('meta', { key: 'createdAt', value: createdAt });
    networkDown = (await db.get('meta', 'networkDown'))?.value === true;
    fixedNow = createdAt;
    const server = createMockServer({ seed: SEED, now });
    await replay(server, await db.getAll('log'));
    logged = await db.count('log');
    return { server, db };
  }

  async function replay(server: MockServer, entries: readonly LoggedRequest[]): Promise<void> {
    const handlers = mswHandlers(server);
    server.control.configure({ timeScale: 0 });
    try {
      for (const e of entries) {
        fixedNow = e.at;
        const res = await getResponse(handlers, new Request(e.url, { method: e.method, headers: e.headers, body: e.body ?? null }));
        await res?.arrayBuffer();
      }
    } finally {
      fixedNow = undefined;
      server.control.configure({ timeScale: 1 });
    }
  }

  const open = () => (ready ??= start());

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const control = /^\/(mock-control|__demo)\//i.test(url.pathname);
    if (!control && (networkDown || !online())) throw networkError();
    const { server, db } = await open();
    if (/^\/__demo\/mailbox$/i.test(url.pathname)) return mailboxView(server, url);
    if (/^\/__demo\/folders$/i.test(url.pathname)) return foldersView(server, url);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.clone().arrayBuffer();
    const at = now();
    const response = (await getResponse(mswHandlers(server), request)) ?? new Response('Not Found', { status: 404 });
    if (shouldLog(url, request.method, response.status)) {
      const entry: LoggedRequest = { at, method: request.method, url: request.url, headers: [...request.headers], body };
      tail = tail.then(() => db.add('log', entry)).then(() => logged++);
      await tail;
    }
    return response;
  }

  async function act(action: DemoAction, user = 'alice'): Promise<DemoState> {
    const { server, db } = await open();
    const faults = server.control.faults;
    switch (action) {
      case 'network-down':
      case 'network-up':
        networkDown = action === 'network-down';
        await db.put('meta', { key: 'networkDown', value: networkDown });
        break;
      case '503':
        faults.set({ unavailable: 1, retryAfter: 5 });
        break;
      case 'invalid-synckey':
        faults.set({ invalidSyncKey: 1 });
        break;
      case 'new-mail':
        // Through the control endpoint, so the new mail is logged and replayed.
        await handle(new Request(`https://${DEMO_DOMAIN}/mock-control/new-mail`, { method: 'POST', body: JSON.stringify({ user }) }));
        break;
      case 'state':
        break;
    }
    const spec = faults.spec;
    return { networkDown, pending: { unavailable: spec.unavailable, invalidSyncKey: spec.invalidSyncKey }, logged };
  }

  return {
    claims: (url, origin) => isDemoHost(url.hostname) || isControlPath(url, origin),
    handle,
    act,
    server: async () => (await open()).server,
  };
}

/** Requests that changed the mock's state and are not faults or held Pings. */
function shouldLog(url: URL, method: string, status: number): boolean {
  if (status === 401 || status === 451 || status === 503) return false;
  if (/^\/mock-control\//i.test(url.pathname)) return method === 'POST' && !/\/faults/i.test(url.pathname);
  return url.searchParams.get('Cmd') !== 'Ping';
}

/** `/__demo/folders?user=alice`: every folder of a mock mailbox with its item count (for the e2e tests). */
function foldersView(server: MockServer, url: URL): Response {
  const user = url.searchParams.get('user') ?? 'alice';
  const mailbox = server.mock.world.mailboxes.get(user);
  if (!mailbox) return Response.json({ error: `no user ${user}` }, { status: 404 });
  const folders = [...mailbox.folders].map(([id, f]) => ({ id, name: f.name, type: f.type, count: f.store.items.size }));
  return Response.json({ user, folders });
}

/** MS-ASEMAIL 2.2.2.31 Flag Status 2: flagged (0 cleared, 1 complete; an empty Flag clears it). */
const flagged = (mail: Mail): boolean =>
  mail.flag?.children.some((c) => typeof c === 'object' && 'name' in c && c.name === 'Status' && c.children.join('') === '2') ?? false;

/**
 * `/__demo/mailbox?user=bob&folder=Inbox`: what a mock folder holds (for the e2e tests):
 * each mail's subject, sender, recipients (To), date, read and flag; each contact's, event's or task's
 * simple properties as `Namespace:Name` -> text; with `bodies=1` each mail's text, HTML and files (name, type, size).
 */
function mailboxView(server: MockServer, url: URL): Response {
  const user = url.searchParams.get('user') ?? 'alice';
  const name = url.searchParams.get('folder') ?? 'Inbox';
  const mailbox = server.mock.world.mailboxes.get(user);
  const folder = [...(mailbox?.folders.values() ?? [])].find((f) => (name === 'Inbox' ? f.type === FolderType.Inbox : f.name === name));
  if (!folder) return Response.json({ error: `no folder ${name} for ${user}` }, { status: 404 });
  const items = [...folder.store.items.values()].map((i) => {
    const mail = i.data.kind === 'mail' ? (i.data as Mail) : undefined;
    const fields =
      i.data.kind === 'pim'
        ? Object.fromEntries(
            i.data.props
              .filter((p) => p.children.every((c) => typeof c === 'string'))
              .map((p) => [`${p.ns}:${p.name}`, p.children.join('')]),
          )
        : undefined;
    const content = mail && url.searchParams.get('bodies') === '1' ? mailContent(mail) : undefined;
    return {
      id: i.id,
      subject: mail?.subject,
      from: mail?.from.email,
      to: mail?.to.map((a) => a.email),
      date: mail?.date,
      read: mail?.read,
      flagged: mail ? flagged(mail) : undefined,
      fields,
      text: content?.text,
      html: content?.html,
      files: content?.attachments.map((a) => ({ name: a.name, type: a.contentType, size: a.bytes.length })),
    };
  });
  return Response.json({ user, folder: folder.name, items });
}
