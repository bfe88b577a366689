/**
 * What a daily user expects (issue #15), in real Chromium at 390×844 on the BUILT app
 * (the engine in the service worker) against the demo server:
 * - Japanese as a first language: the main screens walked in ja show none of the English
 *   catalog's texts; default folders have their Japanese names; contacts sort by reading.
 * - Dark mode following the system: the main screens pass axe-core (contrast included)
 *   in the light and the dark theme; an HTML mail keeps its white page in its frame.
 * - Every folder in every class: contacts and tasks show the subfolders the server gives
 *   (家族 Family, Errands), filter by them, and new items go to the folder chosen.
 * - Conversations: the mail list grouped by ConversationId, each with its number of
 *   mails, unread count and newest date; a conversation opens in place.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import {
  axeProblems,
  englishOnScreen,
  englishPatterns,
  launchChromium,
  PHONE,
  readLocalStore,
  ROOT,
  SHOTS,
  startBuiltServer,
  type BuiltServer,
} from './browser.ts';

/** A phone on the demo account (`?demo=1` sets it up), the mail list shown. */
async function demoPhone(
  browser: Browser,
  origin: string,
  opts: { locale: string; colorScheme?: 'light' | 'dark' },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: PHONE,
    locale: opts.locale,
    colorScheme: opts.colorScheme ?? 'light',
    timezoneId: 'Asia/Tokyo',
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${origin}/?demo=1`);
  await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
    timeout: 30_000,
  });
  await page.getByRole('listbox', { name: opts.locale.startsWith('ja') ? '受信トレイ' : 'Inbox' }).waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByRole('option').count(), { timeout: 30_000 }).toBeGreaterThan(5);
  return { context, page };
}

interface ServerFolder {
  name: string;
  count: number;
}

/** How many items the mock's folder of alice holds. */
async function serverCount(page: Page, name: string): Promise<number | undefined> {
  const folders = await page.evaluate(
    async () => ((await (await fetch('/__demo/folders?user=alice')).json()) as { folders: ServerFolder[] }).folders,
  );
  return folders.find((f) => f.name === name)?.count;
}

/** The options of a select, as shown. */
const optionTexts = (page: Page, label: string) => page.getByRole('combobox', { name: label }).locator('option').allTextContents();

/** Chooses the option whose shown text, indentation aside, is `text`. */
async function choose(page: Page, label: string, text: string): Promise<void> {
  const select = page.getByRole('combobox', { name: label });
  const options = await select
    .locator('option')
    .evaluateAll((os) => os.map((o) => ({ text: (o.textContent ?? '').trim(), value: (o as HTMLOptionElement).value })));
  const option = options.find((o) => o.text === text);
  if (!option) throw new Error(`no option ${text} in ${label}`);
  await select.selectOption(option.value);
}

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);

describe('daily use in Chromium', () => {
  let server: BuiltServer;
  let browser: Browser;
  const a11y: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Its own build directory: the other e2e files build theirs in parallel.
    server = await startBuiltServer(resolve(ROOT, 'test-results/e2e-dist-daily'));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const shot = async (page: Page, name: string) => {
    await page.waitForTimeout(200);
    await page.screenshot({ path: resolve(SHOTS, `daily-${name}.png`) });
    a11y.push(...(await axeProblems(page)).map((p) => `${name}: ${p}`));
  };

  it('Japanese as a first language: no English UI text on the main screens, Japanese folder names, contacts by reading', async () => {
    const { context, page } = await demoPhone(browser, server.origin, { locale: 'ja-JP' });
    const patterns = englishPatterns();
    const english: string[] = [];
    const check = async (name: string) => {
      await page.waitForTimeout(300);
      english.push(...(await englishOnScreen(page, patterns)).map((t) => `${name}: ${t}`));
    };

    // Mail: the list, the folders by their Japanese names, a message, a new one.
    await check('mail list');
    await page.getByRole('button', { name: ja['mail.folders'] }).click();
    const tree = page.getByRole('navigation', { name: ja['mail.folders'] });
    const names = await tree.locator('.tree-name').allTextContents();
    expect(names.filter((n) => /[ぁ-んァ-ヶ]/.test(n) && !/[A-Za-z]/.test(n))).toEqual([
      '受信トレイ',
      '下書き',
      '送信済みアイテム',
      '削除済みアイテム',
      '送信トレイ',
    ]); // at 16.1 下書き is the drafts list
    for (const server of ['Inbox', 'Drafts', 'Sent Items', 'Deleted Items']) expect(names).not.toContain(server);
    expect(names).toContain('Projects プロジェクト'); // a user folder keeps the server's name
    await shot(page, 'ja-folders');
    await page.keyboard.press('Escape');
    await page.getByRole('option').first().click();
    await page.locator('.reader h2, .reader h1').first().waitFor();
    await check('message');
    await go(page, '#/compose/new');
    await page.getByRole('heading', { name: ja['mail.compose'] }).waitFor();
    await check('compose');

    // Calendar: each view, an event, a new one.
    for (const view of ['agenda', 'day', 'week', 'month'] as const) {
      await go(page, `#/calendar/${view}`);
      await page.getByRole('navigation', { name: ja['cal.view'] }).waitFor();
      await check(`calendar ${view}`);
    }
    await go(page, '#/calendar/agenda');
    await page.locator('a.event-row').first().click();
    await page.waitForURL(/#\/event\//);
    await page.locator('.detail').first().waitFor();
    await check('event');
    await go(page, '#/event/new');
    await page.getByRole('heading', { name: ja['cal.newEvent'] }).waitFor();
    await check('new event');

    // Contacts: by reading (田中 たなか, 山田 やまだ, 吉田 よしだ); by kanji (code point and
    // JIS order alike) 吉田 would come first and 田中 last.
    await go(page, '#/contacts');
    await page.getByRole('listbox', { name: ja['nav.contacts'] }).waitFor();
    await check('contacts');
    await page.getByRole('searchbox').fill('田');
    await expect
      .poll(() => page.locator('.plain-list').first().locator('.contact-main > span:first-child').count(), { timeout: 10_000 })
      .toBeGreaterThan(2);
    const surnames = (await page.locator('.plain-list').first().locator('.contact-main > span:first-child').allTextContents()).map(
      (n) => n.split(' ')[0],
    );
    expect(surnames.filter((s, i) => s !== surnames[i - 1])).toEqual(['田中', '山田', '吉田']);
    expect(
      (await page.locator('.plain-list').first().locator('.contact-main > span:first-child').first().textContent())?.startsWith('田中 '),
    ).toBe(true);
    await page.locator('.plain-list').first().locator('a').first().click();
    await page.getByRole('link', { name: ja['common.edit'] }).waitFor();
    await check('contact');
    await go(page, '#/contacts/new');
    await page.getByRole('heading', { name: ja['contacts.new'] }).waitFor();
    await check('new contact');

    // Tasks, settings.
    await go(page, '#/tasks');
    await page.locator('.task-row').first().waitFor();
    await check('tasks');
    await go(page, '#/tasks/new');
    await page.getByRole('heading', { name: ja['tasks.new'] }).waitFor();
    await check('new task');
    await go(page, '#/settings');
    await page.getByRole('heading', { name: ja['nav.settings'] }).first().waitFor();
    await page.locator('details summary').first().click();
    await check('settings');

    expect(english).toEqual([]);
    await context.close();
  }, 240_000);

  for (const scheme of ['light', 'dark'] as const) {
    it(`follows the system's ${scheme} theme, every main screen readable (axe-core contrast)`, async () => {
      const { context, page } = await demoPhone(browser, server.origin, { locale: 'en-US', colorScheme: scheme });
      const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      // Dark: a near-black page; light: white.
      await expect.poll(background).toBe(scheme === 'dark' ? 'rgb(22, 25, 29)' : 'rgb(255, 255, 255)');
      await shot(page, `${scheme}-mail-list`);
      await page.getByRole('button', { name: 'Folders' }).click();
      await page.getByRole('navigation', { name: 'Folders' }).getByText('Projects プロジェクト').waitFor();
      await shot(page, `${scheme}-folders`);
      await page.keyboard.press('Escape');

      // Bob's HTML mail: its page stays white with dark text in both themes.
      await page.getByRole('option').filter({ hasText: 'Bob Becker' }).filter({ hasText: '出張の件' }).first().click();
      await page.getByRole('heading', { name: '出張の件' }).waitFor();
      await page.waitForFunction(
        () => !!document.querySelector<HTMLIFrameElement>('iframe.mail-frame')?.contentDocument?.body?.textContent,
      );
      const frame = await page.evaluate(() => {
        const doc = document.querySelector<HTMLIFrameElement>('iframe.mail-frame')?.contentDocument;
        return doc ? { page: getComputedStyle(doc.documentElement).backgroundColor, text: getComputedStyle(doc.body).color } : undefined;
      });
      expect(frame).toEqual({ page: 'rgb(255, 255, 255)', text: 'rgb(27, 31, 36)' });
      await shot(page, `${scheme}-message`);

      for (const [hash, name, ready] of [
        ['#/compose/new', 'compose', () => page.getByRole('heading', { name: 'New message' }).waitFor()],
        ['#/calendar/agenda', 'agenda', () => page.locator('a.event-row').first().waitFor()],
        ['#/calendar/month', 'month', () => page.locator('.month').first().waitFor()],
        ['#/calendar/week', 'week', () => page.getByRole('navigation', { name: 'View' }).waitFor()],
        ['#/event/new', 'new-event', () => page.getByRole('heading', { name: 'New event' }).waitFor()],
        ['#/contacts', 'contacts', () => page.locator('.contact-row').first().waitFor()],
        ['#/contacts/new', 'new-contact', () => page.getByRole('heading', { name: 'New contact' }).waitFor()],
        ['#/tasks', 'tasks', () => page.locator('.task-row').first().waitFor()],
        ['#/tasks/new', 'new-task', () => page.getByRole('heading', { name: 'New task' }).waitFor()],
        ['#/settings', 'settings', () => page.getByRole('heading', { name: 'Settings' }).first().waitFor()],
      ] as const) {
        await go(page, hash);
        await ready();
        await shot(page, `${scheme}-${name}`);
      }
      await context.close();
    }, 240_000);
  }

  it('contacts: the Family subfolder is listed, filters the list, and takes a new contact', async () => {
    const { context, page } = await demoPhone(browser, server.origin, { locale: 'en-US' });
    await go(page, '#/contacts');
    await page.locator('.contact-row').first().waitFor();
    await expect.poll(() => optionTexts(page, 'Folder')).toEqual(['All contacts', 'Contacts', '\u2003家族 Family']);
    const family = (await serverCount(page, '家族 Family')) ?? 0;
    expect(family).toBeGreaterThan(0);
    await choose(page, 'Folder', '家族 Family');
    await expect.poll(() => page.locator('.contact-row').count()).toBe(family);
    await shot(page, 'contacts-family');

    // A new contact goes to the folder being looked at, and the server gets it there.
    await page.getByRole('link', { name: 'New contact' }).click();
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Folder' }).locator('option:checked').textContent())
      .toBe('\u2003家族 Family');
    await page.getByLabel('Last name', { exact: true }).fill('Okada');
    await page.getByLabel('First name', { exact: true }).fill('Ren');
    await shot(page, 'contact-new-in-family');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Okada, Ren' }).waitFor();
    await expect.poll(() => page.locator('.kv').getByText('家族 Family').count()).toBe(1);
    await expect.poll(() => serverCount(page, '家族 Family'), { timeout: 30_000 }).toBe(family + 1);
    await go(page, '#/contacts');
    await page.getByText('Okada, Ren').waitFor();
    await choose(page, 'Folder', 'Contacts');
    await page.locator('.contact-row').first().waitFor();
    await expect.poll(() => page.getByText('Okada, Ren').count()).toBe(0);
    await context.close();
  }, 180_000);

  it('tasks (ja): the Errands list is named on its tasks, filters the list, and takes a new task', async () => {
    const { context, page } = await demoPhone(browser, server.origin, { locale: 'ja-JP' });
    await go(page, '#/tasks');
    await page.locator('.task-row').first().waitFor();
    await expect.poll(() => optionTexts(page, ja['tasks.list'])).toEqual(['すべてのリスト', 'タスク', '\u2003Errands']);
    const errands = (await serverCount(page, 'Errands')) ?? 0;
    expect(errands).toBeGreaterThan(0);
    // In every list at once, a task of Errands says so.
    await expect.poll(() => page.locator('.task-row .badge').filter({ hasText: 'Errands' }).count()).toBe(errands);
    await choose(page, ja['tasks.list'], 'Errands');
    await expect.poll(() => page.locator('.task-row').count()).toBe(errands);
    expect(await page.locator('.task-row .badge').filter({ hasText: 'Errands' }).count()).toBe(0);
    await shot(page, 'ja-tasks-errands');

    await page.getByRole('link', { name: ja['tasks.new'] }).click();
    await expect
      .poll(() => page.getByRole('combobox', { name: ja['tasks.list'] }).locator('option:checked').textContent())
      .toBe('\u2003Errands');
    await page.getByLabel(ja['tasks.subject'], { exact: true }).fill('牛乳を買う');
    await page.getByRole('button', { name: ja['common.save'] }).click();
    await page.locator('.task-row').filter({ hasText: '牛乳を買う' }).waitFor();
    await expect.poll(() => page.locator('.task-row').count()).toBe(errands + 1);
    await expect.poll(() => serverCount(page, 'Errands'), { timeout: 30_000 }).toBe(errands + 1);
    await choose(page, ja['tasks.list'], 'タスク');
    await page.locator('.task-row').first().waitFor();
    await expect.poll(() => page.locator('.task-row').filter({ hasText: '牛乳を買う' }).count()).toBe(0);
    await context.close();
  }, 180_000);

  for (const [locale, words] of [
    ['en-US', { toggle: en['mail.conversations'], count: / messages?$/, unread: / unread$/ }],
    ['ja-JP', { toggle: ja['mail.conversations'], count: / 件のメッセージ$/, unread: /^未読 / }],
  ] as const) {
    it(`conversations (${locale}): one row per conversation with its count, unread count and newest date, opened in place`, async () => {
      const { context, page } = await demoPhone(browser, server.origin, { locale });
      const toggle = page.getByRole('button', { name: words.toggle });
      expect(await toggle.getAttribute('aria-pressed')).toBe('false');
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      const heads = page.locator('button.thread-head');
      await expect.poll(() => heads.count(), { timeout: 10_000 }).toBeGreaterThan(0);

      // A conversation of several: its row says how many and how many unread, and the newest date.
      const head = heads.first();
      const countText = (await head.locator('.badge').first().textContent()) ?? '';
      expect(countText).toMatch(words.count);
      const n = Number(countText.replace(/\D/g, ''));
      expect(n).toBeGreaterThan(1);
      const rowDate = await head.locator('time').getAttribute('datetime');
      await head.click();
      expect(await head.getAttribute('aria-expanded')).toBe('true');
      const mails = head.locator('xpath=ancestor::li[1]').locator('.thread-mails .mail-row');
      await expect.poll(() => mails.count()).toBe(n);
      const dates = await mails.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') ?? ''));
      expect(dates[0]).toBe(rowDate);
      expect([...dates].sort().reverse()).toEqual(dates);
      const unreadInside = await mails.locator('.dot').count();
      const unreadBadge = head.locator('.badge.unread-count');
      if (unreadInside > 0) expect(await unreadBadge.textContent()).toMatch(words.unread);
      if (unreadInside > 0) expect(Number(((await unreadBadge.textContent()) ?? '').replace(/\D/g, ''))).toBe(unreadInside);
      else expect(await unreadBadge.count()).toBe(0);
      // Every mail of the Inbox is in exactly one row: single mails as themselves, the rest counted in their conversation.
      const store = await readLocalStore(page);
      const inbox = store.folders.find((f) => f.type === 2)?.serverId;
      const local = store.items.filter((i) => i.folderId === inbox).length;
      const singles = await page.locator('.thread-list > li:not(:has(button.thread-head))').count();
      const inThreads = (await heads.locator('.badge:not(.unread-count)').allTextContents()).reduce(
        (sum, b) => sum + Number(b.replace(/\D/g, '')),
        0,
      );
      expect(singles + inThreads).toBe(local);
      expect(singles + (await heads.count())).toBeLessThan(local);
      await shot(page, `${locale}-conversations`);

      // Opening a mail of the conversation; the choice stays after a reload.
      await mails.first().click();
      await page.waitForURL(/#\/mail\/[^/]+\/[^/]+\/.+/);
      await page.locator('.reader .detail, .reader h2').first().waitFor();
      await page.reload();
      await go(page, '#/mail');
      await page.getByRole('button', { name: words.toggle }).waitFor({ timeout: 30_000 });
      await page.locator('button.thread-head').first().waitFor();
      expect(await page.getByRole('button', { name: words.toggle }).getAttribute('aria-pressed')).toBe('true');
      await context.close();
    }, 180_000);
  }

  it('has no serious or critical accessibility violation (axe-core)', () => {
    expect(a11y).toEqual([]);
  });
});
