/**
 * The deployment end to end: the BUILT app (dist/) served by `eas proxy`, which also forwards
 * /Microsoft-Server-ActiveSync to the real SOGo peer, in real Chromium. A user sets alice's
 * account up by hand (Autodiscover finds nothing for example.test), the initial sync fills the
 * Inbox, a mail opens in its sandboxed iframe, and a new mail to bob goes out through the
 * outbox and arrives in bob's IMAP Inbox. Then the same through `eas proxy --vault`: the
 * password goes to the proxy's sign-in, the page's storage holds none, no request carries
 * Authorization. Screenshots: test-results/screenshots/sogo-*.png and sogo-vault-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../e2e/browser.ts';
import { countBySubject } from './support/imap.ts';
import { ALICE, BOB, REPO, countsOf, eventually, reseed, unique } from './support/peer.ts';
import { ensureBuilt, startProxy, stopProxy, type Proxy } from './support/pwa.ts';

const SHOTS = join(REPO, 'test-results/screenshots');

const shot = (page: Page, name: string) => page.screenshot({ path: resolve(SHOTS, `sogo-${name}.png`) });

/**
 * The manual setup as a user does it. Without the vault the user types the proxy's host as the
 * server; with it the server is the app's own origin, filled in and read-only.
 *
 * User "alice" with no @ and an empty Domain: the setup rule (setup/user-name.ts) gives the
 * domain `defaultcontext`, so HTTP Basic and the User parameter carry `defaultcontext\alice`
 * (MS-ASHTTP 2.2.1.1.1.2.5). SOGo's ActiveSync keeps only the part after the backslash as the
 * login, so this signs in as alice (seen with curl: Basic `defaultcontext\alice:alicepass` gets
 * 200 where a wrong password gets 401). The login name is what a SOGo user knows; the rule's
 * live line shows the domain it will send.
 */
async function setUpAlice(page: Page, origin: string, vault: boolean, prefix: string, version?: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('heading', { name: 'Add an account' }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Email', { exact: true }).fill(ALICE.email);
  await page.getByLabel('Password', { exact: true }).fill(ALICE.password);
  await page.getByRole('button', { name: 'Next' }).click();

  const server = page.getByRole('textbox', { name: /^Server/ });
  await server.waitFor({ timeout: 30_000 });
  if (vault) {
    await page.getByText('keeps your password').waitFor();
    expect(await server.inputValue()).toBe(origin);
    expect(await server.getAttribute('readonly')).not.toBeNull();
  } else {
    // Autodiscover has nothing for example.test: the manual form, filled in as a user would.
    await server.fill(new URL(origin).host);
    await page.getByLabel('Use SSL (https)').uncheck();
  }
  await page.getByLabel('User name', { exact: true }).fill(ALICE.login);
  await page.getByRole('textbox', { name: /^Domain/ }).fill('');
  await page.getByText('defaultcontext').first().waitFor();
  if (version) {
    await page.getByText('Advanced settings').click();
    await page.getByLabel('Protocol version').selectOption(version);
  }
  await shot(page, `${prefix}setup`);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'What to sync' }).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Done' }).click();
}

/** The initial sync: the Inbox list holds every seeded mail (aria-setsize: the list is virtual). */
async function expectInboxSynced(page: Page, prefix: string): Promise<void> {
  const inbox = page.getByRole('listbox', { name: 'Inbox' });
  await inbox.waitFor({ timeout: 30_000 });
  const expected = countsOf(ALICE).folders['INBOX']?.messages;
  expect(expected).toBeGreaterThan(0);
  const rows = async () => Number((await inbox.getByRole('option').first().getAttribute('aria-setsize', { timeout: 1000 }).catch(() => '0')) ?? '0');
  await expect.poll(rows, { timeout: 45_000 }).toBe(expected);
  await shot(page, `${prefix}inbox`);
}

/** A mail: its body in the sandboxed iframe (no allow-scripts). */
async function readFirstMail(page: Page, prefix: string): Promise<void> {
  await page.getByRole('listbox', { name: 'Inbox' }).getByRole('option').first().click();
  const frame = page.locator('iframe.mail-frame');
  await frame.waitFor({ timeout: 30_000 });
  expect(await frame.getAttribute('sandbox')).not.toContain('allow-scripts');
  await page.waitForFunction(() => (document.querySelector<HTMLIFrameElement>('iframe.mail-frame')?.contentDocument?.body?.innerText.trim() ?? '').length > 0, null, { timeout: 30_000 });
  await shot(page, `${prefix}mail`);
}

/** A new mail to bob, through the outbox and SendMail; it reaches bob once, and alice's Sent once. */
async function sendToBob(page: Page, label: string, prefix: string): Promise<void> {
  const subject = unique(label);
  await page.getByRole('link', { name: 'New message' }).click();
  await page.getByLabel('To', { exact: true }).fill(BOB.email);
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Message', { exact: true }).fill(`Hello Bob,\n\nsent from the PWA through ${label}.\n`);
  await shot(page, `${prefix}compose`);
  await page.getByRole('button', { name: 'Send' }).click();
  await eventually(`"${subject}" in bob's IMAP Inbox`, async () => ((await countBySubject(BOB, 'INBOX', subject)) > 0 ? true : undefined), 45_000);
  expect(await countBySubject(BOB, 'INBOX', subject)).toBe(1);
  // SaveInSentItems (MS-ASCMD 2.2.3.157): the server filed one copy in alice's Sent.
  expect(await countBySubject(ALICE, 'Sent', subject)).toBe(1);
  await shot(page, `${prefix}sent`);
}

