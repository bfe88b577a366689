/** Vault mode: the password goes to the proxy once; the browser holds only an HttpOnly, Secure, SameSite=Strict cookie. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLoginForm, Vault } from '../../src/proxy/vault.ts';
import { textAt } from '../../src/wbxml/tree.ts';
import { basic, customUpstream, decoded, easPath, makeDist, raw, startWith, startWithMock, wbxml, WBXML, type Started } from './support.ts';

let dist: Awaited<ReturnType<typeof makeDist>>;
let s: Started;
let clock = 1_000_000;
const DAY = 86_400_000;

beforeAll(async () => {
  dist = await makeDist();
  s = await startWithMock(dist.dist, { vault: true, now: () => clock, sessionIdleMs: 30 * DAY });
});

afterAll(async () => {
  await s.stop();
  await dist.remove();
});

function login(form: unknown, headers: Record<string, string> = {}) {
  return raw(s.proxy.url, {
    method: 'POST',
    path: '/proxy/login',
    body: JSON.stringify(form),
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** The `name=value` part of a Set-Cookie header, for sending back as Cookie. */
function cookieOf(setCookie: string[] | undefined): string {
  return (setCookie?.[0] ?? '').split(';')[0] ?? '';
}

function folderSync(cookie: string | undefined, headers: Record<string, string> = {}) {
  return raw(s.proxy.url, {
    method: 'POST',
    path: easPath('FolderSync', 'alice', `vault${Math.random()}`.slice(0, 20)),
    body: wbxml('<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>'),
    headers: { 'MS-ASProtocolVersion': '14.1', 'Content-Type': WBXML, ...(cookie ? { Cookie: cookie } : {}), ...headers },
  });
}

