/**
 * Forwarding through the proxy to the mock EAS server over real HTTP on 127.0.0.1:
 * WBXML round trips, OPTIONS, Autodiscover, the 401 without its dialog, streaming
 * both ways, long polls, client aborts, and the limits.
 */
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp } from '../../mocks/node-http.ts';
import { createMockServer } from '../../mocks/server.ts';
import { kid, kids, path, textAt } from '../../src/wbxml/tree.ts';
import {
  basic,
  customUpstream,
  decoded,
  easPath,
  makeDist,
  raw,
  sleep,
  startWith,
  startWithMock,
  wbxml,
  WBXML,
  type Started,
} from './support.ts';

let dist: Awaited<ReturnType<typeof makeDist>>;

beforeAll(async () => {
  dist = await makeDist();
});

afterAll(async () => {
  await dist.remove();
});

const ALICE = basic('alice', 'alicepass');
const FOLDER_SYNC = '<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>';

function post(base: string, target: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  return raw(base, {
    method: 'POST',
    path: target,
    body,
    headers: { Authorization: ALICE, 'MS-ASProtocolVersion': '14.1', 'Content-Type': WBXML, ...headers },
  });
}

/** FolderSync through the proxy; returns the Inbox's ServerId (Type 2, MS-ASCMD 2.2.3.186.3). */
async function inboxId(base: string, device: string): Promise<string> {
  const res = await post(base, easPath('FolderSync', 'alice', device), wbxml(FOLDER_SYNC));
  const adds = kids(path(decoded(res.body), 'Changes')!, 'Add');
  return textAt(
    adds.find((a) => textAt(a, 'Type') === '2'),
    'ServerId',
  )!;
}

describe('EAS through the proxy', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startWithMock(dist.dist);
  });
  afterAll(async () => s.stop());

  it('carries a FolderSync WBXML request and its WBXML answer unchanged', async () => {
    const res = await post(s.proxy.url, easPath('FolderSync'), wbxml(FOLDER_SYNC));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(WBXML);
    const root = decoded(res.body);
    expect(root.name).toBe('FolderSync');
    expect(textAt(root, 'Status')).toBe('1');
    const names = kids(kid(root, 'Changes')!, 'Add').map((a) => textAt(a, 'DisplayName'));
    expect(names).toContain('Inbox');
  });

  it('forwards OPTIONS with the version and command headers', async () => {
    const res = await raw(s.proxy.url, { method: 'OPTIONS', path: '/Microsoft-Server-ActiveSync', headers: { Authorization: ALICE } });
    expect(res.status).toBe(200);
    expect(res.headers['ms-asprotocolversions']).toBe('12.1,14.0,14.1,16.0,16.1');
    expect(res.headers['ms-asprotocolcommands']).toContain('FolderSync');
  });

  it('forwards the EAS path in any case, and refuses methods EAS does not use', async () => {
    const res = await raw(s.proxy.url, { method: 'OPTIONS', path: '/microsoft-server-activesync', headers: { Authorization: ALICE } });
    expect(res.status).toBe(200);
    const get = await raw(s.proxy.url, { path: '/Microsoft-Server-ActiveSync', headers: { Authorization: ALICE } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('OPTIONS, POST');
  });

  it('keeps a 401 but drops WWW-Authenticate, which the mock sends', async () => {
    const direct = await raw(s.upstream, {
      method: 'OPTIONS',
      path: '/Microsoft-Server-ActiveSync',
      headers: { Authorization: basic('alice', 'wrong') },
    });
    expect(direct.status).toBe(401);
    expect(direct.headers['www-authenticate']).toBeDefined();
    const proxied = await raw(s.proxy.url, {
      method: 'OPTIONS',
      path: '/Microsoft-Server-ActiveSync',
      headers: { Authorization: basic('alice', 'wrong') },
    });
    expect(proxied.status).toBe(401);
    expect(proxied.headers['www-authenticate']).toBeUndefined();
    const none = await raw(s.proxy.url, { method: 'OPTIONS', path: '/Microsoft-Server-ActiveSync' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBeUndefined();
  });

  it.each(['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml', '/AUTODISCOVER/AUTODISCOVER.XML'])(
    'forwards Autodiscover at %s and names the proxy as the EAS endpoint',
    async (at) => {
      const body =
        '<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006">' +
        '<Request><EMailAddress>alice@example.test</EMailAddress></Request></Autodiscover>';
      const headers = { Authorization: ALICE, 'Content-Type': 'text/xml' };
      const direct = await raw(s.upstream, { method: 'POST', path: at, headers, body });
      expect(direct.body.toString()).toContain(`<Url>${s.upstream}/Microsoft-Server-ActiveSync</Url>`);
      const res = await raw(s.proxy.url, { method: 'POST', path: at, headers, body });
      expect(res.status).toBe(200);
      const xml = res.body.toString();
      expect(xml).toContain(`<Url>${s.proxy.url}/Microsoft-Server-ActiveSync</Url>`);
      expect(xml).toContain('<EMailAddress>alice@example.test</EMailAddress>');
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
    },
  );

  it('opens a connection per upstream request: a server that closes after each answer without saying so (sogod) never sees a request on a dead socket', async () => {
    const answered = new WeakSet<object>();
    const sogodLike = await customUpstream((req, res) => {
      req.resume();
      if (answered.has(req.socket)) return; // a second request on the connection is never answered
      answered.add(req.socket);
      res.end('ok');
      setTimeout(() => req.socket.destroy(), 40); // closes a while after the answer, no Connection: close
    });
    const t = await startWith(sogodLike, dist.dist);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await raw(t.proxy.url, { method: 'POST', path: easPath('Sync'), body: 'x' })).status);
      await sleep(10);
    }
    await t.stop();
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const gone = await customUpstream(() => undefined);
    const t = await startWith(gone, dist.dist);
    await gone.close();
    const res = await raw(t.proxy.url, { method: 'OPTIONS', path: '/Microsoft-Server-ActiveSync' });
    expect(res.status).toBe(502);
    await t.proxy.close();
    expect(t.logs.join('\n')).toContain('upstream ECONNREFUSED');
  });
});

