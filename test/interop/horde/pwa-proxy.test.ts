/**
 * The built app (dist/) through `eas proxy --vault` in front of the Horde peer, in real Chromium
 * at 390×844, at EAS 16.0 chosen under advanced settings: alice is set up by hand, the Inbox list
 * shows what Horde's IMAP holds (sender, subject, date, row by row), a seeded mail opens with its
 * body, a mail to bob arrives once (bob's IMAP Inbox) with one copy in alice's Sent, and a draft
 * is saved. Screenshots: test-results/screenshots/horde-*.png.
 *
 * Drafts: at 16.0 the app saves them in Horde's Drafts folder (Sync Add, MS-ASCMD 2.2.3.7.2) and
 * lists that folder as its drafts; IMAP shows the draft once.
 * Then the same screens in Japanese (ja-JP): no English catalog text on any of them, Horde's
 * special folders under their Japanese names.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ja } from '../../../src/i18n/ja.ts';
import { PHONE, SHOTS, englishOnScreen, englishPatterns, launchChromium } from '../../e2e/browser.ts';
import { ensureBuilt, startProxy, stopProxy } from '../support/pwa.ts';
import { ALICE, BOB, HORDE_URL, countBySubject, eventually, reseed, unique } from './support/peer.ts';
import { seedOf, seededMails, seenMail } from './support/seed.ts';

const shot = (page: Page, name: string) => page.screenshot({ path: resolve(SHOTS, `horde-${name}.png`) });

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);

/**
 * The manual setup through the vault: the server is the app's own origin (read-only), the user
 * name `alice` goes out as `defaultcontext\alice`; Horde_ActiveSync drops the part before the
 * backslash (Horde_ActiveSync::authenticate) and logs in to IMAP as alice.
 */
