/**
 * The proxy's OAuth client against a real OpenID provider (oidc-provider, test/support/oidc.ts)
 * and the mock in its Exchange-Online-like mode (16.1 only, Bearer JWTs of that provider, the
 * anchor cookie): a user signs in on the provider's own login form (here by HTTP, in Chromium in
 * test/e2e/oauth.test.ts), syncs, is refreshed, and is asked to sign in again after a refresh
 * token was used twice. What the scripted provider of oauth.test.ts cannot show: that the two
 * real ends agree on PKCE, resource indicators, JWT access tokens and rotation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp } from '../../mocks/node-http.ts';
import { createMockServer } from '../../mocks/server.ts';
import { textAt } from '../../src/wbxml/tree.ts';
import { EAS_RESOURCE, EAS_SCOPE, OIDC_CLIENT_ID, OTHER_RESOURCE, startOidc, type Oidc } from '../support/oidc.ts';
import { newMail } from '../../mocks/mutations.ts';
import { makeCert, startPushService, type PushService, type TestCert } from './push-service.ts';
import { folderSync as deviceFolderSync, newDevice, register, syncFolder } from './push-support.ts';
import { decoded, easPath, makeDist, raw, startWith, wbxml, type Started } from './support.ts';

let dist: Awaited<ReturnType<typeof makeDist>>;
let oidc: Oidc;
let s: Started | undefined;
const mocks = new WeakMap<Started, ReturnType<typeof createMockServer>>();
const worldOf = (started: Started) => {
  const mock = mocks.get(started);
  if (!mock) throw new Error('no mock for this proxy');
  return mock.mock.world;
};

beforeAll(async () => {
  dist = await makeDist();
  oidc = await startOidc();
});

afterEach(async () => {
  await s?.stop();
  s = undefined;
  oidc.accessTokenTtl = 3600;
});

afterAll(async () => {
  await oidc.close();
  await dist.remove();
});

async function start(o: { resource?: string; scope?: string; push?: { ca: string } } = {}): Promise<Started> {
  const mock = createMockServer({
    seed: 1,
    data: { mails: 3, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 0 },
    versions: ['16.1'],
    anchorCookie: true,
    bearer: { issuer: oidc.issuer, audience: EAS_RESOURCE, scope: EAS_SCOPE },
  });
  s = await startWith(await serveHttp(mock, { port: 0 }), dist.dist, {
    vault: true,
    oauth: {
      issuer: oidc.issuer,
      clientId: OIDC_CLIENT_ID,
      resource: o.resource ?? EAS_RESOURCE,
      scope: o.scope ?? `openid email profile offline_access ${EAS_SCOPE}`,
    },
    ...(o.push ? { push: { allowHosts: ['127.0.0.1'], ca: o.push.ca, relay: { quietMs: 50, backoffMs: { base: 100, cap: 800 } } } } : {}),
  });
  mocks.set(s, mock);
  return s;
}

/** A browser's cookies for 127.0.0.1 (any port: cookies do not separate ports). */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (attrs.some((a) => /^\s*max-age=0$/i.test(a)) || pair.slice(eq + 1) === '') this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** Follows redirects by hand, keeping cookies; stops at a page (200) or back at the proxy's `/`. */
async function follow(jar: Jar, url: string, init: RequestInit = {}): Promise<{ url: string; res: Response }> {
  let next = url;
  let options = init;
  for (let hops = 0; hops < 20; hops++) {
    const res = await fetch(next, {
      ...options,
      redirect: 'manual',
      headers: { ...(options.headers as Record<string, string>), Cookie: jar.header() },
    });
    jar.take(res);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { url: next, res };
    next = new URL(location, next).href;
    options = {};
    if (new URL(next).pathname === '/' && new URL(next).port === new URL(s?.proxy.url ?? '').port) return { url: next, res };
  }
  throw new Error('too many redirects');
}

