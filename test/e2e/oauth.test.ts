/**
 * Signing in with the organisation, in Chromium (390×844): the BUILT app through
 * `eas proxy --vault --oauth-issuer …` over `eas mock --versions 16.1 --bearer-issuer …
 * --bearer-audience … --bearer-scope … --anchor-cookie` (both as the commands scripts run), with
 * a real OpenID provider (oidc-provider, test/support/oidc.ts) whose own login form the user
 * fills in. Short access tokens expire while the app is used and are refreshed by the proxy; a
 * refresh token used twice makes the provider revoke the grant, and the app asks to sign in again
 * with the mail queued meanwhile still waiting, sent once the user has signed in again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EAS_RESOURCE, EAS_SCOPE, OIDC_CLIENT_ID, OTHER_RESOURCE, startOidc, type Oidc } from '../support/oidc.ts';
import { ja } from '../../src/i18n/ja.ts';
import { englishOnScreen, englishPatterns, launchChromium, pageRecords, PHONE, ROOT, SHOTS, startBuiltServer } from './browser.ts';

const DIST = resolve(ROOT, 'test-results/e2e-dist-oauth');
const SCOPE = `openid email profile offline_access ${EAS_SCOPE}`;

interface Command {
  readonly url: string;
  readonly output: string[];
  stop(): Promise<void>;
}

/** `npm run -s eas -- <args>` until it prints `listening on URL`; stopped with SIGTERM to its group. */
function eas(args: string[]): Promise<Command> {
  const child: ChildProcess = spawn('npm', ['run', '-s', 'eas', '--', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      process.kill(-(child.pid ?? 0), 'SIGTERM');
    });
  return new Promise((ok, fail) => {
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      output.push(d.toString());
      const m = /^listening on (http:\/\/\S+)$/m.exec(output.join(''));
      if (m?.[1]) ok({ url: m[1], output, stop });
    });
    child.once('exit', (code) => fail(new Error(`eas ${args[0]} exited ${code}: ${output.join('')}`)));
  });
}

let oidc: Oidc;
let mock: Command;
let proxy: Command;
let browser: Browser;

/** The proxy as an operator runs it for this provider and resource. */
function startProxy(resource: string, scope: string): Promise<Command> {
  return eas([
    'proxy',
    '--upstream',
    mock.url,
    '--port',
    '0',
    '--dist',
    DIST,
    '--vault',
    '--upstream-user-agent',
    'eas-pwa-test/1.0',
    '--oauth-issuer',
    oidc.issuer,
    '--oauth-client-id',
    OIDC_CLIENT_ID,
    '--oauth-resource',
    resource,
    '--oauth-scope',
    scope,
  ]);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  oidc = await startOidc();
  mock = await eas([
    'mock',
    '--port',
    '0',
    '--versions',
    '16.1',
    '--bearer-issuer',
    oidc.issuer,
    '--bearer-audience',
    EAS_RESOURCE,
    '--bearer-scope',
    EAS_SCOPE,
    '--anchor-cookie',
  ]);
  const built = await startBuiltServer(DIST);
  await built.close(); // only the build is needed: the proxy serves it
  proxy = await startProxy(EAS_RESOURCE, SCOPE);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
  await mock?.stop();
  await oidc?.close();
});

/** Every response the page receives, headers and text bodies, to search for tokens. */
function collect(page: Page): string[] {
  const seen: string[] = [];
  page.on('response', (r: Response) => {
    void (async () => {
      const headers = JSON.stringify(await r.allHeaders());
      // Data the page receives (not the app's own scripts, whose demo mode carries the demo password).
      const type = r.headers()['content-type'] ?? '';
      const body = /json|text\/(?!javascript)|xml|html/.test(type) ? await r.text().catch(() => '') : '';
      seen.push(`${r.url()} ${headers} ${body}`);
    })();
  });
  return seen;
}

/** The app's IndexedDB, Web Storage and script-readable cookies, as one text. */
async function browserStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const parts = [JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage }), document.cookie];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const open = indexedDB.open(info.name ?? '');
        open.onsuccess = () => ok(open.result);
        open.onerror = () => fail(open.error);
      });
      for (const name of [...db.objectStoreNames]) {
        const rows = await new Promise<unknown[]>((ok) => {
          const r = db.transaction(name).objectStore(name).getAll();
          r.onsuccess = () => ok(r.result);
        });
        parts.push(JSON.stringify(rows));
      }
      db.close();
    }
    return parts.join('\n');
  });
}

