/**
 * What the user sees of a mail after it changed on the server, in the built app in
 * Chromium (390×844, English and Japanese) on the demo (the mock in the service worker):
 * - replying to a mail and forwarding another keep the original whole: after the send
 *   and the next sync, it is still in the Inbox list with its sender and subject, and
 *   opened it shows its subject and body (the server's Change after a reply carries only
 *   the last verb, MS-ASCMD 2.2.3.24; it used to wipe the mail to "(no subject)");
 * - a read, a flag and a reply made by another client (POST /mock-control/other-device)
 *   reach the app with everything else intact.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PHONE, readLocalStore, SHOTS, startBuiltServer, type BuiltServer } from './browser.ts';

const TEXT = {
  en: {
    demo: 'Try the demo',
    server: 'Server',
    next: 'Next',
    classes: 'What to sync',
    done: 'Done',
    reply: 'Reply',
    forward: 'Forward',
    send: 'Send',
    sync: 'Send and receive',
    to: 'To',
    noSubject: '(no subject)',
    unknown: '(unknown sender)',
  },
  ja: {
    demo: 'デモを試す',
    server: 'サーバー',
    next: '次へ',
    classes: '同期する項目',
    done: '完了',
    reply: '返信',
    forward: '転送',
    send: '送信',
    sync: '送受信',
    to: '宛先',
    noSubject: '(件名なし)',
    unknown: '(差出人不明)',
  },
} as const;
type Text = (typeof TEXT)[keyof typeof TEXT];

interface StoredMail {
  accountId: string;
  folderId: string;
  serverId: string;
  /** The stable id (ItemRecord.id) routes name it by. */
  id: string;
  data: {
    subject?: string;
    from?: { name?: string; email: string };
    read?: boolean;
    flag?: { status?: number };
    lastVerbExecuted?: number;
    messageClass?: string;
    body?: { data?: string };
  };
}

async function inboxMails(page: Page): Promise<StoredMail[]> {
  const { folders, items } = await readLocalStore(page);
  const inbox = folders.find((f) => f.type === 2)?.serverId;
  return (items as unknown as StoredMail[]).filter((i) => i.folderId === inbox);
}

/**
 * Plain mails (not meeting requests) shown in the first rows of the Inbox list, each the
 * only row with its subject: their rows can be found again without scrolling.
 */
async function visibleMails(page: Page): Promise<StoredMail[]> {
  await page.evaluate(() => (location.hash = '#/mail'));
  await page.getByRole('option').first().waitFor({ timeout: 30_000 });
  const rows = await page.getByRole('option').allInnerTexts();
  const shown = (m: StoredMail) =>
    rows.filter((r) => r.includes(m.data.subject as string)).length === 1 &&
    rows.some((r) => r.includes(m.data.subject as string) && r.includes(m.data.from?.name as string));
  return (await inboxMails(page)).filter((m) => m.data.messageClass === 'IPM.Note' && m.data.subject && m.data.from?.name && shown(m));
}

async function stored(page: Page, serverId: string): Promise<StoredMail | undefined> {
  return (await inboxMails(page)).find((m) => m.serverId === serverId);
}

async function otherDevice(page: Page, serverId: string, edit: object): Promise<void> {
  await page.evaluate(
    async ([id, e]) => {
      const res = await fetch('/mock-control/other-device', {
        method: 'POST',
        body: JSON.stringify({ user: 'alice', serverId: id, edit: e }),
      });
      if (!res.ok) throw new Error(`other-device: ${res.status}`);
    },
    [serverId, edit] as const,
  );
}

async function syncNow(page: Page, t: Text): Promise<void> {
  await page.evaluate(() => (location.hash = '#/mail'));
  const button = page.getByRole('button', { name: t.sync });
  await expect.poll(() => button.isDisabled(), { timeout: 120_000 }).toBe(false);
  await button.click();
  await expect.poll(() => button.isDisabled(), { timeout: 120_000 }).toBe(false);
}

