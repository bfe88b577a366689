/**
 * Directory photos of senders (issue 15 item 10) in the BUILT app on the demo server, at
 * 390×844: a mail from someone only the directory knows shows the directory's photo in
 * the reader; a stranger's shows initials. Each sender is asked for once (the answer,
 * photo or none, is kept): opening again or reloading sends no new ResolveRecipients;
 * offline nothing is asked and no error shows. The requests are counted in the demo
 * server's own log of what reached it.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { portrait } from '../../mocks/picture.ts';
import { toBase64 } from '../../src/wbxml/base64.ts';
import {
  axeProblems,
  launchChromium,
  pageRecords,
  readLocalStore,
  ROOT,
  startBuiltServer,
  type BuiltServer,
  type LocalItem,
} from './browser.ts';
import { demoPhone, serverMails } from './touch-support.ts';

/** ResolveRecipients requests the demo server has handled (its replay log; plain or base64 query, MS-ASHTTP 2.2.1.1.1.1.2). */
async function resolveRequests(page: Page): Promise<number> {
  const isResolve = ({ url }: { url: string }) => {
    const query = new URL(url).search.slice(1);
    if (/(^|&)Cmd=/i.test(query)) return /(^|&)Cmd=ResolveRecipients(&|$)/i.test(query);
    return atob(decodeURIComponent(query)).charCodeAt(1) === 21;
  };
  return (await pageRecords<{ url: string }>(page, 'log', 'eas-pwa-demo')).filter(isResolve).length;
}

/** A new mail in Alice's Inbox from `from`; its subject once the app shows it in the list. */
async function mailFrom(page: Page, from: { name: string; email: string }): Promise<string> {
  const { serverId } = await page.evaluate(
    async (f) =>
      (await (await fetch('/mock-control/new-mail', { method: 'POST', body: JSON.stringify({ user: 'alice', from: f }) })).json()) as {
        serverId: string;
      },
    from,
  );
  const subject = (await serverMails(page)).find((m) => m.id === serverId)?.subject as string;
  expect(subject).toBeTruthy();
  // Push may be between two Pings: a sync now brings it in either way.
  await page.getByRole('button', { name: 'Send and receive' }).click();
  await page.locator('.vlist .subject', { hasText: subject }).first().waitFor({ timeout: 45_000 });
  return subject;
}

async function open(page: Page, subject: string): Promise<void> {
  await page.evaluate(() => (location.hash = '#/mail'));
  await page.locator('.vlist .subject', { hasText: subject }).first().click();
  await page.getByRole('heading', { name: subject, level: 2 }).waitFor();
}

/** Opens the first stored mail of the Inbox from this sender (by its address), wherever the list has it. */
async function openFrom(page: Page, from: string | RegExp): Promise<void> {
  const store = await readLocalStore(page);
  const inbox = store.folders.find((f) => f.type === 2)?.serverId;
  const match = (e: string | undefined) => (typeof from === 'string' ? e === from : from.test(e ?? ''));
  const item = store.items.find((i) => i.folderId === inbox && match((i.data as { from?: { email?: string } }).from?.email)) as
    | (LocalItem & { accountId: string; id: string })
    | undefined;
  if (!item) throw new Error(`no mail from ${from}`);
  await page.evaluate((h) => (location.hash = h), `#/mail/${[item.accountId, item.folderId, item.id].map(encodeURIComponent).join('/')}`);
  await page.getByRole('heading', { name: item.data.subject, level: 2 }).waitFor();
}

const sender = (page: Page) => page.locator('.message-head .sender .avatar');

describe("senders' photos from the directory", () => {
  let server: BuiltServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startBuiltServer(resolve(ROOT, 'test-results/e2e-dist-sender-photo'));
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a directory-only sender shows the photo, a stranger initials; each asked once; offline nothing is asked', async () => {
    const { context, page } = await demoPhone(browser, server.origin);
    const ingrid = await mailFrom(page, { name: 'Ingrid Halvorsen', email: 'ingrid.halvorsen@example.test' });
    const stranger = await mailFrom(page, { name: 'Sam Stranger', email: 'sam.stranger@partner.example.com' });
    const asked = await resolveRequests(page);

    await open(page, ingrid);
    await expect.poll(() => sender(page).getAttribute('src')).toBe(`data:image/png;base64,${toBase64(portrait(7))}`);
    expect(await sender(page).evaluate((e) => e.tagName)).toBe('IMG');
    expect(await resolveRequests(page)).toBe(asked + 1);
    expect(await axeProblems(page)).toEqual([]);

    await open(page, stranger);
    await expect.poll(() => resolveRequests(page)).toBe(asked + 2);
    expect(await sender(page).evaluate((e) => [e.tagName, e.textContent])).toEqual(['SPAN', 'SS']);

    // Kept: opening both again, and after a reload, asks nothing more.
    await open(page, ingrid);
    await expect.poll(() => sender(page).getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await open(page, stranger);
    await page.reload();
    await open(page, ingrid);
    await expect.poll(() => sender(page).getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await open(page, stranger);
    expect(await sender(page).textContent()).toBe('SS');
    expect(await resolveRequests(page)).toBe(asked + 2);

    // A contact's mail shows the contact's own photo; the directory is not asked.
    await openFrom(page, 'bob@example.test');
    await expect.poll(() => sender(page).getAttribute('src')).toBe(`data:image/png;base64,${toBase64(portrait(2))}`);
    expect(await resolveRequests(page)).toBe(asked + 2);

    // Offline, a sender never asked for: initials, no request, no error.
    await context.setOffline(true);
    await openFrom(page, /@partner\.example\.com$/);
    await sender(page).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await resolveRequests(page)).toBe(asked + 2);
    await context.close();
  }, 180_000);
});
