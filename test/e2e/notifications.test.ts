/**
 * The new-mail notification in real Chromium: the BUILT app (the engine in the service
 * worker) on the demo server, the permission granted to the profile, the switch turned
 * on in the settings. The worker raises the notification (registration.showNotification),
 * so `registration.getNotifications()` lists what the user would see.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PHONE, readLocalStore, ROOT, SHOTS, startBuiltServer, type BuiltServer } from './browser.ts';

interface Shown {
  title: string;
  body: string;
  tag: string;
  hash?: string;
}

/** The new-mail notifications (a demo event's reminder may show meanwhile: not this test's). */
function notifications(page: Page): Promise<Shown[]> {
  return page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications())
      .filter((n) => n.tag.startsWith('new-mail:'))
      .map((n) => ({ title: n.title, body: n.body, tag: n.tag, hash: (n.data as { hash?: string } | null)?.hash })),
  );
}

function closeNotifications(page: Page): Promise<void> {
  return page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).forEach((n) => n.close()));
}

/** Subjects of the app's local Inbox (read from its IndexedDB). */
async function localInbox(page: Page): Promise<string[]> {
  const { folders, items } = await readLocalStore(page);
  const inbox = new Set(folders.filter((f) => f.type === 2).map((f) => f.serverId));
  return items.filter((i) => inbox.has(i.folderId)).map((i) => i.data.subject ?? '');
}

interface ServerMail {
  id: string;
  subject?: string;
}

function serverMails(page: Page): Promise<ServerMail[]> {
  return page.evaluate(
    async () => ((await (await fetch('/__demo/mailbox?user=alice&folder=Inbox')).json()) as { items: ServerMail[] }).items,
  );
}

async function serverInbox(page: Page): Promise<string[]> {
  return (await serverMails(page)).map((i) => i.subject ?? '');
}

describe('new-mail notifications in Chromium', () => {
  let server: BuiltServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Its own build directory: the other e2e files build theirs in parallel.
    server = await startBuiltServer(resolve(ROOT, 'test-results/e2e-dist-notify'));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('one notification per batch of new mail, none for the initial sync or a mail sent to oneself', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US', timezoneId: 'Asia/Tokyo', deviceScaleFactor: 1 });
    await context.grantPermissions(['notifications'], { origin: server.origin });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.origin}/?demo=1`);
    await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
      timeout: 30_000,
    });
    await page.getByRole('listbox', { name: 'Inbox' }).waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await localInbox(page)).length, { timeout: 60_000 }).toBe((await serverInbox(page)).length);

    await page.evaluate(() => (location.hash = '#/settings'));
    await page.getByLabel('Notify me of new mail').check();
    await expect.poll(() => page.getByLabel('Notify me of new mail').isChecked()).toBe(true);
    await page.evaluate(() => (location.hash = '#/mail'));
    expect(await notifications(page)).toEqual([]);

    const panel = page.getByRole('dialog', { name: 'Demo server' });
    const act = async (label: string) => {
      await page.getByRole('button', { name: 'Demo server' }).click();
      await panel.getByRole('button', { name: label }).click();
      await panel.getByText(`Done: ${label}`).waitFor();
      await panel.getByRole('button', { name: 'Close' }).click();
    };

    // One new mail: its sender and subject, and a click leads to it.
    const before = new Set((await serverMails(page)).map((m) => m.id));
    await act('New mail now');
    await expect.poll(() => notifications(page), { timeout: 30_000 }).toHaveLength(1);
    const subject = (await serverMails(page)).find((m) => !before.has(m.id))?.subject;
    const [first] = await notifications(page);
    expect(first?.title).toMatch(/^New mail from \S/);
    expect(first?.body).toBe(subject);
    expect(first?.hash).toMatch(/^#\/mail\/[^/]+\/[^/]+\/[^/]+$/);
    await page.screenshot({ path: resolve(SHOTS, 'notify-after-new-mail.png') });

    // Two mails held back by a dropped network arrive together: one notification for both.
    await closeNotifications(page);
    await act('Drop the network');
    await act('New mail now');
    await act('New mail now');
    await act('Restore the network');
    await expect.poll(() => notifications(page), { timeout: 60_000 }).toHaveLength(1);
    expect((await notifications(page))[0]?.title).toBe('2 new messages');

    // A mail alice sends herself from this device arrives unread, and says nothing.
    await closeNotifications(page);
    await page.evaluate(() => (location.hash = '#/compose/new?to=alice%40example.test'));
    await page.getByLabel('Subject').fill('Note to self');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => serverInbox(page), { timeout: 30_000 }).toContain('Note to self');
    await page.evaluate(() => (location.hash = '#/mail'));
    await page.getByRole('button', { name: 'Send and receive' }).click();
    await expect.poll(() => localInbox(page), { timeout: 30_000 }).toContain('Note to self');
    await page.waitForTimeout(500);
    expect(await notifications(page)).toEqual([]);
    await context.close();
  }, 180_000);
});