describe('headers and the upstream path', () => {
  it('adds the path prefix, names the upstream in Host, adds X-Forwarded-*, drops hop-by-hop headers and the session cookie', async () => {
    let seen: { url?: string; headers: Record<string, unknown> } = { headers: {} };
    const echo = await customUpstream((req, res) => {
      seen = { url: req.url, headers: req.headers };
      res.writeHead(200, { 'X-Upstream': 'yes', 'Keep-Alive': 'timeout=5', Connection: 'X-Private', 'X-Private': 'hop' });
      res.end('ok');
    });
    for (const base of [`${echo.url}/SOGo`, `${echo.url}/SOGo/Microsoft-Server-ActiveSync`]) {
      const t = await startWith({ url: base, close: async () => undefined }, dist.dist);
      const res = await raw(t.proxy.url, {
        method: 'POST',
        path: `${easPath('Sync')}&Extra=%5C`,
        body: 'x',
        headers: {
          Authorization: ALICE,
          Connection: 'X-Secret-Hop',
          'X-Secret-Hop': '1',
          'Proxy-Authorization': 'Basic eA==',
          Cookie: 'eas_session=abc; theme=dark',
          'X-Forwarded-For': '10.0.0.9',
        },
      });
      await t.proxy.close();
      expect(res.status).toBe(200);
      expect(res.headers['x-upstream']).toBe('yes');
      expect(res.headers['x-private']).toBeUndefined();
      expect(seen.url).toBe(`/SOGo${easPath('Sync')}&Extra=%5C`);
      expect(seen.headers.host).toBe(new URL(echo.url).host);
      expect(seen.headers.authorization).toBe(ALICE);
      expect(seen.headers['x-secret-hop']).toBeUndefined();
      expect(seen.headers['proxy-authorization']).toBeUndefined();
      expect(seen.headers.cookie).toBe('theme=dark');
      expect(seen.headers['x-forwarded-for']).toBe('10.0.0.9, 127.0.0.1');
      expect(seen.headers['x-forwarded-proto']).toBe('http');
      expect(seen.headers['x-forwarded-host']).toBe(new URL(t.proxy.url).host);
    }
    await echo.close();
  });
});

