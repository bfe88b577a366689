/**
 * OAuth sign-in through the vault against a scripted provider that can misbehave on request and a
 * clock the test moves: PKCE/state/nonce refusals, tokens kept and refreshed on the proxy, single
 * flight, rotation across a restart, Exchange Online's headers. The same against a real provider
 * and the mock in Bearer mode (sign-in, audience and scope refusals, reuse, Autodiscover JSON):
 * oauth-real.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../mocks/node-http.ts';
import { CLIENT_ID, startProvider, type Provider } from './oauth-provider.ts';
import { customUpstream, easPath, makeDist, raw, startWith, type Started } from './support.ts';

const KEY = Buffer.alloc(32, 7);

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly userAgent: string | undefined;
  readonly body: string;
}

/** An EAS server that takes the provider's newest access tokens only (a revoked one is dropped from `good`). */
interface Upstream {
  readonly server: RunningServer;
  readonly seen: Seen[];
  readonly bad: Set<string>;
}

let dist: Awaited<ReturnType<typeof makeDist>>;
let provider: Provider;
let up: Upstream;
let s: Started | undefined;
let clock = 1_000_000_000;

async function startUpstream(): Promise<Upstream> {
  const u: { seen: Seen[]; bad: Set<string> } = { seen: [], bad: new Set() };
  const server = await customUpstream((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const authorization = req.headers.authorization;
      u.seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization,
        cookie: req.headers.cookie,
        userAgent: req.headers['user-agent'],
        body: Buffer.concat(chunks).toString(),
      });
      const token = authorization?.replace(/^Bearer /, '') ?? '';
      const known = provider.accessTokens.includes(token) && !u.bad.has(token);
      if (req.method === 'OPTIONS') {
        res.writeHead(known ? 200 : 401, { 'MS-ASProtocolVersions': '16.1' });
        return res.end();
      }
      if (!known) {
        res.writeHead(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': 'application/vnd.ms-sync.wbxml' });
      res.end(`ok ${Buffer.concat(chunks).toString()}`);
    });
  });
  return Object.assign(u, { server });
}

beforeAll(async () => {
  dist = await makeDist();
  provider = await startProvider();
});

afterEach(async () => {
  await s?.stop();
  s = undefined;
});

afterAll(async () => {
  await provider.close();
  await dist.remove();
});

async function start(extra: Record<string, unknown> = {}): Promise<Started> {
  up = await startUpstream();
  provider.knobs.lifetimeS = 3600;
  provider.knobs.tokenDelayMs = 0;
  provider.knobs.rotate = true;
  delete provider.knobs.nonce;
  provider.knobs.email = 'alice@example.test';
  s = await startWith(up.server, dist.dist, {
    vault: true,
    now: () => clock,
    userAgent: 'Outlook-iOS-Android/1.0',
    oauth: { issuer: provider.issuer, clientId: CLIENT_ID, resource: 'https://outlook.example.test' },
    ...extra,
  });
  return s;
}

function cookieOf(setCookie: string[] | undefined, name: string): string {
  const line = (setCookie ?? []).find((c) => c.startsWith(`${name}=`)) ?? '';
  return line.split(';')[0] ?? '';
}

interface SignIn {
  readonly session: string;
  readonly location: string;
  readonly start: Awaited<ReturnType<typeof raw>>;
}

/** The browser's way through: /proxy/oauth/start, the provider, the callback. `tamper` changes the callback query. */
async function signIn(tamper: (q: URLSearchParams) => void = () => {}, stateCookie = true): Promise<SignIn> {
  const proxy = s?.proxy.url ?? '';
  const start = await raw(proxy, { path: '/proxy/oauth/start', headers: { Host: new URL(proxy).host } });
  expect(start.status).toBe(302);
  const authorize = await fetch(String(start.headers.location), { redirect: 'manual' });
  const back = new URL(authorize.headers.get('location') ?? '');
  tamper(back.searchParams);
  const callback = await raw(proxy, {
    path: back.pathname + back.search,
    headers: stateCookie ? { Cookie: cookieOf(start.headers['set-cookie'], 'eas_oauth') } : {},
  });
  expect(callback.status).toBe(302);
  return { session: cookieOf(callback.headers['set-cookie'], 'eas_session'), location: String(callback.headers.location), start };
}

