/**
 * Drafts in the server's Drafts folder at 16.1 (issue 15 item 1), in real Chromium at
 * 390×844: the BUILT app (the engine in the service worker) on the demo server, which is
 * the mock at 16.1. Closing compose keeps the draft without asking and it reaches the
 * server's Drafts folder; the Drafts list shows it beside a draft another device saved;
 * it survives an offline reload, opens for editing, and sent offline it waits in the Outbox;
 * online it leaves Drafts for Sent Items and Bob's Inbox with the final text. A file added to a draft reaches the
 * server's draft, opens after a reload, downloads, and goes out with the mail. In Japanese: the list's words, no English
 * left, and discarding removes the server's draft. An account set up at 14.1 beside it
 * keeps its drafts on the device, labelled so.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeProblems,
  englishOnScreen,
  englishPatterns,
  launchChromium,
  PHONE,
  ROOT,
  SHOTS,
  startBuiltServer,
  type BuiltServer,
} from './browser.ts';

interface ServerMail {
  subject?: string;
  to?: string[];
  text?: string;
  files?: { name: string; type: string; size: number }[];
}

/** The mails of a demo user's folder as the server holds them, bodies included. */
function serverMails(page: Page, user: string, folder: string): Promise<ServerMail[]> {
  return page.evaluate(
    async ([u, f]) =>
      ((await (await fetch(`/__demo/mailbox?user=${u}&folder=${encodeURIComponent(f ?? '')}&bodies=1`)).json()) as { items: ServerMail[] })
        .items,
    [user, folder],
  );
}

/** What the server holds under this subject in a folder: recipients and text. */
async function onServer(page: Page, user: string, folder: string, subject: string): Promise<{ to?: string[]; text?: string }[]> {
  return (await serverMails(page, user, folder)).filter((m) => m.subject === subject).map((m) => ({ to: m.to, text: m.text?.trim() }));
}