describe('early answers', () => {
  it('relays an answer the upstream gives before the upload has ended', async () => {
    // Like Apache and IIS, the upstream answers at once, drains the body for a while, then closes.
    const early = await customUpstream((req, res) => {
      req.resume();
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end('no credentials, no upload');
      setTimeout(() => req.socket.destroy(), 100);
    });
    const t = await startWith(early, dist.dist);
    const url = new URL(t.proxy.url);
    let uploadEnded = 0;
    const answer = await new Promise<{ status: number; body: string; at: number }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: easPath('SendMail'), agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, at: performance.now() }));
      });
      req.on('error', reject);
      let sent = 0;
      const more = (): void => {
        if (sent >= 1_000_000) {
          uploadEnded = performance.now();
          return void req.end();
        }
        sent += 64 * 1024;
        req.write(Buffer.alloc(64 * 1024, 120));
        setTimeout(more, 20);
      };
      more();
    });
    while (uploadEnded === 0) await sleep(20);
    await t.stop();
    expect(answer.status).toBe(401);
    expect(answer.body).toBe('no credentials, no upload');
    expect(answer.at).toBeLessThan(uploadEnded);
  });
});

describe('streaming and long polls', () => {
  it('delivers a slow answer as it comes, not when the upstream has finished', async () => {
    let upstreamDone = 0;
    const slow = await customUpstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': WBXML });
      res.write('first part;');
      setTimeout(() => {
        res.end('second part');
        upstreamDone = performance.now();
      }, 800);
    });
    const t = await startWith(slow, dist.dist);
    const start = performance.now();
    const { firstAt, endAt, body } = await new Promise<{ firstAt: number; endAt: number; body: string }>((resolve, reject) => {
      const url = new URL(t.proxy.url);
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: easPath('ItemOperations'), agent: false }, (res) => {
        let firstAt = 0;
        let body = '';
        res.on('data', (c: Buffer) => {
          firstAt ||= performance.now();
          body += c.toString();
        });
        res.on('end', () => resolve({ firstAt, endAt: performance.now(), body }));
      });
      req.on('error', reject);
      req.end('x');
    });
    await t.stop();
    expect(body).toBe('first part;second part');
    expect(firstAt).toBeLessThan(upstreamDone);
    expect(firstAt - start).toBeLessThan(400);
    expect(endAt - start).toBeGreaterThanOrEqual(790);
  });

  it('streams the request body to the upstream as the client sends it', async () => {
    let firstByteAt = 0;
    const sink = await customUpstream((req, res) => {
      req.once('data', () => {
        firstByteAt = performance.now();
      });
      req.resume();
      req.on('end', () => res.end('got it'));
    });
    const t = await startWith(sink, dist.dist);
    const url = new URL(t.proxy.url);
    let lastSentAt = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: easPath('SendMail'), agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write('From: alice\r\n\r\n');
      setTimeout(() => {
        lastSentAt = performance.now();
        req.end('the rest of the message');
      }, 600);
    });
    await t.stop();
    expect(status).toBe(200);
    expect(firstByteAt).toBeGreaterThan(0);
    expect(firstByteAt).toBeLessThan(lastSentAt);
  });

  /** A Ping with HeartbeatInterval 60 that the mock, at time scale 0.04, holds for 2.4 s (MS-ASCMD 2.2.3.86.1). */
  async function heldPing(idleTimeoutMs: number): Promise<{ status: number; ms: number; body: Buffer; logs: string[] }> {
    const upstream = await serveHttp(createMockServer({ data: false, config: { timeScale: 0.04 } }), { port: 0 });
    const t = await startWith(upstream, dist.dist, { idleTimeoutMs, requestTimeoutMs: 1000 });
    const id = await inboxId(t.proxy.url, 'pingdev');
    const ping = `<Ping xmlns="Ping"><HeartbeatInterval>60</HeartbeatInterval><Folders><Folder><Id>${id}</Id><Class>Email</Class></Folder></Folders></Ping>`;
    const start = performance.now();
    const res = await post(t.proxy.url, easPath('Ping', 'alice', 'pingdev'), wbxml(ping));
    const ms = performance.now() - start;
    await t.stop();
    return { status: res.status, ms, body: res.body, logs: t.logs };
  }

  it('holds a Ping for its whole heartbeat, longer than the request timeout', async () => {
    const { status, ms, body } = await heldPing(5000);
    expect(status).toBe(200);
    expect(textAt(decoded(body), 'Status')).toBe('1'); // the heartbeat ran out with no changes
    expect(ms).toBeGreaterThanOrEqual(2350);
  });

  it('answers 504 when the upstream stays silent longer than the idle timeout', async () => {
    const { status, ms, logs } = await heldPing(1000);
    expect(status).toBe(504);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(2300);
    expect(logs.at(-1)).toContain('upstream idle timeout');
  });

  it('aborts the upstream request when the client goes away', async () => {
    let upstreamClosedAt = 0;
    const hold = await customUpstream((req, res) => {
      req.resume();
      res.on('close', () => {
        upstreamClosedAt = performance.now();
      });
      setTimeout(() => res.end('late'), 5000).unref();
    });
    const t = await startWith(hold, dist.dist);
    const url = new URL(t.proxy.url);
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: easPath('Ping'), agent: false });
    req.on('error', () => undefined);
    req.end('x');
    await sleep(300);
    const abortedAt = performance.now();
    req.destroy();
    await sleep(300);
    await t.stop();
    expect(upstreamClosedAt).toBeGreaterThan(abortedAt);
    expect(upstreamClosedAt - abortedAt).toBeLessThan(250);
    expect(t.logs.at(-1)).toMatch(/ 499 .*client went away/);
  });
});