function easRequest(session: string, body = 'folders', cmd = 'FolderSync') {
  return raw(s?.proxy.url ?? '', {
    method: 'POST',
    path: easPath(cmd, 'whoever'),
    body,
    headers: {
      Cookie: `${session}; theme=dark`,
      'User-Agent': 'Mozilla/5.0 Chromium',
      'Content-Type': 'application/vnd.ms-sync.wbxml',
      'MS-ASProtocolVersion': '16.1',
    },
  });
}

describe('OAuth sign-in', () => {
  it('sends the browser to the provider with code + PKCE S256, state, nonce and resource, keeping the check in a Lax cookie', async () => {
    await start();
    const config = await raw(s?.proxy.url ?? '', { path: '/proxy/config' });
    expect(JSON.parse(config.body.toString())).toEqual({ vault: true, oauth: true });
    const refreshesBefore = provider.refreshes.length;
    const { start: first, session, location } = await signIn();
    expect(provider.refreshes.length).toBe(refreshesBefore);
    const q = provider.authorizations.at(-1) ?? new URLSearchParams();
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('resource')).toBe('https://outlook.example.test');
    expect(q.get('scope')).toBe('openid email profile offline_access');
    expect(q.get('redirect_uri')).toBe(`${s?.proxy.url}/proxy/oauth/callback`);
    const stateCookie = (first.headers['set-cookie'] ?? [])[0] ?? '';
    expect(stateCookie.split('; ').slice(1)).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/proxy/oauth/']));
    expect(location).toBe('/');
    expect(session).toMatch(/^eas_session=[A-Za-z0-9_-]{43}$/);
    const who = await raw(s?.proxy.url ?? '', { path: '/proxy/session', headers: { Cookie: session } });
    expect(JSON.parse(who.body.toString())).toEqual({ user: 'alice@example.test', address: 'alice@example.test', oauth: true });
    // No token reaches the browser: not in the callback's headers nor in the session answer.
    expect(who.body.toString()).not.toMatch(/at-|rt-/);
  });

  it('sends EAS upstream with the Bearer token, the anchor cookie, the configured User-Agent and the address as User', async () => {
    await start();
    const { session } = await signIn();
    const res = await easRequest(session);
    expect(res.status).toBe(200);
    const seen = up.seen.at(-1);
    expect(seen?.authorization).toBe(`Bearer ${provider.accessTokens.at(-1)}`);
    expect(seen?.cookie).toBe('theme=dark; DefaultAnchorMailbox=alice@example.test');
    expect(seen?.userAgent).toBe('Outlook-iOS-Android/1.0');
    expect(new URLSearchParams(seen?.url.split('?')[1]).get('User')).toBe('alice@example.test');
  });

  it('uses preferred_username when the ID token has no email', async () => {
    await start();
    provider.knobs.email = undefined;
    const { session } = await signIn();
    const who = await raw(s?.proxy.url ?? '', { path: '/proxy/session', headers: { Cookie: session } });
    expect(JSON.parse(who.body.toString()).address).toBe('alice@example.test');
  });

  it('refuses a changed state, a missing state cookie, a provider error, a wrong nonce and a wrong PKCE verifier', async () => {
    await start();
    expect((await signIn((q) => q.set('state', 'forged'))).location).toBe('/?signin-error=state');
    expect((await signIn(() => {}, false)).location).toBe('/?signin-error=state');
    expect(
      (
        await signIn((q) => {
          q.delete('code');
          q.set('error', 'access_denied');
        })
      ).location,
    ).toBe('/?signin-error=access_denied');
    provider.knobs.nonce = 'another-nonce';
    expect((await signIn()).location).toBe('/?signin-error=id_token');
    delete provider.knobs.nonce;
    expect((await signIn((q) => q.set('code', 'not-a-code'))).location).toBe('/?signin-error=token');
    expect(s?.proxy.sessions()).toBe(0);
  });

  it('uses a state once: the same callback twice is refused the second time', async () => {
    await start();
    const proxy = s?.proxy.url ?? '';
    const first = await raw(proxy, { path: '/proxy/oauth/start' });
    const back = new URL((await fetch(String(first.headers.location), { redirect: 'manual' })).headers.get('location') ?? '');
    const cookie = cookieOf(first.headers['set-cookie'], 'eas_oauth');
    const ok = await raw(proxy, { path: back.pathname + back.search, headers: { Cookie: cookie } });
    expect(ok.headers.location).toBe('/');
    const again = await raw(proxy, { path: back.pathname + back.search, headers: { Cookie: cookie } });
    expect(again.headers.location).toBe('/?signin-error=state');
  });
});

