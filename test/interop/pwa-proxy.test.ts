/**
 * The deployment end to end: the BUILT app (dist/) served by `eas proxy`, which also forwards
 * /Microsoft-Server-ActiveSync to the real SOGo peer, in real Chromium. A user sets alice's
 * account up by hand (Autodiscover finds nothing for example.test), the initial sync fills the
 * Inbox, a mail opens in its sandboxed iframe, and a new mail to bob goes out through the
 * outbox and arrives in bob's IMAP Inbox. Screenshots: test-results/screenshots/sogo-*.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../e2e/browser.ts';
import { countBySubject } from './support/imap.ts';
import { ALICE, BOB, REPO, SOGO_URL, countsOf, eventually, reseed, unique } from './support/peer.ts';

const DIST = join(REPO, 'dist');
const SHOTS = join(REPO, 'test-results/screenshots');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

/** Newest modification time under `path` (a file or a directory tree), 0 when it is missing. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Runs a child to completion; rejects with its output tail when it fails. */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out.slice(-3000)}`))));
  });
}

/**
 * dist/ as `npm run build` writes it, rebuilt only when missing or older than a source. Vite
 * alone (the typecheck belongs to `npm test`); NODE_ENV=production because Vitest's `test`
 * would make a development build without the service worker's precache.
 */
async function ensureBuilt(): Promise<void> {
  const built = newest(join(DIST, 'index.html'));
  if (built > 0 && built >= Math.max(...SOURCES.map((s) => newest(join(REPO, s))))) return;
  await run(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { ...process.env, NODE_ENV: 'production' });
}

interface Proxy {
  readonly origin: string;
  readonly child: ChildProcess;
}

/** `eas proxy` as a child (one node process: tsx as a loader), resolved on its `listening on URL` line. */
function startProxy(): Promise<Proxy> {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'proxy', '--upstream', SOGO_URL, '--port', '0', '--dist', DIST];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`eas proxy did not listen within 20 s:\n${out}`)), 20_000);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        done({ origin: url.replace(/\/+$/, ''), child });
      }
    });
    child.on('close', (code) => fail(new Error(`eas proxy exited with ${code}:\n${out}`)));
  });
}

function stopProxy(proxy: Proxy | undefined): Promise<void> {
  if (!proxy || proxy.child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    proxy.child.once('close', () => done());
    proxy.child.kill('SIGTERM');
  });
}

describe('the built PWA through eas proxy against SOGo, in Chromium', () => {
  let proxy: Proxy | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The Inbox count is compared with the seed's: undo what earlier files left in alice's Inbox.
    await Promise.all([reseed(), ensureBuilt()]);
    proxy = await startProxy();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopProxy(proxy);
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: resolve(SHOTS, `sogo-${name}.png`) });

  it('sets alice up by hand, syncs the Inbox, shows a mail, sends one that bob receives', async () => {
    if (!proxy || !browser) throw new Error('beforeAll did not finish');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    try {
      await page.goto(`${proxy.origin}/`);
      await page.getByRole('heading', { name: 'Add an account' }).waitFor({ timeout: 30_000 });

      await page.getByLabel('Email', { exact: true }).fill(ALICE.email);
      await page.getByLabel('Password', { exact: true }).fill(ALICE.password);
      await page.getByRole('button', { name: 'Next' }).click();

      // Autodiscover has nothing for example.test: the manual form, filled in as a user would.
      const server = page.getByRole('textbox', { name: /^Server/ });
      await server.waitFor({ timeout: 30_000 });
      await server.fill(new URL(proxy.origin).host);
      await page.getByLabel('Use SSL (https)').uncheck();
      // User "alice" with no @ and an empty Domain: the setup rule (setup/user-name.ts) gives
      // the domain `defaultcontext`, so HTTP Basic and the User parameter carry
      // `defaultcontext\alice` (MS-ASHTTP 2.2.1.1.1.2.5). SOGo's ActiveSync keeps only the part
      // after the backslash as the login, so this signs in as alice (seen with curl: Basic
      // `defaultcontext\alice:alicepass` gets 200 where a wrong password gets 401). The login
      // name is what a SOGo user knows; the rule's live line shows the domain it will send.
      await page.getByLabel('User name', { exact: true }).fill(ALICE.login);
      await page.getByRole('textbox', { name: /^Domain/ }).fill('');
      await page.getByText('defaultcontext').first().waitFor();
      await shot(page, 'setup');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'What to sync' }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Done' }).click();

      // The initial sync: the Inbox list holds every seeded mail (aria-setsize: the list is virtual).
      const inbox = page.getByRole('listbox', { name: 'Inbox' });
      await inbox.waitFor({ timeout: 30_000 });
      const expected = countsOf(ALICE).folders['INBOX']?.messages;
      expect(expected).toBeGreaterThan(0);
      const rows = async () => Number((await inbox.getByRole('option').first().getAttribute('aria-setsize', { timeout: 1000 }).catch(() => '0')) ?? '0');
      await expect.poll(rows, { timeout: 45_000 }).toBe(expected);
      await shot(page, 'inbox');

      // A mail: its body in the sandboxed iframe (no allow-scripts).
      await inbox.getByRole('option').first().click();
      const frame = page.locator('iframe.mail-frame');
      await frame.waitFor({ timeout: 30_000 });
      expect(await frame.getAttribute('sandbox')).not.toContain('allow-scripts');
      await page.waitForFunction(() => (document.querySelector<HTMLIFrameElement>('iframe.mail-frame')?.contentDocument?.body?.innerText.trim() ?? '').length > 0, null, { timeout: 30_000 });
      await shot(page, 'mail');

      // A new mail to bob, through the outbox and SendMail.
      const subject = unique('pwa via proxy');
      await page.getByRole('link', { name: 'New message' }).click();
      await page.getByLabel('To', { exact: true }).fill(BOB.email);
      await page.getByLabel('Subject', { exact: true }).fill(subject);
      await page.getByLabel('Message', { exact: true }).fill('Hello Bob,\n\nsent from the PWA through eas proxy.\n');
      await shot(page, 'compose');
      await page.getByRole('button', { name: 'Send' }).click();
      await eventually(`"${subject}" in bob's IMAP Inbox`, async () => ((await countBySubject(BOB, 'INBOX', subject)) > 0 ? true : undefined), 45_000);
      expect(await countBySubject(BOB, 'INBOX', subject)).toBe(1);
      // SaveInSentItems (MS-ASCMD 2.2.3.157): the server filed one copy in alice's Sent.
      expect(await countBySubject(ALICE, 'Sent', subject)).toBe(1);
      await shot(page, 'sent');
    } catch (e) {
      await shot(page, 'failure');
      throw e;
    } finally {
      await context.close();
    }
  }, 150_000);
});
