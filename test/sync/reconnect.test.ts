import 'fake-indexeddb/auto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType, type Mailbox } from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { EasRequest } from '../../src/eas/command.ts';
import { buildSendMail } from '../../src/eas/commands/sendmail.ts';
import { EasNetworkError } from '../../src/eas/response.ts';
import { closedUnanswered, safeToRepeat } from '../../src/sync/reconnect.ts';
import { el } from '../../src/wbxml/tree.ts';
import { alice, diffViews, engineFor, journaledStore, localView, mockServer, serverView, itemIdOf } from './support.ts';

/** The error undici gives for a request written to a socket the server had closed. */
function socketClosed(): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
}

const cmdOf = (url: string | undefined): string => new URL(url ?? '/', 'http://x').searchParams.get('Cmd') ?? 'OPTIONS';

/**
 * The mock over a real loopback socket, with keep-alive. `kill(cmd, n)` makes the server
 * destroy the connection of the n-th next request of that command without a byte of answer.
 */
async function loopback(mock: MockServer) {
  const seen: string[] = [];
  const kills = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const cmd = req.method === 'OPTIONS' ? 'OPTIONS' : cmdOf(req.url);
    seen.push(cmd);
    const left = kills.get(cmd) ?? 0;
    if (left > 0) {
      kills.set(cmd, left - 1);
      req.socket.destroy(); // silent close: no status line, no RST-free goodbye
      return;
    }
    void answer(mock, req).then(async (r) => {
      res.writeHead(r.status, Object.fromEntries(r.headers));
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    kill: (cmd: string, n = 1) => kills.set(cmd, n),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function answer(mock: MockServer, req: IncomingMessage): Promise<Response> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const body = req.method === 'POST' ? new Uint8Array(Buffer.concat(chunks)) : undefined;
  return mock.handle(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }));
}

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

async function setup() {
  const mock = mockServer({ data: { mails: 8, contacts: 3, events: 3, tasks: 2, notes: 0, gal: 0 } });
  const net = await loopback(mock);
  running.push(net);
  const { store } = await journaledStore();
  const h = engineFor(store, (r) => fetch(r));
  const account = await h.engine.addAccount({ ...alice, server: net.url });
  return { mock, net, store, ...h, account };
}

describe('a connection the server closed silently (over a real socket)', () => {
  it('a Sync goes again at once on a new connection: no back-off, nothing lost or doubled', async () => {
    const { mock, net, store, engine, account, clock } = await setup();
    net.kill('Sync');
    net.seen.length = 0;
    clock.slept.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(net.seen.filter((c) => c === 'Sync').length).toBeGreaterThan(1);
    expect(clock.slept).toEqual([]);
    expect(diffViews(serverView(mock), await localView(store, account.id))).toEqual([]);
  });

  it('only once: a second close in a row falls back to the back-off', async () => {
    const { net, engine, account, clock } = await setup();
    net.kill('FolderSync', 2);
    clock.slept.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(clock.slept).toEqual([1000]);
  });

  it('a MoveItems is not repeated by the session (a second move would fail and lose the new ServerId): its queue sends it with the next sync', async () => {
    const { mock, net, store, engine, account, clock } = await setup();
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const mb = mock.mock.world.mailboxes.get('alice') as Mailbox;
    const inbox = requireFolderOfType(mb, FolderType.Inbox).store;
    const trash = requireFolderOfType(mb, FolderType.DeletedItems).store;
    await engine.moveItem(account.id, await itemIdOf(store, account.id, inbox.id, [...inbox.items.keys()][0] as string), trash.id);
    net.kill('MoveItems');
    net.seen.length = 0;
    clock.slept.length = 0;
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect([net.seen.filter((c) => c === 'MoveItems').length, clock.slept]).toEqual([1, []]);
    expect((await store.db.getAll('pending')).map((p) => p.kind)).toEqual(['move']);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(await store.db.getAll('pending')).toEqual([]);
    expect(diffViews(serverView(mock), await localView(store, account.id))).toEqual([]);
  });
});

describe('how soon the close came', () => {
  /** A failing first Sync that takes `ms` of the test clock before its socket error. */
  async function firstSyncFails(ms: number): Promise<number[]> {
    const mock = mockServer({ data: { mails: 3, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 0 } });
    let t = Date.UTC(2026, 4, 15);
    const slept: number[] = [];
    const clock = {
      now: () => t,
      sleep: async (d: number) => {
        slept.push(d);
        t += d;
      },
    };
    let fail = 1;
    const { store } = await journaledStore();
    const { engine } = engineFor(
      store,
      async (r) => {
        if (cmdOf(r.url) === 'Sync' && fail-- > 0) {
          t += ms;
          throw socketClosed();
        }
        return mock.handle(r);
      },
      { clock },
    );
    const account = await engine.addAccount(alice);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    return slept;
  }

  it('at once (a stale connection): sent again without waiting', async () => {
    expect(await firstSyncFails(5)).toEqual([]);
  });

  it('after 3 s (a cut mid-request, not a stale connection): the usual back-off', async () => {
    expect(await firstSyncFails(3000)).toEqual([1000]);
  });
});

describe('closedUnanswered', () => {
  it('is the undici socket error before any answer byte, and nothing else', () => {
    expect(closedUnanswered(new EasNetworkError(socketClosed()))).toBe(true);
    expect(
      closedUnanswered(
        new EasNetworkError(new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })),
      ),
    ).toBe(true);
    expect(closedUnanswered(new EasNetworkError(socketClosed(), true))).toBe(false); // the body broke off
    expect(closedUnanswered(new EasNetworkError(new TypeError('Failed to fetch')))).toBe(false); // a browser, or offline
    expect(
      closedUnanswered(
        new EasNetworkError(
          new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }),
        ),
      ),
    ).toBe(false);
    expect(closedUnanswered(socketClosed())).toBe(false); // not from the transport layer
  });
});

describe('safeToRepeat: the rule per command', () => {
  const fetchOp = el('ItemOperations', 'Fetch', el('ItemOperations', 'Store', 'Mailbox'));
  const mail = { clientId: 'c1', saveInSentItems: true, mime: new TextEncoder().encode('Subject: x\r\n\r\nx') };
  const cases: [string, EasRequest, '12.1' | '14.1', boolean][] = [
    ['Sync', { cmd: 'Sync' }, '14.1', true],
    ['FolderSync', { cmd: 'FolderSync' }, '14.1', true],
    ['Ping', { cmd: 'Ping' }, '14.1', true],
    ['ItemOperations Fetch', { cmd: 'ItemOperations', body: el('ItemOperations', 'ItemOperations', fetchOp) }, '14.1', true],
    [
      'ItemOperations Move',
      { cmd: 'ItemOperations', body: el('ItemOperations', 'ItemOperations', fetchOp, el('ItemOperations', 'Move')) },
      '14.1',
      false,
    ],
    ['SendMail 14.1 (ClientId)', buildSendMail(mail, { version: '14.1' }), '14.1', true],
    ['SendMail 12.1 (bare MIME)', buildSendMail(mail, { version: '12.1' }), '12.1', false],
    ['MoveItems', { cmd: 'MoveItems' }, '14.1', false],
    ['MeetingResponse', { cmd: 'MeetingResponse' }, '14.1', false],
    ['FolderCreate', { cmd: 'FolderCreate' }, '14.1', false],
    ['Provision', { cmd: 'Provision' }, '14.1', false],
  ];
  it.each(cases)('%s', (_name, req, version, expected) => {
    expect(safeToRepeat(req, version)).toBe(expected);
  });
});
