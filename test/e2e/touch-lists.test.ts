/**
 * Touch habits (issue 15 item 6) beyond the plain list, in real Chromium at 390×844 with
 * real touch input: the BUILT app, the engine in the service worker, on the demo server.
 * In the conversations a swipe on a conversation deletes all its mails and one Undo brings
 * them all back; inside an opened conversation a swipe acts on one mail; a long press
 * selects a whole conversation. In the search results a stored hit swipes like a list row;
 * a hit only on the server does not move. English and Japanese.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  axeProblems,
  englishOnScreen,
  englishPatterns,
  launchChromium,
  readLocalStore,
  ROOT,
  SHOTS,
  startBuiltServer,
  type BuiltServer,
} from './browser.ts';
import { demoPhone, folderNamed, longPress, serverMails, serverUntil, swipeOver, touchAt, type ServerMail } from './touch-support.ts';

async function boxOf(row: Locator) {
  await row.scrollIntoViewIfNeeded();
  await expect.poll(() => row.boundingBox()).not.toBeNull();
  return (await row.boundingBox()) as NonNullable<Awaited<ReturnType<Locator['boundingBox']>>>;
}

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Read and flag of each mail with one of the subjects, in subject order (what an undo must keep). */
const states = (mails: readonly ServerMail[], subjects: ReadonlySet<string>) =>
  mails
    .filter((m) => subjects.has(m.subject ?? ''))
    .map((m) => `${m.subject}|${m.read}|${m.flagged}`)
    .sort();

/** The local store's subjects of the mails in a folder (by its type) that have one of the subjects. */
async function storedIn(page: Page, type: number, subjects: ReadonlySet<string>): Promise<string[]> {
  const store = await readLocalStore(page);
  const folder = store.folders.find((f) => f.type === type)?.serverId;
  return store.items
    .filter((i) => i.folderId === folder && subjects.has(i.data.subject ?? ''))
    .map((i) => i.data.subject ?? '')
    .sort();
}

async function groupByConversation(page: Page, name: string): Promise<Locator> {
  await page.getByRole('button', { name }).click();
  const heads = page.locator('button.thread-head');
  await heads.first().waitFor({ timeout: 20_000 });
  return heads;
}

/** The first conversation of several mails whose subjects no mail outside it has on the server: its head and its mails' subjects. */
async function conversation(page: Page, heads: Locator): Promise<{ head: Locator; subjects: Set<string>; count: number }> {
  const inbox = await serverMails(page);
  for (let i = 0; i < (await heads.count()); i++) {
    const head = heads.nth(i);
    await head.click();
    const li = head.locator('xpath=ancestor::li[1]');
    const subjects = new Set(await li.locator('.thread-mails .subject').allInnerTexts());
    const count = await li.locator('.thread-mails .mail-row').count();
    await head.click();
    if (inbox.filter((m) => subjects.has(m.subject ?? '')).length === count) return { head, subjects, count };
  }
  throw new Error('no conversation whose mails the server view tells apart');
}

/** Searches for an Inbox mail whose subject no other Inbox mail has or contains: the mail and its row in the results. */
async function searchUniqueInboxMail(page: Page, searchbox: string): Promise<{ target: ServerMail; subject: string; hit: Locator }> {
  const inbox = await serverMails(page);
  const target = inbox.find((m) => m.subject && inbox.filter((x) => x.subject?.includes(m.subject as string)).length === 1) as ServerMail;
  const subject = target.subject as string;
  await page.getByRole('searchbox', { name: searchbox }).fill(subject);
  await page.getByRole('searchbox', { name: searchbox }).press('Enter');
  // Another folder may hold a mail of the same subject: the hit is the Inbox's (its link names the folder).
  const inboxId = (await readLocalStore(page)).folders.find((f) => f.type === 2)?.serverId as string;
  const hit = page
    .locator('.search-results [data-row]')
    .filter({ has: page.locator(`a[href*="/${encodeURIComponent(inboxId)}/"]`) })
    .filter({ has: page.locator('.subject', { hasText: exactly(subject) }) })
    .first();
  await hit.waitFor();
  return { target, subject, hit };
}

/** The mails of an opened conversation (its head clicked) and a test for the server's copy of each, told apart by date. */
async function openedMails(head: Locator, subjects: ReadonlySet<string>) {
  await head.click();
  const mails = head.locator('xpath=ancestor::li[1]').locator('.thread-mails li');
  await mails.first().waitFor();
  const dateOf = async (i: number) => Date.parse((await mails.nth(i).locator('time').getAttribute('datetime')) ?? '');
  const matches = (when: number) => (m: ServerMail) => subjects.has(m.subject ?? '') && Math.abs((m.date ?? 0) - when) < 1000;
  return { mails, dateOf, matches };
}