describe('OAuth tokens', () => {
  it('refreshes a token about to expire before the request, and stores the rotated refresh token', async () => {
    await start();
    provider.knobs.lifetimeS = 5;
    const { session } = await signIn();
    const firstRefresh = [...provider.liveRefresh].at(-1);
    clock += 4_500; // within a minute of the end
    const res = await easRequest(session);
    expect(res.status).toBe(200);
    expect(provider.refreshes.at(-1)).toBe(firstRefresh);
    expect(up.seen.at(-1)?.authorization).toBe(`Bearer ${provider.accessTokens.at(-1)}`);
    clock += 4_500;
    expect((await easRequest(session)).status).toBe(200);
    // The second refresh sent the rotated token, not the first one (which the provider would refuse).
    expect(provider.refreshes.slice(-2)[0]).toBe(firstRefresh);
    expect(provider.refreshes.at(-1)).not.toBe(firstRefresh);
  });

  it('runs one refresh for many requests at once', async () => {
    await start();
    provider.knobs.lifetimeS = 5;
    const { session } = await signIn();
    provider.knobs.tokenDelayMs = 300;
    const before = provider.refreshes.length;
    clock += 10_000; // expired
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => easRequest(session, `body ${n}`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(provider.refreshes.length - before).toBe(1);
    expect(answers.map((a) => a.body.toString()).sort()).toEqual(['ok body 1', 'ok body 2', 'ok body 3', 'ok body 4', 'ok body 5']);
  });

  it('answers an upstream 401 with one refresh and the same request again', async () => {
    await start();
    const { session } = await signIn();
    const before = provider.refreshes.length;
    const revoked = provider.accessTokens.at(-1) ?? '';
    up.bad.add(revoked); // the server dropped the token before its time
    const res = await easRequest(session, 'the same body');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok the same body');
    const tries = up.seen.filter((x) => x.method === 'POST');
    expect(tries.map((t) => t.authorization)).toEqual([`Bearer ${revoked}`, `Bearer ${provider.accessTokens.at(-1)}`]);
    expect(tries.map((t) => t.body)).toEqual(['the same body', 'the same body']);
    expect(provider.refreshes.length - before).toBe(1);
  });

  it('keeps tokens sealed in --state and refreshes with the rotated token after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eas-oauth-state-'));
    try {
      await start({ state: dir, secret: KEY });
      provider.knobs.lifetimeS = 5;
      const { session } = await signIn();
      clock += 10_000;
      expect((await easRequest(session)).status).toBe(200);
      const rotated = [...provider.liveRefresh].at(-1) ?? '';
      await s?.stop();
      s = undefined;
      const text = await readFile(join(dir, 'state.json'), 'utf8');
      for (const token of [...provider.accessTokens, ...provider.refreshes, rotated]) expect(text).not.toContain(token);
      await start({ state: dir, secret: KEY });
      provider.knobs.lifetimeS = 5;
      clock += 10_000;
      expect((await easRequest(session)).status).toBe(200);
      expect(provider.refreshes.at(-1)).toBe(rotated);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
