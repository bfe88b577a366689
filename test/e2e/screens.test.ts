/**
 * The main screens in Chromium at 390×844 (plus a desktop and a Japanese pass) on the
 * demo data: each is checked for its content, run through axe-core (no serious or
 * critical violation) and saved to test-results/screenshots/. Then the mail list on a
 * folder of 20,000 mails: rows stay few in the DOM and the middle is reached without reading the rest.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeProblems, launchChromium, PHONE, SHOTS, startAppServer, type AppServer } from './browser.ts';

async function seeded(
  browser: Browser,
  origin: string,
  opts: { locale?: string; viewport?: { width: number; height: number }; query?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? PHONE,
    locale: opts.locale ?? 'en-US',
    timezoneId: 'Asia/Tokyo',
    deviceScaleFactor: 1,
  });
  // Only the app's own origin: the demo never leaves the machine.
  await context.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  const page = await context.newPage();
  await page.goto(`${origin}/test/e2e/pages/seed.html?${opts.query ?? 'mails=240'}`);
  await page.waitForFunction(() => (window as unknown as { __seeded?: boolean }).__seeded === true, null, { timeout: 120_000 });
  return { context, page };
}

async function open(page: Page, origin: string, hash: string): Promise<void> {
  if (page.url().startsWith(`${origin}/#`) || page.url() === `${origin}/`) await page.evaluate((h) => (location.hash = h), hash);
  else await page.goto(`${origin}/${hash}`);
}

describe('screens in Chromium', () => {
  let server: AppServer;
  let browser: Browser;
  const a11y: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startAppServer();
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const shot = async (page: Page, name: string, audit = true) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: resolve(SHOTS, `${name}.png`) });
    if (audit) a11y.push(...(await axeProblems(page)).map((p) => `${name}: ${p}`));
  };

  it('mail, calendar, contacts, tasks and settings at 390×844', async () => {
    const { context, page } = await seeded(browser, server.origin);
    const o = server.origin;

    await open(page, o, '#/mail');
    await page.getByRole('listbox', { name: 'Inbox' }).waitFor();
    await expect.poll(() => page.getByRole('option').count()).toBeGreaterThan(5);
    await page.getByText('招待: プロジェクト キックオフ').first().waitFor();
    await shot(page, 'mail-list');

    await page.getByRole('button', { name: 'Folders' }).click();
    const tree = page.getByRole('navigation', { name: 'Folders' });
    await tree.getByText('プロジェクト').waitFor();
    await expect(tree.getByText('Shared by 田中 博').isVisible()).resolves.toBe(true);
    await expect(tree.getByRole('progressbar').count()).resolves.toBe(1);
    await shot(page, 'mail-folders');
    await page.keyboard.press('Escape');

    await open(page, o, '#/mail/acct-demo/1/m1');
    await page.getByRole('heading', { name: 'Q3 budget review' }).waitFor();
    await page.waitForFunction(
      () => !!document.querySelector<HTMLIFrameElement>('iframe.mail-frame')?.contentDocument?.querySelector('table'),
    );
    await page.getByText('Remote images are blocked').waitFor();
    await shot(page, 'mail-message');

    await open(page, o, '#/mail/acct-demo/1/m-invite');
    await page.getByRole('button', { name: 'Accept' }).waitFor();
    await shot(page, 'mail-invitation');
    await page.getByRole('button', { name: 'Accept' }).click();
    // Answered: back to the list (the server retires the request mail, issue #12 item 6).
    await page.waitForURL(/#\/mail\/acct-demo\/1$/);
    await page.getByRole('listbox', { name: 'Inbox' }).waitFor();

    await open(page, o, '#/compose/reply/acct-demo/m1');
    await page.getByRole('heading', { name: 'Reply' }).waitFor();
    await expect(page.getByLabel('Subject').inputValue()).resolves.toBe('Re: Q3 budget review');
    await shot(page, 'compose-reply');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/#\/mail\/acct-demo\/1\/m1$/);
    await open(page, o, '#/outbox/acct-demo');
    await page.getByText('Waiting to send').waitFor();
    await shot(page, 'mail-outbox');

    for (const view of ['agenda', 'day', 'week', 'month'] as const) {
      await open(page, o, `#/calendar/${view}`);
      await page.getByRole('navigation', { name: 'View' }).waitFor();
      await page.getByText('設計レビュー').first().waitFor();
      await shot(page, `calendar-${view}`);
    }
    await open(page, o, '#/event/acct-demo/e1');
    await page.getByRole('heading', { name: '設計レビュー' }).waitFor();
    await shot(page, 'event-invitation');
    await open(page, o, '#/event/acct-demo/e0/edit');
    await page.getByRole('heading', { name: 'Edit event' }).waitFor();
    await shot(page, 'event-edit');
    // The shared labelled field (components/Field.tsx): every control is named by its label.
    await expect(page.getByLabel('Attendees').getAttribute('aria-describedby')).resolves.toBe('attendees-hint');

    await open(page, o, '#/contacts');
    await page.getByRole('listbox', { name: 'Contacts' }).waitFor();
    await shot(page, 'contacts-list');
    await open(page, o, '#/contacts/acct-demo/k0');
    await page.getByRole('heading', { name: '田中 博' }).waitFor();
    await shot(page, 'contact-detail');
    await open(page, o, '#/contacts/acct-demo/k0/edit');
    await page.getByRole('heading', { name: 'Edit contact' }).waitFor();
    await page.getByLabel('Birthday').waitFor();
    await shot(page, 'contact-edit');

    await open(page, o, '#/tasks');
    await page.getByRole('heading', { name: 'Overdue' }).waitFor();
    await shot(page, 'tasks');
    await open(page, o, '#/tasks/new');
    await page.getByRole('heading', { name: 'New task' }).waitFor();
    await page.getByLabel('Task', { exact: true }).waitFor();
    await shot(page, 'task-edit');

    await open(page, o, '#/settings');
    await page.getByText('6f1c2e0a9b8d4c3e8a7f6e5d4c3b2a19').waitFor();
    await shot(page, 'settings');
    await context.close();
  }, 240_000);

  it('setup with the user-name rule, in a fresh browser profile', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await page.getByRole('heading', { name: 'Add an account' }).waitFor();
    await page.getByLabel('Email').fill('mike@ox.io');
    await page.getByLabel('Password', { exact: true }).fill('secret');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Signs in as user “mike” in the domain “ox.io”.', { exact: true }).waitFor();
    await page.getByLabel('Server').fill('mail.ox.io');
    await shot(page, 'setup-server');
    await page.getByLabel('User name').fill('mike');
    await page.getByText('Signs in as user “mike” in the domain “defaultcontext”.', { exact: true }).waitFor();
    // An empty domain before the backslash: the bare name, no domain.
    await page.getByLabel('User name').fill('\\mike');
    await page.getByText('Signs in as user “mike” with no domain.', { exact: true }).waitFor();
    await context.close();
  }, 60_000);

  it('the user-name rule in Japanese, \\mike included', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'ja-JP' });
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await page.getByLabel('メールアドレス').fill('mike@ox.io');
    await page.getByLabel('パスワード', { exact: true }).fill('secret');
    await page.getByRole('button', { name: '次へ' }).click();
    await page.getByText('ドメイン「ox.io」のユーザー「mike」としてサインインします。', { exact: true }).waitFor();
    await page.getByLabel('ユーザー名').fill('\\mike');
    await page.getByText('ドメインなしでユーザー「mike」としてサインインします。', { exact: true }).waitFor();
    await shot(page, 'ja-setup-bare-user');
    await context.close();
  }, 60_000);

  it('Japanese and desktop layouts', async () => {
    const ja = await seeded(browser, server.origin, { locale: 'ja-JP' });
    await open(ja.page, server.origin, '#/mail');
    await ja.page.getByRole('listbox', { name: '受信トレイ' }).waitFor();
    await ja.page.getByRole('link', { name: 'メール' }).waitFor();
    await shot(ja.page, 'ja-mail-list', false);
    await open(ja.page, server.origin, '#/calendar/month');
    await ja.page.getByText('設計レビュー').first().waitFor();
    await shot(ja.page, 'ja-calendar-month', false);
    await ja.context.close();

    const desk = await seeded(browser, server.origin, { viewport: { width: 1280, height: 800 } });
    await open(desk.page, server.origin, '#/mail/acct-demo/1/m1');
    await desk.page.getByRole('heading', { name: 'Q3 budget review' }).waitFor();
    await desk.page.getByRole('navigation', { name: 'Folders' }).getByText('Inbox').waitFor();
    await shot(desk.page, 'desktop-mail', false);
    await desk.context.close();
  }, 240_000);

  it('has no serious or critical accessibility violation (axe-core)', () => {
    expect(a11y).toEqual([]);
  });

  it('keeps a 20,000-mail folder windowed', async () => {
    const t0 = Date.now();
    const { context, page } = await seeded(browser, server.origin, { query: 'mails=20&bulk=20000' });
    const seedMs = Date.now() - t0;
    const start = Date.now();
    await open(page, server.origin, '#/mail/acct-demo/bulk');
    await page.getByText('Bulk message 0', { exact: true }).waitFor({ timeout: 90_000 });
    const firstPaintMs = Date.now() - start;
    const list = page.getByRole('listbox', { name: 'Bulk' });
    await expect(list.getAttribute('aria-activedescendant')).resolves.toBeNull();
    const frames = await page.evaluate(async () => {
      const el = document.querySelector<HTMLElement>('.vlist');
      if (!el) return [];
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 240; i++) {
        el.scrollTop += 400;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times;
    });
    const rows = await page.locator('.vlist-row').count();
    // Jump to the middle: the page there is read with advance(), not by loading the rest.
    await page.evaluate(() => {
      const el = document.querySelector<HTMLElement>('.vlist');
      if (el) el.scrollTop = el.scrollHeight / 2;
    });
    await page
      .getByText(/^Bulk message 1\d{4}$/)
      .first()
      .waitFor({ timeout: 60_000 });
    await expect(page.getByRole('option').first().getAttribute('aria-setsize')).resolves.toBe('20000');
    const sorted = [...frames].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    console.info(
      `20k folder: seeded in ${seedMs} ms, first rows in ${firstPaintMs} ms, ${rows} rows in the DOM, scroll frame median ${sorted[sorted.length >> 1]?.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
    );
    // What the user sees, not how fast: scroll frame times are the bench's (`npm run bench`, bench/ui.ts);
    // here the list keeps a window of rows, not 20,000. (100,000 took over two minutes to seed on CI.)
    expect(rows).toBeLessThan(60);
    await page.screenshot({ path: resolve(SHOTS, 'mail-20k.png') });
    await context.close();
  }, 300_000);
});