/** The protocol version of the one account, from the app's IndexedDB. */
function accountVersion(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const done = <T,>(r: IDBRequest<T>): Promise<T> => new Promise((ok, no) => {
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    const names = (await indexedDB.databases()).map((d) => d.name ?? '');
    for (const name of names) {
      const db = await done(indexedDB.open(name));
      const found = db.objectStoreNames.contains('accounts') ? await done(db.transaction('accounts').objectStore('accounts').getAll()) : [];
      db.close();
      if (found.length > 0) return (found as { version?: unknown }[]).map((a) => a.version);
    }
    return [];
  });
}

interface PageStorage {
  /** Every record of every object store of every IndexedDB database, as JSON text (bytes as UTF-8). */
  readonly indexedDb: string;
  readonly localStorage: string;
  readonly sessionStorage: string;
  readonly cookie: string;
}

/** What the origin keeps in the browser, read from the page. */
function pageStorage(page: Page): Promise<PageStorage> {
  return page.evaluate(async () => {
    const done = <T,>(r: IDBRequest<T>): Promise<T> => new Promise((ok, no) => {
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    const text = (_k: string, v: unknown): unknown => (v instanceof Uint8Array || v instanceof ArrayBuffer ? new TextDecoder().decode(v) : v);
    const dumps: string[] = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await done(indexedDB.open(info.name));
      for (const name of Array.from(db.objectStoreNames)) dumps.push(`${name}: ${JSON.stringify(await done(db.transaction(name).objectStore(name).getAll()), text)}`);
      db.close();
    }
    return { indexedDb: dumps.join('\n'), localStorage: JSON.stringify({ ...localStorage }), sessionStorage: JSON.stringify({ ...sessionStorage }), cookie: document.cookie };
  });
}

describe('the built PWA through eas proxy against SOGo, in Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The Inbox count is compared with the seed's: undo what earlier files left in alice's Inbox.
    await Promise.all([reseed(), ensureBuilt()]);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('sets alice up by hand at EAS 12.1 (advanced settings), syncs the Inbox, shows a mail, sends one that bob receives', async () => {
    if (!browser) throw new Error('beforeAll did not finish');
    const proxy = await startProxy();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    try {
      await setUpAlice(page, proxy.origin, false, '', '12.1');
      await expectInboxSynced(page, '');
      expect(await accountVersion(page)).toEqual(['12.1']); // SOGo offers up to 14.1: the choice was kept
      await readFirstMail(page, '');
      await sendToBob(page, 'eas proxy', '');
    } catch (e) {
      await shot(page, 'failure');
      throw e;
    } finally {
      await context.close();
      await stopProxy(proxy);
    }
  }, 150_000);

  it('with --vault: the same, with no password in the page\'s storage and no Authorization on any request', async () => {
    if (!browser) throw new Error('beforeAll did not finish');
    await reseed(); // the previous test sent a mail from alice
    const proxy: Proxy = await startProxy(['--vault']);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const withAuthorization: string[] = [];
    let easSeen = 0;
    // The context sees the page's requests and, in Chromium, its service worker's.
    context.on('request', (r) => {
      if (r.url().includes('/Microsoft-Server-ActiveSync')) easSeen += 1;
      // A request still in flight when the context closes has no headers to give.
      r.allHeaders().then((h) => (h['authorization'] ? withAuthorization.push(r.url()) : undefined), () => undefined);
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    try {
      await setUpAlice(page, proxy.origin, true, 'vault-');
      await expectInboxSynced(page, 'vault-');
      expect(await accountVersion(page)).toEqual(['14.1']); // automatic: the highest both speak
      await readFirstMail(page, 'vault-');
      await sendToBob(page, 'eas proxy --vault', 'vault-');

      const stored = await pageStorage(page);
      expect(stored.indexedDb).toContain(ALICE.email); // the account is there...
      const basic = btoa(`defaultcontext\\${ALICE.login}:${ALICE.password}`);
      for (const [where, text] of Object.entries(stored)) {
        expect(text, where).not.toContain(ALICE.password); // ...and no password anywhere
        expect(text, where).not.toContain(basic);
      }
      expect(stored.cookie).toBe(''); // the session cookie is HttpOnly
      const cookies = await context.cookies(proxy.origin);
      expect(cookies.map((c) => [c.name, c.httpOnly, c.secure, c.sameSite])).toEqual([['eas_session', true, true, 'Strict']]);

      // The proxy's log: every EAS request reached it, none with an Authorization of its own.
      const eas = proxy.lines.filter((l) => / \/Microsoft-Server-ActiveSync/.test(l));
      expect(eas.filter((l) => / (OPTIONS|POST) \S+ 200 /.test(l)).length).toBeGreaterThan(5);
      expect(eas.filter((l) => l.includes('client Authorization replaced'))).toEqual([]);
      expect(proxy.lines.filter((l) => l.includes('/proxy/login'))).toEqual([expect.stringMatching(/ POST \/proxy\/login 200 .*\(login d\*\*\*: session opened\)$/)]);
      expect(easSeen).toBeGreaterThan(5);
      expect(withAuthorization).toEqual([]);
    } catch (e) {
      await shot(page, 'vault-failure');
      throw e;
    } finally {
      await context.close();
      await stopProxy(proxy);
    }
  }, 180_000);
});
