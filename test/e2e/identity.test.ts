/**
 * Stable identity in real Chromium (the built app, the engine in the service worker, the
 * demo server inside it), 390×844: an item opened while its ServerId is provisional stays
 * open and editable when the server gives the real one. A contact, an event and a task
 * are created offline and opened at once; back online the server confirms the Add, and
 * the user edits the open item: the edit reaches the server. A mail moved offline and
 * opened in its new folder is flagged after MoveItems gave it a new ServerId. (Before
 * items had stable ids, each page went blank at the confirmation and the edit was lost.)
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, pageRecords, PHONE, provisionalIds, ROOT, SHOTS, startBuiltServer, type BuiltServer } from './browser.ts';

interface ServerItem {
  id: string;
  subject?: string;
  read?: boolean;
  flagged?: boolean;
  date?: string;
  fields?: Record<string, string>;
}

/** A mock folder's items as the demo's read-only view shows them. */
async function serverItems(page: Page, folder: string): Promise<ServerItem[]> {
  return page.evaluate(
    async (f) =>
      ((await (await fetch(`/__demo/mailbox?user=alice&folder=${encodeURIComponent(f)}`)).json()) as { items: ServerItem[] }).items,
    folder,
  );
}

async function localFolderId(page: Page, name: string): Promise<{ accountId: string; serverId: string }> {
  const folders = await pageRecords<{ accountId: string; serverId: string; displayName: string }>(page, 'folders');
  const f = folders.find((x) => x.displayName === name);
  if (!f) throw new Error(`no folder ${name}`);
  return f;
}

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);

describe('stable identity in Chromium', () => {
  let server: BuiltServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startBuiltServer(resolve(ROOT, 'test-results/e2e-identity-dist'));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE, locale: 'en-US', timezoneId: 'Asia/Tokyo', deviceScaleFactor: 1 });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('sets up the demo account and syncs it', async () => {
    await page.goto(`${server.origin}/`);
    await page.getByRole('heading', { name: 'Add an account' }).waitFor();
    await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
      timeout: 30_000,
    });
    await page.getByRole('button', { name: 'Try the demo' }).click();
    await expect
      .poll(() => page.getByLabel('Server').inputValue(), { timeout: 30_000 })
      .toBe('https://example.test/Microsoft-Server-ActiveSync');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'What to sync' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('listbox', { name: 'Inbox' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByRole('button', { name: 'Send and receive' }).isDisabled(), { timeout: 60_000 }).toBe(false);
  }, 120_000);

  const shot = (name: string) => page.screenshot({ path: resolve(SHOTS, `identity-${name}.png`) });

  /** Offline, `create` makes an item and leaves its page open; back online the server confirms it. */
  async function createdOfflineThenConfirmed(create: () => Promise<void>): Promise<void> {
    await context.setOffline(true);
    await create();
    expect(await provisionalIds(page)).toHaveLength(1);
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => provisionalIds(page), { timeout: 60_000 }).toEqual([]);
  }

  it('a contact created, the Add confirmed while it is open, then edited', async () => {
    await createdOfflineThenConfirmed(async () => {
      await go(page, '#/contacts/new');
      await page.getByLabel('First name', { exact: true }).fill('Ida');
      await page.getByLabel('Last name', { exact: true }).fill('Stable');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: /Ida/ }).waitFor();
    });
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Job title').fill('Edited after the Add');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Edited after the Add').waitFor();
    await shot('contact');
    await expect
      .poll(
        async () =>
          (await serverItems(page, 'Contacts'))
            .filter((i) => i.fields?.['Contacts:FirstName'] === 'Ida')
            .map((i) => [i.fields?.['Contacts:LastName'], i.fields?.['Contacts:JobTitle']]),
        { timeout: 60_000 },
      )
      .toEqual([['Stable', 'Edited after the Add']]);
  }, 180_000);

  it('an event created, the Add confirmed while it is open, then edited', async () => {
    await createdOfflineThenConfirmed(async () => {
      await go(page, '#/event/new');
      await page.getByLabel('Title').fill('Identity review');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: 'Identity review' }).waitFor();
    });
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Title').fill('Identity review, moved to room 2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Identity review, moved to room 2' }).waitFor();
    await shot('event');
    await expect
      .poll(
        async () =>
          (await serverItems(page, 'Calendar')).map((i) => i.fields?.['Calendar:Subject']).filter((s) => s?.startsWith('Identity review')),
        { timeout: 60_000 },
      )
      .toEqual(['Identity review, moved to room 2']);
  }, 180_000);

  it('a task created, opened, the Add confirmed while it is open, then edited', async () => {
    await createdOfflineThenConfirmed(async () => {
      await go(page, '#/tasks/new');
      await page.getByRole('textbox', { name: 'Task', exact: true }).fill('File the identity report');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('File the identity report').click();
      await page.getByRole('heading', { name: 'Edit task' }).waitFor();
    });
    await page.getByRole('textbox', { name: 'Task', exact: true }).fill('File the identity report today');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('File the identity report today').waitFor();
    await shot('task');
    await expect
      .poll(
        async () =>
          (await serverItems(page, 'Tasks'))
            .map((i) => i.fields?.['Tasks:Subject'])
            .filter((s) => s?.startsWith('File the identity report')),
        { timeout: 60_000 },
      )
      .toEqual(['File the identity report today']);
  }, 180_000);

  it('a mail moved offline, opened in its new folder, MoveItems gives it a new ServerId, then flagged', async () => {
    await go(page, '#/mail');
    // The newest mail with a subject of its own (the list shows the newest first).
    const inbox = (await serverItems(page, 'Inbox')).filter((i) => i.subject).sort((a, b) => ((a.date ?? '') < (b.date ?? '') ? 1 : -1));
    const subject = inbox.find((i) => !i.flagged && !inbox.some((j) => j !== i && j.subject === i.subject))?.subject as string;
    await context.setOffline(true);
    await page.getByRole('option').filter({ hasText: subject }).first().click();
    await page.getByRole('heading', { name: subject }).waitFor();
    await page.getByRole('button', { name: 'Move to…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Archive', exact: true }).click();
    const archive = await localFolderId(page, 'Archive');
    await go(page, `#/mail/${encodeURIComponent(archive.accountId)}/${encodeURIComponent(archive.serverId)}`);
    await page.getByRole('option').filter({ hasText: subject }).first().click();
    await page.getByRole('heading', { name: subject }).waitFor();
    expect(await provisionalIds(page)).toHaveLength(1);
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => provisionalIds(page), { timeout: 60_000 }).toEqual([]);
    // The mail stays open under its new ServerId; flag it there.
    await page.getByRole('heading', { name: subject }).waitFor();
    await page.getByRole('button', { name: 'Flag' }).click();
    await page.getByRole('button', { name: 'Clear flag' }).waitFor();
    await shot('moved-mail');
    await expect
      .poll(async () => (await serverItems(page, 'Archive')).filter((i) => i.subject === subject).map((i) => [i.read, i.flagged]), {
        timeout: 60_000,
      })
      .toEqual([[true, true]]);
    expect((await serverItems(page, 'Inbox')).filter((i) => i.subject === subject)).toEqual([]);
    expect(errors.filter((e) => /no item/.test(e))).toEqual([]);
  }, 180_000);
});