const focusedText = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? '');

describe('touch habits in the conversations and the search results', () => {
  let server: BuiltServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startBuiltServer(resolve(ROOT, 'test-results/e2e-dist-touch-lists'));
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a swipe on a conversation deletes all its mails; one Undo brings them all back as they were', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin);
    const trash = await folderNamed(page, 4);
    const heads = await groupByConversation(page, 'Group by conversation');
    const { head, subjects, count } = await conversation(page, heads);
    const before = states(await serverMails(page), subjects);
    // Deleted Items may hold older mails of the same subjects: counted from what it holds now.
    const inTrash = states(await serverMails(page, trash), subjects).length;
    const storedTrash = (await storedIn(page, 4, subjects)).length;
    expect(await storedIn(page, 2, subjects)).toHaveLength(count);
    // A pull at the top of the conversations shows the same indicator as the plain list, and refreshes.
    const top = await boxOf(heads.first());
    const from = { x: top.x + top.width / 2, y: top.y + 10 };
    await touchAt(touch, 'touchStart', from);
    for (let i = 1; i <= 16; i++) await touchAt(touch, 'touchMove', { x: from.x, y: from.y + (260 * i) / 16 });
    expect(await page.locator('.pull.armed').innerText()).toBe('Release to refresh');
    await touchAt(touch, 'touchEnd');
    await page.locator('.pull').waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Refreshing…' }).waitFor({ state: 'detached' });
    const newest = await head.locator('.subject').innerText();
    const headOf = () => page.locator('button.thread-head').filter({ has: page.locator('.subject', { hasText: exactly(newest) }) });

    await swipeOver(page, touch, await boxOf(head), 'left');
    await page
      .getByRole('status')
      .filter({ hasText: `Deleted ${count} mails` })
      .waitFor();
    await expect.poll(() => headOf().count()).toBe(0);
    // The offer stays while the keyboard is on it (UndoBar.tsx), however long the checks below take.
    await page.getByRole('button', { name: 'Undo' }).focus();
    // The server holds every mail of the conversation in Deleted Items, none left in the Inbox; so does the store.
    await serverUntil(page, trash, (mails) => states(mails, subjects).length === inTrash + count);
    expect(states(await serverMails(page), subjects)).toEqual([]);
    await expect.poll(async () => (await storedIn(page, 4, subjects)).length).toBe(storedTrash + count);
    expect(await storedIn(page, 2, subjects)).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'touch-conversation-undo.png') });

    await page.getByRole('button', { name: 'Undo' }).click();
    await headOf().waitFor();
    const back = await serverUntil(page, 'Inbox', (mails) => states(mails, subjects).length === count);
    expect(states(back, subjects)).toEqual(before);
    await serverUntil(page, trash, (mails) => states(mails, subjects).length === inTrash);
    await expect.poll(() => storedIn(page, 2, subjects)).toHaveLength(count);
    expect(await storedIn(page, 4, subjects)).toHaveLength(storedTrash);
    await context.close();
  }, 150_000);

  it('ja: inside an opened conversation a swipe marks one mail; a long press selects the whole conversation', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin, 'ja-JP');
    const heads = await groupByConversation(page, 'スレッドでまとめる');
    const { head, subjects, count } = await conversation(page, heads);
    await head.click();
    const mails = head.locator('xpath=ancestor::li[1]').locator('.thread-mails li');
    const one = mails.first();
    // The mails of a conversation may share their subject: the swiped one is told apart by its date.
    const when = Date.parse((await one.locator('time').getAttribute('datetime')) ?? '');
    const isOne = (m: ServerMail) => subjects.has(m.subject ?? '') && Math.abs((m.date ?? 0) - when) < 1000;
    const inbox = await serverMails(page);
    const others = (mails: readonly ServerMail[]) =>
      mails.filter((m) => subjects.has(m.subject ?? '') && !isOne(m)).map((m) => `${m.id}|${m.read}|${m.flagged}`);
    expect(inbox.filter(isOne)).toHaveLength(1);
    const wasRead = !((await one.locator('.mail-row').getAttribute('class')) ?? '').includes('unread');
    expect(inbox.find(isOne)?.read).toBe(wasRead);

    await swipeOver(page, touch, await boxOf(one), 'right');
    await serverUntil(page, 'Inbox', (m) => m.find(isOne)?.read === !wasRead);
    await expect.poll(async () => ((await one.locator('.mail-row').getAttribute('class')) ?? '').includes('unread')).toBe(wasRead);
    // The conversation's other mails are as they were.
    expect(others(await serverMails(page))).toEqual(others(inbox));
    expect(await englishOnScreen(page, englishPatterns())).toEqual([]);

    await longPress(page, touch, await boxOf(head).then((b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 })));
    const bar = page.getByRole('toolbar', { name: '選択したメール' });
    await bar.getByRole('heading', { name: `${count} 件を選択中` }).waitFor();
    expect(await head.getAttribute('aria-pressed')).toBe('true');
    // A tap while selecting drops the conversation instead of opening it.
    await head.tap();
    await bar.getByRole('heading', { name: '0 件を選択中' }).waitFor();
    expect(await englishOnScreen(page, englishPatterns())).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'touch-conversation-select-ja.png') });
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    await context.close();
  }, 150_000);

  it('in an opened conversation a long press selects a mail, a tap adds another, and the bar moves the two; in the search results it deletes hits of two folders, and Undo puts each back', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin);
    const target = await folderNamed(page, 12);
    const heads = await groupByConversation(page, 'Group by conversation');
    const { head, subjects } = await conversation(page, heads);
    const { mails, dateOf, matches } = await openedMails(head, subjects);
    const [first, second] = [matches(await dateOf(0)), matches(await dateOf(1))];
    const subject = await mails.nth(0).locator('.subject').innerText();
    const picked = (m: ServerMail) => first(m) || second(m);
    const before = (await serverMails(page)).filter(picked).map((m) => `${m.subject}|${m.read}|${m.flagged}`);
    expect(before).toHaveLength(2);
    const inTarget = (await serverMails(page, target)).filter(picked).length;

    await longPress(page, touch, await boxOf(mails.nth(0)).then((b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 })));
    const bar = page.getByRole('toolbar', { name: 'Selected messages' });
    await bar.getByRole('heading', { name: '1 selected' }).waitFor();
    await mails.nth(1).getByRole('button').tap();
    await bar.getByRole('heading', { name: '2 selected' }).waitFor();
    // Each mail row says whether it is picked; the conversation's head is picked only with all its mails.
    expect(await mails.getByRole('button', { pressed: true }).count()).toBe(2);
    expect(await head.getAttribute('aria-pressed')).toBe((await mails.count()) === 2 ? 'true' : 'false');
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'touch-conversation-pick-two.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeProblems(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });

    await bar.getByRole('button', { name: 'Move to…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: target, exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Moved 2 mails to ${target}` })
      .waitFor();
    await bar.waitFor({ state: 'detached' });
    const moved = await serverUntil(page, target, (m) => m.filter(picked).length === inTarget + 2);
    expect(moved.filter(picked).map((m) => `${m.subject}|${m.read}|${m.flagged}`)).toEqual(expect.arrayContaining(before));
    expect((await serverMails(page)).filter(picked)).toEqual([]);

    // The search results mix folders: a moved mail (now in the target) and one still in the Inbox, selected
    // together and deleted, come back each to its own folder with one Undo.
    const trash = await folderNamed(page, 4);
    await page.getByRole('searchbox', { name: 'Search mail' }).fill(subject);
    await page.getByRole('searchbox', { name: 'Search mail' }).press('Enter');
    const { folders } = await readLocalStore(page);
    const hitIn = (type: number, name?: string) => {
      const id = folders.find((f) => f.type === type && (!name || (f as { displayName?: string }).displayName === name))?.serverId;
      return page.locator('.search-results [data-row]').filter({ has: page.locator(`a[href*="/${encodeURIComponent(id ?? '-')}/"]`) });
    };
    const [moved0, inInbox] = [hitIn(12, target).first(), hitIn(2).first()];
    await moved0.waitFor();
    await inInbox.waitFor();
    const dateIn = async (hit: Locator) => matches(Date.parse((await hit.locator('time').getAttribute('datetime')) ?? ''));
    const [fromTarget, fromInbox] = [await dateIn(moved0), await dateIn(inInbox)];
    const both = (m: ServerMail) => fromTarget(m) || fromInbox(m);
    const trashed = (await serverMails(page, trash)).filter(both).length;
    await longPress(page, touch, await boxOf(moved0).then((b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 })));
    await bar.getByRole('heading', { name: '1 selected' }).waitFor();
    await inInbox.getByRole('button').tap();
    await bar.getByRole('heading', { name: '2 selected' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await bar.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted 2 mails' }).waitFor();
    await page.getByRole('button', { name: 'Undo' }).focus();
    await serverUntil(page, trash, (m) => m.filter(both).length === trashed + 2);
    expect((await serverMails(page, target)).filter(fromTarget)).toEqual([]);
    expect((await serverMails(page)).filter(fromInbox)).toEqual([]);
    await page.getByRole('button', { name: 'Undo' }).click();
    await serverUntil(page, target, (m) => m.filter(fromTarget).length === 1);
    await serverUntil(page, 'Inbox', (m) => m.filter(fromInbox).length === 1);
    await serverUntil(page, trash, (m) => m.filter(both).length === trashed);
    await context.close();
  }, 150_000);

  it('the keyboard in the conversations: arrows move the focus, Space selects, Delete deletes the focused mail and Undo brings it back', async () => {
    const { context, page } = await demoPhone(browser, server.origin);
    const trash = await folderNamed(page, 4);
    const heads = await groupByConversation(page, 'Group by conversation');
    const { head, subjects } = await conversation(page, heads);
    const { mails, dateOf, matches } = await openedMails(head, subjects);
    const isOne = matches(await dateOf(0));
    const one = (await serverMails(page)).find(isOne) as ServerMail;
    expect(one).toBeTruthy();
    const inTrash = (await serverMails(page, trash)).filter(isOne).length;
    const row = mails.nth(0).getByRole('link');
    const name = await row.innerText();

    // The head has the focus (it was clicked); the arrow goes to the conversation's first mail, a link named by what it shows.
    await page.keyboard.press('ArrowDown');
    expect(await focusedText(page)).toBe(name);
    expect(
      await page.getByRole('link', { name: one.subject, exact: false }).evaluateAll((ls) => ls.some((l) => l === document.activeElement)),
    ).toBe(true);
    // One tab stop in the list: the focused row.
    expect(await page.locator('.thread-list [tabindex="0"]').count()).toBe(1);
    expect(await row.getAttribute('tabindex')).toBe('0');
    await page.screenshot({ path: resolve(SHOTS, 'touch-conversation-keyboard.png') });
    await page.keyboard.press('ArrowUp');
    expect(await head.evaluate((h) => h === document.activeElement)).toBe(true);
    await page.keyboard.press('ArrowDown');

    // Space picks the focused mail and the focus stays on it; Escape leaves.
    await page.keyboard.press(' ');
    const bar = page.getByRole('toolbar', { name: 'Selected messages' });
    await bar.getByRole('heading', { name: '1 selected' }).waitFor();
    expect(await mails.nth(0).getByRole('button').getAttribute('aria-pressed')).toBe('true');
    expect(await focusedText(page)).toBe(name);
    expect(await axeProblems(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    expect(await focusedText(page)).toBe(name);

    await page.keyboard.press('Delete');
    await page.getByRole('status').filter({ hasText: 'Deleted 1 mail' }).waitFor();
    // The focus goes on to the row now in its place, not to the page.
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('row-focus') ?? false)).toBe(true);
    await page.getByRole('button', { name: 'Undo' }).focus();
    await serverUntil(page, trash, (m) => m.filter(isOne).length === inTrash + 1);
    expect((await serverMails(page)).filter(isOne)).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);

    await page.getByRole('button', { name: 'Undo' }).click();
    const back = await serverUntil(page, 'Inbox', (m) => m.some(isOne));
    expect(back.filter(isOne).map((m) => [m.subject, m.read, m.flagged])).toEqual([[one.subject, one.read, one.flagged]]);
    await serverUntil(page, trash, (m) => m.filter(isOne).length === inTrash);
    await context.close();
  }, 150_000);

  it('search results: Delete deletes the focused hit and Undo brings it back; a long press selects a hit', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin);
    const trash = await folderNamed(page, 4);
    const { target, subject, hit } = await searchUniqueInboxMail(page, 'Search mail');
    const inTrash = (await serverMails(page, trash)).filter((m) => m.subject === subject).length;
    const link = hit.getByRole('link');
    await link.focus();
    expect(await page.locator('.search-results [tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('Delete');
    await page.getByRole('status').filter({ hasText: 'Deleted 1 mail' }).waitFor();
    await page.getByRole('button', { name: 'Undo' }).focus();
    await serverUntil(page, trash, (m) => m.filter((x) => x.subject === subject).length === inTrash + 1);
    expect((await serverMails(page)).some((m) => m.subject === subject)).toBe(false);
    expect(await storedIn(page, 2, new Set([subject]))).toEqual([]);

    await page.getByRole('button', { name: 'Undo' }).click();
    const back = await serverUntil(page, 'Inbox', (m) => m.some((x) => x.subject === subject));
    expect(back.filter((m) => m.subject === subject).map((m) => [m.read, m.flagged])).toEqual([[target.read, target.flagged]]);
    await serverUntil(page, trash, (m) => m.filter((x) => x.subject === subject).length === inTrash);

    await hit.waitFor();
    await longPress(page, touch, await boxOf(hit).then((b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 })));
    const bar = page.getByRole('toolbar', { name: 'Selected messages' });
    await bar.getByRole('heading', { name: '1 selected' }).waitFor();
    expect(await hit.getByRole('button').getAttribute('aria-pressed')).toBe('true');
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'touch-search-select.png') });
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    await context.close();
  }, 150_000);

  for (const [locale, words] of [
    ['en-US', { search: 'Search mail', local: 'On this device', deleted: 'Deleted 1 mail', undo: 'Undo' }],
    ['ja-JP', { search: 'メールを検索', local: 'この端末', deleted: '1 件のメールを削除しました', undo: '元に戻す' }],
  ] as const) {
    it(`search results (${locale}): a stored hit swipes to Deleted Items and Undo puts it back`, async () => {
      const { context, page, touch } = await demoPhone(browser, server.origin, locale);
      const trash = await folderNamed(page, 4);
      const { target, subject, hit } = await searchUniqueInboxMail(page, words.search);
      await page.getByRole('heading', { name: words.local }).waitFor();
      const inTrash = (await serverMails(page, trash)).filter((m) => m.subject === subject).length;

      await swipeOver(page, touch, await boxOf(hit), 'left');
      await page.getByRole('status').filter({ hasText: words.deleted }).waitFor();
      await page.getByRole('button', { name: words.undo }).focus();
      await serverUntil(page, trash, (mails) => mails.filter((m) => m.subject === subject).length === inTrash + 1);
      expect((await serverMails(page)).some((m) => m.subject === subject)).toBe(false);
      expect(await storedIn(page, 2, new Set([subject]))).toEqual([]);
      expect(await axeProblems(page)).toEqual([]);
      if (locale === 'ja-JP') expect(await englishOnScreen(page, englishPatterns())).toEqual([]);

      await page.getByRole('button', { name: words.undo }).click();
      const back = await serverUntil(page, 'Inbox', (mails) => mails.some((m) => m.subject === subject));
      expect(back.filter((m) => m.subject === subject).map((m) => [m.read, m.flagged])).toEqual([[target.read, target.flagged]]);
      await serverUntil(page, trash, (mails) => mails.filter((m) => m.subject === subject).length === inTrash);
      await expect.poll(() => storedIn(page, 2, new Set([subject]))).toEqual([subject]);
      await context.close();
    }, 150_000);
  }

  it('search results: a hit only on the server (its folder not on the device) does not swipe, and the server keeps it', async () => {
    const { context, page, touch } = await demoPhone(browser, server.origin);
    // Newsletters off in Settings: its mails leave the device, the server search still finds them.
    await page.evaluate(() => (location.hash = '#/settings'));
    await page.getByText('Folders to sync').click();
    await page.getByRole('checkbox', { name: 'Newsletters', exact: true }).uncheck();
    const newslettersId = (await readLocalStore(page)).folders.find(
      (f) => (f as { displayName?: string }).displayName === 'Newsletters',
    )?.serverId;
    await expect.poll(async () => (await readLocalStore(page)).items.filter((i) => i.folderId === newslettersId).length).toBe(0);
    const letters = await serverMails(page, 'Newsletters');
    expect(letters.length).toBeGreaterThan(0);
    const target = letters.find(
      (m) => m.subject && letters.filter((x) => x.subject?.includes(m.subject as string)).length === 1,
    ) as ServerMail;
    expect(target?.subject).toBeTruthy();
    await page.evaluate(() => (location.hash = '#/mail'));
    await page.getByRole('searchbox', { name: 'Search mail' }).fill(target.subject as string);
    await page.getByRole('searchbox', { name: 'Search mail' }).press('Enter');
    await page.getByRole('heading', { name: 'On the server' }).waitFor({ timeout: 30_000 });
    const hit = page
      .locator('.search-results li')
      .filter({ has: page.locator('.subject', { hasText: exactly(target.subject as string) }) });
    await hit.first().waitFor();
    expect(await hit.locator('[data-row]').count()).toBe(0);

    await swipeOver(page, touch, await boxOf(hit.first()), 'left');
    expect(await page.locator('.swipe-reveal').count()).toBe(0);
    expect(await page.getByRole('status').filter({ hasText: 'Deleted' }).count()).toBe(0);
    expect(
      (await serverMails(page, 'Newsletters')).filter((m) => m.subject === target.subject).map((m) => [m.id, m.read, m.flagged]),
    ).toEqual([[target.id, target.read, target.flagged]]);
    await context.close();
  }, 150_000);
});