/** The user's way: /proxy/oauth/start, the provider's login form filled in, back at the proxy. */
async function signIn(login = 'alice', password = 'alicepass'): Promise<{ jar: Jar; landed: string; formText: string }> {
  const jar = new Jar();
  const form = await follow(jar, `${s?.proxy.url}/proxy/oauth/start`);
  const formText = await form.res.text();
  const action = /<form method="post" action="([^"]+)"/.exec(formText)?.[1] ?? '';
  const back = await follow(jar, new URL(action, form.url).href, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password }).toString(),
  });
  return { jar, landed: back.url, formText };
}

function folderSync(jar: Jar) {
  return raw(s?.proxy.url ?? '', {
    method: 'POST',
    path: easPath('FolderSync', 'whoever'),
    body: wbxml('<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>'),
    headers: { Cookie: jar.header(), 'Content-Type': 'application/vnd.ms-sync.wbxml', 'MS-ASProtocolVersion': '16.1' },
  });
}

/** The refresh tokens the provider issued, oldest first. */
function refreshTokens(): string[] {
  return oidc.events.flatMap((e) => (e.refreshToken ? [e.refreshToken] : []));
}

describe('OAuth with a real OpenID provider and the mock in Bearer mode', () => {
  it("signs in on the provider's login form and syncs 16.1 with a JWT the mock verifies", async () => {
    await start();
    const { jar, landed, formText } = await signIn();
    expect(formText).toContain('<label>Password<br><input name="password" type="password"');
    expect(landed).toBe(`${s?.proxy.url}/`);
    expect(jar.get('eas_session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const who = await raw(s?.proxy.url ?? '', { path: '/proxy/session', headers: { Cookie: jar.header() } });
    expect(JSON.parse(who.body.toString())).toEqual({ user: 'alice@example.test', address: 'alice@example.test', oauth: true });
    const res = await folderSync(jar);
    expect(res.status).toBe(200);
    expect(textAt(decoded(res.body), 'Status')).toBe('1');
    const code = oidc.events.find((e) => e.grantType === 'authorization_code');
    // A JWT access token for the EAS resource (RFC 9068), with the scope asked for.
    const claims = JSON.parse(Buffer.from((code?.accessToken ?? '').split('.')[1] ?? '', 'base64url').toString());
    expect([claims.aud, claims.scope, claims.upn]).toEqual([EAS_RESOURCE, EAS_SCOPE, 'alice@example.test']);
    // Autodiscover's JSON form, from the mock through the proxy, points at the proxy.
    const json = await raw(s?.proxy.url ?? '', {
      path: '/autodiscover/autodiscover.json/v1.0/alice@example.test?Protocol=ActiveSync',
      headers: { Cookie: jar.header() },
    });
    expect([json.status, JSON.parse(json.body.toString())]).toEqual([
      200,
      { Protocol: 'ActiveSync', Url: `${s?.proxy.url}/Microsoft-Server-ActiveSync` },
    ]);
  });

  it('keeps the login form up after a wrong password', async () => {
    await start();
    const { landed, jar } = await signIn('alice', 'wrong');
    expect(new URL(landed).pathname).toMatch(/^\/interaction\/[^/]+\/login$/);
    expect(jar.get('eas_session')).toBeUndefined();
  });

  it('refreshes an expired access token with a rotated refresh token, and after a reused refresh token asks to sign in again', async () => {
    await start();
    oidc.accessTokenTtl = 30; // within the proxy's minute of early refresh: every request refreshes
    const { jar } = await signIn();
    const first = refreshTokens().at(-1) ?? '';
    expect((await folderSync(jar)).status).toBe(200);
    expect(oidc.events.at(-1)?.grantType).toBe('refresh_token');
    const rotated = refreshTokens().at(-1) ?? '';
    expect(rotated).not.toBe(first);
    // The first refresh token used again (a stolen copy): the provider refuses it and revokes the grant.
    const reuse = await oidc.refreshWith(first);
    expect([reuse.status, reuse.body['error']]).toEqual([400, 'invalid_grant']);
    const ended = await folderSync(jar);
    expect([ended.status, ended.headers['www-authenticate']]).toEqual([401, undefined]);
    const who = await raw(s?.proxy.url ?? '', { path: '/proxy/session', headers: { Cookie: jar.header() } });
    expect([who.status, JSON.parse(who.body.toString()).reason]).toEqual([401, 'signin']);
    const again = await signIn();
    expect((await folderSync(again.jar)).status).toBe(200);
  });

  it('refuses the sign-in when the token is for another audience or lacks the scope', async () => {
    await start({ resource: OTHER_RESOURCE });
    expect((await signIn()).landed).toBe(`${s?.proxy.url}/?signin-error=server_refused`);
    await s?.stop();
    await start({ scope: 'openid email offline_access' });
    expect((await signIn()).landed).toBe(`${s?.proxy.url}/?signin-error=server_refused`);
  });
});

describe('push for an organisation sign-in', () => {
  let cert: TestCert;
  let service: PushService;
  beforeAll(async () => {
    cert = makeCert();
    service = await startPushService(cert);
  });
  afterAll(async () => {
    await service.close();
    cert.remove();
  });

  it('holds the Ping with a Bearer token it refreshes and the anchor cookie, pushes a new mail, and stops when the grant is revoked', async () => {
    const started = await start({ push: { ca: cert.cert } });
    oidc.accessTokenTtl = 30; // within the minute of early refresh: each Ping refreshes first
    const since = oidc.events.length;
    const { jar } = await signIn();
    const cookie = jar.header();
    const device = await newDevice(started.proxy.url, cookie, 'phone1', '16.1');
    // A second mail folder (the user's own) synced too: after the Inbox's push the relay Pings again for it, refreshing first.
    const fs = await deviceFolderSync(started.proxy.url, cookie, 'phone1', device.folderKey, '16.1');
    expect(fs.added).toEqual([]);
    const sent = (await deviceFolderSync(started.proxy.url, cookie, 'phone1b', '0', '16.1')).added.find((f) => f.type === '12')?.id ?? '';
    await syncFolder(started.proxy.url, cookie, device, sent);
    const sub = service.subscribe();
    const res = await register(started.proxy.url, cookie, { deviceId: 'phone1', subscription: sub.json });
    expect([res.status, JSON.parse(res.body.toString()).folders]).toEqual([201, [device.inbox, sent]]);
    await expect.poll(() => started.proxy.relay?.held(), { timeout: 5000 }).toBe(1);
    const refreshes = () => oidc.events.slice(since).filter((e) => e.grantType === 'refresh_token' && !e.error).length;
    expect(refreshes()).toBeGreaterThan(0);

    // The grant revoked (its first refresh token used again, as a thief would): nothing shows until the next refresh.
    const first = oidc.events.slice(since).find((e) => e.grantType === 'authorization_code')?.refreshToken ?? '';
    expect((await oidc.refreshWith(first)).status).toBe(400);
    // The mock takes only the provider's Bearer JWT with the DefaultAnchorMailbox cookie: this push proves the held Ping had both.
    newMail(worldOf(started), 'alice', 1);
    const m = await sub.next();
    expect(m.payload).toMatchObject({ folders: [device.inbox], deviceId: 'phone1' });
    // The next Ping (for the other folder) needs a refresh, which the provider refuses: the relay stops and the app is asked to sign in again.
    const state = () => started.proxy.relay?.statusOfUser('alice@example.test').map((d) => [d.state, d.holdsPing, d.reason]);
    await expect.poll(state, { timeout: 10_000 }).toEqual([['stopped', false, 'the sign-in has ended']]);
    const who = await raw(started.proxy.url, { path: '/proxy/session', headers: { Cookie: cookie } });
    expect([who.status, JSON.parse(who.body.toString()).reason]).toEqual([401, 'signin']);
  });
});