/** A phone on the demo account (alice, 16.1), the Inbox synced. */
async function demoPhone(browser: Browser, origin: string, locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, locale, timezoneId: 'Asia/Tokyo', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${origin}/?demo=1`);
  await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
    timeout: 30_000,
  });
  await page.getByRole('listbox', { name: /^(Inbox|受信トレイ)$/ }).waitFor({ timeout: 60_000 });
  return { context, page };
}

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);

/** An action of the demo's fault panel (the demo server runs in the service worker: its "network" is the panel's). */
async function demoAct(page: Page, label: string): Promise<void> {
  const panel = page.getByRole('dialog', { name: 'Demo server' });
  await page.getByRole('button', { name: 'Demo server' }).click();
  await panel.getByRole('button', { name: label }).click();
  await panel.getByText(`Done: ${label}`).waitFor();
  await panel.getByRole('button', { name: 'Close' }).click();
}

/** The recipients of the first address field (To) as its chips show them: "Name <address>", or the address alone. */
function chips(page: Page): Promise<string[]> {
  return page
    .locator('.recipient-box')
    .first()
    .locator('.chip')
    .evaluateAll((els) =>
      els.map((el) => {
        const name = el.querySelector('.chip-name')?.textContent ?? '';
        const address = el.querySelector('.chip-address')?.textContent;
        return address ? `${name} <${address}>` : name;
      }),
    );
}

describe('16.1 drafts in Chromium', () => {
  let server: BuiltServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Its own build directory: the other e2e files build theirs in parallel.
    server = await startBuiltServer(resolve(ROOT, 'test-results/e2e-dist-drafts16'));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // Its own browser context and demo server: a second try starts clean (it once timed out waiting for the Outbox to empty on a loaded machine).
  it("write, close, find it in the server's Drafts, reload offline, edit, send: it leaves Drafts for Sent Items and Bob's Inbox", {
    timeout: 300_000,
    retry: 1,
  }, async () => {
    const { context, page } = await demoPhone(browser, server.origin);
    const dialogs: string[] = [];
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.accept()));
    await go(page, '#/compose/new');
    await page.getByRole('combobox', { name: 'To' }).fill('bob@example.test');
    await page.getByRole('textbox', { name: 'Subject' }).fill('Plan for Monday');
    await page.getByRole('textbox', { name: 'Message' }).fill('Half of it written');
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved .+; it goes to the Drafts folder on the server\.$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    expect(dialogs).toEqual([]);
    // On the server, as written.
    await expect
      .poll(() => onServer(page, 'alice', 'Drafts', 'Plan for Monday'), { timeout: 30_000 })
      .toEqual([{ to: ['bob@example.test'], text: 'Half of it written' }]);

    // A draft saved by another device of alice's shows up too.
    await page.evaluate(() =>
      fetch('/mock-control/new-draft', {
        method: 'POST',
        body: JSON.stringify({
          user: 'alice',
          to: [{ name: 'Bob', email: 'bob@example.test' }],
          subject: 'From my laptop',
          text: 'Started on the laptop',
        }),
      }),
    );
    const openDrafts = async () => {
      await page.getByRole('button', { name: 'Folders' }).click();
      await page.getByRole('link', { name: 'Drafts', exact: true }).click();
    };
    await page.reload(); // the app syncs when it starts
    await page.getByRole('listbox', { name: 'Inbox' }).waitFor({ timeout: 30_000 });
    await openDrafts();
    await page.getByRole('heading', { name: 'Drafts', exact: true }).waitFor();
    await page
      .getByText(
        'These drafts are in the Drafts folder on the server: your other devices see them, and a draft written offline goes there once you are online.',
      )
      .waitFor();
    expect(await page.getByRole('link', { name: 'Drafts on this device' }).count()).toBe(0);
    const row = page.getByRole('link').filter({ hasText: 'Plan for Monday' });
    expect(await row.textContent()).toContain('bob@example.test');
    const laptop = page.getByRole('link').filter({ hasText: 'From my laptop' });
    await laptop.waitFor({ timeout: 30_000 });
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'drafts16-list.png') });

    // The other device's draft opens with its content.
    await laptop.click();
    await page.getByRole('heading', { name: 'New message' }).waitFor();
    expect({
      to: await chips(page),
      subject: await page.getByRole('textbox', { name: 'Subject' }).inputValue(),
      body: (await page.getByRole('textbox', { name: 'Message' }).inputValue()).trim(),
    }).toEqual({ to: ['Bob <bob@example.test>'], subject: 'From my laptop', body: 'Started on the laptop' });
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });

    // Offline (the browser, and the demo server's network), the app reloaded: still there;
    // edited offline, the edit waits in the queue.
    await demoAct(page, 'Drop the network');
    await context.setOffline(true);
    await page.reload();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.getByRole('heading', { name: 'New message' }).waitFor();
    const body = page.getByRole('textbox', { name: 'Message' });
    expect({
      to: await chips(page),
      subject: await page.getByRole('textbox', { name: 'Subject' }).inputValue(),
      body: await body.inputValue(),
    }).toEqual({ to: ['bob@example.test'], subject: 'Plan for Monday', body: 'Half of it written' });
    await body.fill('Half of it written, and now the rest.');
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await page.reload();
    await row.waitFor({ timeout: 30_000 });
    expect(await onServer(page, 'alice', 'Drafts', 'Plan for Monday')).toEqual([{ to: ['bob@example.test'], text: 'Half of it written' }]);

    // Online again: the edit reaches the server; then the draft is opened and sent.
    await context.setOffline(false);
    await demoAct(page, 'Restore the network');
    await page.reload();
    await row.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => onServer(page, 'alice', 'Drafts', 'Plan for Monday'), { timeout: 30_000 })
      .toEqual([{ to: ['bob@example.test'], text: 'Half of it written, and now the rest.' }]);
    // Sent offline: it leaves Drafts at once and waits in the Outbox; online, it goes.
    await demoAct(page, 'Drop the network');
    await context.setOffline(true);
    await row.click();
    await page.getByRole('heading', { name: 'New message' }).waitFor();
    expect(await body.inputValue()).toBe('Half of it written, and now the rest.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await go(page, '#/mail');
    await page.getByRole('button', { name: 'Folders' }).click();
    await page.getByRole('link', { name: /^Outbox/ }).click();
    await page.getByRole('listitem').filter({ hasText: 'Plan for Monday' }).filter({ hasText: 'Waiting to send' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    expect(await onServer(page, 'alice', 'Sent Items', 'Plan for Monday')).toEqual([]);
    await context.setOffline(false);
    await demoAct(page, 'Restore the network');
    await page.reload();
    const final = [{ to: ['bob@example.test'], text: 'Half of it written, and now the rest.' }];
    await expect.poll(() => onServer(page, 'alice', 'Sent Items', 'Plan for Monday'), { timeout: 30_000 }).toEqual(final);
    await page.getByText('The outbox is empty.').waitFor({ timeout: 30_000 });
    expect(await onServer(page, 'alice', 'Drafts', 'Plan for Monday')).toEqual([]);
    await expect.poll(() => onServer(page, 'bob', 'Inbox', 'Plan for Monday'), { timeout: 30_000 }).toEqual(final);
    await go(page, '#/mail');
    await openDrafts();
    await laptop.waitFor();
    expect(await row.count()).toBe(0);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it("a file added to a draft reaches the server's draft, is listed and downloadable after a reload, and goes out with the mail", {
    timeout: 240_000,
    retry: 1,
  }, async () => {
    const { context, page } = await demoPhone(browser, server.origin);
    const content = 'time,topic\n9:00,budget\n';
    const file = { name: 'agenda.csv', type: 'text/csv', size: new TextEncoder().encode(content).length };
    await go(page, '#/compose/new');
    await page.getByRole('combobox', { name: 'To' }).fill('bob@example.test');
    await page.getByRole('textbox', { name: 'Subject' }).fill('Files for Monday');
    await page.getByRole('textbox', { name: 'Message' }).fill('The agenda is attached.');
    await page.locator('input[type=file]').setInputFiles({ name: file.name, mimeType: file.type, buffer: Buffer.from(content) });
    await page.getByRole('list', { name: 'Attachments' }).getByText(file.name).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved .+; it goes to the Drafts folder on the server\.$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    const filesOn = async (user: string, folder: string) =>
      (await serverMails(page, user, folder))
        .filter((m) => m.subject === 'Files for Monday')
        .map((m) => ({ text: m.text?.trim(), files: m.files }));
    await expect.poll(() => filesOn('alice', 'Drafts'), { timeout: 30_000 }).toEqual([{ text: 'The agenda is attached.', files: [file] }]);

    // Reloaded, the draft opens with its file listed; the file downloads with its bytes.
    await page.reload();
    await page.getByRole('listbox', { name: 'Inbox' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Folders' }).click();
    await page.getByRole('link', { name: 'Drafts', exact: true }).click();
    await page.getByRole('link').filter({ hasText: 'Files for Monday' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor();
    const download = page.getByRole('button', { name: `Download ${file.name}` });
    await download.waitFor();
    const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const path = await saved.path();
    expect({ name: saved.suggestedFilename(), text: readFileSync(path, 'utf8') }).toEqual({ name: file.name, text: content });
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'drafts16-file.png') });

    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await expect.poll(() => filesOn('bob', 'Inbox'), { timeout: 30_000 }).toEqual([{ text: 'The agenda is attached.', files: [file] }]);
    expect(await filesOn('alice', 'Drafts')).toEqual([]);
    expect(await filesOn('alice', 'Sent Items')).toEqual([{ text: 'The agenda is attached.', files: [file] }]);
    await context.close();
  });

  it('a draft another device saved with a file, opened and sent offline: the file shows as on the server, and Bob gets its bytes', {
    timeout: 240_000,
    retry: 1,
  }, async () => {
    const { context, page } = await demoPhone(browser, server.origin);
    const content = 'The plan, page 1\n';
    const file = { name: 'plan.txt', type: 'text/plain', size: new TextEncoder().encode(content).length };
    await page.evaluate(
      ([name, type, text]) =>
        fetch('/mock-control/new-draft', {
          method: 'POST',
          body: JSON.stringify({
            user: 'alice',
            to: [{ name: 'Bob', email: 'bob@example.test' }],
            subject: 'Plan from the laptop',
            text: 'The plan is attached.',
            files: [{ name, type, text }],
          }),
        }),
      [file.name, file.type, content],
    );
    await page.reload(); // the app syncs when it starts
    await page.getByRole('listbox', { name: 'Inbox' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Folders' }).click();
    await page.getByRole('link', { name: 'Drafts', exact: true }).click();
    const row = page.getByRole('link').filter({ hasText: 'Plan from the laptop' });
    await row.waitFor({ timeout: 30_000 });
    // Offline, its file was never downloaded here: listed as on the server, not as an empty file to download.
    await demoAct(page, 'Drop the network');
    await context.setOffline(true);
    await row.click();
    await page.getByRole('heading', { name: 'New message' }).waitFor();
    const files = page.getByRole('list', { name: 'Attachments' });
    await files.getByText('on the server; opens when online').waitFor();
    expect(await files.getByRole('button', { name: `Download ${file.name}` }).count()).toBe(0);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await context.setOffline(false);
    await demoAct(page, 'Restore the network');
    await page.reload();
    const received = async () =>
      (await serverMails(page, 'bob', 'Inbox')).filter((m) => m.subject === 'Plan from the laptop').map((m) => m.files);
    await expect.poll(received, { timeout: 30_000 }).toEqual([[file]]);
    await context.close();
  });

  it('beside it, an account set up at 14.1 keeps its drafts on this device, and its list says so', async () => {
    const { context, page } = await demoPhone(browser, server.origin);
    // Bob's account on the same demo server, the protocol version chosen by hand.
    await go(page, '#/setup');
    await page.getByRole('textbox', { name: 'Email' }).fill('bob@example.test');
    await page.getByLabel('Password').fill('bobpass');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Enter the server settings' }).waitFor({ timeout: 30_000 });
    await page.getByText('Advanced settings').click();
    await page.getByLabel('Protocol version').selectOption('14.1');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Done' }).click({ timeout: 30_000 });
    await page.getByRole('listbox', { name: 'Inbox' }).waitFor({ timeout: 60_000 });

    await go(page, '#/compose/new');
    await page.getByLabel('From').selectOption({ label: 'bob@example.test' });
    await page.getByRole('textbox', { name: 'Subject' }).fill('Kept on this phone');
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved on this device .+\.$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Folders' }).click();
    // Alice's account (16.1) has its server Drafts folder; Bob's (14.1) the drafts on this device.
    const alice = page.getByRole('region', { name: 'alice@example.test' });
    const bob = page.getByRole('region', { name: 'bob@example.test' });
    expect(await alice.getByRole('link', { name: 'Drafts on this device' }).count()).toBe(0);
    await bob.getByRole('link', { name: 'Drafts on this device' }).click();
    await page.getByRole('heading', { name: 'Drafts on this device' }).waitFor();
    await page.getByText('These drafts are kept on this device only: they are not in the Drafts folder on the server.').waitFor();
    await page.getByRole('link').filter({ hasText: 'Kept on this phone' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'drafts16-device-only.png') });
    expect(await onServer(page, 'bob', 'Drafts', 'Kept on this phone')).toEqual([]);
    await context.close();
  }, 240_000);

  it('in Japanese: kept on close with its file, listed under 下書き with Japanese words only, discarded after asking and gone from the server (ja)', async () => {
    const { context, page } = await demoPhone(browser, server.origin, 'ja-JP');
    const dialogs: string[] = [];
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.accept()));
    await go(page, '#/compose/new');
    await page.getByRole('combobox', { name: '宛先' }).fill('bob@example.test');
    await page.getByRole('textbox', { name: '件名' }).fill('来週の予定');
    await page.getByRole('textbox', { name: '本文' }).fill('途中まで');
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '議事録.txt', mimeType: 'text/plain', buffer: Buffer.from('月曜の議事録') });
    await page.getByRole('button', { name: '議事録.txt をダウンロード' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /に下書きを保存しました。サーバーの下書きフォルダーにも保存されます。$/ })
      .waitFor();
    await page.getByRole('button', { name: '閉じる' }).click();
    await expect
      .poll(() => onServer(page, 'alice', 'Drafts', '来週の予定'), { timeout: 30_000 })
      .toEqual([{ to: ['bob@example.test'], text: '途中まで' }]);
    const files = async () => (await serverMails(page, 'alice', 'Drafts')).filter((m) => m.subject === '来週の予定').map((m) => m.files);
    await expect
      .poll(files, { timeout: 30_000 })
      .toEqual([[{ name: '議事録.txt', type: 'text/plain', size: Buffer.byteLength('月曜の議事録') }]]);
    await page.getByRole('button', { name: 'フォルダ' }).click();
    await page.getByRole('link', { name: '下書き', exact: true }).click();
    await page.getByRole('heading', { name: '下書き', exact: true }).waitFor();
    const row = page.getByRole('link').filter({ hasText: '来週の予定' });
    await row.waitFor();
    await page
      .getByText(
        'これらの下書きはサーバーの下書きフォルダーにあり、ほかの端末からも見られます。オフラインで書いた下書きは、オンラインになるとサーバーへ送られます。',
      )
      .waitFor();
    expect(await englishOnScreen(page, englishPatterns())).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'drafts16-list-ja.png') });
    expect(dialogs).toEqual([]);
    await page.getByRole('button', { name: '下書き「来週の予定」を破棄' }).click();
    await row.waitFor({ state: 'detached' });
    expect(dialogs).toEqual(['この下書きを破棄しますか？元に戻せません。']);
    await expect.poll(() => onServer(page, 'alice', 'Drafts', '来週の予定'), { timeout: 30_000 }).toEqual([]);
    await context.close();
  }, 240_000);
});
