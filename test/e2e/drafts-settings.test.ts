/**
 * What a daily user expects (issue 15) in real Chromium at 390×844: the BUILT app (the
 * engine in the service worker) on the demo server, in English and Japanese.
 * - Signature: written in Settings (HTML or plain), kept across a reload, put in a new
 *   mail and above the quote of a reply; the HTML one reaches the recipient as HTML.
 * - Automatic replies: set with a period and two texts, read back from the server after
 *   a reload; a period ending before it starts is refused; offline, the section says it
 *   needs the connection (en, ja).
 * Drafts: the demo server speaks 16.1, where drafts live in the server's Drafts folder;
 * their journey is test/e2e/drafts16.test.ts.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeProblems, launchChromium, PHONE, ROOT, SHOTS, startBuiltServer, type BuiltServer } from './browser.ts';

interface ServerMail {
  subject?: string;
  text?: string;
  html?: string;
}

/** The mails of a demo user's folder as the server holds them, bodies included. */
function serverMails(page: Page, user: string, folder = 'Inbox'): Promise<ServerMail[]> {
  return page.evaluate(
    async ([u, f]) =>
      ((await (await fetch(`/__demo/mailbox?user=${u}&folder=${encodeURIComponent(f ?? '')}&bodies=1`)).json()) as { items: ServerMail[] })
        .items,
    [user, folder],
  );
}

