/**
 * Touch habits on the mail list (issue 15 item 6) in real Chromium at 390×844 with real
 * touch input (CDP Input.dispatchTouchEvent): the BUILT app, the engine in the service
 * worker, on the demo server. Swipe left deletes and Undo brings the mail back as it was
 * (also after a reload); swipe right marks read; a long press selects, taps add, and
 * three mails move; a pull at the top syncs a new mail in; offline, the pull says so.
 * Axe stays clean, light and dark; in Japanese no English is left on screen.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, CDPSession, Page } from 'playwright-core';
import {
  axeProblems,
  englishOnScreen,
  englishPatterns,
  launchChromium,
  provisionalIds,
  ROOT,
  SHOTS,
  startBuiltServer,
  type BuiltServer,
} from './browser.ts';
import { demoPhone, drag, folderNamed, longPress, serverMails, serverUntil, touchAt, type Point } from './touch-support.ts';

async function rowCenter(page: Page, index: number): Promise<Point> {
  const box = await page.locator(`#mail-${index}`).boundingBox();
  if (!box) throw new Error(`row ${index} is not shown`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The first rows' subjects as shown. */
const topSubjects = (page: Page) =>
  page.locator('.vlist [role=option] .subject').evaluateAll((rows) => rows.slice(0, 5).map((r) => r.textContent));

const subjectOf = (page: Page, index: number) => page.locator(`#mail-${index} .subject`).innerText();

/** The first shown row whose subject no other mail of the Inbox has (the seed repeats some), so the server's copy is known. */
async function uniqueRow(page: Page): Promise<{ index: number; subject: string }> {
  const mails = await serverMails(page);
  for (let index = 0; index < 15; index++) {
    const subject = await subjectOf(page, index);
    if (mails.filter((m) => m.subject === subject).length === 1) return { index, subject };
  }
  throw new Error('no row with a subject of its own');
}

/** Swipes row `index` towards `side` past the threshold. */
async function swipe(page: Page, touch: CDPSession, index: number, side: 'left' | 'right'): Promise<void> {
  const c = await rowCenter(page, index);
  const dx = side === 'left' ? -220 : 220;
  await drag(page, touch, { x: c.x - dx / 2, y: c.y }, { x: c.x + dx / 2, y: c.y + 4 });
}