async function setUpAlice(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('heading', { name: 'Add an account' }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Email', { exact: true }).fill(ALICE.email);
  await page.getByLabel('Password', { exact: true }).fill(ALICE.password);
  await page.getByRole('button', { name: 'Next' }).click();
  const server = page.getByRole('textbox', { name: /^Server/ });
  await server.waitFor({ timeout: 30_000 });
  await page.getByText('keeps your password').waitFor();
  expect(await server.inputValue()).toBe(origin);
  await page.getByLabel('User name', { exact: true }).fill(ALICE.login);
  await page.getByText('Advanced settings').click();
  await page.getByLabel('Protocol version').selectOption('16.0');
  await shot(page, 'setup');
  await page.getByRole('button', { name: 'Next' }).click();
  // Horde's first FolderSync of a device creates alice's calendar, task list and notepad: ~5 s.
  await page.getByRole('heading', { name: 'What to sync' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Done' }).click();
}

/** The protocol version of each account, from the app's IndexedDB (src/store/schema.ts AccountRecord). */
function accountVersions(page: Page): Promise<unknown[]> {
  return page.evaluate(
    () =>
      new Promise<unknown[]>((ok, fail) => {
        const open = indexedDB.open('eas-pwa');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('accounts').objectStore('accounts').getAll();
          all.onsuccess = () => {
            open.result.close();
            ok((all.result as { version?: unknown }[]).map((a) => a.version));
          };
          all.onerror = () => fail(all.error);
        };
      }),
  );
}

interface Row {
  readonly who: string;
  readonly subject: string;
  readonly date: string;
}

/** Every row of the (virtual) list, scrolled through from top to bottom, by position. */
async function listRows(page: Page, name: string): Promise<Row[]> {
  const list = page.getByRole('listbox', { name });
  const rows = new Map<number, Row>();
  await list.evaluate((el) => el.scrollTo(0, 0));
  for (let round = 0; round < 40; round += 1) {
    const seen = await list.evaluate((el) =>
      Array.from(el.querySelectorAll('[role=option]')).map((o) => ({
        pos: Number(o.getAttribute('aria-posinset')),
        size: Number(o.getAttribute('aria-setsize')),
        who: o.querySelector('.who')?.textContent ?? '',
        subject: o.querySelector('.subject')?.textContent ?? '',
        date: o.querySelector('time')?.getAttribute('datetime') ?? '',
        busy: o.querySelector('[aria-busy=true]') !== null,
      })),
    );
    for (const r of seen) if (!r.busy) rows.set(r.pos, { who: r.who, subject: r.subject, date: r.date });
    const size = seen[0]?.size ?? 0;
    if (size > 0 && rows.size >= size) break;
    const atEnd = await list.evaluate((el) => {
      el.scrollTop += el.clientHeight * 0.8;
      return el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
    });
    await page.waitForTimeout(atEnd ? 300 : 100);
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

describe('the built PWA through eas proxy --vault against Horde at EAS 16.0, Chromium 390×844', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await Promise.all([reseed(), ensureBuilt()]);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('sets alice up by hand, lists the Inbox as IMAP holds it, reads a mail, sends to bob, keeps a draft', async () => {
    if (!browser) throw new Error('beforeAll did not finish');
    const proxy = await startProxy(['--vault'], HORDE_URL);
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await setUpAlice(page, proxy.origin);

      // The Inbox, newest first: who sent it, its subject, its date, as the seed put them in IMAP.
      const inbox = page.getByRole('listbox', { name: 'Inbox' });
      await inbox.waitFor({ timeout: 30_000 });
      const seeded = Object.values(seededMails(ALICE, 'INBOX'));
      const size = () =>
        inbox
          .getByRole('option')
          .first()
          .getAttribute('aria-setsize', { timeout: 1000 })
          .then(Number, () => 0);
      await expect.poll(size, { timeout: 60_000 }).toBe(seeded.length);
      await shot(page, 'inbox');
      expect(await accountVersions(page)).toEqual(['16.0']);
      const expected = [...seeded]
        .sort((a, b) => b.date.localeCompare(a.date))
        .map((m) => ({ who: m.from.name ?? m.from.email, subject: m.subject, date: m.date }));
      const shown = await listRows(page, 'Inbox');
      // Same dates may sort either way: compare as sets keyed by the whole row, then the order of dates.
      expect([...shown].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
        [...expected].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      );
      expect(shown.map((r) => r.date)).toEqual(expected.map((r) => r.date));

      // A seeded plain-text mail opens with its body in the sandboxed frame.
      const plain = seedOf(ALICE).mails.find(
        (m) => m.mailbox === 'INBOX' && /^Content-Type: text\/plain/im.test(m.raw.split('\r\n\r\n')[0] ?? ''),
      );
      if (!plain) throw new Error('the seed has no plain-text mail in the Inbox');
      const wanted = seenMail(plain).subject;
      const firstLine = (plain.raw.split('\r\n\r\n')[1] ?? '').split('\r\n').find((l) => l.trim() !== '') ?? '';
      await inbox.evaluate((el) => el.scrollTo(0, 0));
      const row = inbox.getByRole('option').filter({ hasText: wanted }).first();
      for (let i = 0; i < 20 && !(await row.isVisible()); i += 1) await inbox.evaluate((el) => (el.scrollTop += el.clientHeight * 0.8));
      await row.click();
      await page.getByRole('heading', { name: wanted }).waitFor({ timeout: 30_000 });
      const frame = page.locator('iframe.mail-frame');
      await frame.waitFor({ timeout: 30_000 });
      expect(await frame.getAttribute('sandbox')).not.toContain('allow-scripts');
      await expect
        .poll(() => frame.evaluate((f: HTMLIFrameElement) => f.contentDocument?.body?.innerText ?? ''), { timeout: 30_000 })
        .toContain(firstLine.trim());
      await shot(page, 'mail');

      // A new mail to bob: through the outbox and SendMail, once in bob's Inbox, once in alice's Sent.
      const sent = unique('horde pwa');
      await go(page, '#/compose/new');
      await page.getByRole('heading', { name: 'New message' }).waitFor();
      await page.getByRole('combobox', { name: 'To' }).fill(BOB.email);
      await page.getByRole('textbox', { name: 'Subject' }).fill(sent);
      await page.getByRole('textbox', { name: 'Message' }).fill('Hello Bob,\n\nsent from the PWA through eas proxy to Horde at 16.0.\n');
      await shot(page, 'compose');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
      await eventually(
        `"${sent}" in bob's IMAP Inbox`,
        async () => ((await countBySubject(BOB, 'INBOX', sent)) > 0 ? true : undefined),
        45_000,
      );
      expect(await countBySubject(BOB, 'INBOX', sent)).toBe(1);
      expect(await countBySubject(ALICE, 'Sent', sent)).toBe(1);
      // The app's Sent folder, synced from Horde: the mail once (no local copy beside the server's).
      await go(page, '#/mail'); // compose went back to the mail it was opened from
      await page.getByRole('button', { name: 'Folders' }).click();
      await page
        .getByRole('navigation', { name: 'Folders' })
        .getByRole('link', { name: /^Sent Items/ })
        .click();
      const sentList = page.getByRole('listbox', { name: 'Sent Items' });
      await sentList.waitFor({ timeout: 30_000 });
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: 'Send and receive' }).click();
            return (await listRows(page, 'Sent Items')).filter((r) => r.subject === sent).map((r) => r.who);
          },
          { timeout: 45_000, interval: 3000 },
        )
        .toEqual([BOB.email]); // typed as a bare address
      await shot(page, 'sent');

      // A draft: saved in Horde's Drafts folder (16.0), listed there by the app, once in IMAP.
      const draft = unique('horde draft');
      await go(page, '#/compose/new');
      await page.getByRole('combobox', { name: 'To' }).fill(BOB.email);
      await page.getByRole('textbox', { name: 'Subject' }).fill(draft);
      await page.getByRole('textbox', { name: 'Message' }).fill('Half of it written');
      await page.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
      await eventually(
        `"${draft}" in alice's IMAP Drafts`,
        async () => ((await countBySubject(ALICE, 'Drafts', draft)) > 0 ? true : undefined),
        45_000,
      );
      expect(await countBySubject(ALICE, 'Drafts', draft)).toBe(1);
      await go(page, '#/mail');
      await page.getByRole('button', { name: 'Folders' }).click();
      expect(await page.getByRole('link', { name: 'Drafts on this device' }).count()).toBe(0);
      await page
        .getByRole('navigation', { name: 'Folders' })
        .getByRole('link', { name: /^Drafts/ })
        .click();
      // The drafts list: the server's Drafts folder, one row per draft with its delete button.
      const kept = page.getByRole('link').filter({ hasText: draft });
      await kept.waitFor({ timeout: 45_000 });
      expect(await kept.count()).toBe(1);
      expect(await kept.textContent()).toContain(BOB.email);
      await shot(page, 'drafts');
      expect(errors).toEqual([]);
    } catch (e) {
      await shot(page, 'failure');
      throw e;
    } finally {
      await context.close();
      await stopProxy(proxy);
    }
  }, 150_000);

  it('in Japanese: setup, the Inbox, the folders, a mail, compose and the drafts show no English (ja-JP)', async () => {
    if (!browser) throw new Error('beforeAll did not finish');
    const proxy = await startProxy(['--vault'], HORDE_URL);
    const context = await browser.newContext({ viewport: PHONE, locale: 'ja-JP' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const patterns = englishPatterns();
    const english: string[] = [];
    const check = async (name: string) => {
      english.push(...(await englishOnScreen(page, patterns)).map((t) => `${name}: ${t}`));
      await shot(page, `ja-${name}`);
    };
    try {
      await page.goto(`${proxy.origin}/`);
      await page.getByRole('heading', { name: ja['setup.title'] }).waitFor({ timeout: 30_000 });
      await page.getByLabel(ja['setup.email'], { exact: true }).fill(ALICE.email);
      await page.getByLabel(ja['setup.password'], { exact: true }).fill(ALICE.password);
      await page.getByRole('button', { name: ja['common.next'] }).click();
      await page.getByText(ja['setup.vault']).waitFor({ timeout: 30_000 });
      await page.getByLabel(ja['setup.user'], { exact: true }).fill(ALICE.login);
      await page.getByText(ja['setup.advanced']).click();
      await page.getByLabel(ja['setup.version']).selectOption('16.0');
      await check('setup');
      await page.getByRole('button', { name: ja['common.next'] }).click();
      await page.getByRole('heading', { name: ja['setup.classesTitle'] }).waitFor({ timeout: 60_000 });
      await check('classes');
      await page.getByRole('button', { name: ja['setup.done'] }).click();

      const inbox = page.getByRole('listbox', { name: ja['folder.inbox'] });
      const size = () =>
        inbox
          .getByRole('option')
          .first()
          .getAttribute('aria-setsize', { timeout: 1000 })
          .then(Number, () => 0);
      await expect.poll(size, { timeout: 60_000 }).toBe(Object.keys(seededMails(ALICE, 'INBOX')).length);
      await check('inbox');

      // Horde's folders (notes/horde-peer.md): its special ones by their Japanese names.
      await page.getByRole('button', { name: ja['mail.folders'] }).click();
      const tree = page.getByRole('navigation', { name: ja['mail.folders'] });
      await tree.waitFor();
      const names = await tree.locator('.tree-name').allTextContents();
      await check('folders');
      // Inbox 2, Drafts 3, Sent 5, Trash 4, Outbox 6 (Horde's virtual one), and Spam (type 12, known
      // by name) in Japanese; Horde's other user folders keep their names. Horde lists them in a
      // different order on each FolderSync: compared as sets.
      expect([...names].sort()).toEqual(
        [
          '受信トレイ',
          'Projects',
          '下書き',
          '送信済みアイテム',
          '削除済みアイテム',
          'Archive',
          '迷惑メール',
          'Templates',
          '送信トレイ',
        ].sort(),
      );
      await page.keyboard.press('Escape');

      await inbox.getByRole('option').first().click();
      await page.locator('iframe.mail-frame').waitFor({ timeout: 30_000 });
      await check('mail');

      await go(page, '#/compose/new');
      await page.getByRole('heading', { name: ja['mail.compose'] }).waitFor();
      const draft = unique('horde ja draft');
      await page.getByRole('textbox', { name: ja['mail.subject'] }).fill(draft);
      await page.getByRole('textbox', { name: ja['mail.body'] }).fill('途中まで');
      await check('compose');
      await page.getByRole('button', { name: ja['common.close'] }).click();
      await page.getByRole('heading', { name: ja['mail.compose'] }).waitFor({ state: 'detached' });
      await eventually(
        `"${draft}" in alice's IMAP Drafts`,
        async () => ((await countBySubject(ALICE, 'Drafts', draft)) > 0 ? true : undefined),
        45_000,
      );
      await go(page, '#/mail');
      await page.getByRole('button', { name: ja['mail.folders'] }).click();
      await page
        .getByRole('navigation', { name: ja['mail.folders'] })
        .getByRole('link', { name: /^下書き/ })
        .click();
      // The drafts list: the server's Drafts folder, one row per draft with its delete button.
      const kept = page.getByRole('link').filter({ hasText: draft });
      await kept.waitFor({ timeout: 45_000 });
      expect(await kept.count()).toBe(1);
      expect(await kept.textContent()).toContain(ja['drafts.noRecipients']);
      await check('drafts');

      expect(english).toEqual([]);
      expect(errors).toEqual([]);
    } catch (e) {
      await shot(page, 'ja-failure');
      throw e;
    } finally {
      await context.close();
      await stopProxy(proxy);
    }
  }, 150_000);
});