/** The mail's row in the Inbox list shows its sender and subject, and opened it shows its subject and body. */
async function shownWhole(page: Page, mail: StoredMail, t: Text): Promise<void> {
  await page.evaluate(() => (location.hash = '#/mail'));
  const row = page.getByRole('option').filter({ hasText: mail.data.subject as string });
  await page.getByRole('option').first().waitFor({ timeout: 30_000 });
  await row
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(async (e: unknown) => {
      await page.screenshot({ path: resolve(SHOTS, 'content-missing-row.png') });
      throw new Error(
        `no row "${mail.data.subject}" in ${page.url()}; rows: ${(await page.getByRole('option').allInnerTexts()).slice(0, 8).join(' | ')} (${String(e)})`,
      );
    });
  await expect(row.count()).resolves.toBe(1);
  const text = await row.innerText();
  expect(text).toContain(mail.data.from?.name);
  expect(text).not.toContain(t.noSubject);
  expect(text).not.toContain(t.unknown);
  await row.click();
  await page.getByRole('heading', { name: mail.data.subject as string }).waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => (document.querySelector<HTMLIFrameElement>('iframe.mail-frame')?.contentDocument?.body?.innerText ?? '').trim().length > 20,
    null,
    { timeout: 30_000 },
  );
}

describe('a mail changed on the server keeps what the user sees (Chromium, 390×844)', () => {
  let server: BuiltServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startBuiltServer();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each([
    ['en', 'en-US'],
    ['ja', 'ja-JP'],
  ] as const)(
    "reply, forward, and another client's read/flag/reply (%s)",
    async (lang, locale) => {
      const t = TEXT[lang];
      const context = await browser.newContext({ viewport: PHONE, locale, timezoneId: 'Asia/Tokyo', deviceScaleFactor: 1 });
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error('page error:', e.message));
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
        timeout: 30_000,
      });
      await page.getByRole('button', { name: t.demo }).click();
      await expect.poll(() => page.getByLabel(t.server).inputValue(), { timeout: 30_000 }).toContain('example.test');
      await page.getByRole('button', { name: t.next }).click();
      await page.getByRole('heading', { name: t.classes }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: t.done }).click();
      await page.getByRole('option').first().waitFor({ timeout: 60_000 });
      await syncNow(page, t);
      await expect.poll(async () => (await visibleMails(page)).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
      const [replied, forwarded, elsewhere] = await visibleMails(page);
      if (!replied || !forwarded || !elsewhere) throw new Error('not enough distinct mails in the demo Inbox');

      // Reply, then forward: sent, synced, the originals still whole.
      for (const [mail, verb, route] of [
        [replied, t.reply, 'reply'],
        [forwarded, t.forward, 'forward'],
      ] as const) {
        await page.evaluate(
          (h) => (location.hash = h),
          `#/compose/${route}/${encodeURIComponent(mail.accountId)}/${encodeURIComponent(mail.id)}`,
        );
        await page.getByRole('heading', { name: verb }).waitFor({ timeout: 30_000 });
        if (route === 'forward') await page.getByLabel(t.to, { exact: true }).fill('bob@example.test');
        await page.getByRole('button', { name: t.send }).click();
        await page.getByRole('heading', { name: mail.data.subject as string }).waitFor({ timeout: 30_000 });
        await expect
          .poll(async () => (await stored(page, mail.serverId))?.data.lastVerbExecuted, { timeout: 60_000 })
          .toBe(route === 'reply' ? 1 : 3);
        await syncNow(page, t);
        await shownWhole(page, mail, t);
        expect((await stored(page, mail.serverId))?.data.subject).toBe(mail.data.subject);
      }
      await page.screenshot({ path: resolve(SHOTS, `content-after-reply-${lang}.png`) });

      // Another client reads, flags and replies to a mail: the app shows the change, and the rest.
      await otherDevice(page, elsewhere.serverId, { kind: 'read', read: !elsewhere.data.read });
      await otherDevice(page, elsewhere.serverId, { kind: 'flag', flagged: true });
      await otherDevice(page, elsewhere.serverId, { kind: 'verb', verb: 2 });
      await syncNow(page, t);
      await expect.poll(async () => (await stored(page, elsewhere.serverId))?.data.flag?.status, { timeout: 30_000 }).toBe(2);
      const after = await stored(page, elsewhere.serverId);
      expect(after?.data).toMatchObject({
        subject: elsewhere.data.subject,
        from: elsewhere.data.from,
        read: !elsewhere.data.read,
        lastVerbExecuted: 2,
      });
      expect(after?.data.body?.data).toBe(elsewhere.data.body?.data);
      await shownWhole(page, elsewhere, t);
      await page.screenshot({ path: resolve(SHOTS, `content-other-client-${lang}.png`) });
      await context.close();
    },
    300_000,
  );
});