describe('touch habits on the mail list', () => {
  let server: BuiltServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startBuiltServer(resolve(ROOT, 'test-results/e2e-dist-touch'));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('swipe left deletes and Undo restores it as it was; the offer survives a reload', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin);
    const trash = await folderNamed(page, 4);
    const { index, subject } = await uniqueRow(page);
    const before = (await serverMails(page)).find((m) => m.subject === subject);
    const row = page.locator(`#mail-${index} .subject`, { hasText: subject });

    await swipe(page, touch, index, 'left');
    await page.getByRole('status').filter({ hasText: 'Deleted 1 mail' }).waitFor();
    await row.waitFor({ state: 'detached' });
    // The move reaches the server before the undo: the undo is a move back.
    await serverUntil(page, trash, (mails) => mails.some((m) => m.subject === subject));
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'touch-undo.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeProblems(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Undo' }).click();
    await row.waitFor();
    const back = await serverUntil(page, 'Inbox', (mails) => mails.some((m) => m.subject === subject));
    expect(back.filter((m) => m.subject === subject).map((m) => [m.read, m.flagged])).toEqual([[before?.read, before?.flagged]]);
    expect((await serverMails(page, trash)).some((m) => m.subject === subject)).toBe(false);

    // Deleted, then the page reloads inside the undo window: the offer is still there and works.
    await swipe(page, touch, index, 'left');
    await page.getByRole('status').filter({ hasText: 'Deleted 1 mail' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Undo' }).click({ timeout: 8_000 });
    await row.waitFor();
    const after = await serverUntil(page, 'Inbox', (mails) => mails.filter((m) => m.subject === subject).length === 1);
    expect(after.filter((m) => m.subject === subject).map((m) => [m.read, m.flagged])).toEqual([[before?.read, before?.flagged]]);
    await serverUntil(page, trash, (mails) => !mails.some((m) => m.subject === subject));
    await context.close();
  }, 120_000);

  it('swipe right marks read and unread; a vertical drag scrolls and changes nothing', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin);
    const { index, subject } = await uniqueRow(page);
    // Short of the threshold: the action shows under the row, and letting go does nothing.
    const c0 = await rowCenter(page, index);
    await touchAt(touch, 'touchStart', { x: c0.x - 50, y: c0.y });
    for (let x = -40; x <= 50; x += 10) await touchAt(touch, 'touchMove', { x: c0.x + x, y: c0.y });
    const reveal = page.locator('.swipe-reveal');
    expect(await reveal.innerText()).toMatch(/^Mark as (read|unread)$/);
    await page.screenshot({ path: resolve(SHOTS, 'touch-swipe.png') });
    await touchAt(touch, 'touchEnd');
    await reveal.waitFor({ state: 'detached' });
    const wasRead = !(await page.locator(`#mail-${index} .mail-row`).getAttribute('class'))?.includes('unread');
    await swipe(page, touch, index, 'right');
    await page.waitForFunction(
      ([s, r]) =>
        [...document.querySelectorAll('.mail-row')].some(
          (row) => row.querySelector('.subject')?.textContent === s && row.classList.contains('unread') === r,
        ),
      [subject, wasRead] as const,
    );
    await serverUntil(page, 'Inbox', (mails) => mails.find((m) => m.subject === subject)?.read === !wasRead);

    // A mouse drag is a swipe too, and does not open the mail it started on.
    await page.locator(`#mail-${index}`).scrollIntoViewIfNeeded();
    const m = await rowCenter(page, index);
    await page.mouse.move(m.x - 110, m.y);
    await page.mouse.down();
    for (let x = -100; x <= 110; x += 15) await page.mouse.move(m.x + x, m.y);
    await page.mouse.up();
    await serverUntil(page, 'Inbox', (mails) => mails.find((mail) => mail.subject === subject)?.read === wasRead);
    expect(new URL(page.url()).hash).toBe('#/mail');

    // A slow mouse click opens the mail: long-press selection is a touch gesture. (On a loaded
    // machine a test's click came 500 ms after its press and selected instead of opening.)
    const slow = await rowCenter(page, 1);
    const slowSubject = await subjectOf(page, 1);
    await page.mouse.move(slow.x, slow.y);
    await page.mouse.down();
    await page.waitForTimeout(800);
    await page.mouse.up();
    await page.getByRole('heading', { name: slowSubject }).waitFor();
    expect(await page.getByRole('toolbar', { name: 'Selected messages' }).count()).toBe(0);
    await page.goBack();
    await page.getByRole('listbox').first().waitFor();

    // Mostly vertical with some sideways drift: a scroll, not a swipe.
    const c = await rowCenter(page, 3);
    const first = await subjectOf(page, 0);
    await drag(page, touch, c, { x: c.x + 40, y: c.y - 250 });
    await page.waitForFunction(() => (document.querySelector('.vlist')?.scrollTop ?? 0) > 0);
    expect(await page.locator('.swipe-reveal').count()).toBe(0);
    expect(await page.getByRole('status').filter({ hasText: 'Deleted' }).count()).toBe(0);
    expect((await serverMails(page)).some((m) => m.subject === first)).toBe(true);
    await context.close();
  }, 120_000);

  it('a long press selects, taps add two more, and the three move to a folder', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin);
    const target = await folderNamed(page, 12);
    const subjects = [await subjectOf(page, 0), await subjectOf(page, 1), await subjectOf(page, 2)];
    await longPress(page, touch, await rowCenter(page, 0));
    const bar = page.getByRole('toolbar', { name: 'Selected messages' });
    await bar.getByRole('heading', { name: '1 selected' }).waitFor();
    await page.locator('#mail-1').tap();
    await page.locator('#mail-2').tap();
    await bar.getByRole('heading', { name: '3 selected' }).waitFor();
    expect(await page.locator('[role=option][aria-selected=true]').count()).toBe(3);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'touch-selection.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'touch-selection-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await bar.getByRole('button', { name: 'Move to…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: target, exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Moved 3 mails to ${target}` })
      .waitFor();
    expect(await bar.count()).toBe(0);
    const moved = await serverUntil(page, target, (mails) => subjects.every((s) => mails.some((m) => m.subject === s)));
    expect(subjects.every((s) => moved.some((m) => m.subject === s))).toBe(true);
    for (const s of subjects) expect(await page.locator('.vlist .subject', { hasText: s }).count()).toBe(0);

    // Escape leaves a selection.
    await longPress(page, touch, await rowCenter(page, 0));
    await bar.waitFor();
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    await context.close();
  }, 120_000);

  it('Settings choose each side: swipe left then flags; the keyboard selects with Space and deletes with Delete, with an undo offer', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin);
    await page.evaluate(() => (location.hash = '#/settings'));
    const left = page.getByRole('combobox', { name: 'Swipe left' });
    expect(await left.inputValue()).toBe('delete');
    expect(await page.getByRole('combobox', { name: 'Swipe right' }).inputValue()).toBe('read');
    await left.selectOption({ label: 'Flag or clear the flag' });
    expect(await axeProblems(page)).toEqual([]);
    await page.evaluate(() => (location.hash = '#/mail'));
    await page.locator('#mail-2 .subject').waitFor();
    const { index, subject } = await uniqueRow(page);
    const flagged = (await serverMails(page)).find((m) => m.subject === subject)?.flagged;
    await swipe(page, touch, index, 'left');
    await serverUntil(page, 'Inbox', (mails) => mails.find((m) => m.subject === subject)?.flagged === !flagged);
    await expect.poll(() => page.locator(`#mail-${index} .line2 [aria-label="Flagged"]`).count()).toBe(flagged ? 0 : 1);

    // The keyboard: Space selects the active row, Escape leaves, Delete deletes with the same offer.
    const list = page.getByRole('listbox', { name: 'Inbox' });
    await list.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press(' ');
    await page.getByRole('toolbar', { name: 'Selected messages' }).getByRole('heading', { name: '1 selected' }).waitFor();
    expect(await list.getAttribute('aria-multiselectable')).toBe('true');
    await page.keyboard.press('Escape');
    await page.getByRole('toolbar', { name: 'Selected messages' }).waitFor({ state: 'detached' });
    await list.focus();
    const first = await subjectOf(page, 0);
    await page.keyboard.press('Delete');
    await page.getByRole('status').filter({ hasText: 'Deleted 1 mail' }).waitFor();

    // The reader's Delete button makes the same offer, and Undo brings the mail back to the list.
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => subjectOf(page, 0)).toBe(first);
    // The mail moved back gets a new ServerId, which can reorder mails of the same date: wait
    // until the server has confirmed the move and the rows hold still before aiming at one.
    await expect.poll(() => provisionalIds(page), { timeout: 30_000 }).toEqual([]);
    await expect
      .poll(async () => {
        const a = await topSubjects(page);
        await page.waitForTimeout(300);
        return JSON.stringify(a) === JSON.stringify(await topSubjects(page));
      })
      .toBe(true);
    const subject2 = await subjectOf(page, 1);
    const rows = page.locator('.vlist [role=option]').filter({ has: page.locator('.subject', { hasText: subject2 }) });
    const copies = await rows.count();
    await page.locator('#mail-1').click();
    await page.getByRole('heading', { name: subject2, level: 2 }).waitFor();
    await page.getByRole('toolbar').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted 1 mail' }).waitFor();
    await expect.poll(() => rows.count()).toBe(copies - 1);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => rows.count()).toBe(copies);
    await context.close();
  }, 120_000);

  it('pulling down at the top syncs a new mail in; offline, it says so', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin);
    // Manual sync: no push brings the new mail in, only the pull.
    await page.evaluate(() => (location.hash = '#/settings'));
    await page.getByRole('combobox', { name: 'Get new data' }).selectOption('manual');
    await page.evaluate(() => (location.hash = '#/mail'));
    await page.locator('#mail-2 .subject').waitFor();
    // A Ping held since before the switch still brings one change in; after it, none comes by itself.
    const newMail = () =>
      page.evaluate(
        async () =>
          (await (await fetch('/mock-control/new-mail', { method: 'POST', body: JSON.stringify({ user: 'alice' }) })).json()) as {
            serverId: string;
          },
      );
    const flush = await newMail();
    const flushed = (await serverMails(page)).find((m) => m.id === flush.serverId);
    await page
      .locator('.vlist .subject', { hasText: flushed?.subject as string })
      .first()
      .waitFor({ timeout: 30_000 });
    const { serverId } = await newMail();
    const fresh = (await serverMails(page)).find((m) => m.id === serverId);
    expect(fresh?.subject).toBeTruthy();
    const top = await rowCenter(page, 0);
    await drag(page, touch, { x: top.x, y: top.y - 20 }, { x: top.x, y: top.y + 260 }, 16);
    await page.getByRole('status').filter({ hasText: 'Refreshing…' }).waitFor();
    await page
      .locator('.vlist .subject', { hasText: fresh?.subject as string })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.getByRole('status').filter({ hasText: 'Refreshing…' }).waitFor({ state: 'detached' });
    expect(await axeProblems(page)).toEqual([]);

    await context.setOffline(true);
    // The app's offline banner comes first and moves the list down.
    await page.getByRole('status').filter({ hasText: 'You are offline. Changes are kept' }).waitFor();
    const below = await rowCenter(page, 0);
    await drag(page, touch, { x: below.x, y: below.y - 20 }, { x: below.x, y: below.y + 260 }, 16);
    await page.getByRole('status').filter({ hasText: 'You are offline. The folder will refresh when the connection is back.' }).waitFor();
    await context.setOffline(false);
    await context.close();
  }, 120_000);

  it('in Japanese: the swipe, the undo offer and the selection bar have no English left', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin, 'ja-JP');
    const patterns = englishPatterns();
    await swipe(page, touch, 0, 'left');
    await page.getByRole('status').filter({ hasText: '1 件のメールを削除しました' }).waitFor();
    expect(await englishOnScreen(page, patterns)).toEqual([]);
    await page.getByRole('button', { name: '元に戻す' }).click();
    await longPress(page, touch, await rowCenter(page, 0));
    await page.getByRole('toolbar', { name: '選択したメール' }).getByRole('heading', { name: '1 件を選択中' }).waitFor();
    expect(await englishOnScreen(page, patterns)).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'touch-selection-ja.png') });
    await context.close();
  }, 120_000);
});