/** A phone on the demo account (alice), the Inbox synced. */
async function demoPhone(browser: Browser, origin: string, locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, locale, timezoneId: 'Asia/Tokyo', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${origin}/?demo=1`);
  await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
    timeout: 30_000,
  });
  // (The server's folder name, in either language.)
  await page.getByRole('listbox', { name: /^(Inbox|受信トレイ)$/ }).waitFor({ timeout: 60_000 });
  return { context, page };
}

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);

/**
 * Chromium 150 forgets the context's offline emulation for a document loaded while offline
 * (`navigator.onLine` is true again after a reload): set it again so the page knows.
 */
async function offlineAgain(context: BrowserContext): Promise<void> {
  await context.setOffline(false);
  await context.setOffline(true);
}

describe('daily use in Chromium', () => {
  let server: BuiltServer;
  let browser: Browser;

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

  it('an HTML signature from Settings goes into a new mail and a reply, and reaches Bob as HTML', async () => {
    const { context, page } = await demoPhone(browser, server.origin);
    await go(page, '#/settings');
    const sig = page.getByRole('textbox', { name: 'Signature added to new mails, replies and forwards' });
    await sig.fill('<p><b>Alice Example</b></p><p>Sales &amp; Support<script>alert(1)</script></p>');
    await page.getByRole('checkbox', { name: 'Written in HTML' }).check();
    // The preview shows it as it will look, without the script.
    const preview = page.getByRole('group', { name: 'Signature preview' });
    expect(await preview.innerHTML()).toBe('<p><b>Alice Example</b></p><p>Sales &amp; Support</p>');
    await page.getByRole('button', { name: 'Save signature' }).click();
    await page.getByRole('status').filter({ hasText: 'Signature saved.' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'signature-settings.png') });

    // Kept with the account: there after a reload.
    await page.reload();
    await page.getByRole('button', { name: 'Save signature' }).waitFor({ timeout: 30_000 });
    expect(await sig.inputValue()).toBe('<p><b>Alice Example</b></p><p>Sales &amp; Support<script>alert(1)</script></p>');
    expect(await page.getByRole('checkbox', { name: 'Written in HTML' }).isChecked()).toBe(true);

    // A new mail starts with it, as text.
    await go(page, '#/compose/new');
    const body = page.getByRole('textbox', { name: 'Message' });
    await body.waitFor();
    expect(await body.inputValue()).toBe('\n\n-- \nAlice Example\n\nSales & Support');
    await page.getByRole('combobox', { name: 'To' }).fill('bob@example.test');
    await page.getByRole('textbox', { name: 'Subject' }).fill('Signed mail');
    await body.focus();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('Hello Bob');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await serverMails(page, 'bob')).filter((m) => m.subject === 'Signed mail').length, { timeout: 30_000 })
      .toBe(1);
    const sent = (await serverMails(page, 'bob')).find((m) => m.subject === 'Signed mail');
    expect(sent?.text?.replace(/\r\n/g, '\n').trimEnd()).toBe('Hello Bob\n\n-- \nAlice Example\n\nSales & Support');
    expect(sent?.html).toContain('<div class="signature">-- <br><p><b>Alice Example</b></p><p>Sales &amp; Support</p></div>');
    expect(sent?.html).not.toContain('script');

    // A reply: the signature above the quote.
    await go(page, '#/mail');
    await page.getByRole('option').first().click();
    await page.getByRole('link', { name: 'Reply', exact: true }).click();
    await page.getByRole('heading', { name: 'Reply' }).waitFor();
    await expect.poll(() => body.inputValue()).toMatch(/^\n\n-- \nAlice Example\n\nSales & Support\n\nOn .+ wrote:\n> /);
    await page.screenshot({ path: resolve(SHOTS, 'signature-reply.png') });
    await context.close();
  }, 240_000);

  it('a plain signature in Japanese goes above the quote of a forward (ja)', async () => {
    const { context, page } = await demoPhone(browser, server.origin, 'ja-JP');
    await go(page, '#/settings');
    await page.getByRole('textbox', { name: '新規メール・返信・転送に付ける署名' }).fill('山田 花子\n営業部');
    expect(await page.getByRole('checkbox', { name: 'HTML で書く' }).isChecked()).toBe(false);
    await page.getByRole('button', { name: '署名を保存' }).click();
    await page.getByRole('status').filter({ hasText: '署名を保存しました。' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await go(page, '#/mail');
    await page.getByRole('option').first().click();
    await page.getByRole('link', { name: '転送', exact: true }).click();
    const body = page.getByRole('textbox', { name: '本文' });
    await expect.poll(() => body.inputValue()).toMatch(/^\n\n-- \n山田 花子\n営業部\n\n/);
    await context.close();
  }, 240_000);

  it('automatic replies with a period are saved on the server and read back; offline says it needs the connection', async () => {
    const { context, page } = await demoPhone(browser, server.origin);
    await go(page, '#/settings');
    await page.getByText('Automatic replies (out of office)').click();
    const on = page.getByRole('checkbox', { name: 'Send automatic replies' });
    await on.waitFor({ timeout: 30_000 });
    expect(await on.isChecked()).toBe(false);
    await on.check();
    await page.getByRole('checkbox', { name: 'Only during this period' }).check();
    await page.getByLabel('From', { exact: true }).fill('2026-12-24T09:00');
    await page.getByLabel('Until', { exact: true }).fill('2026-12-23T18:00');
    await page.getByRole('textbox', { name: 'Reply to people in my organization' }).fill('Back on January 4.');
    await page
      .getByRole('textbox', { name: 'Reply to everyone else' })
      .fill('I am away until January 4. For urgent matters: bob@example.test');
    await page.getByRole('button', { name: 'Save automatic replies' }).click();
    await page.getByRole('alert').filter({ hasText: 'The end of the period must come after its start.' }).waitFor();
    await page.getByLabel('Until', { exact: true }).fill('2027-01-04T09:00');
    await page.getByRole('button', { name: 'Save automatic replies' }).click();
    await page.getByRole('status').filter({ hasText: 'Automatic replies saved on the server.' }).waitFor({ timeout: 30_000 });
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'oof-settings.png'), fullPage: true });

    // Nothing of it is on the device: after a reload it comes from the server as saved.
    await page.reload();
    await page.getByText('Automatic replies (out of office)').click();
    await on.waitFor({ timeout: 30_000 });
    expect({
      on: await on.isChecked(),
      timed: await page.getByRole('checkbox', { name: 'Only during this period' }).isChecked(),
      from: await page.getByLabel('From', { exact: true }).inputValue(),
      until: await page.getByLabel('Until', { exact: true }).inputValue(),
      internal: await page.getByRole('textbox', { name: 'Reply to people in my organization' }).inputValue(),
      external: await page.getByRole('textbox', { name: 'Reply to everyone else' }).inputValue(),
    }).toEqual({
      on: true,
      timed: true,
      from: '2026-12-24T09:00',
      until: '2027-01-04T09:00',
      internal: 'Back on January 4.',
      external: 'I am away until January 4. For urgent matters: bob@example.test',
    });

    // Offline: the section says it needs the connection.
    await context.setOffline(true);
    await page.reload();
    await offlineAgain(context);
    await page.getByText('Automatic replies (out of office)').click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Automatic replies are kept on the server: connect to the internet to see or change them.' })
      .waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await context.close();
  }, 240_000);

  it('automatic replies in Japanese; saving offline says it needs the connection and loses nothing (ja)', async () => {
    const { context, page } = await demoPhone(browser, server.origin, 'ja-JP');
    await go(page, '#/settings');
    await page.getByText('自動応答（不在通知）').click();
    const on = page.getByRole('checkbox', { name: '自動応答を送信する' });
    await on.waitFor({ timeout: 30_000 });
    await on.check();
    const inside = page.getByRole('textbox', { name: '組織内の人への返信' });
    await inside.fill('1月4日から出社します。');
    await context.setOffline(true);
    await page.getByRole('button', { name: '自動応答を保存' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: '自動応答はサーバーに保存されています。表示・変更するにはインターネットに接続してください。' })
      .waitFor();
    expect(await inside.inputValue()).toBe('1月4日から出社します。');
    await context.setOffline(false);
    await page.getByRole('button', { name: '自動応答を保存' }).click();
    await page.getByRole('status').filter({ hasText: '自動応答をサーバーに保存しました。' }).waitFor({ timeout: 30_000 });
    expect(await axeProblems(page)).toEqual([]);
    await context.close();
  }, 240_000);
});