describe('limits', () => {
  it('refuses a body over the limit with 413, declared or streamed, and passes one at the limit', async () => {
    const t = await startWithMock(dist.dist, { maxBodyBytes: 1000 });
    const declared = await post(t.proxy.url, easPath('SendMail'), 'x'.repeat(1001), { 'Content-Type': 'message/rfc822' });
    expect(declared.status).toBe(413);
    const url = new URL(t.proxy.url);
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: easPath('SendMail'),
          agent: false,
          headers: { Authorization: ALICE, 'MS-ASProtocolVersion': '14.1', 'Content-Type': 'message/rfc822' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('x'.repeat(600));
      req.end('x'.repeat(600)); // chunked: no Content-Length to check in advance
    });
    expect(streamed).toBe(413);
    const fits = await post(t.proxy.url, easPath('FolderSync'), wbxml(FOLDER_SYNC));
    expect(fits.status).toBe(200);
    await t.stop();
    expect(t.logs.filter((l) => l.includes('request body over the limit'))).toHaveLength(2);
  });

  it('answers Expect: 100-continue with 413 for a body over the limit, and with 100 for one within', async () => {
    const t = await startWithMock(dist.dist, { maxBodyBytes: 1000 });
    const url = new URL(t.proxy.url);
    const body = wbxml(FOLDER_SYNC);
    const ask = (length: number) =>
      new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        let continued = false;
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: easPath('FolderSync'),
            agent: false,
            headers: {
              Authorization: ALICE,
              'MS-ASProtocolVersion': '14.1',
              'Content-Type': WBXML,
              'Content-Length': length,
              Expect: '100-continue',
            },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, continued });
          },
        );
        req.on('continue', () => {
          continued = true;
          req.end(body);
        });
        req.on('error', reject);
      });
    expect(await ask(5000)).toEqual({ status: 413, continued: false });
    expect(await ask(body.length)).toEqual({ status: 200, continued: true });
    await t.stop();
  });

  it('answers 503 beyond the connection limit, and serves again once connections close', async () => {
    const t = await startWithMock(dist.dist, { maxConnections: 2 });
    const url = new URL(t.proxy.url);
    const sockets: Socket[] = [];
    for (let i = 0; i < 2; i++) sockets.push(connect(Number(url.port), url.hostname));
    while (t.proxy.connections() < 2) await sleep(10);
    const refused = await raw(t.proxy.url, { path: '/' });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    for (const socket of sockets) socket.destroy();
    while (t.proxy.connections() > 0) await sleep(10);
    expect((await raw(t.proxy.url, { path: '/' })).status).toBe(200);
    await t.stop();
  });

  it('answers 431 to headers over the limit', async () => {
    const t = await startWithMock(dist.dist, { maxHeaderBytes: 4096 });
    const res = await raw(t.proxy.url, { path: '/', headers: { 'X-Big': 'y'.repeat(5000) } });
    expect(res.status).toBe(431);
    await t.stop();
  });
});
