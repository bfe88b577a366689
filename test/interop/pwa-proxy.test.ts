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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../e2e/browser.ts';
import { countBySubject } from './support/imap.ts';
import {
  SHOTS,
  accountVersion,
  expectInboxSynced,
  readFirstMail,
  sendToBob,
  setUpAlice,
  shot as peerShot,
  type Peer,
} from './support/pwa-journey.ts';
import { ALICE, countsOf, reseed } from './support/peer.ts';
import { ensureBuilt, startProxy, stopProxy, type Proxy as PwaProxy } from './support/pwa.ts';

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
    const done = <T>(r: IDBRequest<T>): Promise<T> =>
      new Promise((ok, no) => {
        r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
      });
    const text = (_k: string, v: unknown): unknown =>
      v instanceof Uint8Array || v instanceof ArrayBuffer ? new TextDecoder().decode(v) : v;
    const dumps: string[] = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await done(indexedDB.open(info.name));
      for (const name of Array.from(db.objectStoreNames))
        dumps.push(`${name}: ${JSON.stringify(await done(db.transaction(name).objectStore(name).getAll()), text)}`);
      db.close();
    }
    return {
      indexedDb: dumps.join('\n'),
      localStorage: JSON.stringify({ ...localStorage }),
      sessionStorage: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
    };
  });
}

const SOGO: Peer = { name: 'sogo', inboxCount: () => countsOf(ALICE).folders['INBOX']?.messages, countBySubject };
const shot = (page: Page, name: string) => peerShot(page, SOGO, name);

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
      await setUpAlice(page, SOGO, proxy.origin, false, '', '12.1');
      await expectInboxSynced(page, SOGO, '');
      expect(await accountVersion(page)).toEqual(['12.1']); // SOGo offers up to 14.1: the choice was kept
      await readFirstMail(page, SOGO, '');
      await sendToBob(page, SOGO, 'eas proxy', '');
    } catch (e) {
      await shot(page, 'failure');
      throw e;
    } finally {
      await context.close();
      await stopProxy(proxy);
    }
  }, 150_000);

  it("with --vault: the same, with no password in the page's storage and no Authorization on any request", async () => {
    if (!browser) throw new Error('beforeAll did not finish');
    await reseed(); // the previous test sent a mail from alice
    const proxy: PwaProxy = await startProxy(['--vault']);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const withAuthorization: string[] = [];
    let easSeen = 0;
    // The context sees the page's requests and, in Chromium, its service worker's.
    context.on('request', (r) => {
      if (r.url().includes('/Microsoft-Server-ActiveSync')) easSeen += 1;
      // A request still in flight when the context closes has no headers to give.
      r.allHeaders().then(
        (h) => (h['authorization'] ? withAuthorization.push(r.url()) : undefined),
        () => undefined,
      );
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    try {
      await setUpAlice(page, SOGO, proxy.origin, true, 'vault-');
      await expectInboxSynced(page, SOGO, 'vault-');
      expect(await accountVersion(page)).toEqual(['14.1']); // automatic: the highest both speak
      await readFirstMail(page, SOGO, 'vault-');
      await sendToBob(page, SOGO, 'eas proxy --vault', 'vault-');

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
      expect(proxy.lines.filter((l) => l.includes('/proxy/login'))).toEqual([
        expect.stringMatching(/ POST \/proxy\/login 200 .*\(login d\*\*\*: session opened\)$/),
      ]);
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