describe('vault login', () => {
  it('refuses a wrong password with 401, no cookie and no WWW-Authenticate', async () => {
    const res = await login({ user: 'alice', password: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(s.proxy.sessions()).toBe(0);
  });

  it('opens a session with an HttpOnly, Secure, SameSite=Strict cookie for the whole site', async () => {
    const res = await login({ url: 'https://elsewhere.example', user: 'alice', domain: 'EXAMPLE', password: 'alicepass' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ user: 'EXAMPLE\\alice' });
    const cookie = res.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/^eas_session=[A-Za-z0-9_-]{43}; /);
    const flags = cookie.split('; ').slice(1);
    expect(flags).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/', `Max-Age=${30 * 86_400}`]));
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('wants JSON (a form post from another page cannot send it) and a user and password', async () => {
    const form = await raw(s.proxy.url, {
      method: 'POST',
      path: '/proxy/login',
      body: 'user=alice&password=alicepass',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect((await login({ user: 'alice' })).status).toBe(400);
    expect(
      (await raw(s.proxy.url, { method: 'POST', path: '/proxy/login', body: '{', headers: { 'Content-Type': 'application/json' } })).status,
    ).toBe(400);
    expect((await raw(s.proxy.url, { path: '/proxy/login' })).status).toBe(405);
  });

  it('refuses a login another origin makes the browser send', async () => {
    expect((await login({ user: 'alice', password: 'alicepass' }, { 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
    expect((await login({ user: 'alice', password: 'alicepass' }, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await login({ user: 'alice', password: 'alicepass' }, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
  });
});

describe('vault forwarding', () => {
  it('authenticates forwarded requests from the vault; without a session they get 401 without a dialog', async () => {
    const none = await folderSync(undefined);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBeUndefined();
    const bogus = await folderSync('eas_session=' + 'A'.repeat(43));
    expect(bogus.status).toBe(401);
    const cookie = cookieOf((await login({ user: 'alice', password: 'alicepass' })).headers['set-cookie']);
    const res = await folderSync(cookie);
    expect(res.status).toBe(200);
    expect(textAt(decoded(res.body), 'Status')).toBe('1');
    expect(s.logs.at(-1)).not.toContain('client Authorization');
    const overridden = await folderSync(cookie, { Authorization: basic('alice', 'wrong') });
    expect(overridden.status).toBe(200);
    await expect.poll(() => s.logs.at(-1)).toMatch(/ 200 \d+ms .*\(client Authorization replaced\)$/);
    const session = await raw(s.proxy.url, { path: '/proxy/session', headers: { Cookie: cookie } });
    expect(JSON.parse(session.body.toString())).toEqual({ user: 'alice' });
  });

  it('refuses a cross-origin EAS request even with the cookie', async () => {
    const cookie = cookieOf((await login({ user: 'alice', password: 'alicepass' })).headers['set-cookie']);
    expect((await folderSync(cookie, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await folderSync(cookie, { Origin: 'null' })).status).toBe(403);
  });

  it('forgets the session at logout and clears the cookie', async () => {
    const cookie = cookieOf((await login({ user: 'bob', password: 'bobpass' })).headers['set-cookie']);
    const before = s.proxy.sessions();
    const out = await raw(s.proxy.url, { method: 'POST', path: '/proxy/logout', headers: { Cookie: cookie } });
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie']?.[0]).toMatch(/^eas_session=; .*Max-Age=0/);
    expect(s.proxy.sessions()).toBe(before - 1);
    expect((await folderSync(cookie)).status).toBe(401);
    expect((await raw(s.proxy.url, { path: '/proxy/session', headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('expires a session after the idle time, and renews the cookie of a session in use after a day', async () => {
    const cookie = cookieOf((await login({ user: 'alice', password: 'alicepass' })).headers['set-cookie']);
    clock += 2 * DAY;
    const used = await folderSync(cookie);
    expect(used.status).toBe(200);
    expect(cookieOf(used.headers['set-cookie'])).toBe(cookie);
    clock += 29 * DAY; // 29 days after the last use: still alive
    expect((await folderSync(cookie)).status).toBe(200);
    clock += 30 * DAY + 1;
    expect((await folderSync(cookie)).status).toBe(401);
  });

  it('answers 502 to a login when the upstream fails, and 404 for /proxy/* without vault mode', async () => {
    const broken = await customUpstream((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const t = await startWith(broken, dist.dist, { vault: true });
    const res = await raw(t.proxy.url, {
      method: 'POST',
      path: '/proxy/login',
      body: '{"user":"a","password":"b"}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(502);
    expect(t.proxy.sessions()).toBe(0);
    await t.stop();
    const plain = await startWithMock(dist.dist);
    expect(
      (await raw(plain.proxy.url, { method: 'POST', path: '/proxy/login', body: '{}', headers: { 'Content-Type': 'application/json' } }))
        .status,
    ).toBe(404);
    await plain.stop();
  });
});

describe('GET /proxy/config', () => {
  it('tells the app it is served in vault mode, and not otherwise', async () => {
    const vault = await raw(s.proxy.url, { path: '/proxy/config' });
    expect(vault.status).toBe(200);
    expect(vault.headers['content-type']).toBe('application/json');
    expect(vault.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(vault.body.toString())).toEqual({ vault: true });
    expect((await raw(s.proxy.url, { method: 'POST', path: '/proxy/config' })).status).toBe(405);
    const plain = await startWithMock(dist.dist);
    const answer = await raw(plain.proxy.url, { path: '/proxy/config' });
    expect([answer.status, JSON.parse(answer.body.toString())]).toEqual([200, { vault: false }]);
    await plain.stop();
  });
});

describe('Vault store', () => {
  it('keeps at most maxSessions, dropping the least recently used', () => {
    let now = 0;
    const v = new Vault({ idleMs: 1000, maxSessions: 2, now: () => now });
    const a = v.open('a', 'Basic YQ==');
    const b = v.open('b', 'Basic Yg==');
    now = 10;
    expect(v.use(a)?.user).toBe('a'); // a is now the most recent
    const c = v.open('c', 'Basic Yw==');
    expect(v.size).toBe(2);
    expect(v.use(b)).toBeUndefined();
    expect(v.use(c)?.user).toBe('c');
    now = 2000;
    v.sweep();
    expect(v.size).toBe(0);
  });

  it('reads the login form and ignores url', () => {
    expect(parseLoginForm('{"url":"x","user":"u","password":"p"}')).toEqual({ user: 'u', password: 'p' });
    expect(parseLoginForm('{"user":"u","password":"p","domain":"D"}')).toEqual({ user: 'u', password: 'p', domain: 'D' });
    expect(parseLoginForm('{"user":"u","password":""}')).toBeUndefined();
    expect(parseLoginForm('{"user":"u","password":"p","domain":3}')).toBeUndefined();
    expect(parseLoginForm('[]')).toBeUndefined();
  });
});