/** The provider's own login form, as a user fills it in (when the provider asks: it may remember the user). */
async function providerLogin(page: Page, origin: string, screenshot?: string): Promise<void> {
  await page.waitForURL((u) => u.origin === origin || u.pathname.startsWith('/interaction/'), { timeout: 60_000 });
  if (!new URL(page.url()).pathname.startsWith('/interaction/')) return;
  await page.getByRole('heading', { name: 'Example Identity' }).waitFor();
  if (screenshot) await page.screenshot({ path: `${SHOTS}/${screenshot}` });
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('alicepass');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

function refreshTokens(): string[] {
  return oidc.events.flatMap((e) => (e.refreshToken ? [e.refreshToken] : []));
}

describe('OAuth sign-in in the app, with a real OpenID provider and the mock in Exchange Online mode', () => {
  let context: BrowserContext;
  let page: Page;

  it('signs in on the provider, syncs, refreshes silently, asks to sign in again after a reused refresh token, and then sends the mail queued meanwhile', async () => {
    oidc.accessTokenTtl = 65; // the proxy refreshes a minute early: fresh for 5 s
    context = await browser.newContext({ viewport: PHONE, locale: 'en-US', timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    const responses = collect(page);
    await page.goto(`${proxy.url}/`);
    await page.getByRole('heading', { name: 'Add an account' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Sign in with your organisation' }).click();
    // A wrong password first: the provider's form says so and stays.
    await page.getByLabel('Password').waitFor({ timeout: 60_000 });
    expect(new URL(page.url()).origin).toBe(oidc.issuer);
    await page.screenshot({ path: `${SHOTS}/oauth-provider-login-en.png` });
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
    await providerLogin(page, proxy.url);
    await page.getByRole('heading', { name: 'What to sync' }).waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Done' }).click();
    const inbox = page.getByRole('listbox', { name: 'Inbox' }).getByRole('option');
    await inbox.first().waitFor({ timeout: 90_000 });
    await page.screenshot({ path: `${SHOTS}/oauth-signed-in-en.png` });

    // The access token runs out while the app is used: the proxy refreshes it with no word to the user.
    const refreshes = () => oidc.events.filter((e) => e.grantType === 'refresh_token' && e.accessToken).length;
    const before = refreshes();
    await page.waitForTimeout(6_000);
    await page.getByRole('button', { name: 'Send and receive' }).click();
    await expect.poll(refreshes, { timeout: 60_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.getByRole('button', { name: 'Send and receive' }).isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);

    // A copy of an old refresh token is used elsewhere: the provider refuses it and revokes the grant (rotation).
    const reuse = await oidc.refreshWith(refreshTokens()[0] ?? '');
    expect([reuse.status, reuse.body['error']]).toEqual([400, 'invalid_grant']);
    await page.waitForTimeout(6_000);
    await page.getByRole('button', { name: 'Send and receive' }).click();
    const again = page.getByRole('button', { name: 'Sign in again' });
    await again.waitFor({ timeout: 90_000 });
    await page.getByRole('alert').filter({ hasText: 'Your sign-in for alice@example.test has ended.' }).waitFor();

    // A mail written now waits in the Outbox.
    const subject = `Queued while signed out ${Date.now()}`;
    await page.evaluate(() => (location.hash = '#/compose/new?to=alice%40example.test'));
    await page.getByLabel('Subject', { exact: true }).fill(subject);
    await page.getByLabel('Message', { exact: true }).fill('Written after the sign-in ended.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.evaluate(() => (location.hash = '#/mail'));
    await page.screenshot({ path: `${SHOTS}/oauth-sign-in-again-en.png` });
    await expect.poll(() => queued(page), { timeout: 30_000 }).toEqual([subject]);

    // The service worker controls the page now: the way to the provider must still reach the proxy.
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await providerLogin(page, proxy.url);
    await expect.poll(async () => page.getByRole('button', { name: 'Sign in again' }).count(), { timeout: 90_000 }).toBe(0);
    // The mail goes out once signed in again, and comes back to alice's Inbox.
    await expect.poll(() => queued(page), { timeout: 90_000 }).toEqual([]);
    await page.getByRole('button', { name: 'Send and receive' }).click();
    await page
      .getByRole('listbox', { name: 'Inbox' })
      .getByRole('option')
      .filter({ hasText: subject })
      .first()
      .waitFor({ timeout: 90_000 });
    expect(await page.getByRole('listbox', { name: 'Inbox' }).getByRole('option').filter({ hasText: subject }).count()).toBe(1);

    const tokens = oidc.events.flatMap((e) => [e.accessToken, e.refreshToken, e.idToken]).filter((t): t is string => t !== undefined);
    expect(tokens.length).toBeGreaterThan(6);
    const stored = await browserStorage(page);
    const seen = responses.join('\n');
    for (const token of tokens) {
      expect(stored).not.toContain(token);
      expect(seen).not.toContain(token);
    }
    expect(stored).not.toContain('alicepass');
    expect(seen).not.toContain('alicepass');
    await context.close();
  }, 400_000);

  it('asks to sign in again in Japanese, with no English on the screen', async () => {
    oidc.accessTokenTtl = 65;
    const ctx = await browser.newContext({ viewport: PHONE, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const p = await ctx.newPage();
    await p.goto(`${proxy.url}/`);
    await p.getByRole('heading', { name: ja['setup.title'] }).waitFor({ timeout: 60_000 });
    await p.getByRole('button', { name: ja['setup.oauth'] }).click();
    await providerLogin(p, proxy.url);
    await p.getByRole('heading', { name: ja['setup.classesTitle'] }).waitFor({ timeout: 90_000 });
    await p.getByRole('button', { name: ja['setup.done'] }).click();
    await p.getByRole('listbox', { name: ja['folder.inbox'] }).getByRole('option').first().waitFor({ timeout: 90_000 });
    // This session's first refresh token, used a second time elsewhere: the grant is revoked.
    const mine = refreshTokens().at(-1) ?? '';
    await p.waitForTimeout(6_000);
    await p.getByRole('button', { name: ja['status.syncNow'] }).click();
    await expect.poll(() => refreshTokens().at(-1), { timeout: 60_000 }).not.toBe(mine);
    expect((await oidc.refreshWith(mine)).status).toBe(400);
    await p.waitForTimeout(6_000);
    await p.getByRole('button', { name: ja['status.syncNow'] }).click();
    await p.getByRole('button', { name: ja['status.signInAgain'] }).waitFor({ timeout: 90_000 });
    await p.getByRole('alert').filter({ hasText: 'alice@example.test のサインインが終了しました。' }).waitFor();
    expect(await englishOnScreen(p, englishPatterns())).toEqual([]);
    await p.screenshot({ path: `${SHOTS}/oauth-sign-in-again-ja.png` });
    await ctx.close();
  }, 300_000);

  it('says clearly when the token is for another audience (en) or lacks the scope (ja)', async () => {
    oidc.accessTokenTtl = 3600;
    const cases = [
      {
        resource: OTHER_RESOURCE,
        scope: SCOPE,
        locale: 'en-US',
        add: 'Add an account',
        button: 'Sign in with your organisation',
        text: 'the mail server did not accept this sign-in',
        shot: 'oauth-wrong-audience-en.png',
      },
      {
        resource: EAS_RESOURCE,
        scope: 'openid email profile offline_access',
        locale: 'ja-JP',
        add: 'アカウントを追加',
        button: '組織のアカウントでサインイン',
        text: 'メールサーバーがこのサインインを受け付けませんでした',
        shot: 'oauth-wrong-scope-ja.png',
      },
    ];
    for (const c of cases) {
      const other = await startProxy(c.resource, c.scope);
      const ctx = await browser.newContext({ viewport: PHONE, locale: c.locale, timezoneId: 'Asia/Tokyo' });
      try {
        const p = await ctx.newPage();
        await p.goto(`${other.url}/`);
        await p.getByRole('heading', { name: c.add }).waitFor({ timeout: 60_000 });
        await p.getByRole('button', { name: c.button }).click();
        await providerLogin(p, other.url);
        await p.getByRole('alert').filter({ hasText: c.text }).waitFor({ timeout: 60_000 });
        expect(new URL(p.url()).search).toBe('');
        await p.screenshot({ path: `${SHOTS}/${c.shot}` });
      } finally {
        await ctx.close();
        await other.stop();
      }
    }
  }, 200_000);
});

/** Subjects of the mails waiting in the app's Outbox (its `pending` records of kind 'send'). */
async function queued(page: Page): Promise<string[]> {
  const pending = await pageRecords<{ kind: string; payload: { subject?: string } }>(page, 'pending');
  return pending.filter((p) => p.kind === 'send').map((p) => p.payload.subject ?? '');
}
